"""providers/_stream.py: the one stream driver (decoding, errors before output, terminal events, drain)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import stream_text
from pipeline.errors import APICallError, IncompleteStreamError, InvalidResponseDataError, ModelCallError
from pipeline.model import LanguageModel
from pipeline.stream import ErrorPart, StreamPart
from providers._http import EventStream
from providers._sse import SSEEvent
from providers._stream import (
    DONE,
    ErrorPayload,
    InvalidPayload,
    StreamCall,
    decode_payload,
    open_stream,
)
from providers.anthropic import AnthropicMessagesModel
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel
from providers.openai.map_stream import ChatStreamMapper
from providers.openai.wire import ChatChunk
from providers.testing import LoopbackServer, SSEReply
from providers.testing import anthropic as anthropic_wire
from providers.testing import google as google_wire
from providers.testing import openai as openai_wire

CALL = StreamCall("http://x.test/v1/chat/completions", {"model": "m"}, {"x-request-id": "r1"})
WIRE = ChatStreamMapper().wire


def _anthropic_events(texts: list[str]) -> list[str | tuple[str | None, str] | bytes]:
    return list(anthropic_wire.stream_events(texts))


def _google_events(texts: list[str]) -> list[str | tuple[str | None, str] | bytes]:
    return [json.dumps(chunk) for chunk in google_wire.stream_chunks(texts)]


def _openai_events(texts: list[str]) -> list[str | tuple[str | None, str] | bytes]:
    return list(openai_wire.stream_chunks(texts))


PROVIDERS: dict[str, tuple[Callable[..., LanguageModel], Callable[[list[str]], list[Any]]]] = {
    "openai": (lambda **kw: OpenAIChatLanguageModel("gpt-4o", api_key="k", **kw), _openai_events),
    "anthropic": (lambda **kw: AnthropicMessagesModel("claude-x", api_key="k", **kw), _anthropic_events),
    "google": (lambda **kw: GoogleLanguageModel("gemini-2.5-flash", api_key="k", **kw), _google_events),
}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


async def _fake_stream(*payloads: str | BaseException) -> EventStream:
    async def events() -> AsyncGenerator[SSEEvent, None]:
        for payload in payloads:
            if isinstance(payload, BaseException):
                raise payload
            yield SSEEvent(None, payload)

    return EventStream(events=events(), headers={})


async def _read(*payloads: str | BaseException) -> list[StreamPart]:
    parts = await open_stream(ChatStreamMapper(), await _fake_stream(*payloads), CALL)
    return [part async for part in parts]


def _chunk(delta: dict[str, Any] | None = None, **fields: Any) -> str:
    return openai_wire.chunk(delta, **fields)


# ---- decoding ---------------------------------------------------------------------------------------


def test_a_valid_event_is_validated_straight_from_its_text() -> None:
    event, raw = decode_payload(WIRE, _chunk({"content": "a"}))
    assert isinstance(event, ChatChunk) and raw is None


def test_done_error_envelope_and_invalid_payloads_are_told_apart() -> None:
    assert decode_payload(WIRE, "[DONE]") == (DONE, None)
    event, _ = decode_payload(WIRE, json.dumps({"error": {"message": "busy"}, "choices": []}))
    assert isinstance(event, ErrorPayload) and event.value["error"] == {"message": "busy"}
    event, _ = decode_payload(WIRE, json.dumps({"choices": 5}))
    assert isinstance(event, InvalidPayload)
    assert str(event.error) == "Invalid stream event: choices: Input should be a valid list"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("5" * 5000, "Invalid stream event: ValueError"),  # Python refuses to convert 5,000 digits
        ("[" * 100_000 + "]" * 100_000, "Invalid stream event: nested too deeply"),
        ('{"choices": ' + "[" * 100_000 + "]" * 100_000 + "}", "Invalid stream event: nested too deeply"),
        ('{"choices": [{"delta": "', "Invalid JSON in stream event: Unterminated string"),
    ],
    ids=["5000-digits", "deep-array", "deep-field", "truncated"],
)
def test_hostile_payloads_decode_to_a_typed_invalid_payload(payload: str, message: str) -> None:
    event, _ = decode_payload(WIRE, payload)
    assert isinstance(event, InvalidPayload)
    assert isinstance(event.error, InvalidResponseDataError)
    assert str(event.error).startswith(message)


def test_raw_parts_carry_the_parsed_value_or_the_text_that_is_not_json() -> None:
    payload = _chunk({"content": "a"})
    assert decode_payload(WIRE, payload, include_raw=True)[1].raw_value == json.loads(payload)  # type: ignore[union-attr]
    assert decode_payload(WIRE, "{oops", include_raw=True)[1].raw_value == "{oops"  # type: ignore[union-attr]


# ---- errors before output ---------------------------------------------------------------------------


async def test_an_error_after_parts_without_output_raises_instead_of_being_yielded() -> None:
    """stream-start, metadata, text-start and an empty delta hand out nothing: the error is retryable."""
    error = json.dumps({"error": {"message": "overloaded", "code": "503"}})
    stream = await _fake_stream(_chunk({"role": "assistant", "content": ""}), error, "[DONE]")
    with pytest.raises(APICallError) as caught:
        await open_stream(ChatStreamMapper(), stream, CALL)
    assert (caught.value.status_code, caught.value.is_retryable) == (503, True)
    assert caught.value.request_body == CALL.request_body
    assert caught.value.response_headers == dict(CALL.response_headers or {})


async def test_an_error_after_output_is_a_part_and_the_stream_goes_on() -> None:
    error = {"message": "lost", "type": "server_error"}
    parts = await _read(_chunk({"content": "a"}), json.dumps({"error": error}), "[DONE]")
    assert [part.error for part in parts if isinstance(part, ErrorPart)] == [error]
    assert parts[-1].type == "finish"


async def test_an_invalid_payload_before_output_raises_a_typed_error() -> None:
    with pytest.raises(InvalidResponseDataError, match="nested too deeply"):
        await _read("[" * 100_000 + "]" * 100_000)


async def test_the_parts_held_before_output_come_first_and_in_order() -> None:
    parts = await _read(_chunk({"role": "assistant", "content": ""}), _chunk({"content": "a"}), "[DONE]")
    types = [part.type for part in parts]
    assert types == [
        "stream-start",
        "response-metadata",
        "text-start",
        "text-delta",
        "text-delta",
        "text-end",
        "finish",
    ]


# ---- end of input -----------------------------------------------------------------------------------


async def test_a_body_that_ends_before_the_stream_is_complete_is_incomplete() -> None:
    with pytest.raises(IncompleteStreamError, match=r"Stream ended without \[DONE\]"):
        await _read(_chunk({"content": "a"}))


async def test_a_connection_that_breaks_off_is_incomplete_and_retryable() -> None:
    broken = APICallError("reset", url=CALL.url, is_retryable=True)
    with pytest.raises(IncompleteStreamError, match="Stream broke off: reset") as caught:
        await _read(_chunk({"content": "a"}), _chunk({}, finish_reason="stop"), broken)
    assert caught.value.is_retryable


async def test_nothing_is_read_after_the_terminal_event() -> None:
    parts = await _read(_chunk({"content": "a"}), "[DONE]", "{never read")
    assert not [part for part in parts if isinstance(part, ErrorPart)]


# ---- terminal events against a real server ------------------------------------------------------------

KEEP_ALIVES: list[Any] = [b": keep-alive\n\n"] * 3000  # 30 s at one per 10 ms


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_the_stream_ends_at_its_terminal_event_while_the_server_sends_keep_alives(
    provider: str, server: LoopbackServer
) -> None:
    make_model, events = PROVIDERS[provider]
    server.default_reply = SSEReply([*events(["Hel", "lo"]), *KEEP_ALIVES], event_delay=0.01)
    result = stream_text(make_model(base_url=server.base_url), prompt="hi", max_retries=0)
    with anyio.fail_after(15):  # a hang guard: the server keeps the body open for 30 s
        text = "".join([delta async for delta in result.text_stream])
        final = await result.result()
    assert (text, final.text, final.finish_reason) == ("Hello", "Hello", "stop")
    # the drain's bound was hit, so the connection was closed rather than handed back to the pool
    assert server.wait_until(lambda s: s.live_connections == 0, timeout=5)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_a_stream_that_ends_with_its_body_leaves_the_connection_reusable(
    provider: str, server: LoopbackServer
) -> None:
    make_model, events = PROVIDERS[provider]
    server.default_reply = SSEReply(events(["Hel", "lo"]))
    model = make_model(base_url=server.base_url)
    for _ in range(2):
        assert await stream_text(model, prompt="hi", max_retries=0).text() == "Hello"
    assert server.connections_opened == 1


async def test_more_than_the_drain_allows_after_the_terminal_event_closes_the_connection(
    server: LoopbackServer,
) -> None:
    padding: list[Any] = [b": " + b"x" * 1024 + b"\n\n"] * 100  # 100 KiB, over the drain's 64 KiB
    server.default_reply = SSEReply([*_openai_events(["a"]), *padding])
    model = OpenAIChatLanguageModel("gpt-4o", api_key="k", base_url=server.base_url)
    for _ in range(2):
        assert await stream_text(model, prompt="hi", max_retries=0).text() == "a"
    assert server.connections_opened == 2


# ---- hostile bodies: only typed errors escape -------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _payloads(provider: str) -> st.SearchStrategy[str]:
    valid = [e if isinstance(e, str) else e[1] for e in PROVIDERS[provider][1](["a", "b"])]
    return st.one_of(
        st.sampled_from(valid),
        st.sampled_from(valid).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: p[:n])),  # truncated
        _JSON.map(json.dumps),  # any JSON, wrong types included
        st.sampled_from(["choices", "candidates", "type", "delta", "error", "message"]).flatmap(
            lambda key: _JSON.map(lambda value: json.dumps({key: value}))
        ),
        st.integers(1, 3000).map(lambda n: "[" * n * 40 + "]" * n * 40),  # deep
        st.integers(4400, 6000).map(lambda n: "7" * n),  # huge
        st.text(max_size=20),
    )


def _body(lines: list[str], retry: str | None) -> bytes:
    events = "".join(f"data: {line}\n\n" for line in lines if "\n" not in line and "\r" not in line)
    return ((f"retry: {retry}\n" if retry else "") + events).encode("utf-8", errors="surrogatepass")


def _check_only_typed_errors_escape(provider: str, body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    model = PROVIDERS[provider][0](transport=httpx.MockTransport(handler))

    async def run() -> None:
        result = stream_text(model, prompt="hi", max_retries=0)
        with contextlib.suppress(ModelCallError):  # a typed error is fine; anything else fails the test
            await result.result()

    asyncio.run(run())


def _hostile_test(provider: str) -> Callable[..., None]:
    @settings(max_examples=40, deadline=None)
    @given(lines=st.lists(_payloads(provider), max_size=6), retry=st.none() | st.just("9" * 5000))
    def test(lines: list[str], retry: str | None) -> None:
        _check_only_typed_errors_escape(provider, _body(lines, retry))

    return test


test_hostile_openai_bodies_raise_only_typed_errors = _hostile_test("openai")
test_hostile_anthropic_bodies_raise_only_typed_errors = _hostile_test("anthropic")
test_hostile_google_bodies_raise_only_typed_errors = _hostile_test("google")


@pytest.mark.parametrize(
    ("provider", "payload"),
    [
        ("openai", "5" * 5000),
        ("openai", "[" * 100_000 + "]" * 100_000),
        ("openai", json.dumps({"choices": 5})),
        ("google", '{"candidates": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ],
    ids=["openai-5000-digits", "openai-deep", "openai-choices-5", "google-deep"],
)
async def test_a_hostile_first_event_raises_invalid_response_data(
    provider: str, payload: str, server: LoopbackServer
) -> None:
    server.default_reply = SSEReply([payload])
    result = stream_text(PROVIDERS[provider][0](base_url=server.base_url), prompt="hi", max_retries=0)
    with pytest.raises(InvalidResponseDataError):
        await result.result()


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_a_retry_field_of_5000_digits_is_ignored(provider: str, server: LoopbackServer) -> None:
    make_model, events = PROVIDERS[provider]
    server.default_reply = SSEReply([b"retry: " + b"9" * 5000 + b"\n\n", *events(["ok"])])
    assert await stream_text(make_model(base_url=server.base_url), prompt="hi", max_retries=0).text() == "ok"


async def test_a_body_that_ends_before_any_output_raises_from_open_stream() -> None:
    stream = await _fake_stream(_chunk({"role": "assistant", "content": ""}))
    with pytest.raises(IncompleteStreamError, match=r"Stream ended without \[DONE\]"):
        await open_stream(ChatStreamMapper(), stream, CALL)
