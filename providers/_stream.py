"""One stream driver for every provider: server-sent events in, stream parts out.

A provider describes its wire protocol with a :class:`StreamMapper` (pure, one per call): it maps decoded
events to parts and says how far the stream has got. The driver owns what is the same everywhere:

- **Decoding.** Each ``data`` payload is validated straight from its text against the provider's event
  model (the fast path, one call into pydantic-core). A payload that fails there is taken apart step by
  step: JSON (a payload that is not JSON, too deep or holding a number Python refuses becomes an
  :class:`InvalidPayload`), the ``{"error": ...}`` envelope (an :class:`ErrorPayload`), then the model. So
  a hostile payload becomes a typed :class:`~pipeline.errors.InvalidResponseDataError`, never a
  ``ValueError``, ``RecursionError`` or ``TypeError``. ``data: [DONE]`` becomes :data:`DONE`.
- **An error before any output raises** instead of being yielded, typed by the mapper (an
  :class:`~pipeline.errors.APICallError` that is retryable when the provider says so), so the caller may
  retry. Parts that hand out no output yet (``stream-start``, metadata, an empty text delta, ...) are held
  back until output arrives; :func:`open_stream` reads ahead that far.
- **The stream ends at its terminal event** (``[DONE]``, ``message_stop``, a final ``finishReason``): the
  caller's stream ends there even when the server keeps the connection open; what is left of the body is
  read afterwards within :data:`DRAIN_MAX_BYTES` and :data:`DRAIN_SECONDS` so the connection can be
  reused, and the connection is closed when a bound is hit.
- **End of input.** A body that ends before the mapper calls the stream complete, or a connection that
  breaks off before the terminal event, raises :class:`~pipeline.errors.IncompleteStreamError`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from pipeline.errors import APICallError, IncompleteStreamError, InvalidResponseDataError, ModelCallError
from pipeline.stream import ErrorPart, RawPart, ReasoningDeltaPart, StreamPart, TextDeltaPart

from ._http import EventStream
from ._invalid import invalid_stream_data
from ._sse import SSEEvent

__all__ = [
    "DONE",
    "DRAIN_MAX_BYTES",
    "DRAIN_SECONDS",
    "Done",
    "ErrorPayload",
    "InvalidPayload",
    "StreamCall",
    "StreamMapper",
    "StreamState",
    "WireValidator",
    "decode_payload",
    "feed_payload",
    "map_payloads",
    "open_stream",
    "payload_feeder",
    "with_call",
]

DRAIN_MAX_BYTES = 64 * 1024
"""After the terminal event, at most this much of the body is read (and dropped) to reuse the connection."""

DRAIN_SECONDS = 0.1
"""... and for at most this long. A well-behaved server ends the body with the terminal event (both come in
one write), so draining takes microseconds; a server that keeps sending keep-alives costs the caller this
long once, then its connection is closed. A new connection costs a TLS handshake, about as long."""

StreamState = Literal["open", "complete", "ended"]
"""``open``: more must come. ``complete``: the body may end here (e.g. OpenAI after its ``finish_reason``
chunk, waiting for ``[DONE]``). ``ended``: the terminal event arrived; read no further."""

_DONE_DATA = "[DONE]"
_NO_OUTPUT = frozenset(
    {"stream-start", "response-metadata", "raw", "text-start", "reasoning-start", "tool-input-start"}
)


@dataclass(frozen=True, slots=True)
class Done:
    """The ``data: [DONE]`` payload: OpenAI's end of stream (some gateways append it to other streams)."""


DONE = Done()


@dataclass(frozen=True, slots=True)
class ErrorPayload:
    """A payload that is a JSON object with an ``error`` member: the provider reporting a failure in-band."""

    value: dict[str, Any]
    data: str


@dataclass(frozen=True, slots=True)
class InvalidPayload:
    """A payload that is not JSON, or not of the provider's event shape."""

    error: InvalidResponseDataError


@dataclass(frozen=True, slots=True)
class StreamCall:
    """The HTTP call behind a stream, for the errors raised about it."""

    url: str
    request_body: Any = None
    response_headers: Mapping[str, str] | None = None


