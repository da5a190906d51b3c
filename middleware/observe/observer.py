"""Call observation shared by the logging and tracing middleware.

``observe_generate`` / ``observe_stream`` run a wrapped call, time it, and hand one :class:`CallRecord`
to a callback when the call ends: when ``do_generate`` returns or raises, and when a stream finishes,
fails or is closed early (``aclose`` / cancellation).

Observation never changes the call: errors are re-raised exactly as they came (the library's errors
are already scrubbed when made), and the callback scrubs whatever it emits. A stream's text is only
kept when the callback will show it (``keep_content``), so watching a stream costs no copy of it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

import anyio

from pipeline import control
from pipeline.chain import CallType, WrapContext
from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    RawPart,
    ResponseMetadataPart,
    StreamCollector,
    StreamPart,
    StreamResult,
    StreamStartPart,
)

__all__ = [
    "CallRecord",
    "Outcome",
    "cache_status",
    "observe_generate",
    "observe_stream",
    "retry_attempt",
]

Outcome = Literal["ok", "error", "cancelled"]

_NOT_OUTPUT: frozenset[type] = frozenset({StreamStartPart, ResponseMetadataPart, RawPart})
"""Part classes that do not count as the first chunk of output."""


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What one finished call looked like.

    ``result`` is the generate result, or for a stream the fold of the parts seen (also when the
    stream failed or was cancelled; its ``content`` is empty unless the stream was observed with
    ``keep_content``). ``error`` is the caller's error as raised: scrub it before emitting it (see
    ``pipeline.redact``). Times are in seconds.
    """

    type: CallType
    provider: str
    model_id: str
    params: CallParams
    outcome: Outcome
    latency: float
    time_to_first_chunk: float | None = None
    result: GenerateResult | None = None
    error: BaseException | None = None
    error_type: str | None = None


OnEnd = Callable[[CallRecord], None]
StepContext = Callable[[], AbstractContextManager[Any]]


def retry_attempt(params: CallParams) -> int:
    """The attempt number the retry loop marked on the control channel (else 1)."""
    return control.retry_attempt(params.provider_options)


def cache_status(result: GenerateResult | None) -> str | None:
    """``"hit"`` / ``"miss"`` as marked on the control channel by a cache inside."""
    if result is None:
        return None
    status = control.cache_status(result.provider_metadata)
    return status if status in ("hit", "miss") else None


def _record(call: WrapContext, outcome: Outcome, started: float, **fields: Any) -> CallRecord:
    return CallRecord(
        call.type,
        call.model.provider,
        call.model.model_id,
        call.params,
        outcome,
        time.perf_counter() - started,
        **fields,
    )


def _failure(error: BaseException) -> tuple[Outcome, BaseException, str]:
    outcome: Outcome = "cancelled" if isinstance(error, anyio.get_cancelled_exc_class()) else "error"
    return outcome, error, type(error).__name__


async def observe_generate(
    call: WrapContext, on_end: OnEnd, *, wants: Callable[[Outcome], bool] | None = None
) -> GenerateResult:
    """Run ``call.do_generate()`` and report it to ``on_end``; errors are re-raised unchanged.

    ``wants(outcome)`` (default: always) says whether a call that ended so is reported at all, so an
    observer with nothing to show (a logger whose level is off) costs no record.
    """
    started = time.perf_counter()
    try:
        result = await call.do_generate()
    except BaseException as error:
        outcome, error, error_type = _failure(error)
        if wants is None or wants(outcome):
            on_end(_record(call, outcome, started, error=error, error_type=error_type))
        raise
    if wants is None or wants("ok"):
        on_end(_record(call, "ok", started, result=result))
    return result


async def observe_stream(
    call: WrapContext,
    on_end: OnEnd,
    *,
    step_context: StepContext = contextlib.nullcontext,
    keep_content: bool = False,
    wants: Callable[[Outcome], bool] | None = None,
) -> StreamResult:
    """Run ``call.do_stream()`` and return a stream that reports to ``on_end`` when it ends.

    ``step_context`` is entered around each read from the inner stream (tracing uses it to make the
    call's span current while provider code runs). With ``keep_content`` the record's result holds
    the streamed content; without it, only finish reason, usage, response metadata and errors.
    ``wants`` is as for :func:`observe_generate`.
    """
    started = time.perf_counter()
    try:
        with step_context():
            inner = await call.do_stream()
    except BaseException as error:
        outcome, error, error_type = _failure(error)
        if wants is None or wants(outcome):
            on_end(_record(call, outcome, started, error=error, error_type=error_type))
        raise
    folded = None if keep_content else _OUTLINE
    observed = _observed(inner, call, started, on_end, step_context, folded, wants)
    return StreamResult(stream=observed, request=inner.request, response=inner.response)


