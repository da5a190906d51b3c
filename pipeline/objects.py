"""generate_object() and stream_object(): structured output validated against a schema.

Both ask the model for JSON through ``response_format`` (each provider's native JSON / schema mode) and
run through :func:`~pipeline.generate.generate_text` / :func:`~pipeline.generate.stream_text`, so the
prompt checks, attachment downloads, middleware chain, retries and timeout are exactly theirs. The
answer is parsed after stripping Markdown code fences; malformed JSON goes to ``repair_text`` when given,
else to the ``json-repair`` package when installed, before :class:`NoObjectGeneratedError` is raised.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar, Unpack, overload

from pydantic import BaseModel

from pipeline.download import DownloadFunction

from ._base import ProviderMetadata
from .errors import InvalidArgumentError, NoObjectGeneratedError
from .generate import PromptInput, SystemInput, generate_text, stream_text
from .model import LanguageModel
from .object_output import NO_PARTIAL, ObjectOutput, OutputMode, SchemaInput, object_output
from .params import ResponseFormatJson
from .partial_json import parse_partial_json, strip_code_fences
from .prompt import Message
from .result import CallWarning, FinishReason, RequestMetadata, ResponseMetadata, Usage
from .retry import RetryPolicy
from .settings import CallSettings, checked_keywords
from .stream import ErrorPart, TextDeltaPart, error_part_exception
from .stream_text_result import AwaitableValue, StreamTextResult
from .text_result import GenerateTextResult

__all__ = [
    "GenerateObjectResult",
    "ObjectCallOptions",
    "ObjectFinishCallback",
    "ObjectFinishEvent",
    "RepairText",
    "StreamObjectResult",
    "generate_object",
    "parse_object_text",
    "stream_object",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
V = TypeVar("V")

RepairText = Callable[[str, Exception], str | Awaitable[str | None] | None]
"""``(raw text, parse or validation error) -> repaired text`` (or ``None`` to give up); may be async."""


@functools.cache
def _library_repair() -> Callable[..., Any] | None:
    """json-repair's ``repair_json`` when the "repair" extra is installed (imported on first use: it
    is 21 modules)."""
    try:
        from json_repair import repair_json
    except ImportError:  # pragma: no cover - the "repair" extra is not installed
        return None
    function: Callable[..., Any] = repair_json
    return function


class ObjectCallOptions(CallSettings, total=False):
    """The keyword options of generate_object / stream_object besides the schema and output mode."""

    system: SystemInput | None
    instructions: SystemInput | None
    prompt: PromptInput | None
    messages: Sequence[Message | Mapping[str, Any]] | None
    max_retries: int | RetryPolicy
    timeout: float | None
    download: DownloadFunction | None
    schema_name: str | None
    schema_description: str | None
    repair_text: RepairText | None


@dataclass(frozen=True)
class GenerateObjectResult(Generic[T]):
    """The validated ``object`` plus the model's raw JSON ``text`` and the call's metadata."""

    object: T
    text: str
    finish_reason: FinishReason
    raw_finish_reason: str | None
    usage: Usage
    warnings: list[CallWarning]
    request: RequestMetadata
    response: ResponseMetadata
    provider_metadata: ProviderMetadata | None
    reasoning_text: str | None

    @classmethod
    def of(cls, value: T, result: GenerateTextResult) -> GenerateObjectResult[T]:
        """Pair ``value`` with the metadata of the text call it was parsed from."""
        return cls(
            object=value,
            text=result.text,
            finish_reason=result.finish_reason,
            raw_finish_reason=result.raw_finish_reason,
            usage=result.usage,
            warnings=result.warnings,
            request=result.request,
            response=result.response,
            provider_metadata=result.provider_metadata,
            reasoning_text=result.reasoning_text,
        )


@dataclass(frozen=True)
class ObjectFinishEvent(Generic[T]):
    """What ``stream_object``'s ``on_finish`` receives when the stream has been read to its end (the
    AI SDK's ``onFinish`` event): the validated ``object``, or ``None`` and the ``error`` saying why
    there is none, with the call's usage and metadata either way."""

    object: T | None
    error: NoObjectGeneratedError | None
    text: str
    usage: Usage
    finish_reason: FinishReason
    warnings: list[CallWarning]
    response: ResponseMetadata
    provider_metadata: ProviderMetadata | None


