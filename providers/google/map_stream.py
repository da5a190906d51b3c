"""``streamGenerateContent`` SSE payloads -> StreamParts: a small state machine (pure, no I/O).

A :class:`~providers._stream.StreamMapper`: the stream driver decodes the payloads and feeds them in order.
The stream ends at the chunk whose candidate reports a ``finishReason``, a prompt block, or an error event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from pipeline._base import ProviderMetadata
from pipeline.errors import APICallError, ModelCallError
from pipeline.result import (
    CallWarning,
    FileContent,
    FinishReason,
    ReasoningContent,
    TextContent,
    ToolCallContent,
)
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
)

from .._stream import Done, ErrorPayload, InvalidPayload, StreamCall, StreamState, WireValidator, with_call
from .convert_usage import convert_google_usage
from .map_finish_reason import map_google_finish_reason
from .map_response import PartMapper, google_metadata, signature_metadata, tool_input
from .partial_args import PartialArgsAccumulator
from .sources import extract_sources
from .wire import Candidate, FunctionCall, GenerateContentResponse, GoogleErrorBody, Part, UsageMetadata

__all__ = ["GoogleStreamMapper", "in_band_error"]

_UNCONFIRMED_BLOCK_REASONS = frozenset({"", "BLOCK_REASON_UNSPECIFIED", "BLOCKED_REASON_UNSPECIFIED"})


def in_band_error(
    data: str, *, url: str, request_body: Any = None, response_headers: dict[str, str] | None = None
) -> APICallError | None:
    """The :class:`APICallError` an ``{"error": {...}}`` event describes, or ``None`` for other events.

    The status comes from ``error.code`` (Gemini uses HTTP codes), so 429 / 5xx stay retryable.
    """
    try:
        body = GoogleErrorBody.model_validate_json(data)
    except ValidationError:
        return None
    return APICallError(
        body.error.message,
        url=url,
        request_body=request_body,
        status_code=body.error.code,
        response_headers=response_headers,
        response_body=data,
        data=body.model_dump(exclude_none=True),
    )


@dataclass
class _StreamedCall:
    """A function call whose arguments arrive as ``partialArgs`` over several chunks."""

    tool_call_id: str
    tool_name: str
    arguments: PartialArgsAccumulator
    metadata: ProviderMetadata | None


class GoogleStreamMapper:
    """Turns each decoded SSE payload into stream parts.

    Text and reasoning runs become blocks with ids ``"0"``, ``"1"``, ...; complete ``functionCall`` parts
    become tool-input-start / delta / end plus a tool-call, and calls streamed as ``partialArgs``
    (Vertex AI) become deltas as the pieces arrive. As in the AI SDK, a chunk's function calls are
    mapped after its other parts. ``state`` becomes ``"ended"`` when the candidate reports a
    ``finishReason``, the prompt is blocked or an in-band error arrives.
    """

    terminal_event = "a candidate reporting a finishReason"

    def __init__(
        self,
        *,
        warnings: list[CallWarning],
        generate_id: Callable[[], str],
        timestamp: datetime | None = None,
        url: str = "",
    ) -> None:
        self._warnings = warnings
        self._generate_id = generate_id
        self._timestamp = timestamp
        self._url = url
        self._sent_metadata = False
        self._finish_reason: FinishReason = "other"
        self._raw_finish_reason: str | None = None
        self.state: StreamState = "open"
        self._blocked = False
        self._has_client_tool_calls = False
        self._usage: UsageMetadata | None = None
        self._last_chunk = GenerateContentResponse()
        self._last_candidate = Candidate()
        self._text_id: str | None = None
        self._reasoning_id: str | None = None
        self._block_counter = 0
        self._source_urls: set[str] = set()
        self._parts = PartMapper(generate_id)
        self._streamed_calls: list[_StreamedCall] = []
        self._finish_metadata: ProviderMetadata | None = None

    @property
    def wire(self) -> WireValidator:
        """Chunks are validated straight from their JSON text by the model's own validator."""
        return GenerateContentResponse.__pydantic_validator__

    def start(self) -> list[StreamPart]:
        """The opening ``stream-start`` part, carrying the call's warnings."""
        return [StreamStartPart(warnings=self._warnings)]

    def feed(self, event: GenerateContentResponse | ErrorPayload | InvalidPayload | Done) -> list[StreamPart]:
        """Parts for one decoded SSE payload (a trailing ``[DONE]`` some gateways add is ignored)."""
        out: list[StreamPart] = []
        match event:
            case GenerateContentResponse():
                self._chunk(event, out)
            case ErrorPayload():
                error = in_band_error(event.data, url=self._url)
                if error is None:  # an ``error`` member of another shape: read as a chunk, like any extra
                    return self.feed(self.wire.validate_python(event.value))
                self._finish_reason, self.state = "error", "ended"
                out.append(ErrorPart(error=error))
            case InvalidPayload():
                out.append(ErrorPart(error=event.error))
            case Done():
                pass
        return out

    def finish(self) -> list[StreamPart]:
        """Close open blocks and emit ``finish``."""
        out: list[StreamPart] = []
        self._end_text(out)
        self._end_reasoning(out)
        out.append(
            FinishPart(
                finish_reason=self._finish_reason,
                raw_finish_reason=self._raw_finish_reason,
                usage=convert_google_usage(self._usage),
                provider_metadata=self._finish_metadata
                or google_metadata(self._last_chunk, self._last_candidate, self._usage),
            )
        )
        return out

    def exception(self, error: Any, call: StreamCall) -> ModelCallError:
        """The error an error part before any output stands for, with the call's request and headers."""
        return with_call(error, call)

    def _chunk(self, chunk: GenerateContentResponse, out: list[StreamPart]) -> None:
        if not self._sent_metadata and chunk.responseId is not None:
            self._sent_metadata = True
            out.append(ResponseMetadataPart(id=chunk.responseId, timestamp=self._timestamp))
        if chunk.usageMetadata is not None:
            self._usage = chunk.usageMetadata
        if chunk.promptFeedback is not None and not self._blocked:
            self._last_chunk = self._last_chunk.model_copy(update={"promptFeedback": chunk.promptFeedback})
            reason = chunk.promptFeedback.blockReason
            if reason is not None and reason not in _UNCONFIRMED_BLOCK_REASONS:
                self._blocked, self.state = True, "ended"
                self._finish_reason, self._raw_finish_reason = "content-filter", reason
        candidate = chunk.candidates[0] if chunk.candidates else None
        if candidate is None or self._blocked:
            return
        self._remember(candidate)
        for source in extract_sources(candidate.groundingMetadata, self._generate_id):
            if source.url is not None and source.url not in self._source_urls:
                self._source_urls.add(source.url)
                out.append(source)
        parts = (candidate.content.parts if candidate.content else None) or []
        for part in parts:
            if part.functionCall is None:
                self._part(part, out)
        for part in parts:
            if part.functionCall is not None:
                self._function_call_part(part.functionCall, signature_metadata(part), out)
        if candidate.finishReason is not None:
            self.state = "ended"
            self._raw_finish_reason = candidate.finishReason
            self._finish_reason = map_google_finish_reason(
                candidate.finishReason, has_client_tool_calls=self._has_client_tool_calls
            )
            finish_candidate = self._last_candidate.model_copy(
                update={
                    "safetyRatings": candidate.safetyRatings,
                    "finishMessage": candidate.finishMessage,
                }
            )
            usage = chunk.usageMetadata
            metadata = google_metadata(chunk, finish_candidate, usage)
            metadata["google"]["serviceTier"] = self._usage.serviceTier if self._usage else None
            self._finish_metadata = metadata

    def _remember(self, candidate: Candidate) -> None:
        updates = {
            key: getattr(candidate, key)
            for key in ("groundingMetadata", "urlContextMetadata", "safetyRatings", "finishMessage")
            if getattr(candidate, key) is not None
        }
        if updates:
            self._last_candidate = self._last_candidate.model_copy(update=updates)

    def _part(self, part: Part, out: list[StreamPart]) -> None:
        item = self._parts.content(part)
        match item:
            case TextContent() | ReasoningContent():
                self._text(item, out)
            case FileContent():
                self._end_text(out)
                self._end_reasoning(out)
                out.append(item)
            case None:
                pass
            case _:  # provider-executed calls and results: code execution, server tool invocations
                out.append(item)

    def _text(self, item: TextContent | ReasoningContent, out: list[StreamPart]) -> None:
        metadata = item.provider_metadata
        if not item.text:
            if metadata is not None and self._text_id is not None:
                out.append(TextDeltaPart(id=self._text_id, delta="", provider_metadata=metadata))
            return
        if isinstance(item, ReasoningContent):
            self._end_text(out)
            if self._reasoning_id is None:
                self._reasoning_id = self._next_block_id()
                out.append(ReasoningStartPart(id=self._reasoning_id, provider_metadata=metadata))
            out.append(ReasoningDeltaPart(id=self._reasoning_id, delta=item.text, provider_metadata=metadata))
        else:
            self._end_reasoning(out)
            if self._text_id is None:
                self._text_id = self._next_block_id()
                out.append(TextStartPart(id=self._text_id, provider_metadata=metadata))
            out.append(TextDeltaPart(id=self._text_id, delta=item.text, provider_metadata=metadata))

    def _function_call_part(
        self, call: FunctionCall, metadata: ProviderMetadata | None, out: list[StreamPart]
    ) -> None:
        """A complete call, a call without arguments, or a piece of a call streamed as ``partialArgs``."""
        if call.partialArgs is not None or (call.name is not None and call.willContinue is True):
            if call.name is not None:
                active = _StreamedCall(
                    call.id or self._generate_id(), call.name, PartialArgsAccumulator(), metadata
                )
                self._streamed_calls.append(active)
                out.append(
                    ToolInputStartPart(
                        id=active.tool_call_id, tool_name=call.name, provider_metadata=metadata
                    )
                )
            elif self._streamed_calls:
                active = self._streamed_calls[-1]
            else:
                return
            if call.partialArgs is not None:
                delta = active.arguments.feed(call.partialArgs)
                if delta:
                    out.append(
                        ToolInputDeltaPart(id=active.tool_call_id, delta=delta, provider_metadata=metadata)
                    )
                if call.willContinue is not True and all(
                    arg.willContinue is not True for arg in call.partialArgs
                ):
                    self._finish_streamed_call(out)
        elif call.name is None and call.args is None and call.willContinue is None:
            if self._streamed_calls:  # the empty part that ends a streamed call
                self._finish_streamed_call(out)
        elif call.name is not None:
            self._complete_call(
                ToolCallContent(
                    tool_call_id=call.id or self._generate_id(),
                    tool_name=call.name,
                    input=tool_input(call.args),
                    provider_metadata=metadata,
                ),
                has_args=call.args is not None,
                out=out,
            )

    def _finish_streamed_call(self, out: list[StreamPart]) -> None:
        active = self._streamed_calls.pop()
        final, closing = active.arguments.finish()
        metadata = active.metadata
        if closing:
            out.append(ToolInputDeltaPart(id=active.tool_call_id, delta=closing, provider_metadata=metadata))
        out.append(ToolInputEndPart(id=active.tool_call_id, provider_metadata=metadata))
        out.append(
            ToolCallContent(
                tool_call_id=active.tool_call_id,
                tool_name=active.tool_name,
                input=final,
                provider_metadata=metadata,
            )
        )
        self._has_client_tool_calls = True

    def _complete_call(self, call: ToolCallContent, *, has_args: bool, out: list[StreamPart]) -> None:
        """A complete function call: tool-input start, its input as one delta (when sent), end, call."""
        metadata = call.provider_metadata
        out.append(
            ToolInputStartPart(id=call.tool_call_id, tool_name=call.tool_name, provider_metadata=metadata)
        )
        if has_args:
            out.append(ToolInputDeltaPart(id=call.tool_call_id, delta=call.input, provider_metadata=metadata))
        out.append(ToolInputEndPart(id=call.tool_call_id, provider_metadata=metadata))
        out.append(call)
        self._has_client_tool_calls = True

    def _next_block_id(self) -> str:
        block_id = str(self._block_counter)
        self._block_counter += 1
        return block_id

    def _end_text(self, out: list[StreamPart]) -> None:
        if self._text_id is not None:
            out.append(TextEndPart(id=self._text_id))
            self._text_id = None

    def _end_reasoning(self, out: list[StreamPart]) -> None:
        if self._reasoning_id is not None:
            out.append(ReasoningEndPart(id=self._reasoning_id))
            self._reasoning_id = None
