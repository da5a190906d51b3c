"""Realistic OpenAI chat-completions wire replies for the loopback server (and MockTransport tests)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .server import JsonReply, SSEReply

__all__ = [
    "DEFAULT_CREATED",
    "DEFAULT_ID",
    "DEFAULT_MODEL",
    "chunk",
    "completion_body",
    "error_body",
    "error_reply",
    "stream_chunks",
    "stream_reply",
    "text_reply",
    "tool_call_reply",
    "usage",
]

DEFAULT_ID = "chatcmpl-loopback"
DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
DEFAULT_CREATED = 1711115037


def usage(
    prompt: int = 10,
    completion: int = 20,
    *,
    cached: int | None = None,
    cache_write: int | None = None,
    reasoning: int | None = None,
) -> dict[str, Any]:
    """A ``usage`` object (``total_tokens`` computed; details only when given)."""
    body: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    prompt_details = {
        key: value
        for key, value in (("cached_tokens", cached), ("cache_write_tokens", cache_write))
        if value is not None
    }
    if prompt_details:
        body["prompt_tokens_details"] = prompt_details
    if reasoning is not None:
        body["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return body


def completion_body(
    content: str | None = "Hello!",
    *,
    tool_calls: Sequence[tuple[str, str, Any]] = (),
    finish_reason: str = "stop",
    usage_body: dict[str, Any] | None = None,
    model: str = DEFAULT_MODEL,
    response_id: str = DEFAULT_ID,
    created: int = DEFAULT_CREATED,
) -> dict[str, Any]:
    """A ``chat.completion`` object; ``tool_calls`` are ``(id, name, arguments)`` (non-str → JSON)."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if tool_calls:
        message["tool_calls"] = [
            {
                "id": call_id,
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
                },
            }
            for call_id, name, arguments in tool_calls
        ]
    return {
        "id": response_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": usage_body if usage_body is not None else usage(),
        "system_fingerprint": "fp_loopback",
    }


def text_reply(text: str = "Hello!", **kwargs: Any) -> JsonReply:
    """A 200 reply holding one assistant text (keywords as for :func:`completion_body`)."""
    return JsonReply(completion_body(text, **kwargs))


def tool_call_reply(name: str, arguments: Any, *, call_id: str = "call_1", **kwargs: Any) -> JsonReply:
    """A 200 reply in which the model calls one tool (``finish_reason: tool_calls``, no text)."""
    kwargs.setdefault("finish_reason", "tool_calls")
    return JsonReply(completion_body(None, tool_calls=[(call_id, name, arguments)], **kwargs))


def error_body(
    message: str, *, error_type: str = "invalid_request_error", code: str | int | None = None
) -> dict[str, Any]:
    """An OpenAI error object: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def error_reply(
    status: int,
    message: str = "Something went wrong",
    *,
    error_type: str = "server_error",
    code: str | int | None = None,
    headers: dict[str, str] | None = None,
) -> JsonReply:
    """A non-2xx JSON error reply (add ``{"retry-after": "1"}`` etc. through ``headers``)."""
    return JsonReply(
        error_body(message, error_type=error_type, code=code), status=status, headers=dict(headers or {})
    )


def chunk(
    delta: dict[str, Any] | None = None,
    *,
    finish_reason: str | None = None,
    usage_body: dict[str, Any] | None = None,
    model: str = DEFAULT_MODEL,
    response_id: str = DEFAULT_ID,
    created: int = DEFAULT_CREATED,
) -> str:
    """One ``chat.completion.chunk`` as its JSON text; ``delta=None`` gives the usage-only chunk."""
    body: dict[str, Any] = {
        "id": response_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": "fp_loopback",
        "choices": []
        if delta is None
        else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }
    if usage_body is not None:
        body["usage"] = usage_body
    return json.dumps(body)


def stream_chunks(
    texts: Sequence[str] = ("Hel", "lo", "!"),
    *,
    tool_calls: Sequence[tuple[str, str, Sequence[str]]] = (),
    finish_reason: str | None = None,
    usage_body: dict[str, Any] | None = None,
    done: bool = True,
) -> list[str]:
    """The ``data`` payloads of a realistic stream: role chunk, text deltas, tool-call deltas
    (``(id, name, argument pieces)``), the finish chunk, the usage chunk and ``[DONE]``."""
    payloads = [chunk({"role": "assistant", "content": "" if texts or not tool_calls else None})]
    payloads += [chunk({"content": text}) for text in texts]
    for index, (call_id, name, pieces) in enumerate(tool_calls):
        start = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        payloads.append(chunk({"tool_calls": [start]}))
        payloads += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}) for piece in pieces
        ]
    payloads.append(chunk({}, finish_reason=finish_reason or ("tool_calls" if tool_calls else "stop")))
    payloads.append(chunk(None, usage_body=usage_body if usage_body is not None else usage()))
    if done:
        payloads.append("[DONE]")
    return payloads


def stream_reply(payloads: Sequence[str] | None = None, **kwargs: Any) -> SSEReply:
    """An event-stream reply of ``payloads`` (default :func:`stream_chunks`); keywords go to SSEReply."""
    return SSEReply(events=list(payloads if payloads is not None else stream_chunks()), **kwargs)
