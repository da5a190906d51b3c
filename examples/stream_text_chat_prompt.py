"""Stream text with a chat prompt (the cookbook's "Stream Text with Chat Prompt"): a system prompt and
the conversation so far as messages, the answer streamed as it is written.

With OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server streams a
scripted answer. Run: python examples/stream_text_chat_prompt.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import stream_text
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["MESSAGES", "main"]

MESSAGES = [
    {"role": "user", "content": "Hello!"},
    {"role": "assistant", "content": "Hello! How may I help you?"},
    {"role": "user", "content": "What is the best place to visit in Paris in spring?"},
]


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.stream_reply(
            fake_openai.stream_chunks(["The Jardin ", "du Luxembourg, ", "when the chestnut trees bloom."])
        )
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> str:
    with ExitStack() as stack:
        async with stream_text(
            make_provider(stack).chat("gpt-4o-mini"),
            system="You are a helpful travel assistant.",
            messages=MESSAGES,
        ) as result:
            async for delta in result.text_stream:
                print(delta, end="", flush=True)
            print()
            text = await result.text
    return text


if __name__ == "__main__":
    asyncio.run(main())
