"""The shared provider HTTP layer: pooled httpx clients, JSON and SSE posts, and HTTP error mapping.

Every failure becomes :class:`~pipeline.errors.APICallError` (or a subclass) carrying the URL, the request
body, the status, the response headers and (size-capped) body, ``is_retryable`` and ``retry_after``.
Request headers are never stored on errors, so API keys cannot leak through them. Redirects are never
followed: a 3xx is an error, so credentials are never sent to another host. Our own bad input (an
endpoint URL that is not http(s) with a host and a valid port, a header that HTTP cannot carry, a body
that is not strict JSON) raises :class:`~pipeline.errors.InvalidArgumentError` before any I/O; a 2xx
JSON answer nested too deeply to decode raises :class:`~pipeline.errors.InvalidResponseDataError`.
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
from typing import Any, Literal

import anyio
import httpx
from pydantic import ValidationError

from pipeline.errors import (
    APICallError,
    InvalidArgumentError,
    InvalidResponseDataError,
    InvalidResponseError,
    ResponseTooLargeError,
    is_retryable_status,
)
from pipeline.redact import is_sensitive_name, register_call_secret

from ._fast_send import FastSend
from ._pool_gate import GatedTransport
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
    "Method",
    "RawResponse",
    "parse_retry_after",
    "post_json",
    "post_sse",
    "send_raw",
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

    def unexpected(self, what: str, error: Exception, *, url: str, request_body: Any) -> InvalidResponseError:
        """The error for a 2xx answer whose JSON does not have the provider's documented shape (``error``:
        the validation error, or what a hand-written mapper raised: a missing key, a wrong type)."""
        if isinstance(error, ValidationError):
            reason = error.errors()[0]["msg"]
        elif isinstance(error, KeyError):
            reason = f"missing field {error}"
        else:
            reason = str(error)
        return InvalidResponseError(
            f"Invalid {what}: {reason}",
            url=url,
            request_body=request_body,
            status_code=200,
            response_headers=self.headers,
            response_body=_shown_json(self.value),
        )


@dataclass(frozen=True)
class RawResponse:
    """A successful answer's body (bytes, read whole) and its headers (names lower-cased)."""

    body: bytes
    headers: dict[str, str]

    def json(self, what: str, url: str) -> JsonResponse:
        """The body decoded as JSON; :class:`InvalidResponseError` naming ``what`` if it is not JSON."""
        try:
            return JsonResponse(value=json.loads(self.body), headers=self.headers)
        except (ValueError, RecursionError) as exc:
            raise InvalidResponseError(
                f"Invalid JSON in {what}",
                url=url,
                status_code=200,
                response_headers=self.headers,
                response_body=self.body[:MAX_ERROR_BODY_BYTES].decode("utf-8", errors="replace"),
            ) from exc


def _shown_json(value: Any) -> str | None:
    """``value`` as JSON text for an error, cut at :data:`MAX_ERROR_BODY_BYTES` (None if it cannot be)."""
    try:
        return json.dumps(value, default=str)[:MAX_ERROR_BODY_BYTES]
    except (ValueError, RecursionError):
        return None


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
    fast: FastSend | None
    """Set when the client is ours over our own pool: its requests skip ``AsyncClient.send``."""


