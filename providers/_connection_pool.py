"""HTTP11ConnectionPool: httpcore's HTTP/1.1 pool with a hand-out pass that costs next to nothing and
never doubles up.

httpcore runs ``_assign_requests_to_connections`` twice per request (when it enters the pool and when
its response closes). In httpcore 1.0 that pass walks the whole pool, quadratically (the keep-alive
count is rebuilt for every idle connection, the available and idle lists for every queued request), and
polls the socket of every idle connection. It also hands one idle connection to every request queued in
the same pass, and again to requests entering before the first one starts on it: all but one then fail
with ``ConnectionNotAvailable`` and queue again (encode/httpcore #1110; rewritten in pydantic/httpx2
#974, #1075, #1169). At 32 calls in flight on one core the pass cost more than the rest of httpcore.

Here a pass drops the connections that closed since the last one (each connection tells the pool when
it closes) and, when the pool holds more connections than ``max_keepalive_connections``, closes the
longest idle ones above that many (as httpx documents the limit; httpcore counted every connection
there, not only the idle ones); with no request waiting, that is all it does. For each waiting
request, in order, the pass walks the pool from the front to the first free connection: idle, within
its keep-alive time, not reserved for another request that has yet to start on it, to the request's
origin, and, asked only now, not closed by the server. Connections met on the way that are past their
keep-alive time or closed by the server are closed. A handed-out connection moves to the back, so the
front holds the connections idle the longest and the walk is short. Without a free connection a
request gets a new one while the pool has room, else the room of the first free connection to another
origin, else it waits, with every request behind it, for the next release.
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
        self._closes_to_sweep = False

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        """A :class:`~providers._http11.MergedBodyConnection` to ``origin`` (httpcore's pool calls this
        for each new one)."""
        return MergedBodyConnection(
            origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._network_backend,
            on_close=self._note_close,
        )

    def _note_close(self) -> None:
        """A connection closed: the next pass drops the closed ones from the pool."""
        self._closes_to_sweep = True

    async def _close_connections(self, closing: list[httpcore.AsyncConnectionInterface]) -> None:
        """Close ``closing`` under httpcore's cancellation shield; nothing to close (nearly every pass)
        costs no shield."""
        if closing:
            await super()._close_connections(closing)

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """Hand queued requests their connections; return the connections to close (see the module)."""
        closing: list[httpcore.AsyncConnectionInterface] = []
        if self._closes_to_sweep:
            self._closes_to_sweep = False
            self._connections = [connection for connection in self._connections if not connection.is_closed()]
        if len(self._connections) > self._max_keepalive_connections:
            self._close_surplus_idle(closing)
        queued = [request for request in self._requests if request.connection is None]
        if not queued:
            return closing
        now = time.monotonic()
        for request in queued:
            origin = request.request.url.origin
            handed = self._take_free(now, closing, origin)
            if handed is None:
                if len(self._connections) >= self._max_connections:
                    room = self._take_free(now, closing, None)
                    if room is None:
                        break  # every connection is busy: the queue waits, in order, for a release
                    self._connections.remove(room)
                    closing.append(room)
                handed = cast(MergedBodyConnection, self.create_connection(origin))
            else:
                self._connections.remove(handed)
            self._connections.append(handed)  # the front keeps the connections idle the longest
            handed.reserved_for = request
            request.assign_to_connection(handed)
        return closing

    def _take_free(
        self, now: float, closing: list[httpcore.AsyncConnectionInterface], origin: httpcore.Origin | None
    ) -> MergedBodyConnection | None:
        """The first free connection, front to back: idle, past no keep-alive time, reserved for no
        pending request, and, given an ``origin``, to that origin and not closed by the server. Closed
        connections met on the way are dropped; expired or server-closed ones move to ``closing``."""
        connections = cast(list[MergedBodyConnection], self._connections)
        index = 0
        while index < len(connections):
            connection = connections[index]
            state = connection.pool_state(now)
            if state == "busy" or (state == "idle" and self._is_reserved(connection)):
                index += 1
                continue
            if state == "idle" and origin is not None and not connection.can_handle_request(origin):
                index += 1
                continue
            if state == "idle" and (origin is None or not connection.server_disconnected()):
                return connection
            del connections[index]
            if state != "closed":
                closing.append(connection)
        return None

    def _is_reserved(self, connection: MergedBodyConnection) -> bool:
        """Whether an idle ``connection`` was handed to a request that has not started on it yet (the
        connection forgets the request when it starts); one whose request left the pool is forgotten."""
        request = connection.reserved_for
        if request is None:
            return False
        if request.connection is connection and request in self._requests:
            return True
        connection.reserved_for = None
        return False

    def _close_surplus_idle(self, closing: list[httpcore.AsyncConnectionInterface]) -> None:
        """Close the longest idle connections beyond ``max_keepalive_connections``."""
        now = time.monotonic()
        idle = [
            connection
            for connection in cast(list[MergedBodyConnection], self._connections)
            if connection.pool_state(now) == "idle" and not self._is_reserved(connection)
        ]
        for connection in idle[: max(len(idle) - self._max_keepalive_connections, 0)]:
            self._connections.remove(connection)
            closing.append(connection)
