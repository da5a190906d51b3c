"""Quickstart: generate and stream text through modelpipe's middleware stack.

With OPENAI_API_KEY set, this calls the real OpenAI API. Without it, it starts a loopback server on
127.0.0.1 that speaks the OpenAI wire protocol, so the example runs offline.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import generate_text, stream_text
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with scripted answers."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.text_reply("Lantern Day: everyone hangs a paper lantern and tells one story."),
        fake_openai.stream_reply(
            fake_openai.stream_chunks(["Roses ", "are ", "red, ", "loopbacks ", "are ", "fast."])
        ),
    )
    print(f"(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server at {server.base_url})")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> None:
    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")

        result = await generate_text(
            model,
            system="You are a concise assistant.",
            prompt="Invent a new holiday and describe its traditions.",
        )
        print("generate_text:", result.text)
        print("usage:", result.usage.input_tokens, "in /", result.usage.output_tokens, "out")

        print("stream_text: ", end="")
        async with stream_text(model, prompt="Write a two-line poem.") as stream:
            async for chunk in stream.text_stream:
                print(chunk, end="", flush=True)
        print()


if __name__ == "__main__":
    asyncio.run(main())
