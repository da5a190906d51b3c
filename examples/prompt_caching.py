"""One prompt-caching policy, three providers: Anthropic, OpenAI and Gemini, cache usage printed.

``PromptCachingMiddleware(PromptCachePolicy(...))`` says once what to cache (the system prompt, the
tools, the conversation so far) and each provider gets it in its own terms: Anthropic ``cache_control``
breakpoints, an OpenAI ``prompt_cache_key``, a Gemini ``cachedContent`` (explicit caching, created once
and reused). Every result reports the cache the same way: ``usage.input_token_details``
(``cache_read_tokens``, ``cache_write_tokens``). Offline: loopback servers on 127.0.0.1 answer as the
three APIs would (with the cache counts they report). Run: python examples/prompt_caching.py
"""

from __future__ import annotations

import asyncio
from typing import Any

from middleware import PromptCachePolicy, PromptCachingMiddleware
from pipeline import generate_text, wrap_model
from pipeline.prompt import AssistantMessage, TextPart, UserMessage
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.google.cached_content import GeminiCachedContents
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest
from providers.testing import anthropic as fake_anthropic
from providers.testing import google as fake_google
from providers.testing import openai as fake_openai

__all__ = ["POLICY", "main"]

MANUAL = "\n".join(
    f"Section {n}: blink {n} times means hold the button {n + 2} seconds." for n in range(1, 121)
)
SYSTEM = f"Answer in one sentence from this lamp manual.\n\n{MANUAL}"
QUESTIONS = ("My lamp blinks 3 times. What do I do?", "And if it blinks 7 times?")

POLICY = PromptCachePolicy(system=True, tools=True, last_messages=1, ttl=3600, gemini="explicit")
"""Cache the system prompt and tools, and the conversation up to the latest message, for an hour."""


def offline_servers() -> dict[str, LoopbackServer]:
    """Loopback servers answering as Anthropic, OpenAI and Gemini: a cache write, then a cache read."""
    anthropic, openai, google = LoopbackServer().start(), LoopbackServer().start(), LoopbackServer().start()
    anthropic.enqueue(
        fake_anthropic.text_reply(
            "Hold it 5 seconds.", usage_value=fake_anthropic.usage(14, 6, cache_write=2410)
        ),
        fake_anthropic.text_reply(
            "Hold it 9 seconds.", usage_value=fake_anthropic.usage(12, 6, cache_read=2410, cache_write=26)
        ),
    )
    openai.enqueue(
        fake_openai.text_reply("Hold it 5 seconds.", usage_body=fake_openai.usage(2424, 6)),
        fake_openai.text_reply("Hold it 9 seconds.", usage_body=fake_openai.usage(2450, 6, cached=2304)),
    )

    def cached_content(request: RecordedRequest) -> JsonReply:
        return JsonReply({"name": "cachedContents/lamp-manual", "model": request.json()["model"]})

    google.route("/v1beta/cachedContents", cached_content)
    google.enqueue(
        fake_google.text_reply("Hold it 5 seconds.", usage=fake_google.usage_metadata(2420, 6, cached=2398)),
        fake_google.text_reply("Hold it 9 seconds.", usage=fake_google.usage_metadata(2448, 6, cached=2398)),
    )
    return {"anthropic": anthropic, "openai": openai, "google": google}


def models(servers: dict[str, LoopbackServer]) -> dict[str, Any]:
    """The same policy around each provider's model."""
    gemini_cache = GeminiCachedContents(api_key="loopback", base_url=servers["google"].url("/v1beta"))
    caching = PromptCachingMiddleware(POLICY, gemini_cache=gemini_cache)
    return {
        "anthropic": wrap_model(
            AnthropicProvider(api_key="loopback", base_url=servers["anthropic"].url("/v1")).messages(
                "claude-sonnet-4-5"
            ),
            caching,
        ),
        "openai": wrap_model(
            OpenAIProvider(api_key="loopback", base_url=servers["openai"].url("/v1")).chat("gpt-4o-mini"),
            caching,
        ),
        "google": wrap_model(
            GoogleProvider(api_key="loopback", base_url=servers["google"].url("/v1beta")).chat(
                "gemini-2.5-flash"
            ),
            caching,
        ),
    }


async def main() -> dict[str, LoopbackServer]:
    """Two turns per provider; returns the servers (their requests show what went on the wire)."""
    servers = offline_servers()
    try:
        for name, model in models(servers).items():
            conversation: list[Any] = []
            for question in QUESTIONS:
                conversation.append(UserMessage(content=[TextPart(text=question)]))
                result = await generate_text(model, system=SYSTEM, messages=conversation)
                conversation.append(AssistantMessage(content=[TextPart(text=result.text)]))
                details = result.usage.input_token_details
                read, written = details.cache_read_tokens or 0, details.cache_write_tokens or 0
                print(
                    f"{name:9} input={result.usage.input_tokens:5} cache read={read:5} "
                    f"cache write={written:5}  {result.text}"
                )
    finally:
        for server in servers.values():
            server.stop()
    return servers


if __name__ == "__main__":
    asyncio.run(main())
