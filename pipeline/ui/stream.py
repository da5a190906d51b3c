"""A streamed call as the AI SDK's UI message stream: the chunks ``useChat`` reads.

Chunks are JSON-ready dicts in the AI SDK's spelling (``{"type": "text-delta", "id": "0", "delta":
"Hi"}``), so they serialize straight to the SSE wire (:mod:`pipeline.ui.sse`). One call becomes
``start``, then per step ``start-step`` ... ``finish-step``, then ``finish``; an error becomes an
``error`` chunk whose text leaks no secret.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Literal

import anyio

from .._base import ProviderMetadata
from ..errors import ModelPipeError
from ..redact import redact_text, scrub_value
from ..result import (
    FileContent,
    FinishReason,
    SourceContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
)
from ..stream import (
    ErrorPart,
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    StreamPart,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputStartPart,
    ToolOutputDeniedPart,
    error_part_exception,
)

if TYPE_CHECKING:
    from ..stream_text_result import StreamTextResult

__all__ = [
    "GENERIC_ERROR_TEXT",
    "ErrorText",
    "MessageMetadata",
    "UIMessageChunk",
    "default_error_text",
    "to_ui_message_chunk",
    "to_ui_message_stream",
]

UIMessageChunk = dict[str, Any]
"""One UI message chunk, a JSON-ready dict in the AI SDK's shape (``type`` first)."""
ErrorText = Callable[[object], str]
"""Turns an error (an exception, a provider's error payload or a tool's error text) into the text sent."""
MessageMetadata = Callable[[StreamPart | Literal["start", "finish"]], Any]
"""Called with ``"start"``, each stream part and ``"finish"``; a non-``None`` result is sent as the
message's metadata (on the ``start`` / ``finish`` chunk, else as a ``message-metadata`` chunk)."""

GENERIC_ERROR_TEXT = "An error occurred."


def default_error_text(error: object) -> str:
    """The library's own errors by their message (secrets are already redacted, and again here); any
    other exception or error payload as the AI SDK's generic text, which cannot leak anything."""
    if isinstance(error, ModelPipeError):
        return redact_text(f"{type(error).__name__}: {error.message}")
    return GENERIC_ERROR_TEXT


def _with_metadata(chunk: UIMessageChunk, metadata: ProviderMetadata | None) -> UIMessageChunk:
    if metadata is not None:
        chunk["providerMetadata"] = metadata
    return chunk


def _parsed_input(text: str) -> tuple[bool, Any]:
    """The tool input as JSON (blank input is ``{}``); ``(False, text)`` when it does not parse."""
    if not text.strip():
        return True, {}
    try:
        return True, json.loads(text)
    except json.JSONDecodeError:
        return False, text


def _file_url(part: FileContent) -> str:
    data = part.data
    if isinstance(data, bytes):
        return f"data:{part.media_type};base64,{base64.b64encode(data).decode('ascii')}"
    text = str(data)
    if text.startswith(("http://", "https://", "data:")):
        return text
    return f"data:{part.media_type};base64,{text}"  # base64 text


def _tool_call_chunk(part: ToolCallContent, on_error: ErrorText) -> UIMessageChunk:
    valid, value = _parsed_input(part.input)
    chunk: UIMessageChunk = {
        "type": "tool-input-available" if valid else "tool-input-error",
        "toolCallId": part.tool_call_id,
        "toolName": part.tool_name,
        "input": value,
    }
    if part.provider_executed is not None:
        chunk["providerExecuted"] = part.provider_executed
    if not valid:
        chunk["errorText"] = on_error(f"tool {part.tool_name!r} was called with input that is not JSON")
    return _with_metadata(chunk, part.provider_metadata)


def _tool_result_chunk(part: ToolResultContent, on_error: ErrorText) -> UIMessageChunk:
    chunk: UIMessageChunk = {"type": "tool-output-available", "toolCallId": part.tool_call_id}
    if part.is_error:
        text = part.result if isinstance(part.result, str) else json.dumps(part.result)
        chunk = {"type": "tool-output-error", "toolCallId": part.tool_call_id, "errorText": on_error(text)}
    else:
        chunk["output"] = scrub_value(part.result)
    if part.provider_executed is not None:
        chunk["providerExecuted"] = part.provider_executed
    return _with_metadata(chunk, part.provider_metadata)


def _source_chunk(part: SourceContent) -> UIMessageChunk:
    if part.source_type == "url":
        chunk: UIMessageChunk = {"type": "source-url", "sourceId": part.id, "url": part.url or ""}
        if part.title is not None:
            chunk["title"] = part.title
        return _with_metadata(chunk, part.provider_metadata)
    chunk = {
        "type": "source-document",
        "sourceId": part.id,
        "mediaType": part.media_type or "application/octet-stream",
        "title": part.title or part.filename or part.id,
    }
    if part.filename is not None:
        chunk["filename"] = part.filename
    return _with_metadata(chunk, part.provider_metadata)