class HttpClient:
    """Hands out the ``httpx.AsyncClient`` for the running event loop, and sends requests through it.

    With ``client=`` that client is always used (its own timeout, headers, auth, hooks and redirect
    settings apply, and we never close it). Otherwise one pooled client is created per running event loop
    (asyncio or trio; httpx clients are bound to a loop), reused across calls, and closed automatically
    when that loop finalizes its async generators at shutdown (``asyncio.run``, ``asyncio.Runner``,
    ``anyio.run``, anyio's blocking portal and ``trio.run`` all do). A loop closed without that step
    frees its client with itself. ``transport=`` is given to every pooled client (e.g.
    ``httpx.MockTransport``). Pooled clients never follow redirects.

    Unless ``transport=`` is given or the environment configures a proxy, a pooled client's transport is
    our own pool (see :func:`_pool_transport`), which never hands a burst of concurrent calls the same
    connection, and its requests take the measured fast path :class:`~providers._fast_send.FastSend`
    (httpx's request log and ``response.elapsed`` kept).
    Every other request goes through ``AsyncClient.send``.
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
            raise InvalidArgumentError("transport", "pass either client= or transport=, not both")
        _check_timeout(timeout)
        self._injected = client
        self._transport = transport
        self._timeout = timeout
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )

    def client(self) -> httpx.AsyncClient:
        """The client for the running event loop (must be called from inside one)."""
        if self._injected is not None:
            return self._injected
        return self._loop_client().client

    async def send(self, url: httpx.URL | str, headers: dict[str, str], content: bytes) -> httpx.Response:
        """POST ``content`` to ``url`` and return the response with its body not yet read."""
        if self._injected is not None:
            client = self._injected
        else:
            entry = self._loop_client()
            if entry.fast is not None:
                return await entry.fast.post(
                    url if isinstance(url, httpx.URL) else httpx.URL(url), headers, content
                )
            client = entry.client
        request = client.build_request("POST", url, headers=headers, content=content)
        return await client.send(request, stream=True)

    async def aclose(self) -> None:
        """Close the pooled client of the running loop (an injected client is left to its owner)."""
        if self._injected is not None:
            return
        entry = _clients_of_running_loop().get(self)
        if entry is not None:
            await entry.closer.aclose()

    def _loop_client(self) -> _LoopClient:
        clients = _clients_of_running_loop()
        entry = clients.get(self)
        if entry is None or entry.client.is_closed:
            transport = self._transport
            own = None
            if transport is None and not _proxy_configured():
                transport = own = _pool_transport(self._limits)
            # httpx applies environment proxies only to a client that builds its own transport.
            client = httpx.AsyncClient(
                transport=transport, timeout=self._timeout, limits=self._limits, follow_redirects=False
            )
            closer = _start_suspended(_close_at_loop_end(clients, self, client))
            fast = FastSend(client, own) if own is not None else None
            entry = clients[self] = _LoopClient(client, closer, fast)
        return entry


def _pool_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The pool of a pooled client without a proxy: under an asyncio loop, our HTTP/1.1 pool on asyncio's
    own transports (see :mod:`providers._asyncio_network`), which hands a connection to one request at a
    time by itself; under trio, httpx's default pool behind a :class:`~providers._pool_gate.GatedTransport`,
    which keeps that pool from handing one connection to several requests of a burst."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return GatedTransport(httpx.AsyncHTTPTransport(limits=limits))
    from ._asyncio_network import AsyncioHTTPTransport  # imports httpcore, as httpx does: on first use

    return AsyncioHTTPTransport(limits)


_LoopClients = dict[HttpClient, _LoopClient]
"""One event loop's open pooled clients, by the :class:`HttpClient` that made them."""

_LOOP_ATTRIBUTE = "_modelpipe_http_clients"


def _clients_of_running_loop() -> _LoopClients:
    """The running event loop's pooled clients, kept by the loop itself (a trio run: in a ``RunVar``).

    A pool's open sockets reference their loop, so a map from loops to clients held anywhere else (a
    ``WeakKeyDictionary`` on the :class:`HttpClient`) keeps every loop closed without
    ``shutdown_asyncgens`` alive, with its clients and pools. Kept by the loop, they are freed with it.
    Each stays open until its loop finalizes its async generators or :meth:`HttpClient.aclose`: closing
    it when an :class:`HttpClient` is garbage collected would race with the loop's own shutdown.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _clients_of_trio_run()
    clients: _LoopClients | None = getattr(loop, _LOOP_ATTRIBUTE, None)
    if clients is None:
        clients = {}
        setattr(loop, _LOOP_ATTRIBUTE, clients)
    return clients


def _clients_of_trio_run() -> _LoopClients:
    if "trio" not in sys.modules:
        raise _outside_a_loop()
    run_var = _trio_run_var()
    try:
        clients: _LoopClients | None = run_var.get(None)
    except RuntimeError:  # not inside trio.run either
        raise _outside_a_loop() from None
    if clients is None:
        clients = {}
        run_var.set(clients)
    return clients


def _outside_a_loop() -> RuntimeError:
    return RuntimeError("HttpClient.client() must be called from inside a running event loop")


@functools.cache
def _trio_run_var() -> Any:
    """The ``trio.lowlevel.RunVar`` holding a trio run's clients (created once trio is in use)."""
    trio = sys.modules["trio"]
    return trio.lowlevel.RunVar("modelpipe_http_clients")


async def _close_at_loop_end(
    clients: _LoopClients, owner: HttpClient, client: httpx.AsyncClient
) -> AsyncGenerator[None, None]:
    """Suspends until the loop finalizes it (or :meth:`HttpClient.aclose`), then forgets and closes
    ``client``. It never references the loop, so nothing outside the loop keeps the loop alive."""
    try:
        yield
    finally:
        entry = clients.get(owner)
        if entry is not None and entry.client is client:
            del clients[owner]
        await client.aclose()


