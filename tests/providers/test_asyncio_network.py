"""The asyncio network backend under httpcore: real sockets on 127.0.0.1 (plain, TLS, Unix), servers
that stall, reset, close idle connections, read slowly or answer in bulk."""

from __future__ import annotations

import asyncio
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpcore
import httpx
import pytest
import trustme

from providers._asyncio_network import HIGH_WATER, AsyncioBackend, AsyncioHTTPTransport, AsyncioStream
from providers._connection_pool import HTTP11ConnectionPool
from providers._http import HttpClient

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

_OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    """One request's head and body (content-length bodies only)."""
    head = await reader.readuntil(b"\r\n\r\n")
    return head + await reader.readexactly(_content_length(head))


@asynccontextmanager
async def _server(handler: Handler, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """A server on a free loopback port, in this loop, calling ``handler`` per connection; on the way
    out every connection still open is cancelled and closed."""
    tasks: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)  # type: ignore[arg-type]
        try:
            await handler(reader, writer)
        except asyncio.CancelledError:
            pass
        finally:
            writer.transport.abort()

    server = await asyncio.start_server(tracked, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def _keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers ``ok`` to every request of the connection until the client closes it."""
    try:
        while True:
            await _read_request(reader)
            writer.write(_OK)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def _client(**kwargs: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncioHTTPTransport(httpx.Limits()), **kwargs)  # type: ignore[arg-type]


async def test_pooled_clients_of_an_asyncio_loop_use_the_backend() -> None:
    http = HttpClient()
    try:
        transport = http.client()._transport
        assert isinstance(transport, AsyncioHTTPTransport)
        assert isinstance(transport._pool, HTTP11ConnectionPool)
        assert isinstance(transport._pool._network_backend, AsyncioBackend)
        async with _server(_keep_alive) as port:
            response = await http.send(f"http://127.0.0.1:{port}/x", {}, b"{}")
            assert (response.status_code, await response.aread()) == (200, b"ok")
            await response.aclose()
    finally:
        await http.aclose()


async def test_keep_alive_reuses_one_connection() -> None:
    connections = 0

    async def counting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _keep_alive(reader, writer)

    async with _server(counting) as port, _client() as client:
        for _ in range(5):
            response = await client.post(f"http://127.0.0.1:{port}/", content=b"x" * 100)
            assert response.content == b"ok"
    assert connections == 1


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    """The protocol sees the server's FIN while the connection is idle: ``is_readable`` says so and the
    pool opens a new connection instead of failing the next request."""
    connections = 0

    async def one_request_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")  # keep-alive, then closed anyway
        await writer.drain()
        writer.close()

    async with _server(one_request_each) as port, _client() as client:
        assert (await client.post(f"http://127.0.0.1:{port}/", content=b"")).content == b"ok"
        for _ in range(20):  # let the FIN arrive
            await asyncio.sleep(0.01)
        assert (await client.post(f"http://127.0.0.1:{port}/", content=b"")).content == b"ok"
    assert connections == 2


async def test_a_server_that_never_answers_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await asyncio.sleep(10)

    async with _server(silent) as port, _client(timeout=httpx.Timeout(5.0, read=0.05)) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(f"http://127.0.0.1:{port}/", content=b"x")


async def test_a_connection_closed_mid_body_is_a_protocol_error() -> None:
    async def truncating(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part")
        await writer.drain()
        writer.close()

    async with _server(truncating) as port, _client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(f"http://127.0.0.1:{port}/", content=b"x")


async def test_a_reset_connection_is_a_read_error() -> None:
    async def resetting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        writer.transport.abort()  # RST instead of FIN

    async with _server(resetting) as port, _client() as client:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            await client.post(f"http://127.0.0.1:{port}/", content=b"x")


async def test_nothing_listening_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: connections are refused
        async with _client() as client:
            with pytest.raises(httpx.ConnectError):
                await client.post(f"http://127.0.0.1:{port}/", content=b"x")


async def test_a_slow_connect_is_a_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def never_connects(*args: object, **kwargs: object) -> object:
        await asyncio.sleep(10)
        raise AssertionError("unreachable")

    monkeypatch.setattr(loop, "create_connection", never_connects)
    async with _client(timeout=httpx.Timeout(5.0, connect=0.05)) as client:
        with pytest.raises(httpx.ConnectTimeout):
            await client.post("http://127.0.0.1:9/", content=b"x")


async def test_a_large_answer_arrives_whole_through_the_paused_reads() -> None:
    """Over ``HIGH_WATER`` bytes arrive before the client reads them: the protocol pauses reading
    and resumes as the reader drains the buffer, and every byte comes through in order."""
    body = bytes(range(256)) * (4 * HIGH_WATER // 256)

    async def bulk(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    async with (
        _server(bulk) as port,
        _client() as client,
        client.stream("POST", f"http://127.0.0.1:{port}/", content=b"x") as response,
    ):
        await asyncio.sleep(0.05)  # let the server fill the client's buffer first
        received = b"".join([chunk async for chunk in response.aiter_raw()])
    assert received == body


def _chunked(*pieces: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)


_CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"


async def test_chunks_that_arrive_in_one_read_come_out_as_one_piece_and_the_connection_is_reused() -> None:
    """The body of a streamed answer: 50 chunks written at once reach the caller as one piece (not one
    per chunk), byte for byte, and the connection goes back to the pool for the next request."""
    events = [b'data: {"n": %d}\n\n' % index for index in range(50)]
    connections = 0

    async def streaming(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                await _read_request(reader)
                writer.write(_CHUNKED_HEAD + _chunked(*events) + b"0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    async with _server(streaming) as port, _client() as client:
        for _ in range(2):
            async with client.stream("POST", f"http://127.0.0.1:{port}/", content=b"x") as response:
                await asyncio.sleep(0.05)  # every byte is in the client's buffer before the first read
                pieces = [piece async for piece in response.aiter_raw()]
            assert pieces == [b"".join(events)]
    assert connections == 1


async def test_a_piece_is_handed_out_without_waiting_for_chunks_still_to_come() -> None:
    """Merging takes only what was received: the first chunk reaches the caller while the server holds
    the second back until the caller has seen the first."""
    first_seen = asyncio.Event()

    async def in_two_steps(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(_CHUNKED_HEAD + _chunked(b"one"))
        await writer.drain()
        await asyncio.wait_for(first_seen.wait(), 5)
        writer.write(_chunked(b"two") + b"0\r\n\r\n")
        await writer.drain()

    async with (
        _server(in_two_steps) as port,
        _client(timeout=httpx.Timeout(5.0)) as client,
        client.stream("POST", f"http://127.0.0.1:{port}/", content=b"x") as response,
    ):
        pieces = response.aiter_raw()
        assert await anext(pieces) == b"one"
        first_seen.set()
        assert [piece async for piece in pieces] == [b"two"]


async def test_a_broken_chunk_after_good_ones_in_the_same_read_hands_out_their_bytes_first() -> None:
    async def broken(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(_CHUNKED_HEAD + _chunked(b"one", b"two") + b"zz-not-a-size\r\n")
        await writer.drain()
        await asyncio.sleep(5)

    received: list[bytes] = []
    async with (
        _server(broken) as port,
        _client(timeout=httpx.Timeout(5.0)) as client,
        client.stream("POST", f"http://127.0.0.1:{port}/", content=b"x") as response,
    ):
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.RemoteProtocolError):
            async for piece in response.aiter_raw():
                received.append(piece)
    assert received == [b"onetwo"]


async def test_a_large_upload_waits_for_a_slow_reader() -> None:
    """Writing more than the socket takes at once waits for the transport to drain (back-pressure)."""
    upload = b"u" * (8 * 2**20)
    received = bytearray()

    async def slow_reader(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        while len(received) < length:
            received.extend(await reader.read(256 * 1024))
            await asyncio.sleep(0.001)
        writer.write(_OK)
        await writer.drain()
        writer.close()

    async with _server(slow_reader) as port, _client() as client:
        response = await client.post(f"http://127.0.0.1:{port}/", content=upload)
    assert response.content == b"ok" and bytes(received) == upload


async def test_a_request_head_leaves_with_its_body_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small POST is one write to the socket (head and body); a body over 64 KiB follows its head in a
    write of its own (it is not copied onto the head); a GET is its head alone; a chunked upload joins its
    first chunk to the head and ends with the last-chunk marker. The server reads every request whole."""
    writes: list[bytes] = []
    write = AsyncioStream.write

    async def recording(self: AsyncioStream, buffer: bytes, timeout: float | None = None) -> None:
        writes.append(bytes(buffer))
        await write(self, buffer, timeout)

    monkeypatch.setattr(AsyncioStream, "write", recording)
    received: list[bytes] = []

    async def recorder(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if b"transfer-encoding: chunked" in head.lower():
                    received.append(head + await reader.readuntil(b"0\r\n\r\n"))
                else:
                    received.append(head + await reader.readexactly(_content_length(head)))
                writer.write(_OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    async def two_chunks() -> AsyncIterator[bytes]:
        yield b"ab"
        yield b"cd"

    small, large = b'{"a": 1}', b"L" * (64 * 1024 + 1)
    async with _server(recorder) as port, _client() as client:
        url = f"http://127.0.0.1:{port}/v1"
        assert (await client.post(url, content=small)).content == b"ok"
        assert (await client.post(url, content=large)).content == b"ok"
        assert (await client.get(url)).content == b"ok"
        assert (await client.post(url, content=two_chunks())).content == b"ok"

    heads = [request.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" for request in received]
    assert writes == [
        heads[0] + small,
        heads[1],
        large,
        heads[2],
        heads[3] + b"2\r\nab\r\n",
        b"2\r\ncd\r\n",
        b"0\r\n\r\n",
    ]
    assert [request.removeprefix(head) for request, head in zip(received, heads, strict=True)] == [
        small,
        large,
        b"",
        b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n",
    ]


async def test_a_write_that_cannot_drain_is_a_write_timeout() -> None:
    async def never_reads(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async with _server(never_reads) as port, _client(timeout=httpx.Timeout(5.0, write=0.1)) as client:
        with pytest.raises(httpx.WriteTimeout):
            await client.post(f"http://127.0.0.1:{port}/", content=b"w" * (64 * 2**20))


async def test_a_cancelled_request_leaves_the_pool_usable() -> None:
    async def slow_then_normal(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await _read_request(reader)
        if b"/slow" in request:
            await asyncio.sleep(10)
        writer.write(_OK)
        await writer.drain()
        writer.close()

    async with _server(slow_then_normal) as port, _client() as client:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await client.post(f"http://127.0.0.1:{port}/slow", content=b"x")
        assert (await client.post(f"http://127.0.0.1:{port}/fast", content=b"x")).content == b"ok"


async def test_tls_connections_verify_the_server_and_carry_requests(tmp_path: Path) -> None:
    authority = trustme.CA()
    certificate = authority.issue_cert("localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    backend = AsyncioBackend()

    async with _server(_keep_alive, tls=server_context) as port:
        pool = httpcore.AsyncConnectionPool(ssl_context=client_context, network_backend=backend)
        async with pool:
            response = await pool.request("POST", f"https://localhost:{port}/", content=b"x")
            assert (response.status, response.content) == (200, b"ok")
            again = await pool.request("POST", f"https://localhost:{port}/", content=b"x")
            assert again.content == b"ok" and len(pool.connections) == 1

        untrusting = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(), network_backend=backend
        )
        async with untrusting:
            with pytest.raises(httpcore.ConnectError):
                await untrusting.request("POST", f"https://localhost:{port}/", content=b"x")


def _counting_default_contexts(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], ssl.SSLContext]
) -> list[int]:
    """Replace httpx's default SSL context with ``make()``; the list grows by one per context made."""
    made: list[int] = []

    def counted() -> ssl.SSLContext:
        made.append(1)
        return make()

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    return made


async def test_a_pool_that_speaks_only_plain_http_makes_no_ssl_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _counting_default_contexts(monkeypatch, ssl.create_default_context)
    async with _server(_keep_alive) as port, _client() as client:
        assert (await client.post(f"http://127.0.0.1:{port}/", content=b"x")).content == b"ok"
    assert made == []


async def test_the_pool_makes_the_default_ssl_context_once_with_its_first_tls_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)

    def trusting() -> ssl.SSLContext:
        context = ssl.create_default_context()
        authority.configure_trust(context)
        return context

    made = _counting_default_contexts(monkeypatch, trusting)
    async with _server(_keep_alive, tls=server_context) as port, _client() as client:
        assert made == []
        first, second = await asyncio.gather(
            *(client.post(f"https://localhost:{port}/", content=b"x") for _ in range(2))
        )
        assert (first.content, second.content) == (b"ok", b"ok")
        assert len(client._transport._pool.connections) == 2  # type: ignore[attr-defined]
    assert made == [1]


async def test_the_deferred_ssl_context_is_httpx_default_which_verifies_the_server() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    async with _server(_keep_alive, tls=server_context) as port, _client() as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.post(f"https://localhost:{port}/", content=b"x")


async def test_the_tls_stream_reports_its_ssl_object_and_addresses() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)

    async with _server(_keep_alive, tls=server_context) as port:
        plain = await AsyncioBackend().connect_tcp("localhost", port, timeout=5.0)
        assert plain.get_extra_info("ssl_object") is None
        secure = await plain.start_tls(client_context, server_hostname="localhost", timeout=5.0)
        try:
            assert isinstance(secure.get_extra_info("ssl_object"), ssl.SSLObject)
            assert secure.get_extra_info("server_addr")[1] == port
            assert secure.get_extra_info("client_addr")[0] in ("127.0.0.1", "::1")
            assert secure.get_extra_info("is_readable") is False
            request = b"POST / HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n"
            await secure.write(request, timeout=5.0)
            answer = b""
            while not answer.endswith(b"ok"):
                answer += await secure.read(65536, timeout=5.0)
            assert answer == _OK
        finally:
            await secure.aclose()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
async def test_unix_socket_connections(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    server = await asyncio.start_unix_server(_keep_alive, path)
    try:
        pool = httpcore.AsyncConnectionPool(uds=path, network_backend=AsyncioBackend())
        async with pool:
            response = await pool.request("POST", "http://localhost/", content=b"x")
            assert response.content == b"ok"
    finally:
        server.close()
        await server.wait_closed()


def test_a_read_takes_every_buffered_chunk_that_fits() -> None:
    """Events that arrived one segment each are handed to the parser in one piece, never over the
    reader's limit, and in order."""
    from providers._asyncio_network import _Protocol

    protocol = _Protocol()
    for index in range(5):
        protocol.data_received(b"data: %d\n\n" % index)
    assert protocol.take(65536) == b"".join(b"data: %d\n\n" % index for index in range(5))
    for piece in (b"aaaa", b"bbbb", b"cc", b"0123456789"):
        protocol.data_received(piece)
    assert [protocol.take(6), protocol.take(6), protocol.take(4), protocol.take(100)] == [
        b"aaaa",
        b"bbbbcc",
        b"0123",
        b"456789",
    ]
    assert protocol.buffered == 0 and not protocol.chunks


async def test_a_close_the_loop_has_not_delivered_yet_makes_the_connection_readable() -> None:
    """The server's FIN is in the kernel but no loop step has run ``eof_received``: the pool must still
    see that the idle connection is over."""
    from providers._asyncio_network import AsyncioStream, _Protocol

    ours, theirs = socket.socketpair()
    transport, protocol = await asyncio.get_running_loop().create_connection(_Protocol, sock=ours)
    stream = AsyncioStream(transport, protocol)  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0)
        assert stream.get_extra_info("is_readable") is False
        theirs.close()  # no await before the check: the protocol has not heard of it
        assert protocol.eof is False and stream.get_extra_info("is_readable") is True
    finally:
        await stream.aclose()


async def _answering(
    answer: bytes, connections: list[int], *, close_after: bool = False
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    """A handler writing ``answer`` to every request on its connection (counting connections), and
    closing the connection after the first answer when ``close_after``."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                await _read_request(reader)
                writer.write(answer)
                await writer.drain()
                if close_after:
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    return handler


@pytest.mark.parametrize(
    ("answer", "reused"),
    [
        pytest.param(_OK, True, id="plain"),
        pytest.param(b"HTTP/1.1 100 Continue\r\n\r\n" + _OK, True, id="after-100-continue"),
        pytest.param(
            _OK + b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstray", False, id="unasked-second-answer"
        ),
        pytest.param(_OK + b"garbage", False, id="trailing-garbage"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok", False, id="close"
        ),
    ],
)
async def test_a_connection_is_reused_only_after_a_clean_answer(answer: bytes, reused: bool) -> None:
    """Bytes past the end of an answer would be read as the next request's answer: such a connection,
    and one the server asked to close, is not handed out again."""
    connections: list[int] = []
    async with _server(await _answering(answer, connections)) as port, _client() as client:
        for _ in range(3):
            response = await client.post(f"http://127.0.0.1:{port}/", content=b"x")
            assert (response.status_code, response.content) == (200, b"ok")
    assert len(connections) == (1 if reused else 3)


async def test_a_body_without_a_length_is_read_to_the_close_and_the_connection_is_not_reused() -> None:
    connections: list[int] = []
    answer = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n" + b"to the end " * 1000
    handler = await _answering(answer, connections, close_after=True)
    async with _server(handler) as port, _client() as client:
        for _ in range(2):
            response = await client.post(f"http://127.0.0.1:{port}/", content=b"x")
            assert response.content == b"to the end " * 1000
    assert len(connections) == 2


async def test_a_header_that_would_inject_a_line_is_refused_before_anything_is_sent() -> None:
    received = bytearray()

    async def recording(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.extend(await reader.read())

    async with _server(recording) as port, _client() as client:
        with pytest.raises(httpx.LocalProtocolError, match="Illegal header value"):
            await client.post(
                f"http://127.0.0.1:{port}/", content=b"x", headers={"x-a": "1\r\nx-injected: 1"}
            )
        await asyncio.sleep(0.05)
    assert received == b""
