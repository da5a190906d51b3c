"""A hostile server: every payload fault of the hardening review, for every provider, in generate and stream.

Each call ends in a result or a typed error (a :class:`ModelCallError` subclass): no ``RecursionError``,
``ValueError``, ``TypeError`` or ``ExceptionGroup`` escapes. (A server that keeps its connection open after
the terminal event: ``tests/providers/test_stream.py``.)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from pipeline import generate_text, stream_text
from pipeline.errors import ModelCallError
from pipeline.model import LanguageModel
from providers.anthropic import AnthropicMessagesModel
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer, RawReply, Reply, SSEReply, anthropic, google, openai

PROVIDERS = ["openai", "anthropic", "google"]
DEPTH = 100_000
HANG_GUARD = 20.0
"""Seconds after which a call counts as hung (a loaded CI machine is slow, a hang is forever)."""


def _model(provider: str, server: LoopbackServer) -> LanguageModel:
    if provider == "openai":
        return OpenAIChatLanguageModel("gpt-4o-mini", api_key="sk-test", base_url=server.url("/v1"))
    if provider == "anthropic":
        return AnthropicMessagesModel("claude-sonnet-4-5", api_key="sk-ant-test", base_url=server.url("/v1"))
    return GoogleLanguageModel("gemini-2.5-flash", api_key="g-test", base_url=server.url("/v1beta"))


def _json(body: bytes) -> RawReply:
    return RawReply(status=200, body=body, headers={"content-type": "application/json"})


def _sse(*events: str | tuple[str | None, str] | bytes, **options: Any) -> SSEReply:
    return SSEReply(events=list(events), **options)


def _data_event(provider: str, data: str) -> str | tuple[str | None, str]:
    """``data`` as one stream event of ``provider`` (Anthropic names its events)."""
    return ("content_block_delta", data) if provider == "anthropic" else data


def _success_events(provider: str) -> list[str | tuple[str | None, str] | bytes]:
    if provider == "openai":
        return list(openai.stream_chunks(["Hel", "lo"]))
    if provider == "anthropic":
        return list(anthropic.stream_events(["Hel", "lo"]))
    return google.stream_reply(["Hel", "lo"]).events


WRONG_TYPES: dict[str, dict[str, Any]] = {
    "openai": {"id": "x", "choices": 5},
    "anthropic": {"type": "message", "content": 5, "id": 7},
    "google": {"candidates": 5},
}
WRONG_TYPED_EVENTS: dict[str, dict[str, Any]] = {
    "openai": {"choices": 5},
    "anthropic": {"type": 5},
    "google": {"candidates": 5},
}
DEEP = b"[" * DEPTH + b"]" * DEPTH


def generate_faults(provider: str) -> Iterator[tuple[str, Reply]]:
    valid = json.dumps(
        {
            "openai": openai.text_reply("hi").body,
            "anthropic": anthropic.text_reply("hi").body,
            "google": google.text_reply("hi").body,
        }[provider]
    ).encode()
    yield "nested 100,000 deep", _json(DEEP)
    yield "nested object 100,000 deep", _json(b'{"a":' * DEPTH + b"1" + b"}" * DEPTH)
    yield "a number of 5,000 digits", _json(b"9" * 5000)
    yield "wrong types", _json(json.dumps(WRONG_TYPES[provider]).encode())
    yield "truncated", _json(valid[: len(valid) // 2])
    yield "not JSON", _json(b"<html>gateway says hi</html>")
    yield "invalid UTF-8", _json(b"\xff\xfe{" + valid)
    yield "NaN and Infinity", _json(b'{"choices": NaN, "candidates": Infinity, "content": -Infinity}')
    yield "empty body", _json(b"")
    yield "a JSON string", _json(b'"just a string"')
    yield "null", _json(b"null")


def stream_faults(provider: str) -> Iterator[tuple[str, Reply]]:
    events = _success_events(provider)
    yield "first event of 5,000 digits", _sse(_data_event(provider, "9" * 5000))
    yield "first event nested 100,000 deep", _sse(_data_event(provider, DEEP.decode()))
    yield (
        "first event of the wrong types",
        _sse(_data_event(provider, json.dumps(WRONG_TYPED_EVENTS[provider]))),
    )
    yield "a retry field of 5,000 digits", _sse(b"retry: " + b"9" * 5000 + b"\n\n", *events)
    yield "a truncated event", _sse(_data_event(provider, '{"choices": [{"delta": {"content": "x'))
    yield "invalid UTF-8 in an event", _sse(b"data: \xff\xfe\x80\n\n", *events)
    yield "an event after content nested deep", _sse(*events[:3], _data_event(provider, DEEP.decode()))
    yield "a JSON null event", _sse(_data_event(provider, "null"))
    yield "a huge event name", _sse(b"event: " + b"x" * 100_000 + b"\ndata: {}\n\n", *events)
    yield "no events at all", _sse()


def _cases(faults: Any) -> list[Any]:
    return [
        pytest.param(provider, reply, id=f"{provider}-{name}")
        for provider in PROVIDERS
        for name, reply in faults(provider)
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as loopback:
        yield loopback


@pytest.mark.parametrize(("provider", "reply"), _cases(generate_faults))
async def test_generate_ends_in_a_result_or_a_typed_error(
    provider: str, reply: Reply, server: LoopbackServer
) -> None:
    server.default_reply = reply
    with anyio.fail_after(HANG_GUARD):
        with contextlib.suppress(ModelCallError):
            await generate_text(_model(provider, server), prompt="hi", max_retries=0)


@pytest.mark.parametrize(("provider", "reply"), _cases(stream_faults))
async def test_stream_ends_in_a_result_or_a_typed_error(
    provider: str, reply: Reply, server: LoopbackServer
) -> None:
    server.default_reply = reply
    with anyio.fail_after(HANG_GUARD):
        with contextlib.suppress(ModelCallError):
            async with stream_text(_model(provider, server), prompt="hi", max_retries=0) as stream:
                async for _ in stream.text_stream:
                    pass
                await stream.result()
