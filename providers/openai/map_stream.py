"""Chat-completions stream events (SSE ``data`` payloads) -> StreamParts: a small state machine.

Reasoning deltas (``reasoning_content`` or Groq's ``reasoning``) form one reasoning block, ended when
text or tool calls begin.

A :class:`~providers._stream.StreamMapper`: the stream driver decodes each payload and feeds it in order;
``[DONE]`` ends the stream, and a body that ends cleanly after the ``finish_reason`` chunk is complete
too (servers and gateways in the wild omit ``[DONE]``). Tool calls are finalized only at the end,
because a parsable argument prefix may still grow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import InvalidResponseDataError, ModelCallError
from pipeline.result import CallWarning, FinishReason, ToolCallContent
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    ReasoningEndPart,
    ReasoningStartPart,
    ResponseMetadataPart,
    StreamPart,
    StreamStartPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
    reasoning_delta,
    text_delta,
)

from .._stream import Done, ErrorPayload, InvalidPayload, StreamCall, StreamState, WireValidator
from .error_mapping import stream_error_to_api_error
from .map_finish_reason import map_openai_finish_reason
from .map_response import (
    new_id,
    prediction_metadata,
    response_timestamp,
    service_tier_metadata,
    source_from_annotation,
)
from .map_usage import convert_openai_usage
from .wire import ChatChunk, ChatUsage, ToolCallDelta

__all__ = ["ChatStreamMapper"]

_TEXT_ID = "0"
_REASONING_ID = "reasoning-0"


@dataclass
class _ToolCall:
    id: str
    name: str
    arguments: str
    finished: bool = False


@dataclass
class ChatStreamMapper:
    """Per-call state of one stream (create one per call; never share)."""

    warnings: list[CallWarning] = field(default_factory=list)
    metadata_key: str = "openai"
    generate_id: Callable[[], str] = new_id
    state: StreamState = "open"
    terminal_event: str = "[DONE]"
    _finish_reason: FinishReason = "other"
    _raw_finish_reason: str | None = None
    _usage: ChatUsage | None = None
    _metadata: dict[str, Any] = field(default_factory=dict)
    _metadata_sent: bool = False
    _text_open: bool = False
    _reasoning_open: bool = False
    _tool_calls: list[_ToolCall] = field(default_factory=list)
    _by_id: dict[str, _ToolCall] = field(default_factory=dict)
    _by_index: dict[int, _ToolCall] = field(default_factory=dict)
    _latest: _ToolCall | None = None

    @property
    def wire(self) -> WireValidator:
        """A chunk is validated by the model's own validator: what ``model_validate_json`` calls, minus a
        Python frame per chunk."""
        return ChatChunk.__pydantic_validator__

    def start(self) -> list[StreamPart]:
        """The opening part: ``stream-start`` with the call's warnings."""
        return [StreamStartPart(warnings=list(self.warnings))]

    def feed(self, event: ChatChunk | ErrorPayload | InvalidPayload | Done) -> list[StreamPart]:
        """The parts of one decoded event (``[DONE]`` produces none and ends the stream)."""
        match event:
            case ChatChunk():
                return self._map_chunk(event)
            case ErrorPayload():
                return [self._error(event.value["error"])]
            case InvalidPayload():
                return [self._error(event.error)]
            case Done():
                self.state = "ended"
                return []

    def exception(self, error: Any, call: StreamCall) -> ModelCallError:
        """The error to raise for an error part that came before any output."""
        if isinstance(error, ModelCallError):
            return error
        return stream_error_to_api_error(
            error, url=call.url, request_body=call.request_body, headers=call.response_headers
        )

    def finish(self) -> list[StreamPart]:
        """The closing parts: ``text-end``, pending tool calls, and ``finish`` with usage."""
        parts: list[StreamPart] = []
        self._end_reasoning(parts)
        if self._text_open:
            parts.append(TextEndPart(id=_TEXT_ID))
            self._text_open = False
        for call in self._tool_calls:
            if not call.finished:
                call.finished = True
                parts.append(ToolInputEndPart(id=call.id))
                parts.append(ToolCallContent(tool_call_id=call.id, tool_name=call.name, input=call.arguments))
        parts.append(
            FinishPart(
                finish_reason=self._finish_reason,
                raw_finish_reason=self._raw_finish_reason,
                usage=convert_openai_usage(self._usage, self.metadata_key),
                provider_metadata={self.metadata_key: dict(self._metadata)},
            )
        )
        return parts

    def _error(self, error: Any) -> ErrorPart:
        self._finish_reason = "error"
        self._raw_finish_reason = None
        return ErrorPart(error=error)

    def _map_chunk(self, chunk: ChatChunk) -> list[StreamPart]:
        parts: list[StreamPart] = []
        if not self._metadata_sent:
            timestamp = response_timestamp(chunk.created)
            if chunk.id or chunk.model or timestamp:
                self._metadata_sent = True
                metadata = ResponseMetadataPart(
                    id=chunk.id or None, timestamp=timestamp, model_id=chunk.model or None
                )
                parts.append(metadata)
        if chunk.usage is not None:
            self._usage = chunk.usage
        choice = chunk.choices[0] if chunk.choices else None
        logprobs = choice.logprobs if choice else None
        if chunk.usage is not None or logprobs is not None:
            self._metadata.update(prediction_metadata(chunk.usage, logprobs, self.metadata_key))
        if chunk.service_tier is not None:
            self._metadata.update(service_tier_metadata(chunk.service_tier, self.metadata_key))
        if choice is None:
            return parts
        if choice.finish_reason is not None:
            self._finish_reason = map_openai_finish_reason(choice.finish_reason)
            self._raw_finish_reason = choice.finish_reason
            if self.state == "open":
                self.state = "complete"
        delta = choice.delta
        if delta is None:
            return parts
        reasoning = delta.reasoning_content or delta.reasoning
        if reasoning:
            if not self._reasoning_open:
                self._reasoning_open = True
                parts.append(ReasoningStartPart(id=_REASONING_ID))
            parts.append(reasoning_delta(_REASONING_ID, reasoning))
        text = delta.content if delta.content or self.metadata_key == "openai" else None
        if text is not None:  # OpenAI opens text on empty content; compatible servers' packages wait
            if self.metadata_key != "deepseek":
                self._end_reasoning(parts)
            if not self._text_open:
                self._text_open = True
                parts.append(TextStartPart(id=_TEXT_ID))
            self._end_reasoning(parts)  # DeepSeek's order: the text block opens, then reasoning ends
            parts.append(text_delta(_TEXT_ID, text))
        if delta.tool_calls:
            self._end_reasoning(parts)
            for tool_delta in delta.tool_calls:
                parts.extend(self._tool_delta(tool_delta))
        if delta.annotations:
            for annotation in delta.annotations:
                parts.append(source_from_annotation(annotation, self.generate_id()))
        return parts

    def _end_reasoning(self, parts: list[StreamPart]) -> None:
        if self._reasoning_open:
            self._reasoning_open = False
            parts.append(ReasoningEndPart(id=_REASONING_ID))

    def _tool_delta(self, delta: ToolCallDelta) -> list[StreamPart]:
        if delta.id:
            call = self._by_id.get(delta.id)
        elif delta.index is not None:
            call = self._by_index.get(delta.index)
        else:
            call = self._latest
        if call is None:
            parts, call = self._new_tool_call(delta)
            if call is None:
                return parts
        else:
            parts = []
            arguments = delta.function.arguments if delta.function else None
            if not call.finished and arguments is not None:
                call.arguments += arguments
                parts.append(ToolInputDeltaPart(id=call.id, delta=arguments))
        if delta.index is not None:
            self._by_index[delta.index] = call
        self._latest = call
        return parts

    def _new_tool_call(self, delta: ToolCallDelta) -> tuple[list[StreamPart], _ToolCall | None]:
        name = delta.function.name if delta.function else None
        problem = (
            "Expected 'function' type."
            if delta.type is not None and delta.type != "function"
            else "Expected 'id' to be a string."
            if delta.id is None
            else "Expected 'function.name' to be a string."
            if name is None
            else None
        )
        if problem is not None or delta.id is None or name is None:
            error = InvalidResponseDataError(problem or "Invalid tool call delta.", data=delta.model_dump())
            return [self._error(error)], None
        call = _ToolCall(
            id=delta.id, name=name, arguments=(delta.function.arguments if delta.function else None) or ""
        )
        self._tool_calls.append(call)
        if call.id:
            self._by_id[call.id] = call
        parts: list[StreamPart] = [ToolInputStartPart(id=call.id, tool_name=call.name)]
        if call.arguments:
            parts.append(ToolInputDeltaPart(id=call.id, delta=call.arguments))
        return parts, call
