"""HTTP11ConnectionPool: httpcore's HTTP/1.1 pool with a hand-out pass that is linear and never doubles up.

httpcore runs ``_assign_requests_to_connections`` twice per request (when it enters the pool and when
its response closes). In httpcore 1.0 that pass is quadratic in the pool's size (the keep-alive count is
rebuilt for every idle connection, the available and idle lists for every queued request) and polls the
socket of every idle connection. It also hands one idle connection to every request queued in the same
pass, and again to requests entering before the first one starts on it: all but one then fail with
``ConnectionNotAvailable`` and queue again (encode/httpcore #1110; rewritten in pydantic/httpx2 #974,
#1075, #1169). At 32 calls in flight on one core the pass cost more than the rest of httpcore.

This pass walks the pool once, treats a connection that a pending request already holds as taken, and
asks an idle connection whether the server closed it only when about to hand it out. What it decides is
httpcore's otherwise: connections that closed are dropped, those past their keep-alive time closed, idle
ones above ``max_keepalive_connections`` closed oldest first (httpcore counts every connection there, not
only the idle ones its documentation names), a request takes the oldest idle connection to its origin,
else a new connection while the pool has room, else the room of the oldest idle connection to another
origin; a request that gets none waits in the queue, in order.
"""

from __future__ import annotations

import ssl
import time
from typing import cast

import httpcore

from ._http11 import MergedBodyConnection

__all__ = ["HTTP11ConnectionPool"]


class HTTP11ConnectionPool(httpcore.AsyncConnectionPool):
    """An HTTP/1.1 connection pool without a proxy, over :class:`~providers._http11.MergedBodyConnection`.

    It reaches httpcore's pool internals (``_requests``, ``_connections``, the limits and the settings
    its connections are made with); the httpcore versions this relies on are bounded in
    ``pyproject.toml``.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        max_connections: int | None,
        max_keepalive_connections: int | None,
        keepalive_expiry: float | None,
        network_backend: httpcore.AsyncNetworkBackend,
    ) -> None:
        super().__init__(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=network_backend,
        )

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        """A :class:`~providers._http11.MergedBodyConnection` to ``origin`` (httpcore's pool calls this
        for each new one)."""
        return MergedBodyConnection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=self._network_backend,
        )

    async def _close_connections(self, closing: list[httpcore.AsyncConnectionInterface]) -> None:
        """Close ``closing`` under httpcore's cancellation shield; nothing to close (nearly every pass)
        costs no shield."""
        if closing:
            await super()._close_connections(closing)

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """Hand queued requests their connections; return the connections to close (see the module)."""
        now = time.monotonic()
        held = {request.connection for request in self._requests if request.connection is not None}
        closing: list[httpcore.AsyncConnectionInterface] = []
        kept: list[httpcore.AsyncConnectionInterface] = []
        idle: list[MergedBodyConnection] = []  # idle and held by no request, oldest first
        for connection in cast(list[MergedBodyConnection], self._connections):
            state = connection.pool_state(now)
            if state == "closed":
                continue
            if state == "busy" or connection in held:
                kept.append(connection)
            elif state == "expired":
                closing.append(connection)
            else:
                kept.append(connection)
                idle.append(connection)
        surplus = len(idle) - self._max_keepalive_connections
        if surplus > 0:
            closing += idle[:surplus]
            del idle[:surplus]
            kept = [connection for connection in kept if connection not in closing]

        for request in self._requests:
            if request.connection is not None:
                continue
            origin = request.request.url.origin
            handed: httpcore.AsyncConnectionInterface | None = _take_idle(idle, origin, kept, closing)
            if handed is None:
                if len(kept) >= self._max_connections:
                    if not idle:
                        continue  # stays queued until a connection is released
                    room = idle.pop(0)
                    kept.remove(room)
                    closing.append(room)
                handed = self.create_connection(origin)
                kept.append(handed)
            request.assign_to_connection(handed)
        self._connections = kept
        return closing


def _take_idle(
    idle: list[MergedBodyConnection],
    origin: httpcore.Origin,
    kept: list[httpcore.AsyncConnectionInterface],
    closing: list[httpcore.AsyncConnectionInterface],
) -> MergedBodyConnection | None:
    """The oldest idle connection to ``origin`` the server has not closed, taken out of ``idle``; the
    closed ones met on the way move from ``kept`` to ``closing``."""
    index = 0
    while index < len(idle):
        connection = idle[index]
        if not connection.can_handle_request(origin):
            index += 1
            continue
        del idle[index]
        if not connection.server_disconnected():
            return connection
        kept.remove(connection)
        closing.append(connection)
    return None
