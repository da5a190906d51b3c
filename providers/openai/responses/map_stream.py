"""Responses API stream events (SSE ``data`` payloads) → StreamParts: a state machine per call.

A :class:`~providers._stream.StreamMapper`. Output items open with ``response.output_item.added`` and close
with ``response.output_item.done``; text, reasoning summaries, function arguments, code and patches stream
in between. Provider-executed tools (web search, file search, code interpreter, image generation, MCP)
give their call when it starts (or when its input is complete) and their result when the item is done.
``response.completed`` / ``response.incomplete`` / ``response.failed`` complete it: the body may end
there (as the API's does), and a body that goes on (a recording of several responses, a ``[DONE]``) is
read to its end, the finish part then describing the last response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ConfigDict, TypeAdapter

from pipeline.errors import ModelCallError
from pipeline.result import ToolCallContent, ToolResultContent
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    ReasoningDeltaPart,
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
    text_delta,
)

from ..._stream import Done, ErrorPayload, InvalidPayload, StreamCall, StreamState, WireValidator
from ..error_mapping import stream_error_to_api_error
from ..map_response import new_id, response_timestamp
from .map_output import (
    code_interpreter_input,
    computer_input,
    dumps,
    expand_parallel_call,
    is_parallel_wrapper,
    map_finish_reason,
    map_usage,
    patch_operation,
    source_from_annotation,
)
from .map_response import OutputMapper, response_metadata
from .request import ResponsesRequest

__all__ = ["ResponsesStreamMapper"]

_EVENT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any], config=ConfigDict(defer_build=True))
_FINISHED = frozenset({"response.completed", "response.incomplete"})


def _escape(delta: str) -> str:
    """``delta`` as it appears inside a JSON string."""
    return dumps(delta)[1:-1]


@dataclass
class _ToolCall:
    name: str
    call_id: str
    buffered: list[str] | None = None
    """Argument deltas held back (a ``parallel`` wrapper is streamed as the calls inside it)."""
    container_id: str | None = None
    patch_has_diff: bool = False
    patch_end_sent: bool = False


@dataclass
class _Reasoning:
    encrypted: Any
    summaries: dict[int, str] = field(default_factory=lambda: {0: "active"})


class ResponsesStreamMapper:
    """Per-call state of one stream (create one per call; never share)."""

    terminal_event = "response.completed"

    def __init__(
        self, request: ResponsesRequest, *, key: str = "openai", generate_id: Callable[[], str] = new_id
    ) -> None:
        self.request = request
        self.key = key
        self.state: StreamState = "open"
        self._output = OutputMapper(request, key, generate_id)
        self._finish_reason: Any = "other"
        self._raw_finish_reason: str | None = None
        self._usage: dict[str, Any] | None = None
        self._response: dict[str, Any] = {}
        self._tool_calls: dict[int, _ToolCall] = {}
        self._annotations: list[dict[str, Any]] = []
        self._phase: Any = None
        self._reasoning: dict[str, _Reasoning] = {}
        self._item_ids: dict[int, str] = {}
        self._failed = False

    @property
    def wire(self) -> WireValidator:
        """Events are JSON objects dispatched on ``type`` (an unknown type is ignored, as the AI SDK does)."""
        return _EVENT.validator

    def start(self) -> list[StreamPart]:
        return [StreamStartPart(warnings=list(self.request.warnings))]

    def feed(self, event: dict[str, Any] | ErrorPayload | InvalidPayload | Done) -> list[StreamPart]:
        """The parts of one decoded event."""
        match event:
            case ErrorPayload():
                return self._error(event.value)
            case InvalidPayload():
                self._finish_reason, self._raw_finish_reason = "error", None
                return [ErrorPart(error=event.error)]
            case Done():
                if self.state == "complete":
                    self.state = "ended"
                return []
        handler = _HANDLERS.get(event.get("type", ""))
        return handler(self, event) if handler is not None else []

    def exception(self, error: Any, call: StreamCall) -> ModelCallError:
        """The error to raise for an error part that came before any output."""
        if isinstance(error, ModelCallError):
            return error
        details = (
            error.get("error") if isinstance(error, dict) and isinstance(error.get("error"), dict) else error
        )
        if isinstance(error, dict) and error.get("type") == "response.failed":
            details = (error.get("response") or {}).get("error") or {}
        return stream_error_to_api_error(
            details, url=call.url, request_body=call.request_body, headers=call.response_headers
        )

    def finish(self) -> list[StreamPart]:
        extra = {"logprobs": self._output.logprobs} if self._output.logprobs else {}
        metadata = response_metadata(self._response, self.key, extra)
        metadata[self.key]["responseId"] = self._response.get("id")
        return [
            FinishPart(
                finish_reason=self._finish_reason,
                raw_finish_reason=self._raw_finish_reason,
                usage=map_usage(self._usage),
                provider_metadata=metadata,
            )
        ]

    def _error(self, value: dict[str, Any]) -> list[StreamPart]:
        self._failed = True
        self._finish_reason, self._raw_finish_reason = "error", "error"
        if self.state == "open":
            self.state = "complete"  # the server may close the stream after an error event
        return [ErrorPart(error=value)]

    # events -----------------------------------------------------------------------------------------

    def _created(self, event: dict[str, Any]) -> list[StreamPart]:
        response = event.get("response") or {}
        self._response = {"id": response.get("id")}
        created = response.get("created_at")
        return [
            ResponseMetadataPart(
                id=response.get("id"),
                timestamp=response_timestamp(created) if isinstance(created, int | float) else None,
                model_id=response.get("model"),
            )
        ]

    def _finished(self, event: dict[str, Any]) -> list[StreamPart]:
        response = event.get("response") or {}
        reason = (response.get("incomplete_details") or {}).get("reason")
        self._finish_reason = map_finish_reason(reason, has_function_call=self._output.has_function_call)
        self._raw_finish_reason = reason
        self._usage = response.get("usage")
        self._keep_response(response)
        self.state = "complete"
        return []

    def _response_failed(self, event: dict[str, Any]) -> list[StreamPart]:
        response = event.get("response") or {}
        reason = (response.get("incomplete_details") or {}).get("reason")
        self._finish_reason = (
            map_finish_reason(reason, has_function_call=self._output.has_function_call) if reason else "error"
        )
        self._raw_finish_reason = reason or "error"
        self._usage = response.get("usage")
        self._keep_response(response)
        self.state = "complete"
        if self._failed or response.get("error") is None:
            return []
        self._failed = True
        error = {
            "type": "response.failed",
            "sequence_number": event.get("sequence_number"),
            "response": {
                "error": response.get("error"),
                "incomplete_details": response.get("incomplete_details"),
                "service_tier": response.get("service_tier"),
            },
        }
        return [ErrorPart(error=error)]

    def _keep_response(self, response: dict[str, Any]) -> None:
        if isinstance(response.get("service_tier"), str):
            self._response["service_tier"] = response["service_tier"]
        if (response.get("reasoning") or {}).get("context") is not None:
            self._response["reasoning"] = {"context": response["reasoning"]["context"]}

    def _error_event(self, event: dict[str, Any]) -> list[StreamPart]:
        return self._error(event)

    def _item_id(self, event: dict[str, Any]) -> str:
        index = event.get("output_index")
        item_id = str(event.get("item_id", ""))
        return self._item_ids.get(index, item_id) if index is not None else item_id

    def _text_delta(self, event: dict[str, Any]) -> list[StreamPart]:
        if self.request.logprobs and event.get("logprobs"):
            self._output.logprobs.append(event["logprobs"])
        return [text_delta(self._item_id(event), event.get("delta", ""))]

    def _annotation(self, event: dict[str, Any]) -> list[StreamPart]:
        annotation = event.get("annotation") or {}
        self._annotations.append(annotation)
        source = source_from_annotation(annotation, self.key, self._output.generate_id)
        return [source] if source is not None else []

    def _summary_part_added(self, event: dict[str, Any]) -> list[StreamPart]:
        item_id = self._item_id(event)
        index = event.get("summary_index", 0)
        reasoning = self._reasoning.get(item_id)
        if index == 0 or reasoning is None:
            return []
        reasoning.summaries[index] = "active"
        parts: list[StreamPart] = []
        for other, status in reasoning.summaries.items():
            if status == "can-conclude":
                parts.append(
                    ReasoningEndPart(
                        id=f"{item_id}:{other}", provider_metadata={self.key: {"itemId": item_id}}
                    )
                )
                reasoning.summaries[other] = "concluded"
        parts.append(
            ReasoningStartPart(
                id=f"{item_id}:{index}",
                provider_metadata={
                    self.key: {"itemId": item_id, "reasoningEncryptedContent": reasoning.encrypted}
                },
            )
        )
        return parts

    def _summary_delta(self, event: dict[str, Any]) -> list[StreamPart]:
        item_id = self._item_id(event)
        return [
            ReasoningDeltaPart(
                id=f"{item_id}:{event.get('summary_index', 0)}",
                delta=event.get("delta", ""),
                provider_metadata={self.key: {"itemId": item_id}},
            )
        ]

    def _summary_part_done(self, event: dict[str, Any]) -> list[StreamPart]:
        item_id = self._item_id(event)
        index = event.get("summary_index", 0)
        reasoning = self._reasoning.get(item_id)
        if reasoning is None:
            return []
        if self.request.store:
            reasoning.summaries[index] = "concluded"
            return [
                ReasoningEndPart(id=f"{item_id}:{index}", provider_metadata={self.key: {"itemId": item_id}})
            ]
        reasoning.summaries[index] = "can-conclude"
        return []

    def _arguments_delta(self, event: dict[str, Any]) -> list[StreamPart]:
        call = self._tool_calls.get(event.get("output_index", -1))
        if call is not None and call.buffered is not None:
            call.buffered.append(event.get("delta", ""))
            return []
        return [ToolInputDeltaPart(id=call.call_id, delta=event.get("delta", ""))] if call else []

    def _code_delta(self, event: dict[str, Any]) -> list[StreamPart]:
        call = self._tool_calls.get(event.get("output_index", -1))
        return [ToolInputDeltaPart(id=call.call_id, delta=_escape(event.get("delta", "")))] if call else []

    def _code_done(self, event: dict[str, Any]) -> list[StreamPart]:
        call = self._tool_calls.get(event.get("output_index", -1))
        if call is None:
            return []
        return [
            ToolInputDeltaPart(id=call.call_id, delta='"}'),
            ToolInputEndPart(id=call.call_id),
            ToolCallContent(
                tool_call_id=call.call_id,
                tool_name=call.name,
                input=code_interpreter_input(event.get("code"), call.container_id),
                provider_executed=True,
            ),
        ]

    def _partial_image(self, event: dict[str, Any]) -> list[StreamPart]:
        return [
            ToolResultContent(
                tool_call_id=event.get("item_id", ""),
                tool_name=self._output.tool_name("image_generation"),
                result={"result": event.get("partial_image_b64")},
                provider_executed=True,
                preliminary=True,
            )
        ]

    def _patch_delta(self, event: dict[str, Any]) -> list[StreamPart]:
        call = self._tool_calls.get(event.get("output_index", -1))
        if call is None or call.patch_end_sent:
            return []
        call.patch_has_diff = True
        return [ToolInputDeltaPart(id=call.call_id, delta=_escape(event.get("delta", "")))]

    def _patch_done(self, event: dict[str, Any]) -> list[StreamPart]:
        call = self._tool_calls.get(event.get("output_index", -1))
        if call is None or call.patch_end_sent:
            return []
        return self._end_patch(call, event.get("diff", ""))

    def _end_patch(self, call: _ToolCall, diff: str) -> list[StreamPart]:
        parts: list[StreamPart] = []
        if not call.patch_has_diff:
            parts.append(ToolInputDeltaPart(id=call.call_id, delta=_escape(diff)))
            call.patch_has_diff = True
        parts += [ToolInputDeltaPart(id=call.call_id, delta='"}}'), ToolInputEndPart(id=call.call_id)]
        call.patch_end_sent = True
        return parts

    # output items -----------------------------------------------------------------------------------

    def _item_added(self, event: dict[str, Any]) -> list[StreamPart]:
        item = event.get("item") or {}
        index = event.get("output_index", -1)
        kind = item.get("type")
        output = self._output
        if kind == "function_call":
            name, call_id = item.get("name", ""), item.get("call_id", "")
            if is_parallel_wrapper(name, self.request.function_names):
                self._tool_calls[index] = _ToolCall(name, call_id, buffered=[])
                return []
            self._tool_calls[index] = _ToolCall(name, call_id)
            return [ToolInputStartPart(id=call_id, tool_name=name)]
        if kind == "custom_tool_call":
            name = output.tool_name(item.get("name", ""))
            self._tool_calls[index] = _ToolCall(name, item.get("call_id", ""))
            return [ToolInputStartPart(id=item.get("call_id", ""), tool_name=name)]
        if kind == "web_search_call":
            name = output.web_search_name
            self._tool_calls[index] = _ToolCall(name, item.get("id", ""))
            return [
                ToolInputStartPart(id=item.get("id", ""), tool_name=name, provider_executed=True),
                ToolInputEndPart(id=item.get("id", "")),
                ToolCallContent(
                    tool_call_id=item.get("id", ""), tool_name=name, input="{}", provider_executed=True
                ),
            ]
        if kind == "computer_call":
            call_id = item.get("call_id") or item.get("id", "")
            name = output.tool_name("computer")
            self._tool_calls[index] = _ToolCall(name, call_id)
            return [ToolInputStartPart(id=call_id, tool_name=name)]
        if kind == "code_interpreter_call":
            name = output.tool_name("code_interpreter")
            container = item.get("container_id")
            self._tool_calls[index] = _ToolCall(name, item.get("id", ""), container_id=container)
            return [
                ToolInputStartPart(id=item.get("id", ""), tool_name=name, provider_executed=True),
                ToolInputDeltaPart(id=item.get("id", ""), delta=f'{{"containerId":"{container}","code":"'),
            ]
        if kind in ("file_search_call", "image_generation_call"):
            name = output.tool_name(kind.removesuffix("_call"))
            return [
                ToolCallContent(
                    tool_call_id=item.get("id", ""), tool_name=name, input="{}", provider_executed=True
                )
            ]
        if kind == "apply_patch_call":
            return self._patch_added(index, item)
        if kind == "tool_search_call":
            name = output.tool_name("tool_search")
            self._tool_calls[index] = _ToolCall(name, item.get("id", ""))
            hosted = item.get("execution", "server") == "server"
            return (
                [ToolInputStartPart(id=item.get("id", ""), tool_name=name, provider_executed=True)]
                if hosted
                else []
            )
        if kind == "shell_call":
            self._tool_calls[index] = _ToolCall(output.tool_name("shell"), item.get("call_id", ""))
            return []
        if kind == "message":
            item_id = item.get("id", "")
            self._item_ids[index] = item_id
            self._annotations = []
            self._phase = item.get("phase")
            metadata: dict[str, Any] = {"itemId": item_id}
            if item.get("phase") is not None:
                metadata["phase"] = item["phase"]
            return [TextStartPart(id=item_id, provider_metadata={self.key: metadata})]
        if kind == "reasoning":
            item_id = item.get("id", "")
            self._item_ids[index] = item_id
            self._reasoning[item_id] = _Reasoning(item.get("encrypted_content"))
            return [
                ReasoningStartPart(
                    id=f"{item_id}:0",
                    provider_metadata={
                        self.key: {
                            "itemId": item_id,
                            "reasoningEncryptedContent": item.get("encrypted_content"),
                        }
                    },
                )
            ]
        return []

    def _patch_added(self, index: int, item: dict[str, Any]) -> list[StreamPart]:
        call_id = item.get("call_id", "")
        operation = item.get("operation") or {}
        is_delete = operation.get("type") == "delete_file"
        name = self._output.tool_name("apply_patch")
        self._tool_calls[index] = _ToolCall(name, call_id, patch_has_diff=is_delete, patch_end_sent=is_delete)
        parts: list[StreamPart] = [ToolInputStartPart(id=call_id, tool_name=name)]
        if is_delete:
            parts += [
                ToolInputDeltaPart(
                    id=call_id, delta=dumps({"callId": call_id, "operation": patch_operation(operation)})
                ),
                ToolInputEndPart(id=call_id),
            ]
        else:
            kind, path = _escape(operation.get("type", "")), _escape(operation.get("path", ""))
            prefix = f'{{"callId":"{_escape(call_id)}","operation":{{"type":"{kind}","path":"{path}","diff":"'
            parts.append(ToolInputDeltaPart(id=call_id, delta=prefix))
        return parts

    def _item_done(self, event: dict[str, Any]) -> list[StreamPart]:
        item = event.get("item") or {}
        index = event.get("output_index", -1)
        kind = item.get("type")
        output = self._output
        call = self._tool_calls.pop(index, None)
        if kind == "message":
            item_id = self._item_ids.pop(index, item.get("id", ""))
            phase = item.get("phase") if item.get("phase") is not None else self._phase
            self._phase = None
            metadata: dict[str, Any] = {"itemId": item_id}
            if phase is not None:
                metadata["phase"] = phase
            if self._annotations:
                metadata["annotations"] = list(self._annotations)
            return [TextEndPart(id=item_id, provider_metadata={self.key: metadata})]
        if kind == "function_call" and call is not None and call.buffered is not None:
            return self._parallel_done(call, item)
        if kind == "function_call":
            output.has_function_call = True
            metadata = {}
            if item.get("namespace") is not None:
                metadata["namespace"] = item["namespace"]
            end = ToolInputEndPart(
                id=item.get("call_id", ""), provider_metadata={self.key: metadata} if metadata else None
            )
            return [end, *self._content(item)]
        if kind == "custom_tool_call":
            return [ToolInputEndPart(id=item.get("call_id", "")), *self._content(item)]
        if kind == "web_search_call":
            return self._content(item)[1:]
        if kind in ("file_search_call", "code_interpreter_call", "image_generation_call"):
            return self._content(item)[1:]
        if kind == "computer_call":
            if item.get("call_id") is None:
                return [ToolInputEndPart(id=item.get("id", "")), *self._content(item)]
            tool_input = computer_input(item)
            call_id = item["call_id"]
            return [
                ToolInputDeltaPart(id=call_id, delta=tool_input),
                ToolInputEndPart(id=call_id),
                *self._content(item),
            ]
        if kind == "apply_patch_call":
            parts: list[StreamPart] = []
            operation = item.get("operation") or {}
            if call is not None and not call.patch_end_sent and operation.get("type") != "delete_file":
                parts += self._end_patch(call, operation.get("diff", ""))
            if call is not None and item.get("status") == "completed":
                parts += self._content(item)
            return parts
        if kind == "local_shell_call":
            action = item.get("action") or {}
            mapped = {
                "type": "exec",
                "command": action.get("command"),
                "timeoutMs": action.get("timeout_ms"),
                "user": action.get("user"),
                "workingDirectory": action.get("working_directory"),
                "env": action.get("env"),
            }
            return [
                ToolCallContent(
                    tool_call_id=item.get("call_id", ""),
                    tool_name=output.tool_name("local_shell"),
                    input=dumps(
                        {"action": {key: value for key, value in mapped.items() if value is not None}}
                    ),
                    provider_metadata=output.item_metadata(item),
                )
            ]
        if kind == "reasoning":
            return self._reasoning_done(index, item)
        if kind == "tool_search_call":
            return self._tool_search_done(call, item)
        return self._content(item) if kind in _DONE_AS_GENERATE else []

    def _parallel_done(self, call: _ToolCall, item: dict[str, Any]) -> list[StreamPart]:
        """A ``parallel`` wrapper, complete: its calls, each streamed whole (or, when it is not one,
        the call as it came, with the deltas held back)."""
        self._output.has_function_call = True
        expanded = expand_parallel_call(
            call.call_id,
            call.name,
            item.get("arguments", ""),
            item.get("id", ""),
            self.request.function_names,
            self.key,
        )
        if expanded is None:
            deltas = call.buffered or ([item["arguments"]] if item.get("arguments") else [])
            return [
                ToolInputStartPart(id=call.call_id, tool_name=call.name),
                *(ToolInputDeltaPart(id=call.call_id, delta=delta) for delta in deltas),
                ToolInputEndPart(id=call.call_id),
                *self._content(item),
            ]
        parts: list[StreamPart] = []
        for expanded_call in expanded:
            parts += [
                ToolInputStartPart(id=expanded_call.tool_call_id, tool_name=expanded_call.tool_name),
                ToolInputDeltaPart(id=expanded_call.tool_call_id, delta=expanded_call.input),
                ToolInputEndPart(id=expanded_call.tool_call_id),
                expanded_call,
            ]
        return parts

    def _tool_search_done(self, call: _ToolCall | None, item: dict[str, Any]) -> list[StreamPart]:
        if call is None:
            return []
        hosted = item.get("execution") == "server"
        call_id = call.call_id if hosted else (item.get("call_id") or item.get("id", ""))
        parts: list[StreamPart] = []
        if hosted:
            self._output.hosted_searches.append(call_id)
        else:
            parts.append(ToolInputStartPart(id=call_id, tool_name=call.name))
        tool_input = {"arguments": item.get("arguments"), "call_id": None if hosted else call_id}
        return [
            *parts,
            ToolInputEndPart(id=call_id),
            ToolCallContent(
                tool_call_id=call_id,
                tool_name=call.name,
                input=dumps(tool_input),
                provider_executed=True if hosted else None,
                provider_metadata=self._output.item_metadata(item),
            ),
        ]

    def _content(self, item: dict[str, Any]) -> list[StreamPart]:
        """A complete tool item's parts, as the response mapper makes them."""
        return cast(list[StreamPart], self._output.item(item))

    def _reasoning_done(self, index: int, item: dict[str, Any]) -> list[StreamPart]:
        item_id = self._item_ids.pop(index, item.get("id", ""))
        reasoning = self._reasoning.pop(item_id, None)
        if reasoning is None:
            return []
        metadata = {self.key: {"itemId": item_id, "reasoningEncryptedContent": item.get("encrypted_content")}}
        return [
            ReasoningEndPart(id=f"{item_id}:{summary}", provider_metadata=metadata)
            for summary, status in reasoning.summaries.items()
            if status in ("active", "can-conclude")
        ]


