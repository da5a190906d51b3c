"""Stream parts (the provider-level stream vocabulary), StreamResult, and the fold back to a result."""

from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from pydantic import Field, field_validator

from ._base import ProviderMetadata, Record
from .errors import ModelStreamError
from .redact import scrub_value
from .result import (
    NO_REQUEST,
    NO_RESPONSE,
    CallWarning,
    Content,
    CustomContent,
    FileContent,
    FinishReason,
    GenerateResult,
    ReasoningContent,
    RequestMetadata,
    ResponseMetadata,
    SourceContent,
    TextContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
    Usage,
)

__all__ = [
    "ErrorPart",
    "FinishPart",
    "RawPart",
    "ReasoningDeltaPart",
    "ReasoningEndPart",
    "ReasoningStartPart",
    "ResponseMetadataPart",
    "StreamCollector",
    "StreamPart",
    "StreamResult",
    "StreamStartPart",
    "TextDeltaPart",
    "TextEndPart",
    "TextStartPart",
    "ToolInputDeltaPart",
    "ToolInputEndPart",
    "ToolInputStartPart",
    "ToolOutputDeniedPart",
    "collect_stream",
    "error_part_exception",
    "reasoning_delta",
    "text_delta",
]


class StreamStartPart(Record):
    type: Literal["stream-start"] = "stream-start"
    warnings: list[CallWarning] = Field(default_factory=list)


class ResponseMetadataPart(Record):
    type: Literal["response-metadata"] = "response-metadata"
    id: str | None = None
    timestamp: datetime | None = None
    model_id: str | None = None


class TextStartPart(Record):
    type: Literal["text-start"] = "text-start"
    id: str
    provider_metadata: ProviderMetadata | None = None


class TextDeltaPart(Record):
    type: Literal["text-delta"] = "text-delta"
    id: str
    delta: str
    provider_metadata: ProviderMetadata | None = None


class TextEndPart(Record):
    type: Literal["text-end"] = "text-end"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningStartPart(Record):
    type: Literal["reasoning-start"] = "reasoning-start"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningDeltaPart(Record):
    type: Literal["reasoning-delta"] = "reasoning-delta"
    id: str
    delta: str
    provider_metadata: ProviderMetadata | None = None


def text_delta(id: str, delta: str) -> TextDeltaPart:
    """``TextDeltaPart(id=id, delta=delta)``, validated the same way but built by the model's validator
    from a dict, which skips the keyword constructor's packing: about 0.3 us less per part, for the part
    a stream is mostly made of (providers' stream mappers and the cache's replay use it)."""
    fields = {"id": id, "delta": delta}
    return cast(TextDeltaPart, TextDeltaPart.__pydantic_validator__.validate_python(fields))


def reasoning_delta(id: str, delta: str) -> ReasoningDeltaPart:
    """``ReasoningDeltaPart(id=id, delta=delta)``, built as :func:`text_delta` builds its part."""
    fields = {"id": id, "delta": delta}
    return cast(ReasoningDeltaPart, ReasoningDeltaPart.__pydantic_validator__.validate_python(fields))


class ReasoningEndPart(Record):
    type: Literal["reasoning-end"] = "reasoning-end"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ToolInputStartPart(Record):
    type: Literal["tool-input-start"] = "tool-input-start"
    id: str
    tool_name: str
    provider_executed: bool | None = None
    provider_metadata: ProviderMetadata | None = None


class ToolInputDeltaPart(Record):
    type: Literal["tool-input-delta"] = "tool-input-delta"
    id: str
    delta: str
    provider_metadata: ProviderMetadata | None = None


class ToolInputEndPart(Record):
    type: Literal["tool-input-end"] = "tool-input-end"
    id: str
    provider_metadata: ProviderMetadata | None = None


class ToolOutputDeniedPart(Record):
    """The user denied tool call ``tool_call_id`` (an approval response); the model is told so."""

    type: Literal["tool-output-denied"] = "tool-output-denied"
    tool_call_id: str
    tool_name: str


class FinishPart(Record):
    type: Literal["finish"] = "finish"
    finish_reason: FinishReason
    raw_finish_reason: str | None = None
    usage: Usage = Usage.model_construct()
    provider_metadata: ProviderMetadata | None = None


class RawPart(Record):
    """A raw provider chunk, emitted only when ``include_raw_chunks`` is set."""

    type: Literal["raw"] = "raw"
    raw_value: Any


class ErrorPart(Record):
    """An error that arrived inside the stream (the stream may go on or end after it).

    ``error`` is best an exception (an :class:`~pipeline.errors.APICallError` keeps the status and
    whether a retry may help); readers raise it through :func:`error_part_exception`.
    An error report that is not an exception (a provider's error object) is scrubbed of secrets when
    the part is made, like the library's errors: a server that echoes the key gets it nowhere.
    """

    type: Literal["error"] = "error"
    error: Any

    @field_validator("error")
    @classmethod
    def _scrubbed(cls, error: Any) -> Any:
        return error if isinstance(error, BaseException) else scrub_value(error)


StreamPart = Annotated[
    StreamStartPart
    | ResponseMetadataPart
    | TextStartPart
    | TextDeltaPart
    | TextEndPart
    | ReasoningStartPart
    | ReasoningDeltaPart
    | ReasoningEndPart
    | ToolInputStartPart
    | ToolInputDeltaPart
    | ToolInputEndPart
    | ToolCallContent
    | ToolResultContent
    | ToolApprovalRequestContent
    | ToolOutputDeniedPart
    | FileContent
    | SourceContent
    | CustomContent
    | FinishPart
    | RawPart
    | ErrorPart,
    Field(discriminator="type"),
]
"""One part of a model stream, discriminated on ``type``."""