async def _observed(
    inner: StreamResult,
    call: WrapContext,
    started: float,
    on_end: OnEnd,
    step_context: StepContext,
    folded: frozenset[type] | None,
    wants: Callable[[Outcome], bool] | None,
) -> AsyncGenerator[StreamPart, None]:
    """``inner``'s parts, timed; the record is folded from every part, or only from ``folded`` classes.

    The parts are folded at the end, and only when the record is wanted: a stream whose record nobody
    would show keeps a few references and builds nothing."""
    seen: list[StreamPart] = []
    keep = seen.append
    first_chunk: float | None = None
    outcome: Outcome = "cancelled"
    error: BaseException | None = None
    error_type: str | None = None
    parts = _read_within(inner.stream, step_context)
    try:
        async for part in parts:
            kind = type(part)
            if first_chunk is None and kind not in _NOT_OUTPUT:
                first_chunk = time.perf_counter() - started
            if folded is None or kind in folded:
                keep(part)
            yield part
        outcome = "ok"
    except GeneratorExit:
        raise
    except BaseException as failure:
        outcome, error, error_type = _failure(failure)
        raise
    finally:
        try:
            if parts is not inner.stream:
                await parts.aclose()
            await inner.stream.aclose()
        finally:
            outcome, error, error_type = _settle(outcome, error, error_type, seen)
            if wants is None or wants(outcome):
                on_end(_stream_record(call, outcome, started, first_chunk, seen, inner, error, error_type))


def _stream_record(
    call: WrapContext,
    outcome: Outcome,
    started: float,
    first_chunk: float | None,
    seen: list[StreamPart],
    inner: StreamResult,
    error: BaseException | None,
    error_type: str | None,
) -> CallRecord:
    """The record of a finished stream, its result folded from the parts seen."""
    fold = StreamCollector()
    for part in seen:
        fold.add(part)
    result = fold.result()
    if result.response.id is None and inner.response.id is not None:
        result = result.model_copy(update={"response": inner.response})
    return _record(
        call,
        outcome,
        started,
        time_to_first_chunk=first_chunk,
        result=result,
        error=error,
        error_type=error_type,
    )


def _read_within(
    stream: AsyncGenerator[StreamPart, None], step_context: StepContext
) -> AsyncGenerator[StreamPart, None]:
    """``stream`` with each read inside ``step_context()``; the stream itself when that context does
    nothing (logging), so an untraced stream costs no extra generator step per part."""
    if step_context is contextlib.nullcontext:
        return stream
    return _each_read_within(stream, step_context)


async def _each_read_within(
    stream: AsyncGenerator[StreamPart, None], step_context: StepContext
) -> AsyncGenerator[StreamPart, None]:
    while True:
        with step_context():
            try:
                part = await anext(stream)
            except StopAsyncIteration:
                return
        yield part


_OUTLINE: frozenset[type] = frozenset({StreamStartPart, ResponseMetadataPart, FinishPart, ErrorPart})
"""The part classes a stream's record needs when its content is not shown (not a single delta)."""


def _settle(
    outcome: Outcome, error: BaseException | None, error_type: str | None, seen: list[StreamPart]
) -> tuple[Outcome, BaseException | None, str | None]:
    """The final outcome of a stream: closed after its finish part is ``ok``; an error part is an error."""
    if outcome == "cancelled" and any(type(part) is FinishPart for part in seen):
        outcome = "ok"
    if outcome == "ok":
        for part in seen:
            if type(part) is ErrorPart:
                first = part.error
                return "error", first if isinstance(first, BaseException) else None, _part_error_type(first)
    return outcome, error, error_type


def _part_error_type(error: Any) -> str:
    """A short type for an in-stream error: the exception class, or the provider's error type."""
    if isinstance(error, BaseException):
        return type(error).__name__
    if isinstance(error, dict):
        nested = error.get("error")
        kind = nested.get("type") if isinstance(nested, dict) else error.get("type")
        if isinstance(kind, str):
            return kind
    return "StreamError"