def to_ui_message_chunk(
    part: StreamPart, *, send_reasoning: bool = True, send_sources: bool = False, on_error: ErrorText
) -> UIMessageChunk | None:
    """The UI message chunk for one stream part (``None`` for parts the protocol does not carry).

    A step's ``stream-start`` is ``start-step`` and its ``finish`` is ``finish-step``; the message's
    own ``start`` / ``finish`` are added by :func:`to_ui_message_stream`.
    """
    match part:
        case TextDeltaPart() | ReasoningDeltaPart():
            if isinstance(part, ReasoningDeltaPart) and not send_reasoning:
                return None
            return _with_metadata(
                {"type": part.type, "id": part.id, "delta": part.delta}, part.provider_metadata
            )
        case TextStartPart() | TextEndPart():
            return _with_metadata({"type": part.type, "id": part.id}, part.provider_metadata)
        case ReasoningStartPart() | ReasoningEndPart():
            if not send_reasoning:
                return None
            return _with_metadata({"type": part.type, "id": part.id}, part.provider_metadata)
        case StreamStartPart():
            return {"type": "start-step"}
        case FinishPart():
            return {"type": "finish-step"}
        case ToolInputStartPart():
            chunk: UIMessageChunk = {
                "type": "tool-input-start",
                "toolCallId": part.id,
                "toolName": part.tool_name,
            }
            if part.provider_executed is not None:
                chunk["providerExecuted"] = part.provider_executed
            return _with_metadata(chunk, part.provider_metadata)
        case ToolInputDeltaPart():
            return {"type": "tool-input-delta", "toolCallId": part.id, "inputTextDelta": part.delta}
        case ToolCallContent():
            return _tool_call_chunk(part, on_error)
        case ToolResultContent():
            return _tool_result_chunk(part, on_error)
        case ToolApprovalRequestContent():
            return {
                "type": "tool-approval-request",
                "approvalId": part.approval_id,
                "toolCallId": part.tool_call_id,
            }
        case ToolOutputDeniedPart():
            return {"type": "tool-output-denied", "toolCallId": part.tool_call_id}
        case FileContent():
            chunk = {"type": "file", "url": _file_url(part), "mediaType": part.media_type}
            return _with_metadata(chunk, part.provider_metadata)
        case SourceContent():
            return _source_chunk(part) if send_sources else None
        case ErrorPart():
            return {"type": "error", "errorText": on_error(error_part_exception(part.error))}
    return None  # response-metadata, tool-input-end, raw


async def to_ui_message_stream(
    result: StreamTextResult,
    *,
    message_id: str | None = None,
    send_reasoning: bool = True,
    send_sources: bool = False,
    send_start: bool = True,
    send_finish: bool = True,
    message_metadata: MessageMetadata | None = None,
    on_error: ErrorText = default_error_text,
) -> AsyncIterator[UIMessageChunk]:
    """The UI message chunks of a ``stream_text`` call (see the module docstring).

    ``message_id`` goes on the ``start`` chunk (the id ``useChat`` gives the assistant message).
    ``on_error`` makes the text of ``error`` / ``tool-output-error`` / ``tool-input-error`` chunks
    (default :func:`default_error_text`). An exception ends the stream with an ``error`` chunk and
    no ``finish``. Closing this iterator early (a client that went away) closes the call underneath:
    the model request is cancelled and nothing is cached.
    """
    finish_reason: FinishReason | None = None
    try:
        if send_start:
            start: UIMessageChunk = {"type": "start"}
            if message_id is not None:
                start["messageId"] = message_id
            metadata = message_metadata("start") if message_metadata else None
            if metadata is not None:
                start["messageMetadata"] = metadata
            yield start
        try:
            async for part in result.full_stream:
                if isinstance(part, FinishPart):
                    finish_reason = part.finish_reason
                chunk = to_ui_message_chunk(
                    part, send_reasoning=send_reasoning, send_sources=send_sources, on_error=on_error
                )
                if chunk is not None:
                    yield chunk
                metadata = message_metadata(part) if message_metadata else None
                if metadata is not None:
                    yield {"type": "message-metadata", "messageMetadata": metadata}
        except Exception as error:  # sent to the client as the protocol says, not raised into the server
            yield {"type": "error", "errorText": on_error(error)}
            return
        if send_finish:
            finish: UIMessageChunk = {"type": "finish"}
            if finish_reason is not None:
                finish["finishReason"] = finish_reason
            metadata = message_metadata("finish") if message_metadata else None
            if metadata is not None:
                finish["messageMetadata"] = metadata
            yield finish
    finally:
        with anyio.CancelScope(shield=True):  # also when the reader was cancelled (a client went away)
            await result.aclose()
