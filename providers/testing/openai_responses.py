"""Realistic OpenAI Responses API wire replies (``POST /responses``) for the loopback server."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .server import JsonReply, SSEReply

__all__ = [
    "DEFAULT_CREATED",
    "DEFAULT_ID",
    "DEFAULT_MODEL",
    "function_call_item",
    "message_item",
    "response_body",
    "stream_events",
    "stream_reply",
    "text_reply",
    "tool_call_reply",
    "usage",
]

DEFAULT_ID = "resp_loopback"
DEFAULT_MODEL = "gpt-4o-2024-08-06"
DEFAULT_CREATED = 1741269019


def usage(
    input_tokens: int = 10, output_tokens: int = 20, *, cached: int = 0, reasoning: int = 0
) -> dict[str, Any]:
    """A Responses ``usage`` object."""
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": input_tokens + output_tokens,
    }


def message_item(
    text: str, *, item_id: str = "msg_loopback", annotations: Sequence[Any] = ()
) -> dict[str, Any]:
    """An assistant ``message`` output item with one ``output_text`` part."""
    return {
        "id": item_id,
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": list(annotations), "logprobs": []}],
    }


def function_call_item(
    name: str, arguments: Any, *, call_id: str = "call_1", item_id: str = "fc_1"
) -> dict[str, Any]:
    """A ``function_call`` output item (``arguments`` given as a value is sent as its JSON text)."""
    return {
        "id": item_id,
        "type": "function_call",
        "status": "completed",
        "call_id": call_id,
        "name": name,
        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
    }


def response_body(
    output: Sequence[dict[str, Any]],
    *,
    response_id: str = DEFAULT_ID,
    model: str = DEFAULT_MODEL,
    usage_body: dict[str, Any] | None = None,
    status: str = "completed",
    incomplete_reason: str | None = None,
) -> dict[str, Any]:
    """A complete ``response`` object."""
    return {
        "id": response_id,
        "object": "response",
        "created_at": DEFAULT_CREATED,
        "status": status,
        "error": None,
        "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
        "model": model,
        "output": list(output),
        "parallel_tool_calls": True,
        "service_tier": "default",
        "store": True,
        "usage": usage_body if usage_body is not None else usage(),
    }


def text_reply(text: str = "Hello!", **kwargs: Any) -> JsonReply:
    """A JSON reply with one assistant message."""
    return JsonReply(response_body([message_item(text)], **kwargs))


def tool_call_reply(name: str, arguments: Any, *, call_id: str = "call_1", **kwargs: Any) -> JsonReply:
    """A JSON reply with one function call."""
    return JsonReply(response_body([function_call_item(name, arguments, call_id=call_id)], **kwargs))


def stream_events(
    texts: Sequence[str] = ("Hel", "lo", "!"), *, item_id: str = "msg_loopback", **kwargs: Any
) -> list[str]:
    """The ``data`` payloads of a streamed text answer: created, item added, text deltas, item done,
    completed (each with its ``sequence_number``)."""
    final = response_body([message_item("".join(texts), item_id=item_id)], **kwargs)
    started = {**final, "status": "in_progress", "output": [], "usage": None}
    opened = {**message_item("", item_id=item_id), "status": "in_progress", "content": []}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": started},
        {"type": "response.in_progress", "response": started},
        {"type": "response.output_item.added", "output_index": 0, "item": opened},
    ]
    events += [
        {
            "type": "response.output_text.delta",
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
            "delta": text,
        }
        for text in texts
    ]
    events += [
        {"type": "response.output_item.done", "output_index": 0, "item": final["output"][0]},
        {"type": "response.completed", "response": final},
    ]
    return [json.dumps({**event, "sequence_number": number}) for number, event in enumerate(events)]


def stream_reply(payloads: Sequence[str] | None = None, **kwargs: Any) -> SSEReply:
    """An event-stream reply of ``payloads`` (default :func:`stream_events`); keywords go to SSEReply."""
    return SSEReply(events=list(payloads if payloads is not None else stream_events()), **kwargs)
