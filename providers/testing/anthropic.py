"""Realistic Anthropic Messages wire replies for the loopback server: message bodies, SSE events, errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .server import JsonReply, SSEReply

__all__ = [
    "error_body",
    "error_reply",
    "message_body",
    "stream_error_reply",
    "stream_events",
    "stream_reply",
    "text_reply",
    "thinking_stream_events",
    "tool_call_reply",
    "tool_call_stream_events",
    "usage",
]

DEFAULT_MODEL = "claude-sonnet-4-5-20250929"
DEFAULT_MESSAGE_ID = "msg_01XFDUDYJgAACzvnptvVoYEL"


def usage(
    input_tokens: int = 10,
    output_tokens: int = 20,
    *,
    cache_read: int | None = None,
    cache_write: int | None = None,
    thinking_tokens: int | None = None,
) -> dict[str, Any]:
    """A ``usage`` object; cache and thinking counts only when given."""
    value: dict[str, Any] = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    if cache_write is not None:
        value["cache_creation_input_tokens"] = cache_write
    if cache_read is not None:
        value["cache_read_input_tokens"] = cache_read
    if thinking_tokens is not None:
        value["output_tokens_details"] = {"thinking_tokens": thinking_tokens}
    return value


def message_body(
    content: Sequence[dict[str, Any]],
    *,
    stop_reason: str | None = "end_turn",
    stop_sequence: str | None = None,
    usage_value: dict[str, Any] | None = None,
    message_id: str = DEFAULT_MESSAGE_ID,
    model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """A complete ``message`` response holding ``content`` blocks."""
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": list(content),
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": usage_value if usage_value is not None else usage(),
    }


def text_reply(text: str, **fields: Any) -> JsonReply:
    """A 200 answer with one text block (``fields`` go to :func:`message_body`)."""
    return JsonReply(message_body([{"type": "text", "text": text}], **fields))


def tool_call_reply(
    name: str, tool_input: dict[str, Any], *, tool_id: str = "toolu_01A09q90qw90lq917835lq9", **fields: Any
) -> JsonReply:
    """A 200 answer with one ``tool_use`` block and ``stop_reason: tool_use``."""
    fields.setdefault("stop_reason", "tool_use")
    block = {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}
    return JsonReply(message_body([block], **fields))


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Anthropic's error shape: ``{"type": "error", "error": {"type", "message"}}``."""
    return {"type": "error", "error": {"type": error_type, "message": message}}


def error_reply(
    status: int, error_type: str, message: str, *, headers: dict[str, str] | None = None
) -> JsonReply:
    """A non-2xx answer with Anthropic's error body (e.g. ``429``, ``rate_limit_error``)."""
    return JsonReply(error_body(error_type, message), status=status, headers=headers or {})


def _event(payload: dict[str, Any]) -> tuple[str, str]:
    return (str(payload["type"]), json.dumps(payload, separators=(",", ":")))


def _message_start(message_id: str, model: str, input_tokens: int) -> dict[str, Any]:
    return {
        "type": "message_start",
        "message": {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": model,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 1},
        },
    }


def _message_end(stop_reason: str, output_tokens: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": output_tokens},
        },
        {"type": "message_stop"},
    ]


def stream_events(
    chunks: Sequence[str],
    *,
    stop_reason: str = "end_turn",
    input_tokens: int = 10,
    output_tokens: int = 20,
    message_id: str = DEFAULT_MESSAGE_ID,
    model: str = DEFAULT_MODEL,
) -> list[tuple[str, str]]:
    """The named SSE events of a streamed text answer: message_start, one text block, ping, end."""
    payloads: list[dict[str, Any]] = [
        _message_start(message_id, model, input_tokens),
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "ping"},
        *(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": chunk}}
            for chunk in chunks
        ),
        {"type": "content_block_stop", "index": 0},
        *_message_end(stop_reason, output_tokens),
    ]
    return [_event(payload) for payload in payloads]


def tool_call_stream_events(
    name: str,
    input_json_chunks: Sequence[str],
    *,
    tool_id: str = "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
    message_id: str = DEFAULT_MESSAGE_ID,
    model: str = DEFAULT_MODEL,
) -> list[tuple[str, str]]:
    """The SSE events of a streamed tool call whose input JSON arrives in ``input_json_chunks``."""
    payloads: list[dict[str, Any]] = [
        _message_start(message_id, model, 10),
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": tool_id, "name": name, "input": {}},
        },
        *(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": c},
            }
            for c in input_json_chunks
        ),
        {"type": "content_block_stop", "index": 0},
        *_message_end("tool_use", 30),
    ]
    return [_event(payload) for payload in payloads]


def thinking_stream_events(
    thinking: Sequence[str], signature: str, text: Sequence[str], *, model: str = DEFAULT_MODEL
) -> list[tuple[str, str]]:
    """The SSE events of a thinking block (deltas, then a signature) followed by a text block."""
    payloads: list[dict[str, Any]] = [
        _message_start(DEFAULT_MESSAGE_ID, model, 10),
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
        *(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": t}}
            for t in thinking
        ),
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": signature},
        },
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        *(
            {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": t}}
            for t in text
        ),
        {"type": "content_block_stop", "index": 1},
        *_message_end("end_turn", 40),
    ]
    return [_event(payload) for payload in payloads]


def stream_reply(chunks: Sequence[str], *, cut_after: int | None = None, **fields: Any) -> SSEReply:
    """A streamed text answer (``fields`` go to :func:`stream_events`); ``cut_after`` breaks it off."""
    return SSEReply(list(stream_events(chunks, **fields)), cut_after=cut_after)


def stream_error_reply(error_type: str = "overloaded_error", message: str = "Overloaded") -> SSEReply:
    """A 200 event stream whose first event is an ``error`` (how Anthropic reports overload mid-flight)."""
    return SSEReply([_event(error_body(error_type, message))])
