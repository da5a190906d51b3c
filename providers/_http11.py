"""HTTP/1.1 connections: httpcore's connection life cycle, our own bytes on the wire.

The request head and body are framed by :mod:`providers._http1_wire` and the head leaves with a body of
up to 64 KiB in one write (httpcore wrote them separately: two system calls and two packets, two TLS
records over TLS, for every small POST; against the loopback server, 3,200 bare chat calls went from
6,400 to 3,200 ``sendto`` calls, 2026-12-06).

The response is parsed by llhttp (:class:`~providers._http1_wire.ResponseReader`) instead of h11, and
its body is handed out one piece per network read: everything a read completed, joined. httpcore read
one h11 event at a time, so a 50-event streamed answer that arrived in one or two reads took 50 trips up
the stack of async generators above it. Measured against the benchmark's loopback server, 5
repetitions, before and after the parser change (2026-12-06, 2 cores): CPU per call, bare chat
terminal 326 -> 283 us, full default stack 445 -> 362 us; per streamed call (50 chunks) 1,042 -> 730
and 1,193 -> 923 us; full-stack calls per second at 32 in flight 2,096 -> 2,703.

A connection is kept for the next request only when the exchange ended cleanly: the request was sent
whole, the response read to its end with no byte after it, and neither side asked to close.

httpcore builds its HTTP/1.1 connection inside ``AsyncHTTPConnection.handle_async_request``; the
subclasses below make that connection themselves and reach httpcore's connection internals
(``_connect``, ``_state``, ``_expire_at``, ``_network_stream`` and the wire methods overridden here).
The httpcore versions they rely on are bounded in ``pyproject.toml``, and the tests run real servers
through them. The pool that makes these connections is :mod:`providers._connection_pool`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import types
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Literal

import httpcore
from httpcore._async.connection_pool import AsyncPoolRequest
from httpcore._async.http11 import AsyncHTTP11Connection, HTTPConnectionState
from httpcore._synchronization import AsyncLock

from ._http1_wire import BodyFramer, ResponseReader, request_head

__all__ = ["MergedBodyConnection", "PoolState"]

PoolState = Literal["closed", "expired", "idle", "busy"]

_HEAD_JOINS_BODY_UP_TO = 64 * 1024
"""The largest first body chunk the request head is joined to for one write (beyond it, the head goes
first: joining would copy a large upload once more)."""


class _LoopLock(AsyncLock):
    """httpcore's connection state lock on asyncio's lock: a free lock is taken without a trip through
    the event loop (anyio's lock makes one on every acquire, twice per request)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> _LoopLock:
        await self._lock.acquire()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: types.TracebackType | None = None,
    ) -> None:
        self._lock.release()


