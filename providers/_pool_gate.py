"""PoolGate: lets requests into httpcore's connection pool one at a time, until each holds a connection.

httpcore 1.0's pool hands an idle HTTP/1.1 connection to a request but the connection stays idle until
that request's task next runs; a request entering the pool in between is handed the same connection.
All but one of them then fail with ``ConnectionNotAvailable`` and wait in the pool's queue for the
next hand-out, again and again: a burst of 100 concurrent 50 ms calls over 100 warm connections took
1.0 s at the median and 1.8 s at p99, against 0.13 s / 0.24 s through the gate (encode/httpcore
#1110, #1111; fixed inside the pool in pydantic/httpx2 #1075).

Pooled clients use it under trio, over httpx's own pool; under asyncio our own pool
(:mod:`providers._connection_pool`) never hands one connection to two requests, so it needs no gate.

The gate is a FIFO lock taken before a request enters the pool and released by httpcore's ``trace``
extension as soon as the request owns its connection (it starts sending headers, or starts connecting
a new one), or when the request fails or returns before that. Only the short hand-out is serialized,
never the exchange itself. Waiting at the gate is bounded by the request's ``pool`` timeout, like
waiting in the pool (``httpx.PoolTimeout``).

:class:`GatedTransport` puts the gate where httpx expects such a policy: a transport wrapping the pool's
transport, under ``AsyncClient.send``, so the client's request log, ``response.elapsed`` and event
hooks stay intact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx

__all__ = ["GatedTransport", "PoolGate"]

_OWNS_A_CONNECTION = frozenset({"http11.send_request_headers.started", "connection.connect_tcp.started"})
"""``trace`` events after which no other request can be handed this request's connection."""


class PoolGate:
    """Serializes the entry of requests into one httpx transport's pool (create it inside the loop)."""

    def __init__(self) -> None:
        self._lock = anyio.Lock()

    async def send(self, transport: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
        """``transport.handle_async_request(request)``, entering the pool through the gate."""
        if self._lock.locked():  # someone is being handed a connection: wait, within the pool timeout
            await self._wait(request)
        else:
            await self._lock.acquire()
        ticket = _Ticket(self._lock.release, request.extensions)
        request.extensions["trace"] = ticket.trace
        try:
            return await transport.handle_async_request(request)
        finally:
            ticket.release()

    async def _wait(self, request: httpx.Request) -> None:
        timeout = request.extensions.get("timeout", {}).get("pool")
        with anyio.move_on_after(timeout) as waiting:
            await self._lock.acquire()
        if waiting.cancelled_caught:
            raise httpx.PoolTimeout(f"No connection could be handed out within {timeout} s", request=request)


class GatedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends every request through a :class:`PoolGate` into ``pool``.

    Create it inside the event loop that will use it (the gate's lock belongs to that loop). Closing it
    closes ``pool``.
    """

    def __init__(self, pool: httpx.AsyncBaseTransport) -> None:
        self.pool = pool
        """The transport the gate lets requests into."""
        self._gate = PoolGate()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._gate.send(self.pool, request)

    async def aclose(self) -> None:
        await self.pool.aclose()


class _Ticket:
    """One request's hold on the gate, released once; the release also removes the ``trace`` callback
    (httpcore shares the request's extensions dict and looks it up per step), so the rest of the
    exchange runs without tracing."""

    __slots__ = ("_extensions", "_release")

    def __init__(self, release: Callable[[], None], extensions: dict[str, Any]) -> None:
        self._release: Callable[[], None] | None = release
        self._extensions = extensions

    def release(self) -> None:
        if self._release is not None:
            release, self._release = self._release, None
            self._extensions.pop("trace", None)
            release()

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` callback (an async pool awaits it)."""
        if event in _OWNS_A_CONNECTION:
            self.release()
