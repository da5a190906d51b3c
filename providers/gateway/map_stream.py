"""The AI Gateway's stream -> our stream parts (pure, one mapper per call).

Each SSE payload is one stream part of the AI SDK's model interface as JSON (``text-delta``,
``tool-call``, ``finish``, ...), so mapping is renaming: the interface's ``finishReason: {unified, raw}``
and nested usage become ours, and fields we do not keep (``dynamic``, ``title``) are dropped. The
``finish`` part ends the stream. An ``error`` part becomes an :class:`~pipeline.stream.ErrorPart` holding
an :class:`~pipeline.errors.APICallError` with the gateway's status, so a 429 or 5xx before any output
is retried. Parts of types this library does not model yet (``reasoning-file``) are left out of the
stream, and ``raw`` parts (the provider's own chunks)
are passed on only when the call asked for raw chunks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from pipeline.errors import ModelCallError
from pipeline.result import (
    CustomContent,
    FileContent,
    SourceContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
)
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    RawPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    ResponseMetadataPart,
    StreamPart,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
)
from providers._stream import (
    Done,
    ErrorPayload,
    InvalidPayload,
    StreamCall,
    StreamState,
    WireValidator,
    with_call,
)

from .errors import in_band_error
from .map_response import content_part, finish_reason, record_fields, usage, warnings

__all__ = ["GatewayStreamMapper"]

_WIRE: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any], config=ConfigDict(defer_build=True))

_RENAMED_PARTS: dict[str, type[StreamPart]] = {
    "text-start": TextStartPart,
    "text-delta": TextDeltaPart,
    "text-end": TextEndPart,
    "reasoning-start": ReasoningStartPart,
    "reasoning-delta": ReasoningDeltaPart,
    "reasoning-end": ReasoningEndPart,
    "tool-input-start": ToolInputStartPart,
    "tool-input-delta": ToolInputDeltaPart,
    "tool-input-end": ToolInputEndPart,
    "response-metadata": ResponseMetadataPart,
}


class GatewayStreamMapper:
    """Maps one gateway stream; ``state`` becomes ``"ended"`` at the ``finish`` part."""

    terminal_event = "a finish part"

    def __init__(self, *, url: str, include_raw: bool) -> None:
        self._url = url
        self._include_raw = include_raw
        self._started = False
        self.state: StreamState = "open"

    @property
    def wire(self) -> WireValidator:
        """Every payload is a JSON object; its ``type`` picks the part."""
        return _WIRE

    def start(self) -> list[StreamPart]:
        """Nothing yet: the gateway sends the provider's own ``stream-start`` (one is made if it does not)."""
        return []

    def feed(self, event: dict[str, Any] | ErrorPayload | InvalidPayload | Done) -> list[StreamPart]:
        """The parts of one payload (``stream-start`` first, whatever the gateway sent first)."""
        match event:
            case ErrorPayload():
                parts = self._error(event.value)
            case InvalidPayload():
                parts = [ErrorPart(error=event.error)]
            case Done():
                parts = []
            case _:
                parts = self._part(event)
        if not self._started and parts:
            self._started = True
            if not isinstance(parts[0], StreamStartPart):
                parts.insert(0, StreamStartPart())
        return parts

    def finish(self) -> list[StreamPart]:
        """The ``finish`` part came from the gateway: nothing to add."""
        return []

    def exception(self, error: Any, call: StreamCall) -> ModelCallError:
        """The error an error part before any output stands for, with the call's request and headers."""
        return with_call(error, call)

    def _part(self, event: Mapping[str, Any]) -> list[StreamPart]:
        kind = event.get("type")
        renamed = _RENAMED_PARTS.get(str(kind))
        if renamed is not None:
            return [renamed.model_validate(record_fields(renamed, event))]
        match kind:
            case "stream-start":
                return [StreamStartPart(warnings=warnings(event.get("warnings")))]
            case "finish":
                self.state = "ended"
                reason, raw_reason = finish_reason(event.get("finishReason"))
                return [
                    FinishPart(
                        finish_reason=reason,
                        raw_finish_reason=raw_reason,
                        usage=usage(event.get("usage")),
                        provider_metadata=event.get("providerMetadata"),
                    )
                ]
            case "raw":
                return [RawPart(raw_value=event.get("rawValue"))] if self._include_raw else []
            case "error":
                return self._error(event)
        content = content_part(event)
        if isinstance(
            content,
            ToolCallContent
            | ToolResultContent
            | FileContent
            | SourceContent
            | ToolApprovalRequestContent
            | CustomContent,
        ):
            return [content]
        return []  # a type not modelled yet; whole text / reasoning items never come in a stream

    def _error(self, value: Mapping[str, Any]) -> list[StreamPart]:
        if value.get("type") not in (None, "error"):  # a part that merely has an ``error`` member
            return self._part(value)
        self.state = "ended"
        return [ErrorPart(error=in_band_error(value.get("error"), url=self._url))]
