"""A scriptable loopback HTTP/1.1 server for tests, examples and benchmarks.

:class:`LoopbackServer` listens on 127.0.0.1 (a free port), runs its own asyncio loop in a background
thread (so clients may use asyncio, trio or sync code), keeps connections alive, records every request and
counts connections and client disconnects. Replies are scripted: a FIFO queue (:meth:`enqueue`), path-prefix
routes (:meth:`route`) and a :attr:`default_reply`; each may be a reply or a callable taking the
:class:`RecordedRequest` and returning a reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

__all__ = [
    "JsonReply",
    "LoopbackServer",
    "RawReply",
    "RecordedRequest",
    "Reply",
    "ReplySource",
    "ResetReply",
    "SSEReply",
    "StallReply",
]

_MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received. ``headers`` has lower-cased names (repeated ones joined by ``, ``)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class JsonReply:
    """Answer ``body`` as JSON after ``delay`` seconds."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class SSEReply:
    """Answer a chunked ``text/event-stream``.

    Each item of ``events`` is a data payload, an ``(event name or None, data)`` pair, or raw ``bytes`` sent
    verbatim as one chunk. ``first_byte_delay`` waits before the status line, ``event_delay`` before each
    event. ``cut_after=N`` closes the connection after N events without terminating the chunked body.
    """

    events: list[str | tuple[str | None, str] | bytes]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    first_byte_delay: float = 0.0
    event_delay: float = 0.0
    cut_after: int | None = None


