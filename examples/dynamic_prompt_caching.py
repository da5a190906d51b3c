"""Dynamic prompt caching for Anthropic (the AI SDK cookbook's dynamic-prompt-caching recipe).

A ProviderOptionsMiddleware transform marks the system message and the last user message of every call
with ``providerOptions.anthropic.cacheControl``; the Anthropic terminal turns those marks into
``cache_control`` on the matching blocks. The first turn writes the cache, later turns read the shared
prefix back. With ANTHROPIC_API_KEY set this calls Anthropic; without it, a loopback server on 127.0.0.1
answers as Anthropic would (with the cache counts Anthropic reports).
Run: python examples/dynamic_prompt_caching.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack
from typing import Any

from middleware import ProviderOptionsMiddleware, mark_anthropic_cache_breakpoints
from pipeline import generate_text, wrap_model
from providers.anthropic import AnthropicProvider
from providers.testing import LoopbackServer
from providers.testing import anthropic as fake_anthropic

__all__ = ["QUESTIONS", "SYSTEM", "main"]

MANUAL = "\n".join(  # long enough (over 1024 tokens) for Anthropic to cache it
    f"Section {n}: if the lamp blinks {n} times, hold the button for {n + 2} seconds." for n in range(1, 121)
)
SYSTEM = f"You support owners of Lumen desk lamps. Answer in one sentence from this manual.\n\n{MANUAL}"
QUESTIONS = ("My lamp blinks 3 times. What do I do?", "And if it blinks 7 times?")


def make_provider(stack: ExitStack) -> tuple[AnthropicProvider, LoopbackServer | None]:
    """The real Anthropic API when a key is set, else a loopback server answering as Anthropic."""
    if os.environ.get("ANTHROPIC_API_KEY"):
        return AnthropicProvider(), None
    api = stack.enter_context(LoopbackServer())
    api.enqueue(
        fake_anthropic.text_reply(
            "Hold the button for 5 seconds.", usage_value=fake_anthropic.usage(14, 9, cache_write=2410)
        ),
        fake_anthropic.text_reply(
            "Hold the button for 9 seconds.",
            usage_value=fake_anthropic.usage(12, 9, cache_read=2410, cache_write=23),
        ),
    )
    print(f"(offline, no ANTHROPIC_API_KEY: {api.base_url} answers as Anthropic)")
    return AnthropicProvider(base_url=f"{api.base_url}/v1", api_key="loopback"), api


async def main() -> LoopbackServer | None:
    """Two turns of one conversation; returns the offline Anthropic server (its requests show the wire)."""
    with ExitStack() as stack:
        provider, api = make_provider(stack)
        model = wrap_model(
            provider.messages("claude-sonnet-4-5"),
            ProviderOptionsMiddleware(transform=mark_anthropic_cache_breakpoints),
        )
        conversation: list[Any] = []
        for question in QUESTIONS:
            conversation.append({"role": "user", "content": question})
            result = await generate_text(model, system=SYSTEM, messages=conversation)
            conversation.extend(result.response_messages)
            cached = result.usage.input_token_details
            print(f"{question} -> {result.text}")
            print(f"  cached tokens: {cached.cache_write_tokens} written, {cached.cache_read_tokens} read")
        return api


if __name__ == "__main__":
    asyncio.run(main())