ObjectFinishCallback = Callable[[ObjectFinishEvent[Any]], Awaitable[None] | None]
"""``on_finish`` of :func:`stream_object`; may be sync or async."""


def _text_call(output: ObjectOutput, options: ObjectCallOptions) -> tuple[dict[str, Any], RepairText | None]:
    """Split the options into generate_text / stream_text keywords and the repair function."""
    call: dict[str, Any] = dict(options)
    if call.get("response_format") is not None:
        raise InvalidArgumentError("response_format", "generate_object sets response_format itself")
    if "tools" in call:
        raise InvalidArgumentError("tools", "generate_object does not take tools")
    call["response_format"] = ResponseFormatJson(
        json_schema=output.response_schema(),
        name=call.pop("schema_name", None),
        description=call.pop("schema_description", None),
    )
    return call, call.pop("repair_text", None)


def _parse_json(text: str, *, library_repair: bool) -> Any:
    stripped = strip_code_fences(text)
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        repair_json = _library_repair() if library_repair else None
        if repair_json is None:
            raise
        repaired = repair_json(stripped, return_objects=True)
        if repaired == "" or repaired is None:
            raise
        return repaired


async def parse_object_text(
    output: ObjectOutput,
    text: str,
    *,
    repair_text: RepairText | None = None,
    finish_reason: str | None = None,
) -> Any:
    """The validated object in the model's ``text``, or :class:`NoObjectGeneratedError` with the raw text.

    Without ``repair_text``, malformed JSON is given to ``json-repair`` (when installed); with it, any
    parse or validation error goes to ``repair_text(text, error)`` and its answer is parsed once more.
    """
    if not text:
        raise NoObjectGeneratedError(text=text, finish_reason=finish_reason)
    try:
        return output.final(_parse_json(text, library_repair=repair_text is None))
    except ValueError as error:
        if repair_text is None:
            raise _no_object(text, error, finish_reason) from error
        first_error = error
    repaired = repair_text(text, first_error)
    if inspect.isawaitable(repaired):
        repaired = await repaired
    if repaired is None:
        raise _no_object(text, first_error, finish_reason) from first_error
    try:
        return output.final(_parse_json(repaired, library_repair=False))
    except ValueError as error:
        raise _no_object(text, error, finish_reason) from error


def _no_object(text: str, error: ValueError, finish_reason: str | None) -> NoObjectGeneratedError:
    problem = (
        "could not parse the response"
        if isinstance(error, json.JSONDecodeError)
        else ("response did not match schema")
    )
    return NoObjectGeneratedError(
        f"No object generated: {problem}. {error}", text=text, cause=error, finish_reason=finish_reason
    )


@overload
async def generate_object(
    model: LanguageModel | str,
    *,
    schema: type[M],
    output: Literal["object"] = "object",
    **options: Unpack[ObjectCallOptions],
) -> GenerateObjectResult[M]: ...


@overload
async def generate_object(
    model: LanguageModel | str,
    *,
    schema: SchemaInput | None = None,
    output: OutputMode = "object",
    enum_values: Sequence[str] | None = None,
    **options: Unpack[ObjectCallOptions],
) -> GenerateObjectResult[Any]: ...


