"""Generate an object with a reasoning model (the cookbook's "Generate Object with a Reasoning Model").

Reasoning models such as DeepSeek R1 write their thoughts inside ``<think>`` tags before the JSON.
``ExtractReasoningMiddleware`` moves them into reasoning parts, so ``generate_object`` parses only the
answer and ``result.reasoning_text`` keeps the thinking. With DEEPSEEK_API_KEY set this calls
DeepSeek's reasoner through its OpenAI-compatible API; without it a loopback server answers.
Run: python examples/generate_object_reasoning_model.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import ExitStack

from pydantic import BaseModel

from middleware import ExtractReasoningMiddleware
from pipeline import GenerateObjectResult, LanguageModel, generate_object, wrap_model
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["Recipe", "main"]


class Recipe(BaseModel):
    name: str
    ingredients: list[str]
    steps: list[str]


SCRIPTED = (
    "<think>A classic lasagna needs pasta, sauce and cheese; keep it to two steps.</think>"
    + json.dumps(
        {
            "name": "Lasagna",
            "ingredients": ["pasta", "tomato sauce", "mozzarella"],
            "steps": ["Layer.", "Bake."],
        }
    )
)


def make_model(stack: ExitStack) -> LanguageModel:
    if os.environ.get("DEEPSEEK_API_KEY"):
        provider = OpenAIProvider(
            base_url="https://api.deepseek.com/v1", api_key=os.environ["DEEPSEEK_API_KEY"]
        )
        model: LanguageModel = provider.chat("deepseek-reasoner")
    else:
        server = stack.enter_context(LoopbackServer())
        server.enqueue(fake_openai.text_reply(SCRIPTED))
        print("(no DEEPSEEK_API_KEY: answering from a loopback OpenAI-compatible server)")
        model = OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback").chat("deepseek-reasoner")
    return wrap_model(model, ExtractReasoningMiddleware(tag_name="think"))


async def main() -> GenerateObjectResult[Recipe]:
    with ExitStack() as stack:
        result = await generate_object(
            make_model(stack), schema=Recipe, prompt="Generate a lasagna recipe as JSON."
        )
    print(f"reasoning: {result.reasoning_text}")
    print(f"object: {result.object!r}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
