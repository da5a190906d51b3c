"""The loopback wire server: recording, scripting, connection accounting and reply kinds."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import trio

import providers.testing as testing
from providers.testing import (
    JsonReply,
    LoopbackServer,
    RawReply,
    RecordedRequest,
    Reply,
    ResetReply,
    SSEReply,
    StallReply,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def test_package_exports_the_server_api_only() -> None:
    assert set(testing.__all__) == {
        "JsonReply",
        "LoopbackServer",
        "RawReply",
        "RecordedRequest",
        "Reply",
        "ReplySource",
        "ResetReply",
        "SSEReply",
        "StallReply",
    }


def test_base_url_is_loopback_with_a_real_port(server: LoopbackServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    port = int(server.base_url.rsplit(":", 1)[1])
    assert port > 0
    assert server.url("/v1/x") == server.base_url + "/v1/x"


def test_records_every_request(server: LoopbackServer) -> None:
    server.default_reply = JsonReply({"ok": True})
    with httpx.Client() as client:
        client.post(
            server.url("/v1/chat/completions?a=1&b=2"),
            json={"model": "m"},
            headers={"Authorization": "Bearer k", "X-Trace": "t1"},
        )
        client.get(server.url("/health"))
    first, second = server.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.query) == ("POST", "/v1/chat/completions", "a=1&b=2")
    assert first.headers["authorization"] == "Bearer k"
    assert first.headers["x-trace"] == "t1"
    assert all(name == name.lower() for name in first.headers)
    assert first.body == b'{"model":"m"}'
    assert first.json() == {"model": "m"}
    assert (second.method, second.path, second.query, second.body) == ("GET", "/health", "", b"")


def test_records_a_chunked_request_body(server: LoopbackServer) -> None:
    server.default_reply = JsonReply({"ok": True})

    def pieces() -> Iterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    with httpx.Client() as client:
        assert client.post(server.url("/c"), content=pieces()).json() == {"ok": True}
    assert server.requests[0].headers["transfer-encoding"] == "chunked"
    assert server.requests[0].json() == {"a": 1}


def test_queue_is_fifo_then_default_reply(server: LoopbackServer) -> None:
    server.enqueue(JsonReply({"n": 1}), JsonReply({"n": 2}, status=201))
    server.default_reply = JsonReply({"n": "default"})
    with httpx.Client() as client:
        answers = [client.post(server.url("/x")) for _ in range(4)]
    assert [(a.status_code, a.json()["n"]) for a in answers] == [
        (200, 1),
        (201, 2),
        (200, "default"),
        (200, "default"),
    ]
    assert server.pending_replies == 0


def test_nothing_scripted_gives_a_descriptive_500(server: LoopbackServer) -> None:
    with httpx.Client() as client:
        answer = client.post(server.url("/nothing"))
    assert answer.status_code == 500
    assert "no reply scripted for POST /nothing" in answer.json()["error"]["message"]


def test_routes_win_over_the_queue_and_the_longest_prefix_wins(server: LoopbackServer) -> None:
    server.route("/v1", JsonReply({"from": "v1"}))
    server.route("/v1/models", JsonReply({"from": "models"}))
    server.enqueue(JsonReply({"from": "queue"}))
    with httpx.Client() as client:
        assert client.get(server.url("/v1/models/gpt")).json() == {"from": "models"}
        assert client.post(server.url("/v1/chat")).json() == {"from": "v1"}
        assert client.post(server.url("/other")).json() == {"from": "queue"}
    server.route("/v1", JsonReply({"from": "replaced"}))
    with httpx.Client() as client:
        assert client.post(server.url("/v1/chat")).json() == {"from": "replaced"}


def test_callable_replies_see_the_request(server: LoopbackServer) -> None:
    def echo(request: RecordedRequest) -> Reply:
        return JsonReply({"echo": request.json(), "path": request.path, "query": request.query})

    server.route("/echo", echo)
    server.enqueue(lambda request: JsonReply({"queued": request.method}))
    with httpx.Client() as client:
        assert client.post(server.url("/echo?x=1"), json=[1, 2]).json() == {
            "echo": [1, 2],
            "path": "/echo",
            "query": "x=1",
        }
        assert client.put(server.url("/q")).json() == {"queued": "PUT"}


def test_a_failing_reply_callable_becomes_a_500(server: LoopbackServer) -> None:
    def broken(request: RecordedRequest) -> Reply:
        raise KeyError("missing")

    server.default_reply = broken
    with httpx.Client() as client:
        answer = client.post(server.url("/x"))
        assert answer.status_code == 500
        assert "KeyError" in answer.json()["error"]["message"]
        assert client.post(server.url("/x")).status_code == 500
    assert server.connections_opened == 1


def test_keep_alive_reuses_one_connection(server: LoopbackServer) -> None:
    server.default_reply = JsonReply({"ok": True})
    with httpx.Client() as client:
        for _ in range(5):
            client.post(server.url("/x"), json={})
        assert server.connections_opened == 1
        assert server.live_connections == 1
    assert server.wait_until(lambda s: s.live_connections == 0)
    assert server.disconnects == 0


def test_connection_close_header_is_honoured(server: LoopbackServer) -> None:
    server.default_reply = JsonReply({"ok": True})
    with httpx.Client() as client:
        for _ in range(3):
            client.post(server.url("/x"), headers={"connection": "close"})
    assert server.connections_opened == 3


def test_json_reply_headers_status_and_delay(server: LoopbackServer) -> None:
    server.enqueue(
        JsonReply(
            {"e": 1},
            status=429,
            headers={"Retry-After": "3", "Content-Type": "application/problem+json"},
            delay=0.1,
        )
    )
    started = time.monotonic()
    with httpx.Client() as client:
        answer = client.post(server.url("/x"))
    assert time.monotonic() - started >= 0.1
    assert answer.status_code == 429
    assert answer.reason_phrase == "Too Many Requests"
    assert answer.headers["retry-after"] == "3"
    assert answer.headers.get_list("content-type") == ["application/problem+json"]
    assert answer.json() == {"e": 1}


def test_raw_reply_sends_exact_bytes_and_unknown_status(server: LoopbackServer) -> None:
    server.enqueue(RawReply(529, b"<html>overloaded</html>", {"content-type": "text/html"}))
    with httpx.Client() as client:
        answer = client.post(server.url("/x"))
    assert answer.status_code == 529
    assert answer.content == b"<html>overloaded</html>"
    assert answer.headers["content-type"] == "text/html"
    assert answer.headers["content-length"] == "23"


def test_sse_reply_wire_format(server: LoopbackServer) -> None:
    server.enqueue(
        SSEReply(['{"a":1}', ("message_start", "x\ny"), (None, "plain"), b": comment\r\n\r\n", b""])
    )
    with httpx.Client() as client:
        answer = client.post(server.url("/s"))
    assert answer.headers["content-type"] == "text/event-stream"
    assert answer.headers["transfer-encoding"] == "chunked"
    assert answer.text == (
        'data: {"a":1}\n\nevent: message_start\ndata: x\ndata: y\n\ndata: plain\n\n: comment\r\n\r\n'
    )


def test_sse_reply_streams_with_delays(server: LoopbackServer) -> None:
    server.enqueue(SSEReply(["a", "b", "c"], first_byte_delay=0.1, event_delay=0.05))
    started = time.monotonic()
    arrivals: list[float] = []
    with httpx.Client() as client, client.stream("POST", server.url("/s")) as answer:
        headers_at = time.monotonic() - started
        for _ in answer.iter_raw():
            arrivals.append(time.monotonic() - started)
    assert headers_at >= 0.1
    assert arrivals[-1] >= 0.25
    assert len(arrivals) >= 2


def test_sse_cut_after_leaves_the_body_unterminated(server: LoopbackServer) -> None:
    server.enqueue(SSEReply(["1", "2", "3"], cut_after=2), JsonReply({"after": True}))
    received = b""
    with httpx.Client() as client:
        with pytest.raises(httpx.RemoteProtocolError), client.stream("POST", server.url("/s")) as answer:
            for piece in answer.iter_raw():
                received += piece
        assert received == b"data: 1\n\ndata: 2\n\n"
        assert client.post(server.url("/next")).json() == {"after": True}
    assert server.connections_opened == 2
    assert server.disconnects == 0


def test_sse_cut_after_every_event_still_leaves_the_body_unterminated(server: LoopbackServer) -> None:
    server.enqueue(SSEReply(["1", "2"], cut_after=2))
    received = b""
    with (
        httpx.Client() as client,
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("POST", server.url("/s")) as answer,
    ):
        for piece in answer.iter_raw():
            received += piece
    assert received == b"data: 1\n\ndata: 2\n\n"


def test_reset_reply_sends_nothing(server: LoopbackServer) -> None:
    server.enqueue(ResetReply())
    with httpx.Client() as client, pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post(server.url("/x"))
    assert len(server.requests) == 1


def test_stall_reply_sends_nothing_for_a_while(server: LoopbackServer) -> None:
    server.enqueue(StallReply(2.0))
    with httpx.Client(timeout=0.15) as client, pytest.raises(httpx.ReadTimeout):
        client.post(server.url("/x"))
    assert server.wait_until(lambda s: s.live_connections == 0)


def test_stall_then_close(server: LoopbackServer) -> None:
    server.enqueue(StallReply(0.05))
    with httpx.Client() as client, pytest.raises(httpx.RemoteProtocolError):
        client.post(server.url("/x"))


def test_counts_client_disconnect_during_a_reply(server: LoopbackServer) -> None:
    server.enqueue(SSEReply([str(n) for n in range(100)], event_delay=0.01))
    with httpx.Client() as client, client.stream("POST", server.url("/s")) as answer:
        next(answer.iter_raw())
    assert server.wait_until(lambda s: s.disconnects == 1 and s.live_connections == 0)
    assert server.connections_opened == 1


def test_malformed_request_gets_400_and_close(server: LoopbackServer) -> None:
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=2) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["message"].startswith(
        "malformed request line"
    )
    assert server.requests == []


def test_pipelined_requests_are_answered_in_order(server: LoopbackServer) -> None:
    server.enqueue(JsonReply({"n": 1}, delay=0.05), JsonReply({"n": 2}))
    host, port = server.base_url.removeprefix("http://").split(":")
    request = b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    with socket.create_connection((host, int(port)), timeout=2) as raw:
        raw.sendall(request + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    assert answer.index(b'{"n": 1}') < answer.index(b'{"n": 2}')
    assert len(server.requests) == 2


async def test_serves_asyncio_clients(server: LoopbackServer) -> None:
    server.default_reply = JsonReply({"ok": True})
    async with httpx.AsyncClient() as client:
        for _ in range(3):
            assert (await client.post(server.url("/a"))).json() == {"ok": True}
    assert server.connections_opened == 1


def test_serves_trio_clients(server: LoopbackServer) -> None:
    server.enqueue(SSEReply(["t1", "t2"]))

    async def main() -> str:
        async with httpx.AsyncClient() as client:
            answer = await client.post(server.url("/t"))
            return answer.text

    assert trio.run(main) == "data: t1\n\ndata: t2\n\n"


def test_serves_concurrent_threads(server: LoopbackServer) -> None:
    server.default_reply = lambda request: JsonReply({"path": request.path}, delay=0.02)
    results: dict[int, str] = {}

    def worker(index: int) -> None:
        with httpx.Client() as client:
            results[index] = client.get(server.url(f"/w{index}")).json()["path"]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"/w{n}" for n in range(8)}
    assert server.connections_opened == 8


def test_stop_releases_the_port_and_closes_connections() -> None:
    server = LoopbackServer().start()
    server.default_reply = JsonReply({"ok": True})
    client = httpx.Client()
    client.post(server.url("/x"))
    url = server.url("/x")
    server.stop()
    with pytest.raises(httpx.TransportError):
        client.post(url)
    client.close()
    server.stop()


def test_lifecycle_errors() -> None:
    server = LoopbackServer()
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.base_url
    server.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
    finally:
        server.stop()


def test_wait_until_times_out(server: LoopbackServer) -> None:
    started = time.monotonic()
    assert server.wait_until(lambda s: s.disconnects > 0, timeout=0.05) is False
    assert time.monotonic() - started < 1.0


async def test_large_sse_reply_respects_client_backpressure(server: LoopbackServer) -> None:
    payload = "p" * 60_000
    server.enqueue(SSEReply([payload] * 50))

    async def total(chunks: AsyncIterator[bytes]) -> int:
        return sum([len(chunk) async for chunk in chunks])

    async with httpx.AsyncClient() as client, client.stream("POST", server.url("/big")) as answer:
        size = await total(answer.aiter_bytes())
    assert size == 50 * (len(payload) + len("data: \n\n"))
