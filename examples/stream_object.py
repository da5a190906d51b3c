"""Stream an object: watch a recipe fill in as the model writes its JSON, then get the validated object.

Each partial object differs from the one before (fields and list items appear as they arrive). With
OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server on 127.0.0.1 streams
a scripted JSON recipe in small chunks. Run: python examples/stream_object.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import ExitStack
from typing import Any

from pydantic import BaseModel

from pipeline.objects import stream_object
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["Recipe", "main"]


class Recipe(BaseModel):
    name: str
    ingredients: list[str]
    steps: list[str]


SCRIPTED_JSON = json.dumps(
    {
        "name": "Lasagna",
        "ingredients": ["lasagna sheets", "tomato sauce", "mozzarella"],
        "steps": ["Layer everything.", "Bake for 40 minutes."],
    }
)


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server streaming the scripted JSON."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    chunks = [SCRIPTED_JSON[start : start + 12] for start in range(0, len(SCRIPTED_JSON), 12)]
    server.enqueue(fake_openai.stream_reply(fake_openai.stream_chunks(chunks)))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> tuple[list[dict[str, Any]], Recipe]:
    with ExitStack() as stack:
        async with stream_object(
            make_provider(stack).chat("gpt-4o-mini"), schema=Recipe, prompt="Generate a lasagna recipe."
        ) as result:
            partials = []
            async for partial in result.partial_object_stream:
                partials.append(partial)
                print(partial)
            recipe = await result.object()
    print(f"final: {recipe!r}")
    return partials, recipe


if __name__ == "__main__":
    asyncio.run(main())