@checked_keywords(ObjectCallOptions)
async def generate_object(
    model: LanguageModel | str,
    *,
    schema: SchemaInput | None = None,
    output: OutputMode = "object",
    enum_values: Sequence[str] | None = None,
    **options: Unpack[ObjectCallOptions],
) -> GenerateObjectResult[Any]:
    """Generate a structured object that follows ``schema``.

    ``output="object"`` returns an instance of the pydantic ``schema`` (or the JSON value, for a JSON
    schema dict); ``"array"`` a list of such elements; ``"enum"`` one of ``enum_values``. The other
    options are :func:`~pipeline.generate.generate_text`'s (``system``, ``prompt`` / ``messages``,
    settings, ``max_retries``, ``timeout``) plus ``schema_name``, ``schema_description`` and
    ``repair_text``. Raises :class:`NoObjectGeneratedError` (with the raw ``text``) when no valid
    object can be obtained.
    """
    spec = object_output(output, schema, enum_values)
    call, repair_text = _text_call(spec, options)
    result = await generate_text(model, **call)
    value = await parse_object_text(
        spec, result.text, repair_text=repair_text, finish_reason=result.finish_reason
    )
    return GenerateObjectResult.of(value, result)


@overload
def stream_object(
    model: LanguageModel | str,
    *,
    schema: type[M],
    output: Literal["object"] = "object",
    on_finish: ObjectFinishCallback | None = None,
    **options: Unpack[ObjectCallOptions],
) -> StreamObjectResult[M]: ...


@overload
def stream_object(
    model: LanguageModel | str,
    *,
    schema: SchemaInput | None = None,
    output: OutputMode = "object",
    enum_values: Sequence[str] | None = None,
    on_finish: ObjectFinishCallback | None = None,
    **options: Unpack[ObjectCallOptions],
) -> StreamObjectResult[Any]: ...


@checked_keywords(ObjectCallOptions)
def stream_object(
    model: LanguageModel | str,
    *,
    schema: SchemaInput | None = None,
    output: OutputMode = "object",
    enum_values: Sequence[str] | None = None,
    on_finish: ObjectFinishCallback | None = None,
    **options: Unpack[ObjectCallOptions],
) -> StreamObjectResult[Any]:
    """Stream a structured object; returns at once, the call starts when the stream is first read.

    Read ``partial_object_stream`` (growing partial objects, each different from the one before) or
    ``text_stream`` (the raw JSON deltas); ``await result.object`` gives the final validated object
    and ``await result.result()`` the whole :class:`GenerateObjectResult`. ``on_finish`` is called
    once when the stream has been read to its end, with an :class:`ObjectFinishEvent` (usage, and
    the final object or the validation error). Options as for :func:`generate_object`.
    """
    if on_finish is not None and not callable(on_finish):
        raise InvalidArgumentError("on_finish", "on_finish must be a callable")
    spec = object_output(output, schema, enum_values)
    call, repair_text = _text_call(spec, options)
    return StreamObjectResult(stream_text(model, **call), spec, repair_text, on_finish)


