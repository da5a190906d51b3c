"""Anthropic SSE event payloads to StreamParts: a small state machine, one instance per stream.

Protocol: ``message_start`` -> (``content_block_start`` -> ``content_block_delta``* ->
``content_block_stop``)* -> ``message_delta`` -> ``message_stop``; ``ping`` anywhere; ``error`` ends it.
A :class:`~providers._stream.StreamMapper`: the stream driver decodes the payloads and feeds them in order.
A ``data: [DONE]`` (some gateways append one) is ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pipeline.errors import APICallError, InvalidResponseDataError, ModelCallError
from pipeline.result import CallWarning, FinishReason, ToolCallContent
from pipeline.stream import (
    ErrorPart,
    FinishPart,
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
    reasoning_delta,
    text_delta,
)

from .._invalid import invalid_stream_data
from .._stream import Done, ErrorPayload, InvalidPayload, StreamCall, StreamState
from .citations import CitationDocument, citation_source
from .map_finish_reason import map_stop_reason
from .map_response import COMPACTION_METADATA, compact_json
from .map_usage import convert_usage, reported_usage
from .message_metadata import anthropic_metadata, container_metadata, context_management, stop_details
from .provider_tools import ToolNameMapping
from .request import JSON_RESPONSE_TOOL_NAME
from .server_tools import (
    CODE_EXECUTION_SUB_TOOLS,
    SERVER_TOOL_RESULT_BLOCKS,
    ServerToolState,
    caller_metadata,
    server_tool_call_name,
    server_tool_result,
)
from .wire import (
    STREAM_EVENTS,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    ErrorEvent,
    MessageDeltaEvent,
    MessageStartEvent,
    MessageStopEvent,
    PingEvent,
    StreamEvent,
    WireUsage,
)

__all__ = ["AnthropicStreamMapper", "stream_error_status"]


_STREAM_ERROR_STATUS: dict[str, tuple[int, bool]] = {
    "overloaded_error": (529, True),
    "rate_limit_error": (429, True),
    "api_error": (500, True),
    "request_too_large": (413, False),
    "authentication_error": (401, False),
    "permission_error": (403, False),
    "not_found_error": (404, False),
    "invalid_request_error": (400, False),
    "billing_error": (400, False),
}


def stream_error_status(error_type: str) -> tuple[int, bool]:
    """HTTP status and retryability implied by an in-stream ``error.type`` (default: 500, not retryable)."""
    return _STREAM_ERROR_STATUS.get(error_type, (500, False))


@dataclass
class _ToolBlock:
    """A tool call being streamed. ``provider_name`` is set for server tools; ``input_type`` is the
    ``type`` that code execution calls get in their input (spliced into the first delta)."""

    tool_call_id: str
    tool_name: str
    input: str = ""
    provider_name: str | None = None
    input_type: str | None = None
    first_delta: bool = True
    metadata: dict[str, dict[str, Any]] | None = None


def _final_input(block: _ToolBlock) -> str:
    """The complete input; a code execution call with only ``code`` is a programmatic tool call."""
    final = block.input or "{}"
    if block.provider_name != "code_execution":
        return final
    try:
        parsed = json.loads(final)
    except ValueError:
        return final
    if isinstance(parsed, dict) and "code" in parsed and "type" not in parsed:
        return compact_json({"type": "programmatic-tool-call", **parsed})
    return final


class _TextBlock:
    def __init__(self) -> None:
        self.web_citations: list[dict[str, Any]] = []


class _ReasoningBlock:
    pass


class AnthropicStreamMapper:
    """Turns decoded event payloads into stream parts.

    ``state`` becomes ``"ended"`` on ``message_stop``, an ``error`` event or an invalid message sequence
    (the last two legitimately end the stream without ``message_stop``). One response holds one message.
    """

    wire = STREAM_EVENTS
    terminal_event = "message_stop"

    def __init__(
        self,
        *,
        warnings: list[CallWarning] | None = None,
        uses_json_response_tool: bool = False,
        citation_documents: list[CitationDocument] | None = None,
        tool_names: ToolNameMapping | None = None,
    ) -> None:
        self._server_tools = ServerToolState(
            names=tool_names or ToolNameMapping({}), documents=list(citation_documents or [])
        )
        self._documents = self._server_tools.documents
        self._warnings = list(warnings or [])
        self._uses_json_tool = uses_json_response_tool
        self._blocks: dict[int, _ToolBlock | _TextBlock | _ReasoningBlock] = {}
        self._block_type: str | None = None
        self._json_from_tool = False
        self._message_id: str | None = None
        self._message_open = False
        self._usage = WireUsage(input_tokens=0, output_tokens=0)
        self._raw_usage: dict[str, Any] | None = None
        self._finish_reason: FinishReason = "other"
        self._raw_finish_reason: str | None = None
        self._stop_sequence: str | None = None
        self._container: dict[str, Any] | None = None
        self._context_management: dict[str, Any] | None = None
        self._stop_details: dict[str, Any] | None = None
        self.state: StreamState = "open"

    def start(self) -> list[StreamPart]:
        """The parts that open every stream (``stream-start`` with the call's warnings)."""
        return [StreamStartPart(warnings=self._warnings)]

    def feed(self, event: StreamEvent | ErrorPayload | InvalidPayload | Done) -> list[StreamPart]:
        """The parts for one decoded event; an invalid payload becomes an ``error`` part."""
        match event:
            case ContentBlockDeltaEvent():  # first: the most frequent event
                return self._block_delta(event)
            case PingEvent() | Done():
                return []
            case MessageStartEvent():
                return self._message_start(event)
            case ContentBlockStartEvent():
                return self._block_start(event)
            case ContentBlockStopEvent():
                return self._block_stop(event)
            case MessageDeltaEvent():
                self._message_delta(event)
                return []
            case MessageStopEvent():
                return [self._message_stop()]
            case ErrorPayload():
                return self._error_event(event)
            case ErrorEvent():  # the wire union's member; the driver hands error payloads over undecoded
                return self._ended_by(event)
            case InvalidPayload():
                return [ErrorPart(error=event.error)]

    def finish(self) -> list[StreamPart]:
        """No closing parts: ``message_stop`` carries the finish part."""
        return []

    def exception(self, error: Any, call: StreamCall) -> ModelCallError:
        """The error to raise for an error part before any output: an ``error`` event becomes an
        :class:`APICallError` with the status its type implies (``overloaded_error``: 529, retryable)."""
        if isinstance(error, ModelCallError):
            return error
        error_type = str(error.get("type"))
        status, retryable = stream_error_status(error_type)
        return APICallError(
            str(error.get("message")),
            url=call.url,
            request_body=call.request_body,
            status_code=status,
            response_headers=call.response_headers,
            response_body=json.dumps(error, separators=(",", ":")),
            is_retryable=retryable,
            data=error,
        )

    def _error_event(self, payload: ErrorPayload) -> list[StreamPart]:
        try:
            event = ErrorEvent.model_validate(payload.value)
        except ValidationError as error:
            return [ErrorPart(error=invalid_stream_data("stream event", error, payload.data))]
        return self._ended_by(event)

    def _ended_by(self, event: ErrorEvent) -> list[StreamPart]:
        self.state = "ended"
        return [ErrorPart(error={"type": event.error.type, "message": event.error.message})]

    def _message_start(self, event: MessageStartEvent) -> list[StreamPart]:
        message = event.message
        if self._message_open:
            if message.id == self._message_id:
                return []
            self.state = "ended"
            return [
                ErrorPart(
                    error=InvalidResponseDataError(
                        f"Received message_start for message {message.id!r} "
                        f"while message {self._message_id!r} is still open.",
                        data=event.model_dump(),
                    )
                )
            ]
        self._message_open = True
        self._message_id = message.id
        self._usage = self._usage.model_copy(
            update={
                "input_tokens": message.usage.input_tokens,
                "cache_read_input_tokens": message.usage.cache_read_input_tokens or 0,
                "cache_creation_input_tokens": message.usage.cache_creation_input_tokens or 0,
            }
        )
        self._raw_usage = reported_usage(message.usage.model_dump(exclude_unset=True))
        started = container_metadata(message.container)
        if started is not None:
            self._container = {**started, "skills": None}
        if message.stop_reason is not None:
            self._set_finish(message.stop_reason)
        parts: list[StreamPart] = [ResponseMetadataPart(id=message.id, model_id=message.model)]
        for block in message.content:
            if block.get("type") == "tool_use":
                tool_input = compact_json(block.get("input") or {})
                tool_id, name = str(block.get("id")), str(block.get("name"))
                parts += [
                    ToolInputStartPart(id=tool_id, tool_name=name),
                    ToolInputDeltaPart(id=tool_id, delta=tool_input),
                    ToolInputEndPart(id=tool_id),
                    ToolCallContent(
                        tool_call_id=tool_id,
                        tool_name=name,
                        input=tool_input,
                        provider_metadata=caller_metadata(block),
                    ),
                ]
        return parts

    def _block_start(self, event: ContentBlockStartEvent) -> list[StreamPart]:
        block = event.content_block
        kind = str(block.get("type"))
        self._block_type = kind
        block_id = str(event.index)
        if kind == "text":
            if self._uses_json_tool:
                return []
            self._blocks[event.index] = _TextBlock()
            return [TextStartPart(id=block_id)]
        if kind == "thinking":
            self._blocks[event.index] = _ReasoningBlock()
            return [ReasoningStartPart(id=block_id)]
        if kind == "redacted_thinking":
            self._blocks[event.index] = _ReasoningBlock()
            metadata = {"anthropic": {"redactedData": block.get("data")}}
            return [ReasoningStartPart(id=block_id, provider_metadata=metadata)]
        if kind == "compaction":
            self._blocks[event.index] = _TextBlock()
            return [TextStartPart(id=block_id, provider_metadata=COMPACTION_METADATA)]
        if kind == "tool_use":
            if self._uses_json_tool and block.get("name") == JSON_RESPONSE_TOOL_NAME:
                self._json_from_tool = True
                self._blocks[event.index] = _TextBlock()
                return [TextStartPart(id=block_id)]
            initial = block.get("input")
            tool = _ToolBlock(
                tool_call_id=str(block.get("id")),
                tool_name=str(block.get("name")),
                input=compact_json(initial) if initial else "",
                metadata=caller_metadata(block),
            )
            self._blocks[event.index] = tool
            return [ToolInputStartPart(id=tool.tool_call_id, tool_name=tool.tool_name)]
        if kind == "server_tool_use":
            return self._server_tool_start(event.index, block)
        if kind == "mcp_tool_use":
            return [self._server_tools.mcp_call(block)]
        if kind in SERVER_TOOL_RESULT_BLOCKS:
            return [*server_tool_result(block, self._server_tools)]
        return []  # e.g. ``fallback`` markers: the hop shows in usage iterations

    def _server_tool_start(self, index: int, block: dict[str, Any]) -> list[StreamPart]:
        names = server_tool_call_name(block, self._server_tools)
        if names is None:
            return []
        custom, provider_name = names
        name = str(block.get("name"))
        initial = block.get("input")
        if name == "advisor":
            tool_input = "{}"
        else:
            tool_input = compact_json(initial) if isinstance(initial, dict) and initial else ""
        input_type = None
        if name in CODE_EXECUTION_SUB_TOOLS:
            input_type = name
        elif name == "code_execution":
            input_type = "programmatic-tool-call"
        tool = _ToolBlock(
            tool_call_id=str(block.get("id")),
            tool_name=custom,
            input=tool_input,
            provider_name=provider_name,
            input_type=input_type,
            first_delta=not tool_input,
            metadata=caller_metadata(block),
        )
        self._blocks[index] = tool
        return [ToolInputStartPart(id=tool.tool_call_id, tool_name=custom, provider_executed=True)]

    def _block_delta(self, event: ContentBlockDeltaEvent) -> list[StreamPart]:
        delta = event.delta
        kind = delta.get("type")
        block_id = str(event.index)
        block = self._blocks.get(event.index)
        if kind == "text_delta":
            if self._uses_json_tool or not isinstance(block, _TextBlock):
                return []
            return [text_delta(block_id, str(delta.get("text", "")))]
        if kind == "thinking_delta":
            return [reasoning_delta(block_id, str(delta.get("thinking", "")))]
        if kind == "signature_delta":
            if self._block_type != "thinking":
                return []
            metadata = {"anthropic": {"signature": delta.get("signature")}}
            return [ReasoningDeltaPart(id=block_id, delta="", provider_metadata=metadata)]
        if kind == "input_json_delta":
            partial = str(delta.get("partial_json", ""))
            if not partial:
                return []
            if self._json_from_tool:
                return [TextDeltaPart(id=block_id, delta=partial)] if isinstance(block, _TextBlock) else []
            if not isinstance(block, _ToolBlock):
                return []
            if block.first_delta and block.input_type is not None:
                partial = f'{{"type": "{block.input_type}",{partial[1:]}'
            block.first_delta = False
            block.input += partial
            return [ToolInputDeltaPart(id=block.tool_call_id, delta=partial)]
        if kind == "compaction_delta":
            content = delta.get("content")
            if content is None or not isinstance(block, _TextBlock):
                return []
            return [text_delta(block_id, str(content))]
        if kind == "citations_delta":
            citation = delta.get("citation")
            if not isinstance(citation, dict):
                return []
            if isinstance(block, _TextBlock) and citation.get("type") == "web_search_result_location":
                block.web_citations.append(citation)
            source = citation_source(citation, self._documents)
            return [source] if source is not None else []
        return []  # other deltas are not mapped

    def _block_stop(self, event: ContentBlockStopEvent) -> list[StreamPart]:
        self._block_type = None
        block = self._blocks.pop(event.index, None)
        block_id = str(event.index)
        match block:
            case _TextBlock():
                metadata = {"anthropic": {"citations": block.web_citations}} if block.web_citations else None
                return [TextEndPart(id=block_id, provider_metadata=metadata)]
            case _ReasoningBlock():
                return [ReasoningEndPart(id=block_id)]
            case _ToolBlock():
                return [
                    ToolInputEndPart(id=block.tool_call_id),
                    ToolCallContent(
                        tool_call_id=block.tool_call_id,
                        tool_name=block.tool_name,
                        input=_final_input(block),
                        provider_executed=True if block.provider_name is not None else None,
                        provider_metadata=block.metadata,
                    ),
                ]
        return []

    def _set_finish(self, stop_reason: str | None) -> None:
        self._finish_reason = map_stop_reason(stop_reason, json_response_tool=self._json_from_tool)
        self._raw_finish_reason = stop_reason

    def _message_delta(self, event: MessageDeltaEvent) -> None:
        usage = event.usage
        update: dict[str, Any] = {"output_tokens": usage.output_tokens}
        for field in (
            "input_tokens",
            "output_tokens_details",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
            "iterations",
        ):
            if getattr(usage, field) is not None:
                update[field] = getattr(usage, field)
        self._usage = self._usage.model_copy(update=update)
        self._set_finish(event.delta.stop_reason)
        self._stop_sequence = event.delta.stop_sequence
        self._stop_details = stop_details(event.delta.stop_details)
        self._container = container_metadata(event.delta.container)
        if event.context_management:
            self._context_management = context_management(event.context_management)
        self._raw_usage = {
            **(self._raw_usage or {}),
            **(reported_usage(usage.model_dump(exclude_unset=True)) or {}),
        }

    def _message_stop(self) -> FinishPart:
        self._message_open = False
        self._message_id = None
        self.state = "ended"
        return FinishPart(
            finish_reason=self._finish_reason,
            raw_finish_reason=self._raw_finish_reason,
            usage=convert_usage(self._usage, self._raw_usage),
            provider_metadata=anthropic_metadata(
                raw_usage=self._raw_usage,
                usage=self._usage,
                stop_sequence=self._stop_sequence,
                container=self._container,
                context_management=self._context_management,
                stop_details=self._stop_details,
            ),
        )
