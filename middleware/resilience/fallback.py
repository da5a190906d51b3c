"""FallbackMiddleware: when the model fails, the same call goes to the next model of a list.

``wrap_model(primary, [FallbackMiddleware([secondary, tertiary])])`` calls ``primary``; when it fails with
an error worth falling back on (by default a retryable :class:`~pipeline.errors.APICallError`, or a
:class:`~pipeline.errors.RetryError` after this layer's own ``retries``), the very same params go to
``secondary``, then ``tertiary``. A stream falls back only while no content part has been handed out;
an error after that reaches the reader as it would without this layer.

The layers inside this one (listed after it in ``wrap_model``) run around whichever model is tried, so a
logging or tracing layer placed inside sees every attempt; one placed outside sees the call once, with
the fallback mark. Every answer is marked in ``provider_metadata["modelpipe"]["fallback"]``:
``{"index": 0 for the primary, "provider", "model", "failed": [{"provider", "model", "error",
"status_code"}], "skipped": [{"provider", "model"}]}``. A model that failed ``threshold`` times in a row is
skipped for ``cooldown`` seconds (:class:`~middleware.resilience.breaker.CircuitBreaker`) unless no other
model is left. When every model fails, the last error is raised unchanged (its type, status and
``is_retryable`` kept, so the entry point's retry loop decides as usual), with a note per earlier failure.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pipeline import control
from pipeline.chain import Middleware, WrapContext, WrappedModel, wrap_model
from pipeline.errors import APICallError, InvalidArgumentError, RetryError
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.retry import RetryPolicy, retry_policy, with_retries
from pipeline.stream import ErrorPart, FinishPart, StreamPart, StreamResult, error_part_exception

from .breaker import CircuitBreaker

__all__ = ["FallbackMiddleware", "FallbackOn", "is_retryable_failure"]

T = TypeVar("T")

FallbackOn = tuple[type[BaseException], ...] | Callable[[BaseException], bool]
"""Extra error types to fall back on (besides the retryable ones), or a predicate that decides alone."""

_BEFORE_CONTENT = frozenset({"stream-start", "response-metadata", "raw"})
"""Stream parts that may pass before the first content part, while falling back is still possible."""


def is_retryable_failure(error: BaseException) -> bool:
    """The default rule: a retryable :class:`APICallError` (429, 5xx, a dropped connection...), or a
    :class:`RetryError` whose last error was one (the retries ran out)."""
    if isinstance(error, RetryError):
        error = error.last_error if error.last_error is not None else error
    return isinstance(error, APICallError) and error.is_retryable


def _decider(on: FallbackOn | None) -> Callable[[BaseException], bool]:
    if on is None:
        return is_retryable_failure
    if isinstance(on, tuple):
        if not all(isinstance(kind, type) and issubclass(kind, BaseException) for kind in on):
            raise InvalidArgumentError("on", "must be a tuple of exception types or a predicate")
        chosen = on
        return lambda error: is_retryable_failure(error) or isinstance(error, chosen)
    if callable(on):
        return on
    raise InvalidArgumentError("on", f"must be a tuple of exception types or a predicate, got {on!r}")


def _name(model: LanguageModel) -> str:
    return f"{model.provider}/{model.model_id}"


def _inner_layers(model: LanguageModel) -> list[Middleware]:
    """The middleware of the chain between this layer and its terminal, outermost first."""
    layers: list[Middleware] = []
    while isinstance(model, WrappedModel):
        layers.append(model.middleware)
        model = model.inner
    return layers


@dataclass
class _Attempts:
    """What one call tried: the models that failed (with their errors) and those skipped."""

    failed: list[tuple[LanguageModel, BaseException]] = field(default_factory=list)
    skipped: list[LanguageModel] = field(default_factory=list)

    def mark(self, index: int, model: LanguageModel) -> dict[str, Any]:
        return {
            "index": index,
            "provider": model.provider,
            "model": model.model_id,
            "failed": [
                {
                    "provider": failed.provider,
                    "model": failed.model_id,
                    "error": type(error).__name__,
                    "status_code": _status(error),
                }
                for failed, error in self.failed
            ],
            "skipped": [
                {"provider": skipped.provider, "model": skipped.model_id} for skipped in self.skipped
            ],
        }

    def exhausted(self, error: BaseException) -> BaseException:
        for failed, earlier in self.failed[:-1]:
            error.add_note(f"fallback: {_name(failed)} failed first with {type(earlier).__name__}: {earlier}")
        return error


def _status(error: BaseException) -> int | None:
    if isinstance(error, RetryError) and error.last_error is not None:
        error = error.last_error
    return error.status_code if isinstance(error, APICallError) else None


class _FellShort(Exception):
    """A stream reported an error before its first content part (carried out of the retry loop)."""

    def __init__(self, error: BaseException, result: StreamResult, head: list[StreamPart]) -> None:
        super().__init__(str(error))
        self.error = error
        self.result = result
        self.head = head


class FallbackMiddleware(Middleware):
    """Tries ``models`` in order after the wrapped one fails; see the module docstring.

    ``on`` adds error types to fall back on (``on=(NoContentGeneratedError,)``) or, as a predicate of the
    error, replaces the default rule. ``retries`` retries each model before moving on (a number or a
    :class:`~pipeline.retry.RetryPolicy`; default 0: the entry point's retries wrap the whole chain).
    ``breaker`` is the circuit breaker (default: a new one, 3 failures in a row, 30 s cool-down);
    ``use_breaker=False`` never skips a model.
    """

    def __init__(
        self,
        models: Sequence[LanguageModel],
        *,
        on: FallbackOn | None = None,
        retries: int | RetryPolicy = 0,
        breaker: CircuitBreaker | None = None,
        use_breaker: bool = True,
    ) -> None:
        if isinstance(models, LanguageModel) or not models:
            raise InvalidArgumentError("models", "must be a non-empty list of models to fall back to")
        self.models = list(models)
        self.should_fall_back = _decider(on)
        self.retry = retry_policy(retries)
        self.breaker = (breaker or CircuitBreaker()) if use_breaker else None

    def _candidates(self, call: WrapContext) -> list[LanguageModel]:
        layers = _inner_layers(call.model)
        secondaries = [wrap_model(model, layers) if layers else model for model in self.models]
        return [call.model, *secondaries]

    async def _each(
        self, call: WrapContext, run: Callable[[int, LanguageModel], Awaitable[T]]
    ) -> tuple[T, dict[str, Any]]:
        """Run ``run(index, model)`` on each candidate in turn until one succeeds; its answer and mark."""
        candidates = self._candidates(call)
        attempts = _Attempts()
        for index, model in enumerate(candidates):
            name = _name(model)
            last = index == len(candidates) - 1
            if (
                self.breaker is not None
                and not self.breaker.admit(name)
                and not (last and not attempts.failed)
            ):
                attempts.skipped.append(model)
                continue
            try:
                answer = await run(index, model)
            except Exception as error:  # cancellation is not an Exception: it always propagates
                if not self.should_fall_back(error):
                    raise
                if self.breaker is not None:
                    self.breaker.record_failure(name)
                attempts.failed.append((model, error))
                if last:
                    raise attempts.exhausted(error) from error.__cause__  # its own cause kept
                continue
            if self.breaker is not None:
                self.breaker.record_success(name)
            return answer, attempts.mark(index, model)
        last_error = attempts.failed[-1][1]  # every later model was skipped
        raise attempts.exhausted(last_error) from last_error.__cause__

    async def _retried(self, params: CallParams, attempt: Callable[[CallParams], Awaitable[T]]) -> T:
        if self.retry.max_retries == 0:
            return await attempt(params)

        def numbered(number: int) -> Awaitable[T]:
            options = control.with_attempt(params.provider_options, number)
            marked = params if number == 1 else params.model_copy(update={"provider_options": options})
            return attempt(marked)

        return await with_retries(numbered, self.retry)

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        async def run(index: int, model: LanguageModel) -> GenerateResult:
            return await self._retried(call.params, model.do_generate)

        result, mark = await self._each(call, run)
        return result.model_copy(
            update={"provider_metadata": control.with_fallback(result.provider_metadata, mark)}
        )

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        retrying = self.retry.max_retries > 0

        async def attempt(model: LanguageModel, params: CallParams) -> tuple[StreamResult, list[StreamPart]]:
            try:
                return await _open_stream(model, params)
            except _FellShort as short:
                if retrying and isinstance(short.error, APICallError) and short.error.is_retryable:
                    await short.result.stream.aclose()
                    raise short.error from short.error.__cause__
                raise

        async def run(index: int, model: LanguageModel) -> tuple[StreamResult, list[StreamPart]]:
            try:
                return await self._retried(call.params, lambda params: attempt(model, params))
            except _FellShort as short:
                if self.should_fall_back(short.error):
                    await short.result.stream.aclose()
                    raise short.error from short.error.__cause__
                return short.result, short.head  # not ours to handle: the reader sees the error part

        (result, head), mark = await self._each(call, run)
        return StreamResult(
            stream=_marked(head, result, mark), request=result.request, response=result.response
        )

    def __repr__(self) -> str:
        return f"FallbackMiddleware({[_name(model) for model in self.models]}, breaker={self.breaker!r})"


async def _open_stream(model: LanguageModel, params: CallParams) -> tuple[StreamResult, list[StreamPart]]:
    """Start a stream and read it up to its first content part (kept in the returned head).

    An error raised before that part propagates (the stream closed); one reported in an error part
    raises :class:`_FellShort` with the stream still open, so the caller can still pass it on.
    """
    result = await model.do_stream(params)
    head: list[StreamPart] = []
    try:
        async for part in result.stream:
            head.append(part)
            if part.type in _BEFORE_CONTENT:
                continue
            if isinstance(part, ErrorPart):
                raise _FellShort(error_part_exception(part.error), result, head)
            break
    except _FellShort:
        raise
    except BaseException:
        await result.stream.aclose()
        raise
    return result, head


async def _marked(
    head: list[StreamPart], result: StreamResult, mark: dict[str, Any]
) -> AsyncGenerator[StreamPart, None]:
    """The head read while choosing, then the rest of the stream; the finish part carries the mark."""
    try:
        for part in head:
            yield _with_mark(part, mark)
        async for part in result.stream:
            yield _with_mark(part, mark)
    finally:
        await result.stream.aclose()


def _with_mark(part: StreamPart, mark: dict[str, Any]) -> StreamPart:
    if isinstance(part, FinishPart):
        return part.model_copy(
            update={"provider_metadata": control.with_fallback(part.provider_metadata, mark)}
        )
    return part
