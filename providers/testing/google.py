"""Realistic Gemini wire replies for the loopback server: generateContent bodies, SSE chunks, errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .server import JsonReply, SSEReply

__all__ = [
    "chunks_reply",
    "error_body",
    "error_reply",
    "response_body",
    "stream_chunks",
    "stream_reply",
    "text_reply",
    "tool_call_reply",
    "usage_metadata",
]

DEFAULT_MODEL_VERSION = "gemini-2.5-flash"


def usage_metadata(
    prompt: int = 10, candidates: int = 20, *, thoughts: int | None = None, cached: int | None = None
) -> dict[str, Any]:
    """A ``usageMetadata`` object (``totalTokenCount`` computed)."""
    usage: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + (thoughts or 0),
    }
    if thoughts is not None:
        usage["thoughtsTokenCount"] = thoughts
    if cached is not None:
        usage["cachedContentTokenCount"] = cached
    return usage


def response_body(
    parts: Sequence[dict[str, Any]],
    *,
    finish_reason: str | None = "STOP",
    usage: dict[str, Any] | None = None,
    response_id: str = "resp-google-1",
    model_version: str = DEFAULT_MODEL_VERSION,
    **candidate_fields: Any,
) -> dict[str, Any]:
    """A ``generateContent`` response with one candidate holding ``parts``."""
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish_reason is not None:
        candidate["finishReason"] = finish_reason
    candidate.update(candidate_fields)
    return {
        "candidates": [candidate],
        "usageMetadata": usage if usage is not None else usage_metadata(),
        "modelVersion": model_version,
        "responseId": response_id,
    }


def text_reply(text: str, **options: Any) -> JsonReply:
    """A 200 reply whose model answer is ``text``."""
    return JsonReply(response_body([{"text": text}], **options))


def tool_call_reply(
    name: str, args: dict[str, Any], *, call_id: str | None = None, **options: Any
) -> JsonReply:
    """A 200 reply in which the model calls function ``name`` with ``args``."""
    call: dict[str, Any] = {"name": name, "args": args}
    if call_id is not None:
        call["id"] = call_id
    return JsonReply(response_body([{"functionCall": call}], **options))


def stream_chunks(
    text_chunks: Sequence[str],
    *,
    finish_reason: str = "STOP",
    usage: dict[str, Any] | None = None,
    response_id: str = "resp-google-1",
    model_version: str = DEFAULT_MODEL_VERSION,
) -> list[dict[str, Any]]:
    """The SSE chunk objects of a streamed text answer; the last chunk carries the finish reason and usage."""
    chunks: list[dict[str, Any]] = []
    for index, text in enumerate(text_chunks):
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
        chunk: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": model_version,
            "responseId": response_id,
        }
        if index == len(text_chunks) - 1:
            candidate["finishReason"] = finish_reason
            chunk["usageMetadata"] = usage if usage is not None else usage_metadata()
        chunks.append(chunk)
    return chunks


def chunks_reply(
    chunks: Sequence[dict[str, Any] | str], *, cut_after: int | None = None, event_delay: float = 0.0
) -> SSEReply:
    """An SSE reply sending each chunk as one ``data:`` event (strings are sent verbatim)."""
    events: list[str | tuple[str | None, str] | bytes] = [
        chunk if isinstance(chunk, str) else json.dumps(chunk) for chunk in chunks
    ]
    return SSEReply(events=events, cut_after=cut_after, event_delay=event_delay)


def stream_reply(
    text_chunks: Sequence[str], *, cut_after: int | None = None, event_delay: float = 0.0, **options: Any
) -> SSEReply:
    """A streamed text answer (see :func:`stream_chunks`)."""
    return chunks_reply(stream_chunks(text_chunks, **options), cut_after=cut_after, event_delay=event_delay)


def error_body(code: int, message: str, status: str) -> dict[str, Any]:
    """Gemini's error shape: ``{"error": {"code", "message", "status"}}``."""
    return {"error": {"code": code, "message": message, "status": status}}


def error_reply(
    code: int = 429,
    message: str = "Resource has been exhausted (e.g. check quota).",
    status: str = "RESOURCE_EXHAUSTED",
    *,
    headers: dict[str, str] | None = None,
) -> JsonReply:
    """An HTTP error reply with Gemini's error body."""
    return JsonReply(error_body(code, message, status), status=code, headers=headers or {})
