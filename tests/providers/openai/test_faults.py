"""Faults against a real loopback server: HTTP errors, resets, cut streams, in-stream errors, bad JSON."""

import json
from collections.abc import Iterator

import pytest

from pipeline.errors import APICallError, IncompleteStreamError, InvalidResponseError, StreamProtocolError
from pipeline.params import CallParams
from pipeline.stream import FinishPart, StreamPart
from providers._sse import DEFAULT_MAX_EVENT_BYTES
from providers.openai import OpenAIChatLanguageModel, OpenAIProvider
from providers.testing import LoopbackServer, RawReply, ResetReply
from providers.testing.openai import chunk, error_body, error_reply, stream_chunks, stream_reply

PARAMS = CallParams.model_validate(
    {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def model(server: LoopbackServer) -> OpenAIChatLanguageModel:
    return OpenAIProvider(api_key="sk-fault", base_url=server.url("/v1")).chat("gpt-4o")


async def read_all(model: OpenAIChatLanguageModel) -> list[StreamPart]:
    result = await model.do_stream(PARAMS)
    return [part async for part in result.stream]


async def test_429_with_retry_after_is_retryable(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(
        error_reply(
            429,
            "Rate limit reached",
            error_type="requests",
            code="rate_limit_exceeded",
            headers={"retry-after": "2"},
        )
    )
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    error = caught.value
    assert (error.status_code, error.is_retryable, error.retry_after) == (429, True, 2.0)
    assert error.message == "Rate limit reached"
    assert error.data == error_body("Rate limit reached", error_type="requests", code="rate_limit_exceeded")
    assert len(server.requests) == 1  # the terminal never retries


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (529, True), (400, False), (401, False)])
async def test_http_errors_carry_status_and_retryability(
    model: OpenAIChatLanguageModel, server: LoopbackServer, status: int, retryable: bool
) -> None:
    server.enqueue(error_reply(status, "nope"), error_reply(status, "nope"))
    for call in (model.do_generate(PARAMS), read_all(model)):
        with pytest.raises(APICallError) as caught:
            await call
        assert (caught.value.status_code, caught.value.is_retryable) == (status, retryable)


async def test_connection_reset_is_a_retryable_api_call_error(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(ResetReply())
    with pytest.raises(APICallError) as caught:
        await model.do_generate(PARAMS)
    assert caught.value.is_retryable and caught.value.status_code is None


async def test_invalid_json_body_raises_invalid_response(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(RawReply(200, b"{not json", {"content-type": "application/json"}))
    with pytest.raises(InvalidResponseError):
        await model.do_generate(PARAMS)


async def test_stream_cut_mid_way_raises_incomplete_stream(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply(stream_chunks(["a", "b", "c"]), cut_after=3))
    result = await model.do_stream(PARAMS)
    seen = []
    with pytest.raises(IncompleteStreamError):
        async for part in result.stream:
            seen.append(part)
    assert [part.delta for part in seen if part.type == "text-delta"] == ["", "a", "b"]


async def test_clean_end_after_the_finish_reason_chunk_without_done_is_complete(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    """Servers and gateways in the wild omit ``[DONE]``: the finish_reason chunk said the answer is over."""
    server.enqueue(stream_reply(stream_chunks(["a"], done=False)))
    parts = await read_all(model)
    assert isinstance(parts[-1], FinishPart) and parts[-1].finish_reason == "stop"
    assert parts[-1].usage.output_tokens is not None


async def test_clean_end_without_finish_reason_or_done_raises_incomplete_stream(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    payloads = [chunk({"role": "assistant", "content": ""}), chunk({"content": "a"})]
    server.enqueue(stream_reply(payloads))
    result = await model.do_stream(PARAMS)
    with pytest.raises(IncompleteStreamError, match="DONE"):
        [part async for part in result.stream]


async def test_error_event_first_raises_from_do_stream(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    frame = error_body("The server is overloaded", error_type="server_error", code="overloaded")
    server.enqueue(stream_reply([chunk({"role": "assistant", "content": ""}), json.dumps(frame), "[DONE]"]))
    with pytest.raises(APICallError) as caught:
        await model.do_stream(PARAMS)
    assert (caught.value.status_code, caught.value.is_retryable) == (503, True)
    assert caught.value.message == "The server is overloaded"


async def test_error_event_after_content_is_an_error_part(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    frame = error_body("lost it", error_type="server_error")
    server.enqueue(stream_reply([chunk({"content": "Hel"}), json.dumps(frame), "[DONE]"]))
    parts = await read_all(model)
    errors = [part for part in parts if part.type == "error"]
    assert errors[0].error == frame["error"]
    assert isinstance(parts[-1], FinishPart) and parts[-1].finish_reason == "error"


async def test_unparseable_chunk_is_an_error_part(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply([chunk({"content": "x"}), "{broken", "[DONE]"]))
    parts = await read_all(model)
    assert [part.type for part in parts].count("error") == 1
    assert isinstance(parts[-1], FinishPart) and parts[-1].finish_reason == "error"


async def test_html_instead_of_event_stream_is_rejected(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(RawReply(200, b"<html>login</html>", {"content-type": "text/html"}))
    with pytest.raises(InvalidResponseError):
        await model.do_stream(PARAMS)


async def test_closing_a_stream_early_releases_the_connection(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(stream_reply(stream_chunks(["a"] * 50), event_delay=0.01))
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if part.type == "text-delta":
            break
    await result.stream.aclose()
    assert server.wait_until(lambda s: s.live_connections == 0, timeout=5)


async def test_cut_before_any_output_raises_retryable_from_do_stream(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    server.enqueue(
        stream_reply([chunk({"role": "assistant", "content": ""}), chunk({"content": "x"})], cut_after=1)
    )
    with pytest.raises(APICallError) as caught:
        await model.do_stream(PARAMS)
    assert caught.value.is_retryable


async def test_an_event_over_the_size_cap_after_content_is_a_protocol_error_not_a_dropped_connection(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    oversized = "x" * (DEFAULT_MAX_EVENT_BYTES + 1)
    server.enqueue(
        stream_reply([chunk({"role": "assistant", "content": ""}), chunk({"content": "a"}), oversized])
    )
    result = await model.do_stream(PARAMS)
    with pytest.raises(StreamProtocolError) as caught:
        async for _ in result.stream:
            pass
    assert caught.value.is_retryable is False
