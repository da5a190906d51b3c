"""Pydantic models of the Anthropic Messages API wire format (responses, stream events, errors).

Every model tolerates fields it does not know, so new API fields never break parsing.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from pipeline._base import WireModel

__all__ = [
    "STREAM_EVENTS",
    "AnyBlock",
    "CompactionBlock",
    "ContentBlockDeltaEvent",
    "ContentBlockStartEvent",
    "ContentBlockStopEvent",
    "ErrorEvent",
    "MessageDeltaBody",
    "MessageDeltaEvent",
    "MessageStartEvent",
    "MessageStopEvent",
    "PingEvent",
    "RedactedThinkingBlock",
    "StreamEvent",
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "UnknownBlock",
    "WireError",
    "WireMessage",
    "WireUsage",
    "parse_block",
    "parse_error_body",
    "parse_stream_event",
]


class WireUsage(WireModel):
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    output_tokens_details: dict[str, Any] | None = None
    iterations: list[dict[str, Any]] | None = None


class TextBlock(WireModel):
    type: Literal["text"]
    text: str
    citations: list[dict[str, Any]] | None = None


class ThinkingBlock(WireModel):
    type: Literal["thinking"]
    thinking: str
    signature: str | None = None


class RedactedThinkingBlock(WireModel):
    type: Literal["redacted_thinking"]
    data: str


class ToolUseBlock(WireModel):
    type: Literal["tool_use"]
    id: str
    name: str
    input: Any = None
    caller: dict[str, Any] | None = None


class CompactionBlock(WireModel):
    """A summary of the earlier conversation (server-side compaction)."""

    type: Literal["compaction"]
    content: str = ""


class UnknownBlock(WireModel):
    """Any other block type (server tool blocks are read as plain dicts; unknown ones are skipped)."""

    type: str


AnyBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock | CompactionBlock | UnknownBlock
"""A response content block: one of the mapped types, or :class:`UnknownBlock`."""


class WireMessage(WireModel):
    """A complete ``message`` object (the non-streaming response, or ``message_start.message``)."""

    id: str | None = None
    model: str | None = None
    content: list[dict[str, Any]] = Field(default_factory=list)
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: WireUsage = Field(default_factory=WireUsage)
    container: dict[str, Any] | None = None
    context_management: dict[str, Any] | None = None
    stop_details: dict[str, Any] | None = None

    def blocks(self) -> list[AnyBlock]:
        """The content blocks as typed models (unknown block types kept as :class:`UnknownBlock`)."""
        return [parse_block(block) for block in self.content]


_BLOCK_MODELS: dict[str, type[WireModel]] = {
    "text": TextBlock,
    "thinking": ThinkingBlock,
    "redacted_thinking": RedactedThinkingBlock,
    "tool_use": ToolUseBlock,
    "compaction": CompactionBlock,
}


def parse_block(value: dict[str, Any]) -> AnyBlock:
    """One content block as its typed model (raises ``ValidationError`` when a known type is malformed)."""
    model = _BLOCK_MODELS.get(str(value.get("type")), UnknownBlock)
    block: AnyBlock = model.model_validate(value)  # type: ignore[assignment]
    return block


class MessageStartEvent(WireModel):
    type: Literal["message_start"]
    message: WireMessage


class ContentBlockStartEvent(WireModel):
    type: Literal["content_block_start"]
    index: int
    content_block: dict[str, Any]


class ContentBlockDeltaEvent(WireModel):
    type: Literal["content_block_delta"]
    index: int
    delta: dict[str, Any]


class ContentBlockStopEvent(WireModel):
    type: Literal["content_block_stop"]
    index: int


class MessageDeltaBody(WireModel):
    stop_reason: str | None = None
    stop_sequence: str | None = None
    container: dict[str, Any] | None = None
    stop_details: dict[str, Any] | None = None


class MessageDeltaEvent(WireModel):
    type: Literal["message_delta"]
    delta: MessageDeltaBody = Field(default_factory=MessageDeltaBody)
    usage: WireUsage = Field(default_factory=WireUsage)
    context_management: dict[str, Any] | None = None


class MessageStopEvent(WireModel):
    type: Literal["message_stop"]


class PingEvent(WireModel):
    type: Literal["ping"]


class WireError(WireModel):
    type: str
    message: str


class ErrorEvent(WireModel):
    type: Literal["error"]
    error: WireError


StreamEvent = Annotated[
    MessageStartEvent
    | ContentBlockStartEvent
    | ContentBlockDeltaEvent
    | ContentBlockStopEvent
    | MessageDeltaEvent
    | MessageStopEvent
    | PingEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
"""One Anthropic SSE event payload, discriminated on ``type``."""

STREAM_EVENTS: TypeAdapter[StreamEvent] = TypeAdapter(StreamEvent, config=ConfigDict(defer_build=True))
"""Validates one stream event (the union of every event type); built on the first stream's first event."""


def parse_stream_event(data: str) -> StreamEvent:
    """Parse one SSE ``data`` payload; raises ``ValueError`` on invalid JSON or an unknown shape."""
    return STREAM_EVENTS.validate_json(data)


class _ErrorBody(WireModel):
    type: Literal["error"]
    error: WireError


def parse_error_body(status: int, body: str) -> tuple[str, Any]:
    """Message and data of an error response: ``{"type": "error", "error": {"type", "message"}}``.

    Bodies of another shape fall back to a message built from the HTTP status.
    """
    try:
        parsed = _ErrorBody.model_validate(json.loads(body))
    except (ValueError, ValidationError):
        return (f"HTTP {status}", None)
    return (parsed.error.message, parsed.model_dump())
