"""Record token usage after streaming an object (the cookbook's "Record Token Usage After Streaming
Object"): ``stream_object``'s ``on_finish`` receives the usage once the stream has been read.

With OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server streams scripted
JSON with its usage. Run: python examples/record_token_usage_stream_object.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import ExitStack
from typing import Any

from pydantic import BaseModel

from pipeline import Usage, stream_object
from pipeline.objects import ObjectFinishEvent
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["Recipe", "main"]


class Recipe(BaseModel):
    name: str
    ingredients: list[str]


SCRIPTED = json.dumps({"name": "Pancakes", "ingredients": ["flour", "milk", "eggs"]})


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    chunks = [SCRIPTED[start : start + 10] for start in range(0, len(SCRIPTED), 10)]
    usage = fake_openai.usage(prompt=42, completion=17)
    server.enqueue(fake_openai.stream_reply(fake_openai.stream_chunks(chunks, usage_body=usage)))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> Usage:
    recorded: list[Usage] = []

    def on_finish(event: ObjectFinishEvent[Any]) -> None:
        recorded.append(event.usage)  # e.g. write it to your metering store
        print(
            f"usage: {event.usage.input_tokens} input + {event.usage.output_tokens} output "
            f"= {event.usage.total_tokens} tokens"
        )

    with ExitStack() as stack:
        async with stream_object(
            make_provider(stack).chat("gpt-4o-mini"),
            schema=Recipe,
            prompt="Generate a pancake recipe.",
            on_finish=on_finish,
        ) as result:
            async for partial in result.partial_object_stream:
                print(partial)
    return recorded[0]


if __name__ == "__main__":
    asyncio.run(main())
