"""AI Gateway wire replies for the loopback server: generate results and stream parts in the AI SDK's
model interface (``LanguageModelV4``) as JSON, and the gateway's error bodies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .server import JsonReply, SSEReply

__all__ = [
    "embedding_reply",
    "error_body",
    "error_reply",
    "finish_part",
    "generate_body",
    "stream_error_reply",
    "stream_reply",
    "text_reply",
    "text_stream_parts",
    "usage",
]


def usage(
    input_tokens: int = 10,
    output_tokens: int = 20,
    *,
    cache_read: int | None = None,
    reasoning: int | None = None,
) -> dict[str, Any]:
    """The interface's nested usage: ``{inputTokens: {total, noCache, cacheRead, ...}, outputTokens}``."""
    return {
        "inputTokens": {
            "total": input_tokens,
            "noCache": input_tokens - (cache_read or 0),
            "cacheRead": cache_read,
            "cacheWrite": None,
        },
        "outputTokens": {
            "total": output_tokens,
            "text": output_tokens - (reasoning or 0),
            "reasoning": reasoning,
        },
    }


def generate_body(
    content: Sequence[dict[str, Any]],
    *,
    finish_reason: str = "stop",
    raw_finish_reason: str | None = "stop",
    usage_value: dict[str, Any] | None = None,
    provider_metadata: dict[str, Any] | None = None,
    model_id: str = "gpt-4o-2024-08-06",
    warnings: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A generate result as the gateway answers it."""
    body: dict[str, Any] = {
        "content": list(content),
        "finishReason": {"unified": finish_reason, "raw": raw_finish_reason},
        "usage": usage_value if usage_value is not None else usage(),
        "warnings": list(warnings),
        "response": {"id": "gen_01JX", "timestamp": "2026-12-03T07:00:00.000Z", "modelId": model_id},
    }
    if provider_metadata is not None:
        body["providerMetadata"] = provider_metadata
    return body


def text_reply(text: str, **fields: Any) -> JsonReply:
    """A generate answer holding one text part."""
    return JsonReply(generate_body([{"type": "text", "text": text}], **fields))


def finish_part(finish_reason: str = "stop", **usage_fields: Any) -> dict[str, Any]:
    """The closing ``finish`` stream part."""
    return {
        "type": "finish",
        "finishReason": {"unified": finish_reason, "raw": finish_reason},
        "usage": usage(**usage_fields),
    }


def text_stream_parts(chunks: Sequence[str], *, model_id: str = "gpt-4o-2024-08-06") -> list[dict[str, Any]]:
    """The stream parts of a streamed text answer: start, metadata, one text block, finish."""
    return [
        {"type": "stream-start", "warnings": []},
        {
            "type": "response-metadata",
            "id": "gen_01JX",
            "modelId": model_id,
            "timestamp": "2026-12-03T07:00:00.000Z",
        },
        {"type": "text-start", "id": "txt-0"},
        *({"type": "text-delta", "id": "txt-0", "delta": chunk} for chunk in chunks),
        {"type": "text-end", "id": "txt-0"},
        finish_part(),
    ]


def stream_reply(parts: Sequence[dict[str, Any]], *, cut_after: int | None = None) -> SSEReply:
    """An event stream of ``parts``, one ``data:`` payload each; ``cut_after`` breaks it off."""
    return SSEReply([json.dumps(part) for part in parts], cut_after=cut_after)


def error_body(error_type: str, message: str, **fields: Any) -> dict[str, Any]:
    """The gateway's error body: ``{"error": {"message", "type", ...}, "generationId"}``."""
    return {"error": {"message": message, "type": error_type, **fields}, "generationId": "gen_err_01"}


def error_reply(status: int, error_type: str, message: str, **fields: Any) -> JsonReply:
    """An error answer with ``status``."""
    return JsonReply(error_body(error_type, message, **fields), status=status)


def stream_error_reply(
    error_type: str = "rate_limit_exceeded", message: str = "Rate limit exceeded"
) -> SSEReply:
    """A 200 event stream whose first part is an ``error`` part (a failure after the stream opened)."""
    return SSEReply([json.dumps({"type": "error", "error": {"type": error_type, "message": message}})])


def embedding_reply(embeddings: Sequence[Sequence[float]], tokens: int = 8) -> JsonReply:
    """An embedding answer: ``{embeddings, usage: {tokens}}``."""
    return JsonReply({"embeddings": [list(vector) for vector in embeddings], "usage": {"tokens": tokens}})
