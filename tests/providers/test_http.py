"""The shared provider HTTP layer against a real loopback server (and httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email.utils
import gc
import gzip
import json
import logging
import math
import time
import warnings
import weakref
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.from_thread
import httpx
import pydantic
import pytest
import trio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import generate_text
from pipeline.errors import (
    APICallError,
    InvalidArgumentError,
    InvalidResponseDataError,
    InvalidResponseError,
    ModelCallError,
    ResponseTooLargeError,
    StreamProtocolError,
)
from providers._http import (
    DEFAULT_TIMEOUT,
    MAX_ERROR_BODY_BYTES,
    HttpClient,
    JsonResponse,
    parse_retry_after,
    post_json,
    post_sse,
    shared_http,
)
from providers._sse import SSEEvent
from providers.anthropic import AnthropicMessagesModel
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel
from providers.testing import JsonReply, LoopbackServer, RawReply, ResetReply, SSEReply, StallReply

API_KEY = "sk-canary-0123456789"
AUTH = {"authorization": f"Bearer {API_KEY}", "x-api-key": API_KEY}


def parse_error(status: int, text: str) -> tuple[str, Any]:
    """A provider-style parser: ``{"error": {"message": ...}}`` → its message; anything else → no message."""
    try:
        data = json.loads(text)
        return data["error"]["message"], data
    except (ValueError, KeyError, TypeError):
        return "", None


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def http() -> HttpClient:
    return HttpClient()


async def call_json(http: HttpClient, server: LoopbackServer, path: str = "/v1/x", **kwargs: Any) -> Any:
    return await post_json(
        http, server.url(path), headers=AUTH, body={"q": 1}, parse_error=parse_error, **kwargs
    )


async def json_error(http: HttpClient, server: LoopbackServer, path: str = "/v1/x") -> APICallError:
    with pytest.raises(APICallError) as caught:
        await call_json(http, server, path)
    assert API_KEY not in str(caught.value) and API_KEY not in repr(caught.value)
    assert API_KEY not in json.dumps(vars(caught.value), default=str)
    return caught.value


# -- successful calls -----------------------------------------------------------------------------------


async def test_post_json_sends_json_and_returns_value_and_headers(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(JsonReply({"answer": "é"}, headers={"x-request-id": "req-1"}))
    response = await post_json(
        http,
        server.url("/v1/chat?beta=1"),
        headers={"X-Custom": "yes", "Accept": "application/x-custom"},
        body={"text": "héllo", "n": [1, 2]},
        parse_error=parse_error,
    )
    assert response.value == {"answer": "é"}
    assert response.headers["x-request-id"] == "req-1"
    request = server.requests[0]
    assert (request.method, request.path, request.query) == ("POST", "/v1/chat", "beta=1")
    assert request.json() == {"text": "héllo", "n": [1, 2]}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-custom"] == "yes"
    assert request.headers["accept"] == "application/x-custom"
    assert request.headers["user-agent"].startswith("modelpipe/")


async def test_post_sse_yields_events_and_headers(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(SSEReply(['{"a":1}', ("delta", "two\nlines"), "[DONE]"], headers={"x-request-id": "r2"}))
    stream = await post_sse(
        http, server.url("/v1/s"), headers=AUTH, body={"stream": True}, parse_error=parse_error
    )
    assert stream.headers["x-request-id"] == "r2"
    events = [event async for event in stream.events]
    assert events == [SSEEvent(None, '{"a":1}'), SSEEvent("delta", "two\nlines"), SSEEvent(None, "[DONE]")]
    assert server.requests[0].headers["accept"] == "text/event-stream"


# -- error mapping ------------------------------------------------------------------------------------

STATUS_RETRYABLE = [
    (400, False),
    (401, False),
    (403, False),
    (404, False),
    (422, False),
    (408, True),
    (409, True),
    (429, True),
    (500, True),
    (502, True),
    (503, True),
    (504, True),
    (529, True),
]


@pytest.mark.parametrize(("status", "retryable"), STATUS_RETRYABLE)
async def test_status_error_mapping(
    server: LoopbackServer, http: HttpClient, status: int, retryable: bool
) -> None:
    body = {"error": {"message": f"failure {status}", "type": "t"}}
    server.enqueue(JsonReply(body, status=status, headers={"x-request-id": "abc"}))
    error = await json_error(http, server)
    assert error.message == f"failure {status}"
    assert error.status_code == status
    assert error.is_retryable is retryable
    assert error.data == body
    assert error.response_body is not None and json.loads(error.response_body) == body
    assert error.response_headers is not None and error.response_headers["x-request-id"] == "abc"
    assert error.request_body == {"q": 1}
    assert error.url == server.url("/v1/x")
    assert error.retry_after is None


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (503, True)])
async def test_status_error_mapping_for_streams(
    server: LoopbackServer, http: HttpClient, status: int, retryable: bool
) -> None:
    server.enqueue(JsonReply({"error": {"message": "nope"}}, status=status))
    with pytest.raises(APICallError) as caught:
        await post_sse(http, server.url("/s"), headers=AUTH, body={}, parse_error=parse_error)
    assert (caught.value.message, caught.value.status_code, caught.value.is_retryable) == (
        "nope",
        status,
        retryable,
    )
    assert server.wait_until(lambda s: s.live_connections == 1)


async def test_unparseable_error_body_falls_back_to_reason_phrase(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(RawReply(502, b"<html>bad gateway</html>", {"content-type": "text/html"}))
    error = await json_error(http, server)
    assert error.message == "Bad Gateway"
    assert error.response_body == "<html>bad gateway</html>"
    assert error.data is None


async def test_failing_error_parser_gives_failed_to_process(server: LoopbackServer, http: HttpClient) -> None:
    def broken(status: int, text: str) -> tuple[str, Any]:
        raise ValueError("boom")

    server.enqueue(JsonReply({}, status=500))
    with pytest.raises(APICallError) as caught:
        await post_json(http, server.url("/x"), headers={}, body={}, parse_error=broken)
    assert caught.value.message == "Failed to process error response"
    assert caught.value.is_retryable


async def test_error_body_is_truncated(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(RawReply(500, b"e" * (MAX_ERROR_BODY_BYTES + 5000)))
    error = await json_error(http, server)
    assert error.response_body == "e" * MAX_ERROR_BODY_BYTES


@pytest.mark.parametrize(
    ("status", "header", "retryable"),
    [
        (400, "true", True),
        (503, "false", False),
        (429, "FALSE", False),
        (404, "maybe", False),
        (500, "x", True),
    ],
)
async def test_x_should_retry_overrides_status_rule(
    server: LoopbackServer, http: HttpClient, status: int, header: str, retryable: bool
) -> None:
    server.enqueue(JsonReply({"error": {"message": "m"}}, status=status, headers={"x-should-retry": header}))
    error = await json_error(http, server)
    assert error.is_retryable is retryable


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"Retry-After": "1"}, 1.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "7"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "7"}, 7.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "300"}, 300.0),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "garbage"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": ""}, None),
        ({"retry-after": "1e400"}, float("inf")),
        ({"retry-after": "99999999999999999999999999999999999"}, 1e35),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_parse_retry_after_future_http_date() -> None:
    in_ten = email.utils.formatdate(time.time() + 10, usegmt=True)
    value = parse_retry_after({"Retry-After": in_ten})
    assert value is not None and 8.5 <= value <= 10.0
    assert parse_retry_after(httpx.Headers({"Retry-After": in_ten})) == pytest.approx(value, abs=1.0)


@pytest.mark.parametrize(
    ("headers", "expected"), [({"retry-after-ms": "250"}, 0.25), ({"retry-after": "2"}, 2.0)]
)
async def test_retry_after_set_on_status_errors(
    server: LoopbackServer, http: HttpClient, headers: dict[str, str], expected: float
) -> None:
    server.enqueue(JsonReply({"error": {"message": "slow down"}}, status=429, headers=headers))
    error = await json_error(http, server)
    assert error.retry_after == expected
    assert error.is_retryable


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_is_an_error_and_never_followed(http: HttpClient, status: int) -> None:
    with LoopbackServer() as api, LoopbackServer() as elsewhere:
        elsewhere.default_reply = JsonReply({"stolen": True})
        api.enqueue(RawReply(status, b"", {"location": elsewhere.url("/collect")}))
        error = await json_error(http, api)
        assert error.status_code == status
        assert not error.is_retryable
        assert "redirect" in error.message.lower()
        assert error.response_headers is not None and error.response_headers["location"].endswith("/collect")
        assert elsewhere.requests == []
        assert elsewhere.connections_opened == 0


async def test_connection_reset_is_retryable_connect_error(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(ResetReply())
    error = await json_error(http, server)
    assert error.message.startswith("Cannot connect to API: ")
    assert error.is_retryable
    assert error.status_code is None
    assert isinstance(error.__cause__, httpx.TransportError)


async def test_connection_refused_is_retryable(http: HttpClient) -> None:
    with LoopbackServer() as closed:
        url = closed.url("/x")
    with pytest.raises(APICallError) as caught:
        await post_json(http, url, headers=AUTH, body={}, parse_error=parse_error)
    assert caught.value.message.startswith("Cannot connect to API: ConnectError")
    assert caught.value.is_retryable


async def test_stall_becomes_retryable_timeout_error(server: LoopbackServer) -> None:
    http = HttpClient(timeout=httpx.Timeout(0.2))
    server.enqueue(StallReply(3.0))
    started = time.monotonic()
    error = await json_error(http, server)
    assert time.monotonic() - started < 2.0
    assert error.message.startswith("Cannot connect to API: ReadTimeout")
    assert error.is_retryable


async def test_unsupported_url_scheme_is_an_invalid_base_url(http: HttpClient) -> None:
    with pytest.raises(InvalidArgumentError, match="scheme must be http or https") as caught:
        await post_json(http, "ftp://127.0.0.1/x", headers={}, body={}, parse_error=parse_error)
    assert caught.value.argument == "base_url"


async def test_post_sse_decodes_a_gzip_encoded_stream(server: LoopbackServer, http: HttpClient) -> None:
    body = gzip.compress(b'data: {"a":1}\n\nevent: delta\ndata: x\n\ndata: [DONE]\n\n')
    server.enqueue(RawReply(200, body, {"content-type": "text/event-stream", "content-encoding": "gzip"}))
    stream = await post_sse(http, server.url("/v1/s"), headers=AUTH, body={}, parse_error=parse_error)
    events = [event async for event in stream.events]
    assert events == [SSEEvent(None, '{"a":1}'), SSEEvent("delta", "x"), SSEEvent(None, "[DONE]")]


async def test_invalid_json_on_2xx(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(RawReply(200, b"{not json", {"content-type": "application/json"}))
    error = await json_error(http, server)
    assert isinstance(error, InvalidResponseError)
    assert error.message == "Invalid JSON response"
    assert error.response_body == "{not json"
    assert error.status_code == 200
    assert not error.is_retryable


async def test_undecodable_body_is_an_invalid_response(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(
        RawReply(200, b"not gzip at all", {"content-type": "application/json", "content-encoding": "gzip"})
    )
    error = await json_error(http, server)
    assert isinstance(error, InvalidResponseError)
    assert error.message.startswith("Cannot decode the response body")
    assert isinstance(error.__cause__, httpx.DecodingError)


async def test_undecodable_error_body_keeps_the_status_error(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(RawReply(503, b"garbage", {"content-encoding": "gzip"}))
    error = await json_error(http, server)
    assert (error.status_code, error.message, error.is_retryable) == (503, "Service Unavailable", True)


async def test_html_instead_of_event_stream(server: LoopbackServer, http: HttpClient) -> None:
    page = b"<!doctype html><html><body>" + b"proxy login " * 100 + b"</body></html>"
    server.enqueue(RawReply(200, page, {"content-type": "text/html; charset=utf-8"}))
    with pytest.raises(InvalidResponseError) as caught:
        await post_sse(http, server.url("/s"), headers=AUTH, body={}, parse_error=parse_error)
    error = caught.value
    assert error.content_type == "text/html; charset=utf-8"
    assert "text/event-stream" in error.message
    assert error.response_body == page[:200].decode()
    assert not error.is_retryable


async def test_event_stream_content_type_with_parameters_is_accepted(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(SSEReply(["x"], headers={"Content-Type": "Text/Event-Stream; charset=utf-8"}))
    stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    assert [event.data async for event in stream.events] == ["x"]


async def test_json_body_over_the_cap(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(JsonReply({"big": "x" * 5000}))
    with pytest.raises(ResponseTooLargeError) as caught:
        await call_json(http, server, max_response_bytes=1000)
    assert caught.value.max_bytes == 1000
    assert not caught.value.is_retryable


async def test_chunked_json_body_over_the_cap_without_content_length(
    server: LoopbackServer, http: HttpClient
) -> None:
    # The pieces come 50 ms apart, so the cap is crossed mid-body: a body that had ended within the
    # read that crossed it would leave a finished, reusable connection in the pool instead.
    pieces: list[str | tuple[str | None, str] | bytes] = [b"[" + b"1," * 400 for _ in range(20)]
    server.enqueue(SSEReply(pieces, headers={"content-type": "application/json"}, event_delay=0.05))
    with pytest.raises(ResponseTooLargeError):
        await call_json(http, server, max_response_bytes=1000)
    assert server.wait_until(lambda s: s.live_connections == 0)  # closed mid-body, not read to its end


async def test_sse_event_over_the_cap_closes_the_response(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(SSEReply(["small", "x" * 5000, "after"]))
    stream = await post_sse(
        http, server.url("/s"), headers={}, body={}, parse_error=parse_error, max_event_bytes=1000
    )
    seen: list[str] = []
    with pytest.raises(StreamProtocolError):
        async for event in stream.events:
            seen.append(event.data)
    assert seen == ["small"]


async def test_connection_cut_mid_stream_raises_retryable_error_after_delivered_events(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(SSEReply(["1", "2", "3", "4"], cut_after=2))
    stream = await post_sse(http, server.url("/s"), headers=AUTH, body={}, parse_error=parse_error)
    seen: list[str] = []
    with pytest.raises(APICallError) as caught:
        async for event in stream.events:
            seen.append(event.data)
    assert seen == ["1", "2"]
    assert caught.value.is_retryable
    assert caught.value.status_code == 200
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert API_KEY not in str(caught.value)


# -- connection handling ------------------------------------------------------------------------------


async def test_early_aclose_closes_the_response_and_server_sees_disconnect(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.enqueue(SSEReply([str(n) for n in range(200)], event_delay=0.01))
    stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    received = [await anext(stream.events), await anext(stream.events)]
    await stream.events.aclose()
    assert received == [SSEEvent(None, "0"), SSEEvent(None, "1")]
    assert server.wait_until(lambda s: s.disconnects == 1 and s.live_connections == 0)


async def test_cancelled_consumer_closes_the_response(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(SSEReply([str(n) for n in range(200)], event_delay=0.01))
    stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    received: list[str] = []

    async def consume() -> None:
        async for event in stream.events:
            received.append(event.data)

    with anyio.move_on_after(0.1):
        await consume()
    await stream.events.aclose()
    assert 1 <= len(received) < 200
    assert server.wait_until(lambda s: s.disconnects == 1 and s.live_connections == 0)


async def test_a_drained_stream_closed_inside_a_cancelled_scope_keeps_its_connection(
    server: LoopbackServer, http: HttpClient
) -> None:
    """The last step of a stream read to its end hands the connection back to the pool; a scope cancelled
    by then (a caller giving up just as the stream ends) must not lose the connection."""
    server.default_reply = SSEReply(["a", "b"])
    stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    seen = [(await anext(stream.events)).data, (await anext(stream.events)).data]
    await anyio.sleep(0.2)  # the rest of the body arrives: ending the stream then reads no more network
    with anyio.CancelScope() as scope:
        scope.cancel()
        with pytest.raises(StopAsyncIteration):
            await anext(stream.events)
    assert seen == ["a", "b"]
    again = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    assert [event.data async for event in again.events] == ["a", "b"]
    assert server.connections_opened == 1


async def test_cancellation_is_not_wrapped(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(StallReply(2.0))
    task = asyncio.create_task(call_json(http, server))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_no_new_connections_after_warm_up_json(server: LoopbackServer, http: HttpClient) -> None:
    server.default_reply = JsonReply({"ok": True})
    await call_json(http, server)
    for _ in range(10):
        assert (await call_json(http, server)).value == {"ok": True}
    assert server.connections_opened == 1
    assert len(server.requests) == 11


async def test_no_new_connections_after_warm_up_sse(server: LoopbackServer, http: HttpClient) -> None:
    server.default_reply = SSEReply(["a", "b", "[DONE]"])
    for _ in range(6):
        stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
        assert [event.data async for event in stream.events] == ["a", "b", "[DONE]"]
    assert server.connections_opened == 1


async def test_connection_reused_after_status_error(server: LoopbackServer, http: HttpClient) -> None:
    server.enqueue(JsonReply({"error": {"message": "x"}}, status=400), JsonReply({"ok": 1}))
    await json_error(http, server)
    assert (await call_json(http, server)).value == {"ok": 1}
    assert server.connections_opened == 1


async def test_concurrent_calls_share_a_bounded_pool(server: LoopbackServer) -> None:
    http = HttpClient(max_connections=3)
    server.default_reply = JsonReply({"ok": True}, delay=0.05)
    results = await asyncio.gather(*(call_json(http, server) for _ in range(9)))
    assert all(result.value == {"ok": True} for result in results)
    assert server.connections_opened == 3


def test_one_pooled_client_per_event_loop_closed_with_its_loop(server: LoopbackServer) -> None:
    http = HttpClient()
    server.default_reply = JsonReply({"ok": True})

    async def three_calls() -> httpx.AsyncClient:
        first = http.client()
        for _ in range(3):
            await call_json(http, server)
        assert http.client() is first
        return first

    client_one = asyncio.run(three_calls())
    client_two = asyncio.run(three_calls())
    assert client_one is not client_two
    assert client_one.is_closed and client_two.is_closed
    assert server.connections_opened == 2
    assert server.wait_until(lambda s: s.live_connections == 0)


def test_pooled_client_on_a_long_lived_background_loop(server: LoopbackServer) -> None:
    http = HttpClient()
    server.default_reply = JsonReply({"ok": True})
    with asyncio.Runner() as runner:
        for _ in range(3):
            runner.run(call_json(http, server))
        assert server.connections_opened == 1
        client = runner.run(_current_client(http))
        assert not client.is_closed
    assert client.is_closed
    assert server.wait_until(lambda s: s.live_connections == 0)


def test_pooled_client_under_a_blocking_portal(server: LoopbackServer) -> None:
    http = HttpClient()
    server.default_reply = JsonReply({"ok": True})
    with anyio.from_thread.start_blocking_portal() as portal:
        for _ in range(4):
            assert portal.call(call_json, http, server).value == {"ok": True}
        client = portal.call(_current_client, http)
    assert server.connections_opened == 1
    assert client.is_closed
    assert server.wait_until(lambda s: s.live_connections == 0)


async def _current_client(http: HttpClient) -> httpx.AsyncClient:
    return http.client()


def test_works_under_trio(server: LoopbackServer) -> None:
    http = HttpClient()
    server.enqueue(JsonReply({"n": 1}), SSEReply(["e1", "e2"]), JsonReply({"n": 2}))

    async def main() -> tuple[Any, list[str], Any, httpx.AsyncClient]:
        first = await call_json(http, server)
        stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
        events = [event.data async for event in stream.events]
        second = await call_json(http, server)
        return first.value, events, second.value, http.client()

    first, events, second, client = trio.run(main)
    assert (first, events, second) == ({"n": 1}, ["e1", "e2"], {"n": 2})
    assert server.connections_opened == 1
    assert client.is_closed


async def test_aclose_closes_the_loop_client_and_a_new_one_is_made(server: LoopbackServer) -> None:
    http = HttpClient()
    server.default_reply = JsonReply({"ok": True})
    await call_json(http, server)
    first = http.client()
    await http.aclose()
    assert first.is_closed
    assert server.wait_until(lambda s: s.live_connections == 0)
    await call_json(http, server)
    assert http.client() is not first
    assert server.connections_opened == 2


def test_client_and_transport_are_exclusive() -> None:
    with pytest.raises(InvalidArgumentError, match="not both"):
        HttpClient(
            client=httpx.AsyncClient(), transport=httpx.MockTransport(lambda request: httpx.Response(200))
        )


def test_client_outside_an_event_loop_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="running event loop"):
        HttpClient().client()


async def test_pooled_client_never_follows_redirects_and_uses_timeouts() -> None:
    client = HttpClient().client()
    assert client.follow_redirects is False
    assert client.timeout == DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT.connect == 5.0 and DEFAULT_TIMEOUT.read == 600.0


def test_shared_http_is_one_process_wide_instance() -> None:
    assert shared_http() is shared_http()
    assert isinstance(shared_http(), HttpClient)


async def test_pooled_requests_keep_the_httpx_request_log_and_timing(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    http = HttpClient()
    server.enqueue(JsonReply({"n": 1}))
    try:
        with caplog.at_level(logging.INFO, logger="httpx"):
            response = await http.send(server.url("/v1/x"), {"x-api-key": API_KEY}, b"{}")
            await response.aread()
    finally:
        await http.aclose()
    assert response.json() == {"n": 1}
    assert response.elapsed >= datetime.timedelta(0)
    assert [record.getMessage() for record in caplog.records] == [
        f'HTTP Request: POST {server.url("/v1/x")} "HTTP/1.1 200 OK"'
    ]
    sent = server.requests[0].headers
    assert sent["accept-encoding"] == "gzip, deflate" and sent["x-api-key"] == API_KEY


async def test_requests_through_a_given_transport_go_through_async_client_send(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Before, these skipped ``AsyncClient.send`` too and lost its log record and ``elapsed``."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b'{"n": 1}'))  # a body still to be read

    http = HttpClient(transport=httpx.MockTransport(answer))
    with caplog.at_level(logging.INFO, logger="httpx"):
        response = await http.send("http://api.test/v1/x", {"x-api-key": API_KEY}, b"{}")
        await response.aread()
        await response.aclose()
    await http.aclose()
    assert response.json() == {"n": 1}
    assert response.elapsed >= datetime.timedelta(0)
    assert [record.getMessage() for record in caplog.records] == [
        'HTTP Request: POST http://api.test/v1/x "HTTP/1.1 200 OK"'
    ]


async def test_direct_requests_carry_the_configured_timeouts(server: LoopbackServer) -> None:
    http = HttpClient(timeout=httpx.Timeout(connect=1.0, read=0.2, write=1.0, pool=1.0))
    server.enqueue(StallReply(seconds=2.0))
    started = time.monotonic()
    try:
        with pytest.raises(APICallError, match="ReadTimeout") as caught:
            await call_json(http, server)
    finally:
        await http.aclose()
    assert caught.value.is_retryable
    assert time.monotonic() - started < 1.5


async def test_a_proxy_from_the_environment_is_honoured(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", server.url(""))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http = HttpClient()
    server.default_reply = JsonReply({"via": "proxy"})
    try:
        response = await post_json(
            http, "http://api.example.test/v1/x", headers=AUTH, body={}, parse_error=parse_error
        )
    finally:
        await http.aclose()
    assert response.value == {"via": "proxy"}
    assert server.requests[0].headers["host"] == "api.example.test"


# -- injection ------------------------------------------------------------------------------------------


async def test_injected_client_is_used_and_left_open() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"via": "mock"})

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(handler), headers={"x-team": "search"}
    ) as injected:
        http = HttpClient(client=injected)
        assert http.client() is injected
        response = await post_json(
            http, "https://api.example.test/v1/x", headers=AUTH, body={"a": 1}, parse_error=parse_error
        )
        await http.aclose()
        assert not injected.is_closed
    assert response.value == {"via": "mock"}
    assert json.loads(seen[0].content) == {"a": 1}
    assert seen[0].headers["x-api-key"] == API_KEY
    assert seen[0].headers["x-team"] == "search"  # the injected client's own defaults still apply


async def test_transport_is_used_by_pooled_clients() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/stream":
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=b"data: 1\n\ndata: 2\n\n"
            )
        return httpx.Response(429, headers={"retry-after-ms": "100"}, json={"error": {"message": "busy"}})

    http = HttpClient(transport=httpx.MockTransport(handler))
    stream = await post_sse(http, "https://mock.test/stream", headers={}, body={}, parse_error=parse_error)
    assert [event.data async for event in stream.events] == ["1", "2"]
    with pytest.raises(APICallError) as caught:
        await post_json(http, "https://mock.test/json", headers={}, body={}, parse_error=parse_error)
    assert (caught.value.message, caught.value.status_code, caught.value.retry_after) == ("busy", 429, 0.1)
    await http.aclose()


async def test_mock_transport_exception_maps_to_connect_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("connect timed out", request=request)

    http = HttpClient(transport=httpx.MockTransport(handler))
    with pytest.raises(APICallError) as caught:
        await post_json(http, "https://mock.test/json", headers=AUTH, body={"b": 2}, parse_error=parse_error)
    assert caught.value.message == "Cannot connect to API: ConnectTimeout: connect timed out"
    assert caught.value.is_retryable
    assert caught.value.request_body == {"b": 2}
    await http.aclose()


# -- hostile input and answers: typed errors, before any I/O where the input is ours ------------------------


def test_event_loops_closed_without_shutting_down_async_generators_are_freed(server: LoopbackServer) -> None:
    """Bug: the per-loop client map lived on the HttpClient and its entries referenced their loop (the
    closer and the pool's sockets), so every such loop, client and pool stayed alive (3 of 3)."""
    http = HttpClient()
    server.default_reply = JsonReply({"ok": True})
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []
    clients: list[weakref.ref[httpx.AsyncClient]] = []
    with warnings.catch_warnings():
        # the abandoned loops' sockets are closed by the garbage collector, which says so
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(3):
            loop = asyncio.new_event_loop()
            loop.run_until_complete(call_json(http, server))
            clients.append(weakref.ref(loop.run_until_complete(_current_client(http))))
            loops.append(weakref.ref(loop))
            loop.close()
            del loop
        gc.collect()
    assert [ref() for ref in loops] == [None, None, None]
    assert [ref() for ref in clients] == [None, None, None]
    assert server.connections_opened == 3


def test_a_timeout_that_is_not_a_number_of_seconds_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match=r"timeout\.read") as caught:
        HttpClient(timeout=httpx.Timeout(connect=1.0, read=math.nan, write=1.0, pool=1.0))
    assert caught.value.argument == "timeout.read"
    with pytest.raises(InvalidArgumentError, match=r"timeout\.connect"):
        HttpClient(timeout=httpx.Timeout(-1.0))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/v1/x", "port 99999"),
        ("http://127.0.0.1:0/v1/x", "port 0"),
        ("http:///v1/x", "no host"),
        ("http://[::1/v1/x", "not a valid URL"),
    ],
)
async def test_a_bad_base_url_is_an_invalid_argument_before_any_connection(
    server: LoopbackServer, url: str, reason: str
) -> None:
    """Bug: port 99999 escaped as an ExceptionGroup from the connection attempt."""
    with pytest.raises(InvalidArgumentError, match=reason) as caught:
        await post_json(HttpClient(), url, headers=AUTH, body={}, parse_error=parse_error)
    assert caught.value.argument == "base_url"
    assert server.connections_opened == 0


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"x-bad name": "1"}, "x-bad name"),
        ({"x-bad\r\nname": "1"}, "x-bad\\r\\nname"),
        ({"x-injected": "1\r\nx-evil: 2"}, "x-injected"),
        ({"x-nul": "a\x00b"}, "x-nul"),
        ({"x-accent": "café"}, "x-accent"),
        ({"": "1"}, "''"),
    ],
)
async def test_a_bad_header_is_an_invalid_argument_before_any_connection(
    server: LoopbackServer, http: HttpClient, headers: dict[str, str], named: str
) -> None:
    """Bug: a CR/LF or space in a name became a retryable "Cannot connect to API" after a connection was
    opened; a non-ASCII value raised UnicodeEncodeError."""
    with pytest.raises(InvalidArgumentError, match="header") as caught:
        await post_json(http, server.url("/v1/x"), headers=headers, body={}, parse_error=parse_error)
    assert named in caught.value.argument
    assert "café" not in str(caught.value) and "x-evil" not in str(caught.value)
    assert server.connections_opened == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, {1, 2}])