_DONE_AS_GENERATE = frozenset(
    {
        "shell_call",
        "shell_call_output",
        "mcp_call",
        "mcp_approval_request",
        "compaction",
        "tool_search_output",
        "program",
        "program_output",
    }
)

_HANDLERS: dict[str, Callable[[ResponsesStreamMapper, dict[str, Any]], list[StreamPart]]] = {
    "response.created": ResponsesStreamMapper._created,
    "response.completed": ResponsesStreamMapper._finished,
    "response.incomplete": ResponsesStreamMapper._finished,
    "response.failed": ResponsesStreamMapper._response_failed,
    "error": ResponsesStreamMapper._error_event,
    "response.output_item.added": ResponsesStreamMapper._item_added,
    "response.output_item.done": ResponsesStreamMapper._item_done,
    "response.output_text.delta": ResponsesStreamMapper._text_delta,
    "response.output_text.annotation.added": ResponsesStreamMapper._annotation,
    "response.reasoning_summary_part.added": ResponsesStreamMapper._summary_part_added,
    "response.reasoning_summary_text.delta": ResponsesStreamMapper._summary_delta,
    "response.reasoning_summary_part.done": ResponsesStreamMapper._summary_part_done,
    "response.function_call_arguments.delta": ResponsesStreamMapper._arguments_delta,
    "response.custom_tool_call_input.delta": ResponsesStreamMapper._arguments_delta,
    "response.code_interpreter_call_code.delta": ResponsesStreamMapper._code_delta,
    "response.code_interpreter_call_code.done": ResponsesStreamMapper._code_done,
    "response.apply_patch_call_operation_diff.delta": ResponsesStreamMapper._patch_delta,
    "response.apply_patch_call_operation_diff.done": ResponsesStreamMapper._patch_done,
    "response.image_generation_call.partial_image": ResponsesStreamMapper._partial_image,
}