class _MergedBodyHTTP11Connection(AsyncHTTP11Connection):
    """httpcore's HTTP/1.1 connection with its wire work replaced: the request framed by
    :func:`~providers._http1_wire.request_head` and written with its body, the response parsed by
    llhttp (:class:`~providers._http1_wire.ResponseReader`) and its body handed out one piece per read;
    its state guarded by a :class:`_LoopLock` (the pool that makes it runs under asyncio only)."""

    def __init__(
        self,
        origin: httpcore.Origin,
        stream: httpcore.AsyncNetworkStream,
        keepalive_expiry: float | None,
        on_close: Callable[[], None],
    ) -> None:
        super().__init__(origin=origin, stream=stream, keepalive_expiry=keepalive_expiry)
        self._state_lock = _LoopLock()
        self._on_close = on_close
        self._unsent_head = b""
        self._framer = BodyFramer(0)
        self._request_sent = False
        self._reader: ResponseReader | None = None

    async def aclose(self) -> None:
        try:
            await super().aclose()
        finally:
            self._on_close()

    async def _send_request_headers(self, request: httpcore.Request) -> None:
        """Frame and validate the request head, and keep its bytes for :meth:`_send_request_body`:
        head and body then leave in one write, one system call and (for a small request) one packet
        instead of two. httpcore's ``send_request_headers`` trace event therefore ends before the head
        is written."""
        self._request_sent = False
        self._reader = None
        self._unsent_head, self._framer = request_head(request.method, request.url.target, request.headers)

    async def _send_request_body(self, request: httpcore.Request) -> None:
        """Write the kept head with the body's first chunk (alone first if that chunk is large), the
        other chunks as they come, and the end of the message (nothing more for a sized body)."""
        timeout = request.extensions.get("timeout", {}).get("write", None)
        head, self._unsent_head = self._unsent_head, b""
        framer = self._framer
        stream = request.stream
        assert isinstance(stream, AsyncIterable)
        async for chunk in stream:
            data = framer.frame(chunk)
            if head:
                if len(data) <= _HEAD_JOINS_BODY_UP_TO:
                    data = head + data
                else:
                    await self._network_stream.write(head, timeout=timeout)
                head = b""
            if data:
                await self._network_stream.write(data, timeout=timeout)
        end = framer.end()
        if head or end:
            await self._network_stream.write(head + end, timeout=timeout)
        self._request_sent = True

    async def _receive_response_headers(
        self, request: httpcore.Request
    ) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]], bytes]:
        timeout = request.extensions.get("timeout", {}).get("read", None)
        reader = self._reader = ResponseReader(head_only=request.method == b"HEAD")
        while not reader.head_complete:
            reader.feed(await self._network_stream.read(self.READ_NUM_BYTES, timeout=timeout))
        return reader.http_version, reader.status, reader.reason, reader.headers, b""

    async def _receive_response_body(self, request: httpcore.Request) -> AsyncIterator[bytes]:
        timeout = request.extensions.get("timeout", {}).get("read", None)
        reader = self._reader
        assert reader is not None
        while True:
            pieces = reader.pieces
            if pieces:
                reader.pieces = []
                yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
            if reader.failure is not None:
                raise reader.failure
            if reader.complete:
                return
            reader.feed(await self._network_stream.read(self.READ_NUM_BYTES, timeout=timeout))

    async def _response_closed(self) -> None:
        """Keep the connection for the next request if this exchange ended cleanly and both sides allow
        it; otherwise close it."""
        async with self._state_lock:
            reader, self._reader = self._reader, None
            ended_cleanly = reader is not None and reader.close()
            if ended_cleanly and self._request_sent and not self._framer.asks_close:
                self._state = HTTPConnectionState.IDLE
                if self._keepalive_expiry is not None:
                    self._expire_at = time.monotonic() + self._keepalive_expiry
            else:
                await self.aclose()

    def pool_state(self, now: float) -> PoolState:
        """What the pool's pass needs to know at ``now`` (``time.monotonic``), in one look."""
        state = self._state
        if state is HTTPConnectionState.IDLE:
            return "expired" if self._expire_at is not None and now > self._expire_at else "idle"
        return "closed" if state is HTTPConnectionState.CLOSED else "busy"

    def server_disconnected(self) -> bool:
        """Whether this idle connection's socket is readable: the server closed it (or sent stray bytes),
        so it must not carry another request."""
        if self._state is not HTTPConnectionState.IDLE:
            return False
        return bool(self._network_stream.get_extra_info("is_readable"))


class MergedBodyConnection(httpcore.AsyncHTTPConnection):
    """A pool's connection to one origin, over HTTP/1.1 only, with :class:`_MergedBodyHTTP11Connection`.

    httpcore's pool asks ``is_closed``, ``has_expired`` and ``is_idle`` of every connection on every
    pass, ``has_expired`` with a ``poll()`` system call for an idle one; :mod:`providers._connection_pool`
    asks :meth:`pool_state` instead, and :meth:`server_disconnected` only of the connection it is about
    to hand out.
    """

    _connection: _MergedBodyHTTP11Connection | None
    reserved_for: AsyncPoolRequest | None = None
    """The pool request this connection was last handed to, until a request starts on it."""

    def __init__(
        self,
        origin: httpcore.Origin,
        *,
        ssl_context: ssl.SSLContext | None,
        keepalive_expiry: float | None,
        network_backend: httpcore.AsyncNetworkBackend,
        on_close: Callable[[], None],
    ) -> None:
        """``on_close`` is called whenever the connection closes, or fails to connect."""
        super().__init__(
            origin=origin,
            ssl_context=ssl_context,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=network_backend,
        )
        self._on_close = on_close

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Connect on the first request (under httpcore's request lock), then hand every request to the
        HTTP/1.1 connection, which refuses one that finds it busy (``ConnectionNotAvailable``)."""
        self.reserved_for = None
        if self._connection is None:
            async with self._request_lock:
                if self._connection is None:
                    try:
                        stream = await self._connect(request)
                    except BaseException:
                        self._connect_failed = True
                        self._on_close()
                        raise
                    self._connection = _MergedBodyHTTP11Connection(
                        self._origin, stream, self._keepalive_expiry, self._on_close
                    )
        return await self._connection.handle_async_request(request)

    def pool_state(self, now: float) -> PoolState:
        """``closed`` (or never connected: nothing to close), ``expired`` (idle past its keep-alive time
        at ``now``), ``idle`` or ``busy`` (carrying a request, or connecting)."""
        if self._connection is None:
            return "closed" if self._connect_failed else "busy"
        return self._connection.pool_state(now)

    def server_disconnected(self) -> bool:
        """Whether the server closed this idle connection (asked only before handing it out again)."""
        return self._connection is not None and self._connection.server_disconnected()