class WireValidator(Protocol):
    """A pydantic validator of one event (a model's ``__pydantic_validator__`` or a ``TypeAdapter``)."""

    def validate_json(self, data: str, /) -> Any: ...

    def validate_python(self, value: Any, /) -> Any: ...


class StreamMapper(Protocol):
    """One provider's stream protocol, as pure per-call state (create one per call; never share).

    ``wire`` validates one event; ``feed`` maps a validated event, an :class:`ErrorPayload`, an
    :class:`InvalidPayload` or :data:`DONE` to parts (an error becomes an :class:`ErrorPart`); ``state``
    says how far the stream has got; ``finish`` gives the closing parts once it is over; ``exception``
    gives the typed error an error part stands for, raised when no output came before it.
    """

    @property
    def wire(self) -> WireValidator: ...

    @property
    def state(self) -> StreamState: ...

    @property
    def terminal_event(self) -> str:
        """How the provider ends a stream, for the error when it did not (e.g. ``"message_stop"``)."""
        ...

    def start(self) -> list[StreamPart]: ...

    def feed(self, event: Any) -> list[StreamPart]: ...

    def finish(self) -> list[StreamPart]: ...

    def exception(self, error: Any, call: StreamCall) -> ModelCallError: ...


def with_call(error: ModelCallError, call: StreamCall) -> ModelCallError:
    """An in-band :class:`APICallError` (made while mapping, without the HTTP call) with the call's URL,
    request body and response headers; its status is kept, so a 429 / 5xx stays retryable. Any other
    error (an :class:`InvalidResponseDataError`) is returned as it is."""
    if not isinstance(error, APICallError):
        return error
    return APICallError(
        error.message,
        url=call.url,
        request_body=call.request_body,
        status_code=error.status_code,
        response_headers=call.response_headers,
        response_body=error.response_body,
        data=error.data,
    )


def decode_payload(
    wire: WireValidator, data: str, *, include_raw: bool = False
) -> tuple[Any, RawPart | None]:
    """One ``data`` payload as the event to feed (validated event, :class:`ErrorPayload`,
    :class:`InvalidPayload` or :data:`DONE`) and, with ``include_raw``, its :class:`RawPart`."""
    if data == _DONE_DATA:
        return DONE, None
    if not include_raw and '"error"' not in data:  # the fast path: one validation straight from the text
        try:
            return wire.validate_json(data), None
        except ValueError:  # pydantic's ValidationError: taken apart below, to say what is wrong
            pass
    return _decode_step_by_step(wire, data, include_raw=include_raw)


def _decode_step_by_step(wire: WireValidator, data: str, *, include_raw: bool) -> tuple[Any, RawPart | None]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as error:  # not JSON, too deep, or a 5,000-digit number
        raw = RawPart(raw_value=data) if include_raw else None
        return InvalidPayload(invalid_stream_data("stream event", error, data)), raw
    raw = RawPart(raw_value=value) if include_raw else None
    if isinstance(value, dict) and "error" in value:
        return ErrorPayload(value, data), raw
    try:
        return wire.validate_python(value), raw
    except (ValueError, RecursionError) as error:
        return InvalidPayload(invalid_stream_data("stream event", error, value)), raw


def payload_feeder(mapper: StreamMapper, *, include_raw: bool = False) -> Callable[[str], list[StreamPart]]:
    """The driver's step for one payload, bound to ``mapper``: its raw part (if asked for), then what the
    mapper makes of the decoded event.

    A mapper that trips over a value its model let through (a base64 field that is not base64, JSON
    too deep to write back, ...) reports it as an invalid payload instead of failing the stream with an
    untyped error. The fast path of :func:`decode_payload` is inlined here, so a valid event costs one
    Python call besides the mapper's own (per-event overhead is what the streamed benchmark measures).
    """
    wire, feed = mapper.wire, mapper.feed
    validate_json = wire.validate_json

    def feed_one(data: str) -> list[StreamPart]:
        raw: RawPart | None = None
        if include_raw or data == _DONE_DATA or '"error"' in data:
            event, raw = decode_payload(wire, data, include_raw=include_raw)
        else:
            try:
                event = validate_json(data)
            except ValueError:
                event, raw = _decode_step_by_step(wire, data, include_raw=False)
        try:
            parts = feed(event)
        except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as error:
            parts = feed(InvalidPayload(invalid_stream_data("stream event", error, data)))
        return parts if raw is None else [raw, *parts]

    return feed_one


