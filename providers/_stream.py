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
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pipeline.errors import APICallError, IncompleteStreamError, InvalidResponseDataError, ModelCallError
from pipeline.stream import ErrorPart, RawPart, ReasoningDeltaPart, StreamPart, TextDeltaPart

from ._http import EventStream
from ._invalid import invalid_stream_data

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


def feed_payload(mapper: StreamMapper, data: str, *, include_raw: bool = False) -> list[StreamPart]:
    """The parts of one payload: its raw part (if asked for), then what the mapper makes of it.

    A mapper that trips over a value its model let through (a base64 field that is not base64, ...)
    reports it as an invalid payload instead of failing the stream with an untyped error.
    """
    event, raw = decode_payload(mapper.wire, data, include_raw=include_raw)
    try:
        parts = mapper.feed(event)
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        parts = mapper.feed(InvalidPayload(invalid_stream_data("stream event", error, data)))
    return parts if raw is None else [raw, *parts]


def map_payloads(mapper: StreamMapper, payloads: list[str], *, include_raw: bool = False) -> list[StreamPart]:
    """Every part of a complete list of payloads, the way the driver yields them (pure; for tests and
    fixtures): ``start``, each payload up to the terminal event, ``finish``."""
    parts = mapper.start()
    for data in payloads:
        parts += feed_payload(mapper, data, include_raw=include_raw)
        if mapper.state == "ended":
            break
    return parts + mapper.finish()


async def open_stream(
    mapper: StreamMapper, stream: EventStream, call: StreamCall, *, include_raw: bool = False
) -> AsyncGenerator[StreamPart, None]:
    """The parts of ``stream``, after reading ahead to the first output.

    An error before any output (an error event, an invalid payload, a stream that breaks off or ends
    early) raises here, typed, so the caller can retry the call; the parts read ahead come first.
    """
    parts = _parts(mapper, stream, call, include_raw)
    preamble: list[StreamPart] = []
    try:
        async for part in parts:
            preamble.append(part)
            if _hands_out_output(part):
                break
    except BaseException:
        await parts.aclose()
        raise
    return _replay(preamble, parts)


async def _parts(
    mapper: StreamMapper, stream: EventStream, call: StreamCall, include_raw: bool
) -> AsyncGenerator[StreamPart, None]:
    events = stream.events
    held: list[StreamPart] | None = mapper.start()  # None once output was handed out
    try:
        while mapper.state != "ended":
            try:
                event = await events.__anext__()
            except StopAsyncIteration:
                break
            except APICallError as error:  # the connection broke off
                raise IncompleteStreamError(f"Stream broke off: {error.message}", url=call.url) from error
            parts = feed_payload(mapper, event.data, include_raw=include_raw)
            if held is not None:
                parts, held = _hold_until_output(mapper, call, held, parts)
            for part in parts:
                yield part
        if mapper.state == "open":
            raise IncompleteStreamError(f"Stream ended without {mapper.terminal_event}", url=call.url)
        for part in [*(held or []), *mapper.finish()]:
            yield part
        await stream.finish(max_bytes=DRAIN_MAX_BYTES, seconds=DRAIN_SECONDS)
    finally:
        await events.aclose()


def _hold_until_output(
    mapper: StreamMapper, call: StreamCall, held: list[StreamPart], parts: list[StreamPart]
) -> tuple[list[StreamPart], list[StreamPart] | None]:
    """Before any output: (parts to yield now, parts still held or ``None`` once output is released).

    An error part here raises the error it stands for instead.
    """
    for index, part in enumerate(parts):
        if isinstance(part, ErrorPart):
            raise mapper.exception(part.error, call)
        if _hands_out_output(part):
            return [*held, *parts[index:]], None
        held.append(part)
    return [], held


def _hands_out_output(part: StreamPart) -> bool:
    """Whether the caller would see output in ``part`` (after it, an error can no longer be retried)."""
    if part.type in _NO_OUTPUT:
        return False
    if isinstance(part, TextDeltaPart | ReasoningDeltaPart):
        return bool(part.delta)
    return True


async def _replay(
    preamble: list[StreamPart], rest: AsyncGenerator[StreamPart, None]
) -> AsyncGenerator[StreamPart, None]:
    try:
        for part in preamble:
            yield part
        async for part in rest:
            yield part
    finally:
        await rest.aclose()
