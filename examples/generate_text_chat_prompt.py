"""Generate text with a chat prompt (the cookbook's "Generate Text with Chat Prompt"): a system prompt
and the conversation so far as user and assistant messages.

With OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server answers.
Run: python examples/generate_text_chat_prompt.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import GenerateTextResult, generate_text
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["MESSAGES", "main"]

MESSAGES = [
    {"role": "user", "content": "Hi!"},
    {"role": "assistant", "content": "Hello, how can I help?"},
    {"role": "user", "content": "Where can I buy the best Currywurst in Berlin?"},
]


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.text_reply("Try Curry 36 in Kreuzberg, or Konnopke's Imbiss in Prenzlauer Berg.")
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        result = await generate_text(
            make_provider(stack).chat("gpt-4o-mini"),
            system="You are a helpful assistant.",
            messages=MESSAGES,
        )
    print(result.text)
    return result


if __name__ == "__main__":
    asyncio.run(main())
