"""Stream an object from an image prompt (the cookbook's "Stream Object with Image Prompt"): list the
people in a photo as structured data, watching the list grow.

The image goes inline as bytes. With OPENAI_API_KEY set this calls the real OpenAI API; without it a
loopback server streams scripted JSON. Run: python examples/stream_object_image_prompt.py
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from contextlib import ExitStack
from typing import Any

from pydantic import BaseModel

from pipeline import stream_object
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["PHOTO", "People", "Person", "main"]

PHOTO = base64.b64decode(  # a 1x1 PNG standing in for a photo (use open("team.jpg", "rb").read())
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Person(BaseModel):
    description: str
    clothing: str


class People(BaseModel):
    people: list[Person]


SCRIPTED = json.dumps(
    {
        "people": [
            {"description": "a woman with short hair", "clothing": "a red jacket"},
            {"description": "a man with glasses", "clothing": "a blue shirt"},
        ]
    }
)


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    chunks = [SCRIPTED[start : start + 16] for start in range(0, len(SCRIPTED), 16)]
    server.enqueue(fake_openai.stream_reply(fake_openai.stream_chunks(chunks)))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> tuple[list[Any], People]:
    with ExitStack() as stack:
        async with stream_object(
            make_provider(stack).chat("gpt-4o-mini"),
            schema=People,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Describe the people in this photo and what they wear."},
                        {"type": "image", "image": PHOTO, "media_type": "image/png"},
                    ],
                }
            ],
        ) as result:
            partials = [partial async for partial in result.partial_object_stream]
            people = await result.object
    counts = [len(partial.get("people", [])) for partial in partials]
    print(f"{len(partials)} partial objects; people so far, as they arrived: {counts}")
    for person in people.people:
        print(f"- {person.description}, wearing {person.clothing}")
    return partials, people


if __name__ == "__main__":
    asyncio.run(main())
