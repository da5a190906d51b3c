"""Record the final object after streaming it (the cookbook's "Record Final Object after Streaming
Object"): ``stream_object``'s ``on_finish`` receives the validated object, or ``None`` and the error
when the model's JSON does not match the schema.

The first call gets a valid object, the second (offline) a reply missing a field. With OPENAI_API_KEY
set this calls the real OpenAI API; without it a loopback server streams scripted JSON.
Run: python examples/record_final_object_stream_object.py
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from contextlib import ExitStack
from typing import Any

from pydantic import BaseModel

from pipeline import NoObjectGeneratedError, stream_object
from pipeline.objects import ObjectFinishEvent
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["Recipe", "main"]


class Recipe(BaseModel):
    name: str
    ingredients: list[str]


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.stream_reply(
            fake_openai.stream_chunks([json.dumps({"name": "Soup", "ingredients": ["leek"]})])
        ),
        fake_openai.stream_reply(fake_openai.stream_chunks([json.dumps({"name": "Soup"})])),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> list[ObjectFinishEvent[Any]]:
    events: list[ObjectFinishEvent[Any]] = []

    def on_finish(event: ObjectFinishEvent[Any]) -> None:
        events.append(event)
        if event.object is None:
            print(f"no object: {type(event.error).__name__}: {str(event.error).splitlines()[0]}")
        else:
            print(f"final object: {event.object.model_dump_json()}")  # e.g. save it to your database

    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")
        for _ in range(2):
            async with stream_object(
                model, schema=Recipe, prompt="Generate a soup recipe.", on_finish=on_finish
            ) as result:
                async for _partial in result.partial_object_stream:
                    pass
                with contextlib.suppress(NoObjectGeneratedError):  # on_finish has seen the error already
                    await result.object
    return events


if __name__ == "__main__":
    asyncio.run(main())