@dataclass
class StreamResult:
    """What ``do_stream`` returns: the parts as an async generator, plus request / response metadata.

    Whoever stops reading early must ``await result.stream.aclose()`` so the HTTP response is closed.
    """

    stream: AsyncGenerator[StreamPart, None]
    request: RequestMetadata = NO_REQUEST
    response: ResponseMetadata = NO_RESPONSE


class StreamCollector:
    """Folds stream parts, one at a time, into the :class:`GenerateResult` they describe.

    Text and reasoning deltas are joined per block id, in the order the blocks started.
    """

    def __init__(self) -> None:
        self._content: list[Content | _OpenBlock] = []
        self._open: dict[tuple[str, str], _OpenBlock] = {}
        self.warnings: list[CallWarning] = []
        self.response = NO_RESPONSE
        self.finish: FinishPart | None = None
        self.errors: list[Any] = []

    def add(self, part: StreamPart) -> None:
        """Fold one part in."""
        match part:
            case TextDeltaPart():  # first: the most frequent parts
                self._add_delta("text", part.id, part.delta, part.provider_metadata)
            case ReasoningDeltaPart():
                self._add_delta("reasoning", part.id, part.delta, part.provider_metadata)
            case StreamStartPart():
                self.warnings.extend(part.warnings)
            case ResponseMetadataPart():
                self.response = self.response.model_copy(
                    update={
                        key: value
                        for key, value in (
                            ("id", part.id),
                            ("timestamp", part.timestamp),
                            ("model_id", part.model_id),
                        )
                        if value is not None
                    }
                )
            case TextStartPart() | ReasoningStartPart():
                self._start_block(part.type.split("-")[0], part.id, part.provider_metadata)
            case TextEndPart() | ReasoningEndPart():
                ended = self._open.pop((part.type.split("-")[0], part.id), None)
                if ended is not None and part.provider_metadata:
                    ended.provider_metadata = {**(ended.provider_metadata or {}), **part.provider_metadata}
            case ToolResultContent() if part.preliminary:
                pass  # superseded by the final result
            case (
                ToolCallContent()
                | ToolResultContent()
                | FileContent()
                | SourceContent()
                | ToolApprovalRequestContent()
                | CustomContent()
            ):
                self._content.append(part)
            case FinishPart():
                self.finish = part
            case ErrorPart():
                self.errors.append(part.error)
            case (
                ToolInputStartPart()
                | ToolInputDeltaPart()
                | ToolInputEndPart()
                | ToolOutputDeniedPart()
                | RawPart()
            ):
                pass

    def add_text_delta(self, part: TextDeltaPart) -> None:
        """:meth:`add` for a text delta, the part a stream is mostly made of (what the stream reader
        calls for each one: no dispatch on the part's type)."""
        block = self._open.get(("text", part.id))
        if block is None or part.provider_metadata:
            self._add_delta("text", part.id, part.delta, part.provider_metadata)
        else:
            block.chunks.append(part.delta)

    def _add_delta(self, kind: str, block_id: str, delta: str, metadata: ProviderMetadata | None) -> None:
        block = self._open.get((kind, block_id))
        if block is None:
            block = self._start_block(kind, block_id, None)
        block.chunks.append(delta)
        if metadata:
            block.provider_metadata = {**(block.provider_metadata or {}), **metadata}

    def _start_block(self, kind: str, block_id: str, metadata: ProviderMetadata | None) -> "_OpenBlock":
        block = _OpenBlock(kind, metadata)
        self._open[(kind, block_id)] = block
        self._content.append(block)
        return block

    def result(self) -> GenerateResult:
        """The result described by the parts seen so far."""
        content: list[Content] = [
            item.to_content() if isinstance(item, _OpenBlock) else item for item in self._content
        ]
        finish = self.finish
        return GenerateResult(
            content=content,
            finish_reason=finish.finish_reason if finish else ("error" if self.errors else "other"),
            raw_finish_reason=finish.raw_finish_reason if finish else None,
            usage=finish.usage if finish else Usage(),
            warnings=list(self.warnings),
            response=self.response,
            provider_metadata=finish.provider_metadata if finish else None,
        )


class _OpenBlock:
    __slots__ = ("chunks", "kind", "provider_metadata")

    def __init__(self, kind: str, provider_metadata: ProviderMetadata | None) -> None:
        self.kind = kind
        self.chunks: list[str] = []
        self.provider_metadata = provider_metadata

    def to_content(self) -> TextContent | ReasoningContent:
        text = "".join(self.chunks)
        if self.kind == "text":
            return TextContent(text=text, provider_metadata=self.provider_metadata)
        return ReasoningContent(text=text, provider_metadata=self.provider_metadata)


def collect_stream(parts: Iterable[StreamPart]) -> GenerateResult:
    """Fold a complete sequence of stream parts into a :class:`GenerateResult` (pure)."""
    collector = StreamCollector()
    for part in parts:
        collector.add(part)
    return collector.result()


def error_part_exception(error: object) -> BaseException:
    """The exception an :class:`ErrorPart` stands for, to raise to whoever reads the stream.

    An exception is itself (its type, ``status_code`` and ``is_retryable`` kept); any other value, such
    as a provider's error payload, becomes a :class:`~pipeline.errors.ModelStreamError` holding it.
    """
    return error if isinstance(error, BaseException) else ModelStreamError(error)
