"""Repair JSON: fix a malformed model answer before it is validated.

Models sometimes add trailing commas or cut their JSON short. generate_object strips code fences and,
by default, repairs broken JSON with the json-repair package (the "repair" extra); pass repair_text to
use your own fix. It gets the raw text and the error and returns the repaired text (or None to give
up, which raises NoObjectGeneratedError carrying the raw text). With OPENAI_API_KEY set, this calls
the real OpenAI API; without it, a loopback server on 127.0.0.1 answers with scripted broken JSON.
Run: python examples/repair_json.py
"""

from __future__ import annotations

import asyncio
import os
import re
from contextlib import ExitStack

from pydantic import BaseModel

from pipeline.objects import generate_object
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["Recipe", "main", "remove_trailing_commas"]


class Recipe(BaseModel):
    name: str
    ingredients: list[str]


def remove_trailing_commas(text: str, error: Exception) -> str:
    """Our repair: drop the commas that JSON does not allow before a closing bracket or brace."""
    print(f"repairing after: {type(error).__name__}")
    return re.sub(r",\s*([}\]])", r"\1", text)


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted broken answers."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.text_reply('{"name": "Lasagna", "ingredients": ["pasta", "tomato sauce", "cheese",],}'),
        fake_openai.text_reply('```json\n{"name": "Pizza", "ingredients": ["dough", "tomato'),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> list[Recipe]:
    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")
        custom = await generate_object(
            model, schema=Recipe, prompt="A lasagna recipe.", repair_text=remove_trailing_commas
        )
        print(f"raw text: {custom.text}")
        print(f"repaired: {custom.object!r}")
        default = await generate_object(model, schema=Recipe, prompt="A pizza recipe.")
        print(f"raw text: {default.text!r}")
        print(f"repaired by json-repair: {default.object!r}")
    return [custom.object, default.object]


if __name__ == "__main__":
    asyncio.run(main())