def feed_payload(mapper: StreamMapper, data: str, *, include_raw: bool = False) -> list[StreamPart]:
    """The parts of one payload, as the driver makes them (see :func:`payload_feeder`)."""
    return payload_feeder(mapper, include_raw=include_raw)(data)


def map_payloads(mapper: StreamMapper, payloads: list[str], *, include_raw: bool = False) -> list[StreamPart]:
    """Every part of a complete list of payloads, the way the driver yields them (pure; for tests and
    fixtures): ``start``, each payload up to the terminal event, ``finish``."""
    feed = payload_feeder(mapper, include_raw=include_raw)
    parts = mapper.start()
    for data in payloads:
        parts += feed(data)
        if mapper.state == "ended":
            break
    return parts + mapper.finish()


async def open_stream(
    mapper: StreamMapper, stream: EventStream, call: StreamCall, *, include_raw: bool = False
) -> AsyncGenerator[StreamPart, None]:
    """The parts of ``stream``, after reading ahead to the first output.

    An error before any output (an error event, an invalid payload, a stream that breaks off or ends
    early) raises here, typed, so the caller can retry the call.
    """
    parts = _parts(mapper, stream, call, payload_feeder(mapper, include_raw=include_raw))
    try:
        await parts.__anext__()  # its first yield comes once output has arrived or the stream is over
    except BaseException:
        await parts.aclose()
        raise
    return cast(AsyncGenerator[StreamPart, None], parts)


async def _parts(
    mapper: StreamMapper, stream: EventStream, call: StreamCall, feed: Callable[[str], list[StreamPart]]
) -> AsyncGenerator[StreamPart | None, None]:
    """Yields ``None`` first, once the parts held back until output can go out (see :func:`open_stream`),
    then every part."""
    events = stream.events
    try:
        held = await _read_to_first_output(mapper, events, call, feed)
        yield None
        ended = mapper.state == "ended"
        for part in held:
            yield part
        if not ended:
            try:
                async for event in events:
                    for part in feed(event.data):
                        yield part
                    if mapper.state == "ended":
                        break
            except APICallError as error:  # only reading can raise it here
                raise _reading_failed(error, call) from error
        if mapper.state == "open":
            raise _ended_early(mapper, call)
        for part in mapper.finish():
            yield part
        await stream.finish(max_bytes=DRAIN_MAX_BYTES, seconds=DRAIN_SECONDS)
    finally:
        await events.aclose()


async def _read_to_first_output(
    mapper: StreamMapper,
    events: AsyncGenerator[SSEEvent, None],
    call: StreamCall,
    feed: Callable[[str], list[StreamPart]],
) -> list[StreamPart]:
    """The parts up to and including the first that hands out output (all of them if none does, or up
    to the terminal event). An error part before output raises the error it stands for instead."""
    held = mapper.start()
    while mapper.state != "ended":
        try:
            event = await events.__anext__()
        except StopAsyncIteration:
            break
        except APICallError as error:
            raise _reading_failed(error, call) from error
        parts = feed(event.data)
        for index, part in enumerate(parts):
            if isinstance(part, ErrorPart):
                raise mapper.exception(part.error, call)
            if _hands_out_output(part):
                return [*held, *parts[index:]]
            held.append(part)
    if mapper.state == "open":
        raise _ended_early(mapper, call)
    return held


def _ended_early(mapper: StreamMapper, call: StreamCall) -> IncompleteStreamError:
    return IncompleteStreamError(f"Stream ended without {mapper.terminal_event}", url=call.url)


def _reading_failed(error: APICallError, call: StreamCall) -> APICallError:
    """A retryable failure while reading is a dropped connection (an :class:`IncompleteStreamError`); any
    other (a broken protocol, an event over the size limit) is raised as it is."""
    if not error.is_retryable:
        return error
    return IncompleteStreamError(f"Stream broke off: {error.message}", url=call.url)


def _hands_out_output(part: StreamPart) -> bool:
    """Whether the caller would see output in ``part`` (after it, an error can no longer be retried)."""
    if part.type in _NO_OUTPUT:
        return False
    if isinstance(part, TextDeltaPart | ReasoningDeltaPart):
        return bool(part.delta)
    return True