class StreamObjectResult(Generic[T]):
    """A streamed structured-output call; its stream can be read once (partials or text deltas).

    ``partial_object_stream`` yields JSON values parsed from the text so far for ``object`` output (not
    validated: fields appear as they arrive), lists of validated elements for ``array`` output, and the
    enum value (or its unambiguous prefix) for ``enum`` output. An error inside the stream is raised there.
    """

    def __init__(
        self,
        source: StreamTextResult,
        output: ObjectOutput,
        repair_text: RepairText | None,
        on_finish: ObjectFinishCallback | None = None,
    ) -> None:
        self._source = source
        self._output = output
        self._repair_text = repair_text
        self._on_finish = on_finish
        self._started = False
        self._settled = False
        self._final: GenerateObjectResult[T] | None = None
        self._object_error: NoObjectGeneratedError | None = None
        self._error: BaseException | None = None
        self._readers: list[AsyncGenerator[Any, None]] = []

    @property
    def partial_object_stream(self) -> AsyncIterator[Any]:
        return self._handed_out(self._select("partial"))

    @property
    def text_stream(self) -> AsyncIterator[str]:
        return self._handed_out(self._select("text"))

    def _handed_out(self, reader: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
        """Remember a reader given to the caller, so :meth:`aclose` can close it with the stream."""
        self._readers.append(reader)
        return reader

    async def _select(self, kind: str) -> AsyncGenerator[Any, None]:
        reader = self._events()
        try:
            async for event_kind, value in reader:
                if event_kind == kind:
                    yield value
        finally:
            await reader.aclose()

    async def _events(self) -> AsyncGenerator[tuple[str, Any], None]:
        """``("text", delta)`` and ``("partial", value)`` events, in stream order."""
        if self._started:
            raise RuntimeError("the stream of a stream_object result can only be read once")
        self._started = True
        chunks: list[str] = []
        latest: Any = NO_PARTIAL
        try:
            async for part in self._source.full_stream:
                if isinstance(part, ErrorPart):
                    raise error_part_exception(part.error)
                if not isinstance(part, TextDeltaPart) or not part.delta:
                    continue
                chunks.append(part.delta)
                yield "text", part.delta
                partial = self._partial("".join(chunks), is_final=False)
                if partial is not NO_PARTIAL and partial != latest:
                    latest = partial
                    yield "partial", partial
            partial = self._partial("".join(chunks), is_final=True)
            if partial is not NO_PARTIAL and partial != latest:
                yield "partial", partial
            await self._settle()
        except Exception as error:
            self._error = error
            raise

    async def _settle(self) -> None:
        """Validate the final object (or keep why there is none), then call ``on_finish`` once."""
        text_result = await self._source.result()
        try:
            value = await parse_object_text(
                self._output,
                text_result.text,
                repair_text=self._repair_text,
                finish_reason=text_result.finish_reason,
            )
        except NoObjectGeneratedError as error:
            self._object_error = error
        else:
            self._final = GenerateObjectResult.of(value, text_result)
        self._settled = True
        if self._on_finish is not None:
            outcome = self._on_finish(
                ObjectFinishEvent(
                    object=None if self._final is None else self._final.object,
                    error=self._object_error,
                    text=text_result.text,
                    usage=text_result.usage,
                    finish_reason=text_result.finish_reason,
                    warnings=text_result.warnings,
                    response=text_result.response,
                    provider_metadata=text_result.provider_metadata,
                )
            )
            if inspect.isawaitable(outcome):
                await outcome

    def _partial(self, text: str, *, is_final: bool) -> Any:
        return self._output.partial(parse_partial_json(strip_code_fences(text)).value, is_final=is_final)

    async def result(self) -> GenerateObjectResult[T]:
        """Read the rest of the stream (if unread) and return the final, validated result."""
        if self._final is not None:
            return self._final
        if not self._started:
            reader = self._events()
            try:
                async for _ in reader:
                    pass
            finally:
                await reader.aclose()
        if self._error is not None:
            raise self._error
        if not self._settled:
            await self._settle()
        if self._object_error is not None:
            raise self._object_error
        assert self._final is not None
        return self._final

    @property
    def object(self) -> AwaitableValue[T]:
        """The final validated object (reads the stream to its end): ``await result.object`` as in the
        AI SDK, or ``await result.object()`` as before (see :class:`AwaitableValue`)."""
        return self._final_value(lambda final: final.object)

    @property
    def usage(self) -> AwaitableValue[Usage]:
        return self._final_value(lambda final: final.usage)

    @property
    def finish_reason(self) -> AwaitableValue[FinishReason]:
        return self._final_value(lambda final: final.finish_reason)

    def _final_value(self, read: Callable[[GenerateObjectResult[T]], V]) -> AwaitableValue[V]:
        async def value() -> V:
            return read(await self.result())

        return AwaitableValue(value)

    async def aclose(self) -> None:
        """Stop the stream and close everything underneath (HTTP response included), readers handed
        out first (unless one is being iterated right now)."""
        for reader in self._readers:
            if not getattr(reader, "ag_running", False):
                await reader.aclose()
        await self._source.aclose()

    async def __aenter__(self) -> StreamObjectResult[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