async def test_a_body_that_is_not_strict_json_is_an_invalid_argument_before_any_connection(
    server: LoopbackServer, http: HttpClient, bad: Any
) -> None:
    """Bug: NaN and infinities went out as the invalid JSON tokens NaN / Infinity."""
    with pytest.raises(InvalidArgumentError, match="cannot be encoded as JSON") as caught:
        await post_json(http, server.url("/v1/x"), headers=AUTH, body={"a": [bad]}, parse_error=parse_error)
    assert caught.value.argument == "request body"
    assert server.connections_opened == 0


async def test_a_json_answer_nested_too_deeply_is_invalid_response_data(
    server: LoopbackServer, http: HttpClient
) -> None:
    """Bug: a 200 body nested 100,000 deep raised RecursionError."""
    server.enqueue(RawReply(200, b"[" * 100_000 + b"]" * 100_000, {"content-type": "application/json"}))
    with pytest.raises(InvalidResponseDataError, match="nested too deeply"):
        await call_json(http, server)


def test_an_unexpected_answer_too_deep_to_show_is_reported_without_its_body() -> None:
    class Shape(pydantic.BaseModel):
        n: int

    value: Any = []
    for _ in range(100_000):
        value = [value]
    answer = JsonResponse(value=value, headers={})
    with pytest.raises(pydantic.ValidationError) as invalid:
        Shape.model_validate({"n": "x"})
    error = answer.unexpected("JSON response", invalid.value, url="http://api.test/x", request_body={})
    assert isinstance(error, InvalidResponseError)
    assert error.response_body is None
    shallow = JsonResponse(value={"n": "x"}, headers={}).unexpected(
        "JSON response", invalid.value, url="http://api.test/x", request_body={}
    )
    assert shallow.response_body == '{"n": "x"}'


