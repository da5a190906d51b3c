"""AsyncioBackend: httpcore's network backend on asyncio's own transports and protocols.

Under asyncio, httpcore 1.0 reaches the socket through anyio streams, and every read and write pays for
it: an ``anyio.fail_after`` cancel scope with its loop timer, an exception-mapping context manager, a
``sleep(0)`` checkpoint on each send and a pause / resume of reading around each receive; deciding
whether an idle connection is still usable costs a ``poll()`` system call. That is most of what a
request costs above the HTTP parsing itself (upstream: encode/httpx #3215, encode/httpcore #930, a
native backend again in pydantic/httpx2 #1170).

Here the protocol keeps reading while the connection is open (up to :data:`HIGH_WATER` buffered
bytes), so a read returns buffered bytes at once or waits on one future with one optional timer, and a
write hands its bytes to the transport and waits only under back-pressure. ``is_readable`` (may the
pool hand this idle connection out again?) is answered from the protocol's state and, for what the loop
has not delivered yet, a zero-timeout poll of the socket, as the anyio backend does. Errors map to the
same httpcore exceptions as the anyio backend's.
The backend is plugged in through httpcore's public ``network_backend`` argument; see
:class:`AsyncioHTTPTransport` for where it meets httpx.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
from collections import deque
from collections.abc import Iterable
from typing import Any, cast

import httpcore
import httpx

from ._connection_pool import HTTP11ConnectionPool

__all__ = ["HIGH_WATER", "AsyncioBackend", "AsyncioHTTPTransport", "AsyncioStream", "DeferredSSLContext"]

HIGH_WATER = 256 * 1024
"""Buffered bytes at which the protocol stops reading from the socket until the reader catches up."""
_LOW_WATER = 64 * 1024

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class _Protocol(asyncio.Protocol):
    """Buffers what arrives and wakes the one reader or writer waiting on it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.eof = False
        self.lost: BaseException | None = None
        self.closed = False
        self.reading_paused = False
        self.writing_paused = False
        self._read_waiter: asyncio.Future[None] | None = None
        self._drain_waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered >= HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        _wake(self._read_waiter)

    def eof_received(self) -> bool:
        self.eof = True
        _wake(self._read_waiter)
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.eof = True
        self.lost = exc
        _wake(self._read_waiter)
        _wake(self._drain_waiter)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        _wake(self._drain_waiter)

    async def wait_readable(self, timeout: float | None) -> None:
        """Until bytes or the end of the stream arrive; ``TimeoutError`` after ``timeout`` seconds."""
        self._read_waiter = waiter = asyncio.get_running_loop().create_future()
        try:
            await _within(waiter, timeout)
        finally:
            self._read_waiter = None

    async def wait_drained(self, timeout: float | None) -> None:
        """Until the transport takes writes again; ``TimeoutError`` after ``timeout`` seconds."""
        self._drain_waiter = waiter = asyncio.get_running_loop().create_future()
        try:
            await _within(waiter, timeout)
        finally:
            self._drain_waiter = None

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of the buffered bytes, as many chunks as fit in one piece (a burst of
        small writes, e.g. server-sent events, is parsed in one pass rather than one read each)."""
        chunks = self.chunks
        chunk = chunks.popleft()
        if len(chunk) > max_bytes:
            chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        elif chunks and len(chunk) + len(chunks[0]) <= max_bytes:
            pieces = [chunk]
            size = len(chunk)
            while chunks and size + len(chunks[0]) <= max_bytes:
                piece = chunks.popleft()
                pieces.append(piece)
                size += len(piece)
            chunk = b"".join(pieces)
        self.buffered -= len(chunk)
        if self.reading_paused and self.buffered <= _LOW_WATER and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return chunk


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


async def _within(waiter: asyncio.Future[None], timeout: float | None) -> None:
    if timeout is None:
        await waiter
        return
    timer = asyncio.get_running_loop().call_later(timeout, _expire, waiter)
    try:
        await waiter
    finally:
        timer.cancel()


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection (plain or TLS) for httpcore."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.chunks:
            if protocol.eof:
                return _end_of(protocol)
            try:
                await protocol.wait_readable(timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading from the server") from None
            if not protocol.chunks:
                return _end_of(protocol)
        return protocol.take(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.closed or self._transport.is_closing():
            raise httpcore.WriteError(_lost_reason(protocol, "the connection is closed"))
        self._transport.write(buffer)
        if protocol.writing_paused:
            try:
                await protocol.wait_drained(timeout)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing to the server") from None
            if protocol.closed:
                raise httpcore.WriteError(_lost_reason(protocol, "the connection closed while writing"))

    async def aclose(self) -> None:
        transport = self._transport
        if transport.get_write_buffer_size():  # bytes the server never took: drop them, do not wait
            transport.abort()
        else:
            transport.close()
        if not self._protocol.closed:
            await asyncio.sleep(0)  # the transport closes its socket in a callback of the next loop step

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if isinstance(ssl_context, DeferredSSLContext):
            ssl_context = ssl_context.resolve()
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except TimeoutError as error:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from error
        except (OSError, ssl.SSLError, ConnectionError) as error:
            self._transport.close()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        if transport is None:  # the connection closed during the handshake
            raise httpcore.ConnectError(
                _lost_reason(self._protocol, "the connection closed in the TLS handshake")
            )
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle connection with bytes or an end waiting is not reusable
            protocol = self._protocol
            if protocol.chunks or protocol.eof:
                return True
            # What the loop has not delivered yet: a server that closed the connection a moment ago (its
            # FIN is in the kernel, not yet in eof_received) must not be handed the next request.
            return _socket_readable(self._transport.get_extra_info("socket"))
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


def _socket_readable(sock: Any) -> bool:
    """Whether a read on ``sock`` would return at once (bytes or the end); a socket without a file
    descriptor counts as readable (its connection is over)."""
    fileno = -1 if sock is None else sock.fileno()
    if fileno < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fileno], [], [], 0)[0])
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


def _end_of(protocol: _Protocol) -> bytes:
    """A read at the end of the stream: ``b""`` after a clean end, else the error that ended it."""
    if protocol.lost is not None:
        raise httpcore.ReadError(_lost_reason(protocol, "the connection was lost"))
    return b""


def _lost_reason(protocol: _Protocol, default: str) -> str:
    lost = protocol.lost
    return f"{default}: {lost}" if lost is not None else default


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections over asyncio transports (TCP, TLS via ``loop.start_tls``, Unix sockets)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        connecting = loop.create_connection(_Protocol, host, port, local_addr=local)
        transport, protocol = await _connected(connecting, timeout)
        return _configured(AsyncioStream(transport, protocol), transport, socket_options)  # type: ignore[arg-type]

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        connecting = asyncio.get_running_loop().create_unix_connection(_Protocol, path)
        transport, protocol = await _connected(connecting, timeout)
        return _configured(AsyncioStream(transport, protocol), transport, socket_options)  # type: ignore[arg-type]

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connected(connecting: Any, timeout: float | None) -> tuple[asyncio.BaseTransport, _Protocol]:
    try:
        async with asyncio.timeout(timeout):
            transport, protocol = await connecting
    except TimeoutError as error:
        raise httpcore.ConnectTimeout("timed out connecting to the server") from error
    except OSError as error:
        raise httpcore.ConnectError(str(error) or type(error).__name__) from error
    return transport, protocol


def _configured(
    stream: AsyncioStream, transport: asyncio.BaseTransport, socket_options: Iterable[SocketOption] | None
) -> AsyncioStream:
    """``stream`` with ``socket_options`` set on its socket (asyncio already sets ``TCP_NODELAY``)."""
    if socket_options:
        sock: socket.socket = transport.get_extra_info("socket")
        for option in socket_options:
            sock.setsockopt(*option)
    return stream


class DeferredSSLContext:
    """httpx's default SSL context (``httpx.create_ssl_context()``), made when a connection first
    needs TLS: loading the CA bundle costs about 20 ms, which a pool that only speaks plain HTTP (a
    local model server, a loopback test) never has to pay.

    httpcore hands the pool's context to each connection, which sets the ALPN protocols on it before
    :meth:`AsyncioStream.start_tls`; that is all it does with it, and all this records.
    """

    __slots__ = ("_alpn_protocols", "_context")

    def __init__(self) -> None:
        self._context: ssl.SSLContext | None = None
        self._alpn_protocols: list[str] | None = None

    def set_alpn_protocols(self, protocols: Iterable[str]) -> None:
        self._alpn_protocols = list(protocols)
        if self._context is not None:
            self._context.set_alpn_protocols(self._alpn_protocols)

    def resolve(self) -> ssl.SSLContext:
        """The real context, made on the first call."""
        if self._context is None:
            self._context = httpx.create_ssl_context()
            if self._alpn_protocols is not None:
                self._context.set_alpn_protocols(self._alpn_protocols)
        return self._context


class AsyncioHTTPTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its request and response mapping, its error translation) over an
    HTTP/1.1 connection pool on :class:`AsyncioBackend`, without a proxy, TLS verified with the default
    context (made with the first TLS connection, see :class:`DeferredSSLContext`). Its connections hand
    out a body one network read at a time, not one chunk at a time (see :mod:`providers._http11`).

    httpx builds its pool in ``AsyncHTTPTransport.__init__`` and takes no ``network_backend=``; every
    method of the transport reaches the pool as ``self._pool``. So this ``__init__`` makes that pool
    itself instead of calling httpx's (which would build a pool and an SSL context only to drop them).
    The httpx and httpcore versions this relies on are bounded in ``pyproject.toml``, and a test checks
    that requests really go through the backend.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._pool = HTTP11ConnectionPool(
            ssl_context=cast(ssl.SSLContext, DeferredSSLContext()),  # see DeferredSSLContext
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )
