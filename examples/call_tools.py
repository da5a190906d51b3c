"""Call tools: the model asks for the weather tool, which runs, and its result comes back.

With OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server on 127.0.0.1
answers with a scripted tool call. Run: python examples/call_tools.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import GenerateTextResult, generate_text, tool
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["main", "weather"]


@tool
def weather(location: str) -> dict[str, object]:
    """Get the weather in a location (in Fahrenheit)."""
    return {"location": location, "temperature": 72}


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted answer."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(fake_openai.tool_call_reply("weather", {"location": "San Francisco"}))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        result = await generate_text(
            make_provider(stack).chat("gpt-4o-mini"),
            tools=[weather],
            prompt="What is the weather in San Francisco?",
        )
    for call in result.tool_calls:
        print(f"tool call:   {call.tool_name}({call.input})")
    for tool_result in result.tool_results:
        print(f"tool result: {tool_result.tool_name} -> {tool_result.result}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
