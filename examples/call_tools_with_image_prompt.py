"""Call tools with an image prompt (the cookbook's "Call Tools with Image Prompt"): the model looks at a
photo of a meal and logs what it sees through a tool.

The image is sent inline as bytes; the tool runs when the model calls it, and its result goes back to
the model for the final answer. With OPENAI_API_KEY set this calls the real OpenAI API; without it a
loopback server answers. Run: python examples/call_tools_with_image_prompt.py
"""

from __future__ import annotations

import asyncio
import base64
import os
from contextlib import ExitStack

from pipeline import GenerateTextResult, generate_text, tool
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["MEAL_PHOTO", "log_food", "main"]

MEAL_PHOTO = base64.b64decode(  # a 1x1 PNG standing in for a photo (use open("meal.jpg", "rb").read())
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
FOOD_LOG: list[dict[str, object]] = []


@tool
def log_food(name: str, calories: int) -> str:
    """Log a food item with its estimated calories."""
    FOOD_LOG.append({"name": name, "calories": calories})
    return f"Logged {name} ({calories} kcal)."


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.tool_call_reply("log_food", {"name": "margherita pizza", "calories": 800}),
        fake_openai.text_reply("I logged a margherita pizza, about 800 kcal."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        result = await generate_text(
            make_provider(stack).chat("gpt-4o-mini"),
            tools=[log_food],
            max_steps=3,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Log what I ate, with an estimate of its calories."},
                        {"type": "image", "image": MEAL_PHOTO, "media_type": "image/png"},
                    ],
                }
            ],
        )
    print(f"food log: {FOOD_LOG}")
    print(f"answer: {result.text}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