def _check_timeout(timeout: httpx.Timeout) -> None:
    """Each phase's limit is ``None`` (no limit) or a number of seconds that is not negative or NaN."""
    for phase, seconds in timeout.as_dict().items():
        if seconds is not None and not (isinstance(seconds, int | float) and seconds >= 0):
            raise InvalidArgumentError(
                f"timeout.{phase}", f"must be None or a non-negative number of seconds, not {seconds!r}"
            )


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An RFC 9110 token: what a header name may be."""

_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
"""Visible ASCII, spaces and tabs: what a header value may hold (no CR, LF or NUL, nothing httpx cannot
encode)."""


@functools.lru_cache(maxsize=256)
def _endpoint_url(url: str) -> httpx.URL:
    """The parsed endpoint URL, or :class:`InvalidArgumentError` (``base_url``) before any I/O.

    Endpoint URLs repeat on every call, so the check is cached (parsing one costs ~10 µs).
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidArgumentError("base_url", f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise InvalidArgumentError("base_url", f"the scheme must be http or https, not {parsed.scheme!r}")
    if not parsed.host:
        raise InvalidArgumentError("base_url", "the URL has no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidArgumentError("base_url", f"port {parsed.port} is not between 1 and 65535")
    return parsed


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
    except RecursionError:
        raise InvalidResponseDataError("Invalid JSON response: nested too deeply to decode") from None
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
    """Our defaults overridden by ``headers`` (names lower-cased; ``None`` values skipped), each checked
    before any I/O: a bad one raises :class:`InvalidArgumentError` naming the header (never its value)."""
    merged = {"content-type": "application/json", "accept": accept, "user-agent": USER_AGENT}
    for name, value in headers.items():
        if value is None:
            continue
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidArgumentError(
                f"headers[{name!r}]", "a header name must be a token (no spaces, CR, LF or separators)"
            )
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            raise InvalidArgumentError(
                f"headers[{name!r}]", "a header value must be ASCII text without CR, LF or control characters"
            )
        if is_sensitive_name(name):
            register_call_secret(value)  # a server that echoes it back cannot put it into an error
        merged[name.lower()] = value
    return merged


def _response_headers(response: httpx.Response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def _describe(exc: BaseException) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


Method = Literal["POST", "GET", "PATCH", "DELETE"]


async def send_raw(
    http: HttpClient,
    url: str,
    *,
    method: Method = "POST",
    headers: Mapping[str, str],
    content: bytes = b"",
    content_type: str = "application/octet-stream",
    parse_error: ErrorParser,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> RawResponse:
    """Send raw ``content`` (an upload, a multipart form, JSON) as ``content_type`` with ``method``; the
    answer's bytes and headers, read within ``max_response_bytes``. Any failure raises
    :class:`APICallError`, as :func:`post_json` does (errors show a placeholder, never the bytes). A
    ``GET`` or a ``DELETE`` sends no body."""
    has_body = method in ("POST", "PATCH")
    shown = f"<{len(content)} bytes of {content_type.split(';')[0]}>" if has_body else None
    request_headers = _request_headers(headers, "application/json")
    if has_body:
        request_headers["content-type"] = content_type
    else:
        del request_headers["content-type"]
    response = await _send_bytes(http, url, request_headers, content, shown, method=method)
    drained = False
    try:
        response_headers = _response_headers(response)
        if not response.is_success:
            raise await _status_error(response, url, shown, parse_error)
        raw = await _read_capped(response, url, shown, max_response_bytes)
        drained = True
    finally:
        await _close(response, drained=drained)
    return RawResponse(body=raw, headers=response_headers)


async def _send(
    http: HttpClient, url: str, headers: Mapping[str, str], body: Any, *, accept: str
) -> httpx.Response:
    content = _encode_body(body)
    return await _send_bytes(http, url, _request_headers(headers, accept), content, body)


async def _send_bytes(
    http: HttpClient,
    url: str,
    request_headers: dict[str, str],
    content: bytes,
    body: Any,
    *,
    method: Method = "POST",
) -> httpx.Response:
    endpoint = _endpoint_url(url)
    try:
        if method == "POST":
            return await http.send(endpoint, request_headers, content)
        client = http.client()
        request = client.build_request(
            method, endpoint, headers=request_headers, content=content if method == "PATCH" else None
        )
        return await client.send(request, stream=True)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise APICallError(
            f"Invalid API URL: {_describe(exc)}", url=url, request_body=body, is_retryable=False
        ) from exc
    except httpx.TransportError as exc:
        raise APICallError(
            f"Cannot connect to API: {_describe(exc)}", url=url, request_body=body, is_retryable=True
        ) from exc


def _encode_body(body: Any) -> bytes:
    """``body`` as compact UTF-8 JSON. Strict JSON only (``allow_nan=False``: NaN and infinities are not
    JSON); what cannot be encoded raises :class:`InvalidArgumentError` before any I/O."""
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidArgumentError("request body", f"cannot be encoded as JSON: {exc}") from None


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

    A ``drained`` body (read to its end) only hands its idle connection back to the pool, which httpcore
    does under its own cancellation shield: closing it needs neither the deadline's timer nor a second
    shield (an anyio cancel scope costs about 5 us, on every streamed call).
    """
    if response.is_closed:  # httpx closes a body it read to its end itself
        return
    if drained:
        await response.aclose()
        return
    with anyio.move_on_after(_CLOSE_GRACE_SECONDS, shield=True):
        await response.aclose()
