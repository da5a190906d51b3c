"""Call tools in multiple steps: weather in Fahrenheit, then a conversion tool, then the answer.

Each step is one model call through the whole middleware chain; the loop ends when the model answers
without tool calls (or after max_steps). With OPENAI_API_KEY set, this calls the real OpenAI API;
without it, a loopback server answers with three scripted steps.
Run: python examples/call_tools_multiple_steps.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import GenerateTextResult, generate_text, tool
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["convert_fahrenheit_to_celsius", "main", "weather"]


@tool
def weather(location: str) -> dict[str, object]:
    """Get the weather in a location (in Fahrenheit)."""
    return {"location": location, "temperature": 68}


@tool
def convert_fahrenheit_to_celsius(temperature: float) -> dict[str, float]:
    """Convert a temperature from Fahrenheit to Celsius."""
    return {"celsius": round((temperature - 32) * 5 / 9, 1)}


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted steps."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.tool_call_reply("weather", {"location": "San Francisco"}, call_id="call_1"),
        fake_openai.tool_call_reply("convert_fahrenheit_to_celsius", {"temperature": 68}, call_id="call_2"),
        fake_openai.text_reply("It is 20 °C in San Francisco."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        result = await generate_text(
            make_provider(stack).chat("gpt-4o-mini"),
            tools=[weather, convert_fahrenheit_to_celsius],
            max_steps=5,
            prompt="What is the weather in San Francisco in Celsius?",
        )
    for number, step in enumerate(result.steps, start=1):
        calls = ", ".join(f"{call.tool_name}({call.input})" for call in step.tool_calls) or "-"
        print(f"step {number}: tool calls {calls}; finish reason {step.finish_reason}")
    print(f"answer: {result.text}")
    print(f"total tokens over {len(result.steps)} steps: {result.usage.total_tokens}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
