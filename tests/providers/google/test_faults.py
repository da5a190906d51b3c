"""Fault handling against a real loopback server: HTTP errors, resets, cut and broken streams."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.errors import (
    APICallError,
    IncompleteStreamError,
    InvalidResponseDataError,
    InvalidResponseError,
    StreamProtocolError,
)
from pipeline.params import CallParams
from pipeline.stream import ErrorPart, StreamPart, collect_stream
from providers._sse import DEFAULT_MAX_EVENT_BYTES
from providers.google import GoogleLanguageModel
from providers.testing import LoopbackServer, RawReply, ResetReply
from providers.testing.google import (
    chunks_reply,
    error_body,
    error_reply,
    stream_chunks,
    stream_reply,
    text_reply,
)

PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)
KEY = "fault-test-key"


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def model(server: LoopbackServer) -> GoogleLanguageModel:
    server.requests.clear()
    return GoogleLanguageModel("gemini-2.5-flash", api_key=KEY, base_url=server.base_url)


async def read_all(model: GoogleLanguageModel, seen: list[StreamPart]) -> None:
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        seen.append(part)


async def test_429_with_retry_after_is_retryable_and_says_how_long_to_wait(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(error_reply(429, "Quota exceeded for requests", headers={"Retry-After": "7"}))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    error = caught.value
    assert (error.status_code, error.is_retryable, error.retry_after) == (429, True, 7.0)
    assert error.message == "Quota exceeded for requests"
    assert KEY not in f"{error} {error!r} {error.response_body} {error.url}"
    assert len(server.requests) == 1  # the provider never retries by itself


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (529, True), (400, False), (404, False)]
)
async def test_http_status_errors(
    model: GoogleLanguageModel, server: LoopbackServer, status: int, retryable: bool
) -> None:
    server.enqueue(error_reply(status, f"status {status}", "SOME_STATUS"))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    assert (caught.value.status_code, caught.value.is_retryable, caught.value.message) == (
        status,
        retryable,
        f"status {status}",
    )


async def test_connection_reset_is_a_retryable_api_call_error(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(ResetReply())
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    assert caught.value.is_retryable
    assert caught.value.status_code is None


async def test_invalid_json_body_is_an_invalid_response(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(RawReply(200, b"{not json", {"content-type": "application/json"}))
    with pytest.raises(InvalidResponseError):
        await model.do_generate(PARAMS)


async def test_html_instead_of_an_event_stream_is_an_invalid_response(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(RawReply(200, b"<html>login</html>", {"content-type": "text/html"}))
    with pytest.raises(InvalidResponseError, match="event stream"):
        await model.do_stream(PARAMS)


async def test_stream_cut_mid_way_raises_incomplete_stream_after_the_delivered_text(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply(["a", "b", "c"], cut_after=2))
    seen: list[StreamPart] = []
    with pytest.raises(IncompleteStreamError, match="broke off"):
        await read_all(model, seen)
    assert collect_stream(seen).text == "ab"


async def test_stream_ending_without_a_finish_reason_is_incomplete(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    chunks = stream_chunks(["a", "b"])
    del chunks[-1]["candidates"][0]["finishReason"]
    server.enqueue(chunks_reply(chunks))
    seen: list[StreamPart] = []
    with pytest.raises(IncompleteStreamError, match="finishReason"):
        await read_all(model, seen)
    assert collect_stream(seen).text == "ab"


async def test_error_event_mid_stream_becomes_an_error_part_and_error_finish(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    partial = stream_chunks(["partial"])[0]
    del partial["candidates"][0]["finishReason"]
    server.enqueue(chunks_reply([partial, error_body(500, "Internal error", "INTERNAL")]))
    seen: list[StreamPart] = []
    await read_all(model, seen)
    errors = [part.error for part in seen if isinstance(part, ErrorPart)]
    assert [(error.status_code, error.message) for error in errors] == [(500, "Internal error")]
    collected = collect_stream(seen)
    assert (collected.text, collected.finish_reason) == ("partial", "error")


async def test_error_event_first_raises_a_retryable_error_from_do_stream(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(chunks_reply([error_body(429, "Resource exhausted", "RESOURCE_EXHAUSTED")]))
    with pytest.raises(APICallError) as caught:
        await model.do_stream(PARAMS)
    assert (caught.value.status_code, caught.value.is_retryable) == (429, True)


async def test_unparseable_chunk_after_output_becomes_an_error_part(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    first, *rest = stream_chunks(["fine", "!"])
    server.enqueue(chunks_reply([first, "{broken", *rest]))
    seen: list[StreamPart] = []
    await read_all(model, seen)
    assert len([part for part in seen if isinstance(part, ErrorPart)]) == 1
    assert collect_stream(seen).text == "fine!"


async def test_unparseable_chunk_before_output_raises_a_typed_error_from_do_stream(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(chunks_reply(["{broken", *stream_chunks(["fine"])]))
    with pytest.raises(InvalidResponseDataError, match="Invalid JSON in stream event"):
        await model.do_stream(PARAMS)


async def test_closing_a_stream_early_closes_the_connection(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply([f"chunk {n} " for n in range(200)], event_delay=0.005))
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if part.type == "text-delta":
            break
    await result.stream.aclose()
    assert server.wait_until(lambda s: s.disconnects >= 1, timeout=2.0)


async def test_a_finished_stream_leaves_the_connection_reusable(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply(["x"]), text_reply("y"))
    opened = server.connections_opened
    await read_all(model, [])
    await model.do_generate(PARAMS)
    assert server.connections_opened - opened <= 1
    assert json.loads(server.requests[-1].body)["contents"][0]["parts"] == [{"text": "Hi"}]


async def test_an_event_over_the_size_cap_after_content_is_a_protocol_error_not_a_dropped_connection(
    model: GoogleLanguageModel, server: LoopbackServer
) -> None:
    chunks: list[dict[str, Any] | str] = [*stream_chunks(["a", "b"])[:1], "x" * (DEFAULT_MAX_EVENT_BYTES + 1)]
    server.enqueue(chunks_reply(chunks))
    seen: list[StreamPart] = []
    with pytest.raises(StreamProtocolError) as caught:
        await read_all(model, seen)
    assert caught.value.is_retryable is False
    assert collect_stream(seen).text == "a"
