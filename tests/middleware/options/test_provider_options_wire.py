"""Options injected by ProviderOptionsMiddleware at call, message and part level reach each provider's wire.

Every test calls a real provider terminal against a LoopbackServer and asserts on the JSON it received.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from middleware.options.provider_options import (
    ProviderOptionsMiddleware,
    mark_anthropic_cache_breakpoints,
    with_provider_options,
)
from pipeline import generate_text, stream_text, wrap_model
from pipeline._base import ProviderOptions
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from pipeline.prompt import AssistantMessage, FilePart, Message, SystemMessage, TextPart, UserMessage
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import anthropic as fake_anthropic
from providers.testing import google as fake_google
from providers.testing import openai as fake_openai

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n%%EOF\n"
EPHEMERAL = {"type": "ephemeral"}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as loopback:
        yield loopback


def openai_model(server: LoopbackServer, model_id: str = "gpt-4.1-mini") -> LanguageModel:
    server.default_reply = fake_openai.text_reply("ok")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback").chat(model_id)


def anthropic_model(server: LoopbackServer) -> LanguageModel:
    server.default_reply = fake_anthropic.text_reply("ok")
    return AnthropicProvider(base_url=f"{server.base_url}/v1", api_key="loopback").messages(
        "claude-sonnet-4-5"
    )


def google_model(server: LoopbackServer) -> LanguageModel:
    server.default_reply = fake_google.text_reply("ok")
    return GoogleProvider(base_url=f"{server.base_url}/v1beta", api_key="loopback").chat("gemini-2.5-flash")


def sent_body(server: LoopbackServer) -> Any:
    [request] = server.requests
    return request.json()


def on_parts(params: CallParams, kind: type[Message], change: Callable[[Any], Any]) -> CallParams:
    """``params`` with ``change`` applied to every content part of the messages of ``kind``."""
    prompt = [
        message.model_copy(update={"content": [change(part) for part in message.content]})
        if isinstance(message, kind) and isinstance(message.content, list)
        else message
        for message in params.prompt
    ]
    return params.model_copy(update={"prompt": prompt})


def options_on(part_type: type[Any], options: ProviderOptions) -> Callable[[Any], Any]:
    return lambda part: with_provider_options(part, options) if isinstance(part, part_type) else part


# -- OpenAI chat -----------------------------------------------------------------------------------------


async def test_openai_call_level_defaults_merge_under_the_call_and_reach_the_body(
    server: LoopbackServer,
) -> None:
    model = wrap_model(
        openai_model(server, "o4-mini"),
        ProviderOptionsMiddleware(
            settings={"maxOutputTokens": 256},
            provider_options={"openai": {"reasoningEffort": "low", "user": "default-user"}},
        ),
    )
    await generate_text(model, prompt="Hi", provider_options={"openai": {"user": "call-user"}})
    body = sent_body(server)
    assert body["reasoning_effort"] == "low"
    assert body["user"] == "call-user"
    assert body["max_completion_tokens"] == 256
    assert "max_tokens" not in body


async def test_openai_message_level_cache_breakpoint_and_part_level_image_detail_reach_the_body(
    server: LoopbackServer,
) -> None:
    def inject(params: CallParams) -> CallParams:
        params = on_parts(params, UserMessage, options_on(FilePart, {"openai": {"imageDetail": "low"}}))
        prompt = [
            with_provider_options(m, {"openai": {"promptCacheBreakpoint": {"mode": "explicit"}}})
            if isinstance(m, SystemMessage)
            else m
            for m in params.prompt
        ]
        return params.model_copy(update={"prompt": prompt})

    model = wrap_model(openai_model(server), ProviderOptionsMiddleware(transform=inject))
    image_url = f"data:image/png;base64,{base64.b64encode(PNG).decode()}"
    await generate_text(
        model,
        system="Be brief.",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "image": PNG},
                    {"type": "image", "image": PNG, "providerOptions": {"openai": {"imageDetail": "high"}}},
                ],
            }
        ],
    )
    assert sent_body(server)["messages"] == [
        {
            "role": "system",
            "content": [
                {"type": "text", "text": "Be brief.", "prompt_cache_breakpoint": {"mode": "explicit"}}
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": image_url, "detail": "low"}},
                {"type": "image_url", "image_url": {"url": image_url, "detail": "high"}},
            ],
        },
    ]


# -- Anthropic messages ----------------------------------------------------------------------------------


async def test_anthropic_call_level_options_and_settings_reach_the_body(server: LoopbackServer) -> None:
    model = wrap_model(
        anthropic_model(server),
        ProviderOptionsMiddleware(
            settings={"maxOutputTokens": 500},
            provider_options={
                "anthropic": {"metadata": {"userId": "user-7"}, "thinking": {"type": "disabled"}}
            },
        ),
    )
    await generate_text(
        model,
        prompt="Hi",
        provider_options={"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 1024}}},
    )
    body = sent_body(server)
    assert body["metadata"] == {"user_id": "user-7"}
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert body["max_tokens"] == 500 + 1024


async def test_anthropic_message_level_cache_control_lands_on_the_system_and_last_user_blocks(
    server: LoopbackServer,
) -> None:
    one_hour = {"type": "ephemeral", "ttl": "1h"}
    model = wrap_model(
        anthropic_model(server),
        ProviderOptionsMiddleware(
            transform=lambda params: mark_anthropic_cache_breakpoints(params, cache_control=one_hour)
        ),
    )
    await generate_text(
        model,
        system="You are a librarian.",
        messages=[
            {"role": "user", "content": "Recommend a novel."},
            {"role": "assistant", "content": "Try Middlemarch."},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Why?"}, {"type": "text", "text": "Briefly."}],
            },
        ],
    )
    body = sent_body(server)
    assert body["system"] == [{"type": "text", "text": "You are a librarian.", "cache_control": one_hour}]
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Recommend a novel."}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Try Middlemarch."}]},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Why?"},
                {"type": "text", "text": "Briefly.", "cache_control": one_hour},
            ],
        },
    ]


async def test_anthropic_part_level_cache_control_and_document_title_reach_their_blocks(
    server: LoopbackServer,
) -> None:
    def inject(params: CallParams) -> CallParams:
        params = on_parts(
            params, UserMessage, options_on(FilePart, {"anthropic": {"title": "Annual report"}})
        )
        return on_parts(
            params,
            UserMessage,
            lambda part: (
                with_provider_options(part, {"anthropic": {"cacheControl": EPHEMERAL}})
                if isinstance(part, TextPart) and part.text.startswith("Context:")
                else part
            ),
        )

    model = wrap_model(anthropic_model(server), ProviderOptionsMiddleware(transform=inject))
    await generate_text(
        model,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Context: the company grew."},
                    {"type": "file", "data": PDF, "mediaType": "application/pdf"},
                    {"type": "text", "text": "Summarize."},
                ],
            }
        ],
    )
    [message] = sent_body(server)["messages"]
    assert message["content"] == [
        {"type": "text", "text": "Context: the company grew.", "cache_control": EPHEMERAL},
        {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(PDF).decode(),
            },
            "title": "Annual report",
        },
        {"type": "text", "text": "Summarize."},
    ]


async def test_anthropic_streaming_calls_get_the_same_cache_control(server: LoopbackServer) -> None:
    model = wrap_model(
        anthropic_model(server), ProviderOptionsMiddleware(transform=mark_anthropic_cache_breakpoints)
    )
    server.default_reply = fake_anthropic.stream_reply(["o", "k"])
    async with stream_text(model, system="Be brief.", prompt="Hi") as result:
        assert [chunk async for chunk in result.text_stream] == ["o", "k"]
    body = sent_body(server)
    assert body["stream"] is True
    assert body["system"] == [{"type": "text", "text": "Be brief.", "cache_control": EPHEMERAL}]
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Hi", "cache_control": EPHEMERAL}]}
    ]


# -- Google Gemini ---------------------------------------------------------------------------------------


async def test_google_call_level_options_merge_nested_and_replace_lists_on_the_wire(
    server: LoopbackServer,
) -> None:
    model = wrap_model(
        google_model(server),
        ProviderOptionsMiddleware(
            settings={"temperature": 0.3},
            provider_options={
                "google": {
                    "thinkingConfig": {"thinkingBudget": 512},
                    "safetySettings": [
                        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_LOW_AND_ABOVE"}
                    ],
                }
            },
        ),
    )
    await generate_text(
        model,
        prompt="Hi",
        provider_options={
            "google": {
                "thinkingConfig": {"includeThoughts": True},
                "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}],
            }
        },
    )
    body = sent_body(server)
    assert body["generationConfig"]["temperature"] == 0.3
    assert body["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 512, "includeThoughts": True}
    assert body["safetySettings"] == [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}]


async def test_google_part_level_thought_signature_reaches_the_model_part(server: LoopbackServer) -> None:
    model = wrap_model(
        google_model(server),
        ProviderOptionsMiddleware(
            transform=lambda params: on_parts(
                params, AssistantMessage, options_on(TextPart, {"google": {"thoughtSignature": "sig-1"}})
            )
        ),
    )
    await generate_text(
        model,
        messages=[
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello."},
            {"role": "user", "content": "How are you?"},
        ],
    )
    assert sent_body(server)["contents"] == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello.", "thoughtSignature": "sig-1"}]},
        {"role": "user", "parts": [{"text": "How are you?"}]},
    ]
