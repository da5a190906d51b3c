"""Stream text with an image prompt (the cookbook's "Stream Text with Image Prompt"): describe an image
given as bytes, streaming the description.

With OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server streams a
scripted description. Run: python examples/stream_text_image_prompt.py
"""

from __future__ import annotations

import asyncio
import base64
import os
from contextlib import ExitStack

from pipeline import stream_text
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["IMAGE", "main"]

IMAGE = base64.b64decode(  # a 1x1 PNG standing in for a picture (use open("comic-cat.png", "rb").read())
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.stream_reply(fake_openai.stream_chunks(["A single ", "pixel, ", "in a soft grey."]))
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> str:
    with ExitStack() as stack:
        async with stream_text(
            make_provider(stack).chat("gpt-4o-mini"),
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Describe the image in detail."},
                        {"type": "image", "image": IMAGE, "media_type": "image/png"},
                    ],
                }
            ],
        ) as result:
            async for delta in result.text_stream:
                print(delta, end="", flush=True)
            print()
            text = await result.text
    return text


if __name__ == "__main__":
    asyncio.run(main())
