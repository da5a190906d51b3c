"""The shared provider HTTP layer: pooled httpx clients, JSON and SSE posts, and HTTP error mapping.

Every failure becomes :class:`~pipeline.errors.APICallError` (or a subclass) carrying the URL, the request
body, the status, the response headers and (size-capped) body, ``is_retryable`` and ``retry_after``.
Request headers are never stored on errors, so API keys cannot leak through them. Redirects are never
followed: a 3xx is an error, so credentials are never sent to another host.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import math
import re
import sys
import threading
import urllib.request
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

import anyio
import httpx
from pydantic import ValidationError

from pipeline.errors import APICallError, InvalidResponseError, ResponseTooLargeError, is_retryable_status

from ._pool_gate import PoolGate
from ._sse import DEFAULT_MAX_EVENT_BYTES, SSEDecoder, SSEEvent

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_ERROR_BODY_BYTES",
    "USER_AGENT",
    "ErrorParser",
    "EventStream",
    "HttpClient",
    "JsonResponse",
    "parse_retry_after",
    "post_json",
    "post_sse",
    "shared_http",
]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=600.0, write=600.0, pool=600.0)
"""Connect fast, but let a long model call read for up to 10 minutes (the Stainless SDKs' defaults)."""

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""Cap on a decoded JSON response body; larger answers raise :class:`ResponseTooLargeError`."""

MAX_ERROR_BODY_BYTES = 1024 * 1024
"""Error bodies (non-2xx, wrong content type) are read up to this size and truncated there."""

USER_AGENT = "modelpipe/0.1.0"

ErrorParser = Callable[[int, str], tuple[str, Any]]
"""``(status, body text) -> (message, parsed error data or None)``; provider-specific."""

_NUMBER = re.compile(r"\s*\d+(?:\.\d*)?(?:[eE][+-]?\d+)?\s*")
_CLOSE_GRACE_SECONDS = 1.0


@dataclass
class JsonResponse:
    """A decoded 2xx JSON answer and its (lower-cased) response headers."""

    value: Any
    headers: dict[str, str]

    def unexpected(
        self, what: str, error: ValidationError, *, url: str, request_body: Any
    ) -> InvalidResponseError:
        """The error for a 2xx answer whose JSON does not have the provider's documented shape."""
        return InvalidResponseError(
            f"Invalid {what}: {error.errors()[0]['msg']}",
            url=url,
            request_body=request_body,
            status_code=200,
            response_headers=self.headers,
            response_body=json.dumps(self.value, default=str)[:MAX_ERROR_BODY_BYTES],
        )


@dataclass
class EventStream:
    """A 2xx event stream: iterate ``events`` to the end, or ``aclose()`` it to drop the connection.

    A reader that saw the protocol's last event calls :meth:`finish` instead of reading on.
    """

    events: AsyncGenerator[SSEEvent, None]
    headers: dict[str, str]
    _drain: _DrainRequest = field(default_factory=lambda: _DrainRequest(), repr=False)

    async def finish(self, *, max_bytes: int, seconds: float) -> None:
        """Read what is left of the body without parsing it, so the connection can be reused; close the
        connection instead when more than ``max_bytes`` arrive or the body has not ended after ``seconds``
        (a server that keeps the stream open with keep-alive comments)."""
        self._drain.max_bytes, self._drain.seconds = max_bytes, seconds
        try:
            await self.events.__anext__()  # the generator drains and returns at its next step
        except StopAsyncIteration:
            pass
        finally:
            await self.events.aclose()


@dataclass
class _DrainRequest:
    max_bytes: int = -1
    """-1 until :meth:`EventStream.finish` asks the events generator to drain the body."""
    seconds: float = 0.0


@dataclass
class _LoopClient:
    client: httpx.AsyncClient
    closer: AsyncGenerator[None, None]
    direct: httpx.AsyncBaseTransport | None
    """The client's transport, when requests may skip ``AsyncClient.send`` (None: a proxy is configured)."""
    gate: PoolGate | None
    """The entry gate of ``direct`` when it is our own httpcore pool (None for a transport given to us)."""


class HttpClient:
    """Hands out the ``httpx.AsyncClient`` for the running event loop, and sends requests through it.

    With ``client=`` that client is always used (its own timeout, headers, auth, hooks and redirect
    settings apply, and we never close it). Otherwise one pooled client is created per running event loop
    (asyncio or trio; httpx clients are bound to a loop), reused across calls, and closed automatically
    when that loop finalizes its async generators at shutdown (``asyncio.run``, ``asyncio.Runner``,
    ``anyio.run``, anyio's blocking portal and ``trio.run`` all do). ``transport=`` is given to every
    pooled client (e.g. ``httpx.MockTransport``). Pooled clients never follow redirects.

    A pooled client has no cookies, auth, hooks or redirects to apply, so unless the environment
    configures a proxy, :meth:`send` hands requests straight to its transport: the same connection pool
    and errors, without the ~150 µs per call that ``AsyncClient.send`` spends on machinery we never use,
    and through a :class:`~providers._pool_gate.PoolGate` that keeps bursts of concurrent calls from
    being handed the same connection.
    """

    def __init__(
        self,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_connections: int = 100,
    ) -> None:
        if client is not None and transport is not None:
            raise ValueError("pass either client= or transport=, not both")
        self._injected = client
        self._transport = transport
        self._timeout = timeout
        self._timeout_extension = timeout.as_dict()
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._clients: WeakKeyDictionary[object, _LoopClient] = WeakKeyDictionary()
        self._lock = threading.Lock()

    def client(self) -> httpx.AsyncClient:
        """The client for the running event loop (must be called from inside one)."""
        if self._injected is not None:
            return self._injected
        return self._loop_client().client

    async def send(self, url: str, headers: dict[str, str], content: bytes) -> httpx.Response:
        """POST ``content`` to ``url`` and return the response with its body not yet read."""
        if self._injected is not None:
            request = self._injected.build_request("POST", url, headers=headers, content=content)
            return await self._injected.send(request, stream=True)
        entry = self._loop_client()
        if entry.direct is None:
            request = entry.client.build_request("POST", url, headers=headers, content=content)
            return await entry.client.send(request, stream=True)
        request = httpx.Request(
            "POST",
            _parsed_url(url),
            headers={**_DIRECT_HEADERS, **headers},
            content=content,
            extensions={"timeout": self._timeout_extension},
        )
        if entry.gate is not None:
            response = await entry.gate.send(entry.direct, request)
        else:
            response = await entry.direct.handle_async_request(request)
        response.request = request
        return response

    async def aclose(self) -> None:
        """Close the pooled client of the running loop (an injected client is left to its owner)."""
        if self._injected is not None:
            return
        with self._lock:
            entry = self._clients.get(_running_loop_key())
        if entry is not None:
            await entry.closer.aclose()

    def _loop_client(self) -> _LoopClient:
        loop = _running_loop_key()
        with self._lock:
            entry = self._clients.get(loop)
            if entry is None or entry.client.is_closed:
                transport = self._transport
                gate = None
                if transport is None and not _proxy_configured():
                    transport = httpx.AsyncHTTPTransport(limits=self._limits)
                    gate = PoolGate()
                # httpx applies environment proxies only to a client that builds its own transport.
                client = httpx.AsyncClient(
                    transport=transport,
                    timeout=self._timeout,
                    limits=self._limits,
                    follow_redirects=False,
                )
                closer = _start_suspended(self._close_at_loop_end(loop, client))
                entry = _LoopClient(client, closer, direct=transport, gate=gate)
                self._clients[loop] = entry
            return entry

    async def _close_at_loop_end(self, loop: object, client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            with self._lock:
                entry = self._clients.get(loop)
                if entry is not None and entry.client is client:
                    del self._clients[loop]
            await client.aclose()


_DIRECT_HEADERS = {"accept-encoding": "gzip, deflate"}
"""What ``AsyncClient`` would add to a direct request: we decode gzip / deflate bodies like it does."""


@functools.lru_cache(maxsize=256)
def _parsed_url(url: str) -> httpx.URL:
    """Endpoint URLs repeat on every call; parsing one costs ~10 µs."""
    return httpx.URL(url)


def _proxy_configured() -> bool:
    """Whether the environment names an HTTP(S) proxy that ``AsyncClient`` (``trust_env``) would use."""
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


_shared: HttpClient | None = None
_shared_lock = threading.Lock()


def shared_http() -> HttpClient:
    """The process-wide default :class:`HttpClient` (created on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = HttpClient()
        return _shared


def _running_loop_key() -> object:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        trio = sys.modules.get("trio")
        if trio is not None:
            try:
                return trio.lowlevel.current_root_task()
            except RuntimeError:
                pass
        raise RuntimeError("HttpClient.client() must be called from inside a running event loop") from None


def _start_suspended(closer: AsyncGenerator[None, None]) -> AsyncGenerator[None, None]:
    """Run ``closer`` to its first ``yield`` synchronously, inside the running loop.

    That first step registers it with the loop's async-generator hooks, so the loop ``aclose()``s it at
    shutdown; its ``finally`` then closes the client and its connections.
    """
    step = closer.asend(None)
    try:
        step.send(None)
    except StopIteration:
        return closer
    raise RuntimeError("the closer generator must suspend without awaiting")  # pragma: no cover


async def post_json(
    http: HttpClient,
    url: str,
    *,
    headers: Mapping[str, str],
    body: Any,
    parse_error: ErrorParser,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> JsonResponse:
    """POST ``body`` as JSON and decode the JSON answer; any failure raises :class:`APICallError`."""
    response = await _send(http, url, headers, body, accept="application/json")
    drained = False
    try:
        response_headers = _response_headers(response)
        if not response.is_success:
            raise await _status_error(response, url, body, parse_error)
        raw = await _read_capped(response, url, body, max_response_bytes)
        drained = True
    finally:
        await _close(response, drained=drained)
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise InvalidResponseError(
            "Invalid JSON response",
            url=url,
            content_type=response.headers.get("content-type"),
            request_body=body,
            status_code=response.status_code,
            response_headers=response_headers,
            response_body=raw.decode("utf-8", errors="replace"),
        ) from exc
    return JsonResponse(value=value, headers=response_headers)


async def post_sse(
    http: HttpClient,
    url: str,
    *,
    headers: Mapping[str, str],
    body: Any,
    parse_error: ErrorParser,
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> EventStream:
    """POST ``body`` as JSON and open the answer as a server-sent event stream.

    A non-2xx status or a non-``text/event-stream`` answer raises before this returns. The returned
    generator reads the body to its end (returning the connection to the pool); closing it early closes
    the response. Transport errors while reading raise a retryable :class:`APICallError`; an event over
    ``max_event_bytes`` raises :class:`~pipeline.errors.StreamProtocolError`.
    """
    response = await _send(http, url, headers, body, accept="text/event-stream")
    try:
        response_headers = _response_headers(response)
        if not response.is_success:
            raise await _status_error(response, url, body, parse_error)
        content_type = response.headers.get("content-type", "")
        if content_type.split(";", 1)[0].strip().lower() != "text/event-stream":
            snippet = await _read_truncated(response, 200)
            raise InvalidResponseError(
                f"Expected an event stream (text/event-stream) but the API answered "
                f"{content_type or 'without a content type'}",
                url=url,
                content_type=content_type or None,
                request_body=body,
                status_code=response.status_code,
                response_headers=response_headers,
                response_body=snippet,
            )
    except BaseException:
        await _close(response)
        raise
    drain = _DrainRequest()
    events = _events(response, url, body, max_event_bytes, drain)
    return EventStream(events=events, headers=response_headers, _drain=drain)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks to wait: ``retry-after-ms`` wins over ``Retry-After`` (seconds or HTTP date).

    Negative or unparseable values give ``None``; a past date gives ``0.0``; a numeric overflow gives
    ``inf`` (longer than any cap a retry policy may apply).
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = _parse_seconds(lowered.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000.0
    retry_after = lowered.get("retry-after")
    if retry_after is None:
        return None
    seconds = _parse_seconds(retry_after)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(retry_after)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_seconds(text: str | None) -> float | None:
    if text is None or not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return math.inf if math.isinf(value) else value


def _should_retry(status_code: int, headers: Mapping[str, str]) -> bool:
    override = headers.get("x-should-retry", "").strip().lower()
    if override == "true":
        return True
    if override == "false":
        return False
    return is_retryable_status(status_code)


def _request_headers(headers: Mapping[str, str], accept: str) -> dict[str, str]:
    merged = {"content-type": "application/json", "accept": accept, "user-agent": USER_AGENT}
    for name, value in headers.items():
        if value is not None:
            merged[name.lower()] = value
    return merged


def _response_headers(response: httpx.Response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def _describe(exc: BaseException) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


async def _send(
    http: HttpClient, url: str, headers: Mapping[str, str], body: Any, *, accept: str
) -> httpx.Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        return await http.send(url, _request_headers(headers, accept), content)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise APICallError(
            f"Invalid API URL: {_describe(exc)}", url=url, request_body=body, is_retryable=False
        ) from exc
    except httpx.TransportError as exc:
        raise APICallError(
            f"Cannot connect to API: {_describe(exc)}", url=url, request_body=body, is_retryable=True
        ) from exc


async def _status_error(
    response: httpx.Response, url: str, body: Any, parse_error: ErrorParser
) -> APICallError:
    status = response.status_code
    reason = response.reason_phrase or f"HTTP {status}"
    text = await _read_truncated(response, MAX_ERROR_BODY_BYTES)
    data: Any = None
    if response.is_redirect or 300 <= status < 400:
        message = f"Unexpected redirect: the API answered {status} {reason}; redirects are not followed"
    else:
        try:
            message, data = parse_error(status, text)
        except Exception:
            message, data = "Failed to process error response", None
        message = message or reason
    headers = _response_headers(response)
    return APICallError(
        message,
        url=url,
        request_body=body,
        status_code=status,
        response_headers=headers,
        response_body=text,
        is_retryable=_should_retry(status, headers),
        retry_after=parse_retry_after(headers),
        data=data,
    )


async def _read_truncated(response: httpx.Response, limit: int) -> str:
    """Up to ``limit`` bytes of the body as text; transport or decoding errors just end the read."""
    buffer = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            buffer += chunk
            if len(buffer) >= limit:
                break
    except httpx.RequestError:
        pass
    return bytes(buffer[:limit]).decode("utf-8", errors="replace")


async def _read_capped(response: httpx.Response, url: str, body: Any, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(response, url, body, max_bytes)
    buffer = bytearray()
    try:
        async for chunk in _body_chunks(response):
            buffer += chunk
            if len(buffer) > max_bytes:
                raise _too_large(response, url, body, max_bytes)
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise _read_error(exc, response, url, body) from exc
    return bytes(buffer)


def _too_large(response: httpx.Response, url: str, body: Any, max_bytes: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"Response body exceeds the size limit of {max_bytes} bytes",
        url=url,
        max_bytes=max_bytes,
        request_body=body,
        status_code=response.status_code,
        response_headers=_response_headers(response),
    )


def _read_error(
    exc: httpx.TransportError | httpx.DecodingError, response: httpx.Response, url: str, body: Any
) -> APICallError:
    """The error for a failure while reading a 2xx body: a retryable transport error, or bad encoding."""
    if isinstance(exc, httpx.DecodingError):
        return InvalidResponseError(
            f"Cannot decode the response body: {_describe(exc)}",
            url=url,
            content_type=response.headers.get("content-type"),
            request_body=body,
            status_code=response.status_code,
            response_headers=_response_headers(response),
        )
    return APICallError(
        f"Connection to API failed while reading the response: {_describe(exc)}",
        url=url,
        request_body=body,
        status_code=response.status_code,
        response_headers=_response_headers(response),
        is_retryable=True,
    )


async def _events(
    response: httpx.Response, url: str, body: Any, max_event_bytes: int, drain: _DrainRequest
) -> AsyncGenerator[SSEEvent, None]:
    """The events of a 2xx stream (one generator over the body: bytes are decoded and parsed in place).

    Once ``drain`` is requested, the next step reads the rest of the body within its bounds and returns.
    """
    decoder = SSEDecoder(max_event_bytes=max_event_bytes)
    chunks = _body_chunks(response)
    drained = False
    try:
        while True:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                break
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise _read_error(exc, response, url, body) from exc
            for event in decoder.feed_bytes(chunk):
                yield event
                if drain.max_bytes >= 0:
                    drained = await _drain_body(chunks, drain.max_bytes, drain.seconds)
                    return
        drained = True
        for event in decoder.feed_bytes(b"", final=True):
            yield event
    finally:
        if isinstance(chunks, AsyncGenerator):
            await chunks.aclose()
        await _close(response, drained=drained)


async def _drain_body(chunks: AsyncIterator[bytes], max_bytes: int, seconds: float) -> bool:
    """Read and drop the rest of a body; ``True`` when it ended within ``max_bytes`` and ``seconds``."""
    received = 0
    with anyio.move_on_after(seconds):
        try:
            async for chunk in chunks:
                received += len(chunk)
                if received > max_bytes:
                    return False
        except (httpx.TransportError, httpx.DecodingError):
            return False
        return True
    return False


def _body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The decoded body. Without a ``content-encoding`` the transport's chunks are the decoded ones, so
    they are read from the response stream itself, skipping httpx's raw and decoding layers (two async
    generators per chunk); a body read already is replayed by httpx. The caller closes the response."""
    stream = response.stream
    if (
        response.is_stream_consumed
        or "content-encoding" in response.headers
        or not isinstance(stream, httpx.AsyncByteStream)
    ):
        return response.aiter_bytes()
    return stream.__aiter__()


async def _close(response: httpx.Response, *, drained: bool = False) -> None:
    """Close the response even inside a cancelled scope (bounded, so a dead peer cannot hang us).

    A ``drained`` body (read to its end) only hands its idle connection back to the pool: no network
    wait that needs the deadline's timer, just the shield.
    """
    if response.is_closed:  # httpx closes a body it read to its end itself
        return
    if drained:
        with anyio.CancelScope(shield=True):
            await response.aclose()
        return
    with anyio.move_on_after(_CLOSE_GRACE_SECONDS, shield=True):
        await response.aclose()