def _json_values() -> st.SearchStrategy[Any]:
    leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
        ),
        max_leaves=8,
    )


_ANSWERS: dict[str, Any] = {
    "openai": {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    },
    "anthropic": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "Hi"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    },
    "google": {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
    },
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found += _paths(child, (*prefix, key))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


@st.composite
def _hostile_bodies(draw: st.DrawFn, answer: Any) -> bytes:
    """A provider's valid answer with one element replaced by arbitrary JSON, or a body no parser likes."""
    kind = draw(st.sampled_from(["replaced", "deep", "huge number", "truncated", "not json"]))
    if kind == "deep":
        depth = draw(st.sampled_from([500, 5_000, 100_000]))
        return draw(st.sampled_from([b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth]))
    if kind == "huge number":
        return json.dumps({"choices": None}).replace("null", "1" * draw(st.integers(4_000, 6_000))).encode()
    valid = json.dumps(answer).encode()
    if kind == "truncated":
        return valid[: draw(st.integers(0, len(valid) - 1))]
    if kind == "not json":
        return draw(st.binary(max_size=40))
    path = draw(st.sampled_from(_paths(answer)))
    return json.dumps(_replaced(answer, path, draw(_json_values()))).encode()


def _model(provider: str, transport: httpx.MockTransport) -> Any:
    settings: dict[str, Any] = {"api_key": "sk-hostile-0123456789", "transport": transport}
    if provider == "openai":
        return OpenAIChatLanguageModel("gpt-4o-mini", base_url="http://api.test/v1", **settings)
    if provider == "anthropic":
        return AnthropicMessagesModel("claude-sonnet-4-5", base_url="http://api.test/v1", **settings)
    return GoogleLanguageModel("gemini-2.5-flash", base_url="http://api.test/v1beta", **settings)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "google"])
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_200_json_body_ends_in_a_result_or_a_typed_model_call_error(
    provider: str, data: st.DataObject
) -> None:
    body = data.draw(_hostile_bodies(_ANSWERS[provider]))
    model = _model(
        provider,
        httpx.MockTransport(
            lambda request: httpx.Response(200, content=body, headers={"content-type": "application/json"})
        ),
    )
    with contextlib.suppress(ModelCallError):  # anything else fails the test
        asyncio.run(generate_text(model, prompt="Hi", max_retries=0))


