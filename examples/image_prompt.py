"""Describe an image given by URL and by bytes (the AI SDK cookbook's generate-text-with-image-prompt).

OpenAI fetches image URLs itself, so the URL goes to the API unchanged; bytes are sent inline as a
base64 ``data:`` URL. With OPENAI_API_KEY set this calls OpenAI with a public image. Without it, one
loopback server on 127.0.0.1 serves the image and another answers as OpenAI would, so the example runs
offline. Run: python examples/image_prompt.py
"""

from __future__ import annotations

import asyncio
import base64
import os
from contextlib import ExitStack

import httpx

from pipeline import generate_text
from providers.openai import IMAGE_URLS, OpenAIProvider
from providers.testing import LoopbackServer, RawReply
from providers.testing import openai as fake_openai

__all__ = ["IMAGE_URL", "OFFLINE_IMAGE", "main"]

IMAGE_URL = "https://github.com/vercel/ai/blob/main/examples/ai-core/data/comic-cat.png?raw=true"
OFFLINE_IMAGE = base64.b64decode(  # a 1x1 PNG, served by the offline image server
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def setup(stack: ExitStack) -> tuple[OpenAIProvider, str, LoopbackServer | None]:
    """The provider, the image URL and (offline only) the loopback server answering as OpenAI."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider(), IMAGE_URL, None
    images = stack.enter_context(LoopbackServer())
    images.route("/comic-cat.png", RawReply(body=OFFLINE_IMAGE, headers={"content-type": "image/png"}))
    api = stack.enter_context(LoopbackServer())
    api.enqueue(
        fake_openai.text_reply("A comic-style cat with big eyes, drawn in bold black outlines."),
        fake_openai.text_reply("The same cartoon cat, sitting and looking straight at the viewer."),
    )
    print(f"(offline, no OPENAI_API_KEY: {api.base_url} answers as OpenAI, {images.base_url} has the image)")
    # A server at another base URL is handed no URL to fetch unless it says it fetches them like OpenAI.
    provider = OpenAIProvider(base_url=f"{api.base_url}/v1", api_key="loopback", supported_urls=IMAGE_URLS)
    return provider, images.url("/comic-cat.png"), api


async def main() -> LoopbackServer | None:
    """Ask about the image twice; returns the offline OpenAI server (its requests show the wire)."""
    with ExitStack() as stack:
        provider, image_url, api = setup(stack)
        model = provider.chat("gpt-4.1-mini")

        by_url = await generate_text(
            model,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Describe the image in detail."},
                        {"type": "image", "image": image_url},
                    ],
                }
            ],
        )
        print("image by URL:  ", by_url.text)

        async with httpx.AsyncClient(follow_redirects=True) as client:  # or read a local file
            image = (await client.get(image_url)).raise_for_status().content
        by_bytes = await generate_text(
            model,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Describe the image in detail."},
                        {"type": "image", "image": image},
                    ],
                }
            ],
        )
        print("image by bytes:", by_bytes.text)
        return api


if __name__ == "__main__":
    asyncio.run(main())
