"""Generate an object: a lasagna recipe, validated against a pydantic schema.

The schema goes to the model as a JSON-schema response format (OpenAI's structured outputs). With
OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server on 127.0.0.1 answers
with a scripted JSON recipe. Run: python examples/generate_object.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import ExitStack

from pydantic import BaseModel

from pipeline.objects import generate_object
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["RECIPE", "Ingredient", "Recipe", "main"]


class Ingredient(BaseModel):
    name: str
    amount: str


class Recipe(BaseModel):
    name: str
    ingredients: list[Ingredient]
    steps: list[str]


RECIPE = {
    "name": "Lasagna",
    "ingredients": [
        {"name": "lasagna sheets", "amount": "250 g"},
        {"name": "tomato sauce", "amount": "500 ml"},
        {"name": "mozzarella", "amount": "200 g"},
    ],
    "steps": ["Layer sheets, sauce and cheese.", "Bake at 180 °C for 40 minutes."],
}


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted answer."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(fake_openai.text_reply(json.dumps(RECIPE)))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> Recipe:
    with ExitStack() as stack:
        result = await generate_object(
            make_provider(stack).chat("gpt-4o-mini"),
            schema=Recipe,
            schema_name="recipe",
            prompt="Generate a lasagna recipe.",
        )
    recipe = result.object
    print(f"{recipe.name}: {len(recipe.ingredients)} ingredients, {len(recipe.steps)} steps")
    for ingredient in recipe.ingredients:
        print(f"  - {ingredient.amount} {ingredient.name}")
    print(f"tokens: {result.usage.total_tokens}")
    return recipe


if __name__ == "__main__":
    asyncio.run(main())