# -- finishing a stream at its terminal event ---------------------------------------------------------


async def test_finish_drains_a_body_that_ends_so_the_connection_is_reused(
    server: LoopbackServer, http: HttpClient
) -> None:
    server.default_reply = SSEReply(["last", b": a comment after the terminal event\n\n"])
    for _ in range(2):
        stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
        assert (await anext(stream.events)).data == "last"
        await stream.finish(max_bytes=1024, seconds=5.0)
    assert server.connections_opened == 1


async def test_finish_closes_a_connection_whose_body_does_not_end_within_the_bounds(
    server: LoopbackServer, http: HttpClient
) -> None:
    keep_alives: list[str | tuple[str | None, str] | bytes] = [b": keep-alive\n\n"] * 3000
    server.default_reply = SSEReply(["last", *keep_alives], event_delay=0.01)  # 30 s of keep-alives
    stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
    assert (await anext(stream.events)).data == "last"
    with anyio.fail_after(10):  # a hang guard: the time bound below is what ends the drain
        await stream.finish(max_bytes=1024 * 1024, seconds=0.05)
    assert server.wait_until(lambda s: s.live_connections == 0, timeout=5)


async def test_finish_closes_a_connection_that_sends_more_than_the_byte_bound(
    server: LoopbackServer, http: HttpClient
) -> None:
    # 512 KiB: far more than one network read (64 KiB), whose bytes are parsed before the drain begins
    padding: list[str | tuple[str | None, str] | bytes] = [b": " + b"x" * 1024 + b"\n\n"] * 512
    server.default_reply = SSEReply(["last", *padding])
    for _ in range(2):
        stream = await post_sse(http, server.url("/s"), headers={}, body={}, parse_error=parse_error)
        assert (await anext(stream.events)).data == "last"
        await stream.finish(max_bytes=8 * 1024, seconds=5.0)
    assert server.connections_opened == 2
