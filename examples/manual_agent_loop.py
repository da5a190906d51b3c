"""A manual agent loop: you run the tools yourself and decide when to call the model again.

The tool has no execute function, so generate_text returns its calls; the loop runs them, appends the
assistant turn and the tool results to the messages, and calls the model until it stops asking for
tools. With OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server answers
with a scripted tool call and then the final text. Run: python examples/manual_agent_loop.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pydantic import BaseModel

from pipeline import (
    JsonOutput,
    Message,
    ToolMessage,
    ToolResultPart,
    UserMessage,
    generate_text,
    tool_from_model,
)
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["WeatherInput", "get_weather", "main"]


class WeatherInput(BaseModel):
    """Get the weather in a location (in Celsius)."""

    location: str


weather_tool = tool_from_model(WeatherInput, name="weather")  # no execute: we run it in the loop


def get_weather(location: str) -> dict[str, object]:
    return {"location": location, "temperature": 18, "conditions": "cloudy"}


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted answers."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.tool_call_reply("weather", {"location": "Berlin"}),
        fake_openai.text_reply("It is 18 °C and cloudy in Berlin."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> list[Message]:
    messages: list[Message] = [UserMessage(content="What is the weather in Berlin?")]
    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")
        while True:
            result = await generate_text(model, messages=messages, tools=[weather_tool])
            messages.extend(result.response_messages)
            if result.finish_reason != "tool-calls":
                break
            results = []
            for call in result.tool_calls:
                print(f"running {call.tool_name}({call.input})")
                output = get_weather(WeatherInput.model_validate_json(call.input).location)
                results.append(
                    ToolResultPart(
                        tool_call_id=call.tool_call_id,
                        tool_name=call.tool_name,
                        output=JsonOutput(value=output),
                    )
                )
            messages.append(ToolMessage(content=results))
    print(f"answer: {result.text}")
    print(f"conversation: {[message.role for message in messages]}")
    return messages


if __name__ == "__main__":
    asyncio.run(main())
