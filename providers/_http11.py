"""HTTP/1.1 connections that hand out everything one network read completed as one body piece.

httpcore reads a response body one h11 event at a time: a chunked body (every streamed answer) becomes
one ``Data`` event per chunk, and each event climbs the whole stack of async generators above it
(httpcore's body stream, its pool's, httpx's, ours) before the next is parsed. A provider's stream sends
one server-sent event per chunk, so a 50-event answer that arrived in one or two reads still takes 50
trips up that stack. Measured against the benchmark's loopback server (2026-12-05, 20 paired rounds of
40 streamed calls, 54 chunks each), process CPU per streamed call: raw httpx 2,497 -> 1,938 us with
merged pieces, our bare chat terminal 3,102 -> 2,267, the full default stack 3,694 -> 2,646.

Here, after each ``Data`` event, the connection keeps asking h11 for the events the bytes already
received complete (no further read, so nothing waits longer) and yields their data joined. The bytes,
their order, the end of the message and every error are h11's, as before; an error h11 raises after some
data yields that data first. Only the size of the pieces changes, which HTTP never promised.

On the way out, the request head and a body of up to 64 KiB leave in one write: httpcore writes the head
and the body separately, two system calls and two packets (two TLS records over TLS) for every small
POST. Against the loopback server, 3,200 bare chat calls: 6,400 -> 3,200 ``sendto`` calls (2026-12-06);
the CPU it saves per call (a few us of system time) is below the benchmark's noise.

httpcore builds its HTTP/1.1 connection inside ``AsyncHTTPConnection.handle_async_request``; the
subclasses below make that connection themselves and reach httpcore's connection internals
(``_connect``, ``_h11_state``, ``_receive_event``, ``_state``, ``_expire_at``, ``_network_stream``). The
httpcore versions they rely on are bounded in ``pyproject.toml``, and the tests run real servers through
them. The pool that makes these connections is :mod:`providers._connection_pool`.
"""

from __future__ import annotations

import asyncio
import ssl
import types
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Literal

import h11
import httpcore
from httpcore._async.connection_pool import AsyncPoolRequest
from httpcore._async.http11 import AsyncHTTP11Connection, HTTPConnectionState
from httpcore._synchronization import AsyncLock

__all__ = ["MergedBodyConnection", "PoolState"]

PoolState = Literal["closed", "expired", "idle", "busy"]

_BODY_ENDS = (h11.EndOfMessage, h11.PAUSED)

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
    """httpcore's HTTP/1.1 connection, yielding one body piece per read instead of one per h11 event and
    writing a request's head with its body, its state guarded by a :class:`_LoopLock` (the pool that
    makes it runs under asyncio only)."""

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

    async def aclose(self) -> None:
        try:
            await super().aclose()
        finally:
            self._on_close()

    async def _send_request_headers(self, request: httpcore.Request) -> None:
        """Frame the request head (h11 validates it, as in httpcore) and keep its bytes for
        :meth:`_send_request_body`: head and body then leave in one write, one system call and (for a
        small request) one packet instead of two. httpcore's ``send_request_headers`` trace event
        therefore ends before the head is written."""
        try:
            event = h11.Request(method=request.method, target=request.url.target, headers=request.headers)
        except h11.LocalProtocolError as error:
            raise httpcore.LocalProtocolError(error) from error  # as httpcore maps it
        self._unsent_head = self._h11_state.send(event) or b""

    async def _send_request_body(self, request: httpcore.Request) -> None:
        """Write the kept head with the body's first chunk (alone first if that chunk is large), the
        other chunks as they come, and the end of the message (nothing more for a sized body)."""
        timeout = request.extensions.get("timeout", {}).get("write", None)
        head, self._unsent_head = self._unsent_head, b""
        stream = request.stream
        assert isinstance(stream, AsyncIterable)
        async for chunk in stream:
            data = self._h11_state.send(h11.Data(data=chunk)) or b""
            if head:
                if len(data) <= _HEAD_JOINS_BODY_UP_TO:
                    data = head + data
                else:
                    await self._network_stream.write(head, timeout=timeout)
                head = b""
            await self._network_stream.write(data, timeout=timeout)
        end = self._h11_state.send(h11.EndOfMessage()) or b""
        if head or end:
            await self._network_stream.write(head + end, timeout=timeout)

    async def _receive_response_body(self, request: httpcore.Request) -> AsyncIterator[bytes]:
        timeout = request.extensions.get("timeout", {}).get("read", None)
        state = self._h11_state
        while True:
            event = await self._receive_event(timeout=timeout)
            if type(event) is h11.Data:
                pieces = [event.data]
                ended = False
                failure: h11.RemoteProtocolError | None = None
                while True:  # what the buffered bytes complete already; never reads
                    try:
                        following = state.next_event()
                    except h11.RemoteProtocolError as error:
                        failure = error
                        break
                    if type(following) is h11.Data:
                        pieces.append(following.data)
                    elif following is h11.NEED_DATA:
                        break
                    elif isinstance(following, _BODY_ENDS):
                        ended = True
                        break
                yield bytes(pieces[0]) if len(pieces) == 1 else b"".join(pieces)
                if failure is not None:
                    raise httpcore.RemoteProtocolError(failure) from failure  # as httpcore maps it
                if ended:
                    break
            elif isinstance(event, _BODY_ENDS):
                break

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
