"""Call tools in parallel: the model asks for the weather in two cities at once; both calls run together.

With OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server on 127.0.0.1
answers with two scripted tool calls in one step, then the final text.
Run: python examples/call_tools_in_parallel.py
"""

from __future__ import annotations

import asyncio
import os
import time
from contextlib import ExitStack

import anyio

from pipeline import GenerateTextResult, generate_text, tool
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["main", "weather"]


@tool
async def weather(location: str) -> dict[str, object]:
    """Get the weather in a location (in Fahrenheit)."""
    await anyio.sleep(0.2)  # a slow weather service
    return {"location": location, "temperature": 64 if location == "Paris" else 75}


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted answers."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    two_calls = fake_openai.completion_body(
        None,
        tool_calls=[
            ("call_1", "weather", {"location": "Paris"}),
            ("call_2", "weather", {"location": "New York"}),
        ],
        finish_reason="tool_calls",
    )
    server.enqueue(JsonReply(two_calls), fake_openai.text_reply("Paris is 64°F and New York is 75°F."))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        started = time.perf_counter()
        result = await generate_text(
            make_provider(stack).chat("gpt-4o-mini"),
            tools=[weather],
            max_steps=2,
            prompt="What is the weather in Paris and in New York?",
        )
    for tool_result in result.tool_results:
        print(f"tool result: {tool_result.result}")
    print(f"answer: {result.text}")
    print(f"two 0.2 s tool calls took {time.perf_counter() - started:.1f} s in all")
    return result


if __name__ == "__main__":
    asyncio.run(main())