@dataclass(frozen=True)
class RawReply:
    """Answer exactly ``body`` with ``status`` and ``headers`` (e.g. invalid JSON, an HTML page)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResetReply:
    """Reset the connection (TCP RST) without sending any response."""


@dataclass(frozen=True)
class StallReply:
    """Send nothing for ``seconds``, then close the connection."""

    seconds: float


Reply = JsonReply | SSEReply | RawReply | ResetReply | StallReply
ReplySource = Reply | Callable[[RecordedRequest], Reply]


class LoopbackServer:
    """A real HTTP/1.1 server on 127.0.0.1; use ``with LoopbackServer() as server:`` or start()/stop().

    Reply selection per request: the longest matching :meth:`route` prefix, else the next queued reply,
    else :attr:`default_reply`, else a 500 JSON error saying nothing was scripted.
    Counters: ``connections_opened``, ``live_connections`` and ``disconnects`` (connections the client
    closed while a reply was still being sent).
    """

    def __init__(self, *, port: int = 0) -> None:
        self.requests: list[RecordedRequest] = []
        self.default_reply: ReplySource | None = None
        self.connections_opened = 0
        self.live_connections = 0
        self.disconnects = 0
        self._port = port
        self._queue: deque[ReplySource] = deque()
        self._routes: dict[str, ReplySource] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._address: tuple[str, int] | None = None

    # -- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind a free port and serve in a background thread."""
        if self._thread is not None:
            raise RuntimeError("LoopbackServer already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="LoopbackServer", daemon=True)
        self._thread.start()
        ready.wait()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), loop).result()
        return self

    def stop(self) -> None:
        """Close every connection, stop the thread and release the port."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._loop = self._thread = self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._address is None:
            raise RuntimeError("LoopbackServer is not started")
        host, port = self._address
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """``base_url`` joined with ``path`` (which should start with ``/``)."""
        return self.base_url + path

    # -- scripting ------------------------------------------------------------------------------------

    def enqueue(self, *replies: ReplySource) -> None:
        """Append replies to the FIFO queue (used when no route matches)."""
        with self._lock:
            self._queue.extend(replies)

    def route(self, path_prefix: str, reply: ReplySource) -> None:
        """Answer requests whose path starts with ``path_prefix`` with ``reply`` (replaces an old route)."""
        with self._lock:
            self._routes[path_prefix] = reply

    @property
    def pending_replies(self) -> int:
        """How many queued replies are still unused."""
        with self._lock:
            return len(self._queue)

    def wait_until(self, condition: Callable[[LoopbackServer], bool], timeout: float = 5.0) -> bool:
        """Poll ``condition(self)`` until it holds or ``timeout`` passes; returns whether it held."""
        deadline = time.monotonic() + timeout
        while not condition(self):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def _choose_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            prefixes = [prefix for prefix in self._routes if request.path.startswith(prefix)]
            source: ReplySource | None
            if prefixes:
                source = self._routes[max(prefixes, key=len)]
            elif self._queue:
                source = self._queue.popleft()
            else:
                source = self.default_reply
        if source is None:
            message = f"LoopbackServer: no reply scripted for {request.method} {request.path}"
            return JsonReply({"error": {"message": message}}, status=500)
        if callable(source):
            return source(request)
        return source

    # -- server side (runs in the background thread) ------------------------------------------------

    async def _listen(self) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", self._port)
        host, port = server.sockets[0].getsockname()[:2]
        self._address = (host, port)
        return server

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.abort()
        if self._server is not None:
            await self._server.wait_closed()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _BadRequest(Exception):
    pass


class _Connection(asyncio.Protocol):
    """One client connection: parses requests one at a time and writes scripted replies."""

    def __init__(self, server: LoopbackServer) -> None:
        self._server = server
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._handler: asyncio.Task[None] | None = None
        self._replying = False
        self._closed_by_us = False
        self._writable = asyncio.Event()
        self._writable.set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._server._connections.add(self)
        self._server.connections_opened += 1
        self._server.live_connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._server._connections.discard(self)
        self._server.live_connections -= 1
        if self._replying and not self._closed_by_us:
            self._server.disconnects += 1
        self._writable.set()
        if self._handler is not None and not self._handler.done():
            self._handler.cancel()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._next_request()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def abort(self) -> None:
        self._closed_by_us = True
        if self._transport is not None:
            self._transport.abort()

    def _next_request(self) -> None:
        if self._handler is not None and not self._handler.done():
            return
        try:
            parsed = _parse_request(self._buffer)
        except _BadRequest as exc:
            self._handler = asyncio.ensure_future(self._reject(str(exc)))
            return
        if parsed is None:
            if len(self._buffer) > _MAX_HEAD_BYTES and b"\r\n\r\n" not in self._buffer:
                self._handler = asyncio.ensure_future(self._reject("request head too large"))
            return
        request, consumed = parsed
        del self._buffer[:consumed]
        self._server.requests.append(request)
        self._handler = asyncio.ensure_future(self._respond(request))

    async def _reject(self, message: str) -> None:
        body = json.dumps({"error": {"message": message}}).encode()
        await self._write(_head(400, {"content-type": "application/json", "connection": "close"}, len(body)))
        await self._write(body)
        self._close()

    async def _respond(self, request: RecordedRequest) -> None:
        self._replying = True
        try:
            try:
                reply = self._server._choose_reply(request)
            except Exception as exc:  # a failing reply callable becomes a visible 500
                reply = JsonReply({"error": {"message": f"reply callable failed: {exc!r}"}}, status=500)
            keep_alive = await self._send(reply)
        except asyncio.CancelledError:
            return
        finally:
            self._replying = False
        if keep_alive and request.headers.get("connection", "").lower() != "close":
            self._handler = None
            self._next_request()
        else:
            self._close()

    async def _send(self, reply: Reply) -> bool:
        """Write ``reply``; returns whether the connection stays usable."""
        if isinstance(reply, JsonReply):
            await asyncio.sleep(reply.delay)
            body = json.dumps(reply.body).encode()
            headers = _merge({"content-type": "application/json"}, reply.headers)
            await self._write(_head(reply.status, headers, len(body)) + body)
            return True
        if isinstance(reply, RawReply):
            await self._write(_head(reply.status, reply.headers, len(reply.body)) + reply.body)
            return True
        if isinstance(reply, SSEReply):
            return await self._send_sse(reply)
        if isinstance(reply, StallReply):
            await asyncio.sleep(reply.seconds)
            self._close()
            return False
        self._reset()
        return False

    async def _send_sse(self, reply: SSEReply) -> bool:
        await asyncio.sleep(reply.first_byte_delay)
        defaults = {"content-type": "text/event-stream", "cache-control": "no-cache"}
        headers = _merge(defaults, reply.headers)
        await self._write(_head(reply.status, headers, None))
        for index, item in enumerate(reply.events):
            if reply.cut_after is not None and index >= reply.cut_after:
                self._close()
                return False
            await asyncio.sleep(reply.event_delay)
            encoded = _encode_event(item)
            if encoded:  # an empty chunk would end the chunked body
                await self._write(_chunk(encoded))
        if reply.cut_after is not None and len(reply.events) <= reply.cut_after:
            self._close()
            return False
        await self._write(b"0\r\n\r\n")
        return True

    async def _write(self, data: bytes) -> None:
        await self._writable.wait()
        if self._transport is None or self._transport.is_closing():
            raise asyncio.CancelledError
        self._transport.write(data)

    def _close(self) -> None:
        self._closed_by_us = True
        if self._transport is not None:
            self._transport.close()

    def _reset(self) -> None:
        self._closed_by_us = True
        if self._transport is None:
            return
        sock = self._transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._transport.abort()


def _parse_request(buffer: bytearray) -> tuple[RecordedRequest, int] | None:
    """Parse one complete request from the front of ``buffer``: (request, bytes consumed) or None."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    lines = bytes(buffer[:head_end]).decode("latin-1").split("\r\n")
    try:
        method, target, _version = lines[0].split(" ")
    except ValueError:
        raise _BadRequest(f"malformed request line {lines[0]!r}") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise _BadRequest(f"malformed header line {line!r}")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    path, _, query = target.partition("?")
    start = head_end + 4
    if "chunked" in headers.get("transfer-encoding", "").lower():
        decoded = _parse_chunked(buffer, start)
        if decoded is None:
            return None
        body, end = decoded
    else:
        length_text = headers.get("content-length", "0")
        if not length_text.isdigit():
            raise _BadRequest(f"invalid content-length {length_text!r}")
        end = start + int(length_text)
        if len(buffer) < end:
            return None
        body = bytes(buffer[start:end])
    return RecordedRequest(method=method, path=path, query=query, headers=headers, body=body), end


def _parse_chunked(buffer: bytearray, position: int) -> tuple[bytes, int] | None:
    body = bytearray()
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size_text = bytes(buffer[position:line_end]).split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _BadRequest(f"invalid chunk size {size_text!r}") from None
        position = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", position - 2)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 4
        if len(buffer) < position + size + 2:
            return None
        body += buffer[position : position + size]
        position += size + 2


def _merge(defaults: dict[str, str], overrides: dict[str, str]) -> dict[str, str]:
    merged = dict(defaults)
    for name, value in overrides.items():
        merged = {key: val for key, val in merged.items() if key.lower() != name.lower()}
        merged[name] = value
    return merged


def _head(status: int, headers: dict[str, str], content_length: int | None) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    lines = [f"HTTP/1.1 {status} {phrase}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    names = {name.lower() for name in headers}
    if content_length is None:
        lines.append("transfer-encoding: chunked")
    elif "content-length" not in names:
        lines.append(f"content-length: {content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _encode_event(item: str | tuple[str | None, str] | bytes) -> bytes:
    if isinstance(item, bytes):
        return item
    name, data = item if isinstance(item, tuple) else (None, item)
    lines = [f"event: {name}"] if name is not None else []
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode("utf-8")
