"""What a replay compares: one summary shape, built from an AI SDK snapshot or from our result.

A summary holds text, reasoning, tool calls (name, input JSON text, provider-executed), streamed tool
input, tool results, sources, finish reason (unified and raw), usage in the AI SDK's nested shape, the
key provider metadata (the provider's entry, whatever its key: ``google`` here, ``vertex`` upstream),
the thought signatures in the order the parts carry them, the response id and, for streams, the
sequence of part types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.result import GenerateResult, Usage
from pipeline.stream import StreamPart

__all__ = [
    "FIELDS",
    "differences",
    "from_aisdk_generate",
    "from_aisdk_stream",
    "from_generate",
    "from_stream",
]

FIELDS = (
    "text",
    "reasoning",
    "tool_calls",
    "tool_input_deltas",
    "tool_results",
    "sources",
    "finish",
    "usage",
    "provider_metadata",
    "signatures",
    "response_id",
    "part_types",
)

_SKIPPED_TYPES = {"raw"}


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The compared fields whose values differ: ``{field: (ours, the AI SDK's)}``."""
    return {
        name: (ours.get(name), theirs.get(name))
        for name in FIELDS
        if name in theirs and ours.get(name) != theirs.get(name)
    }


# --- the AI SDK's side ----------------------------------------------------------------------------


def from_aisdk_generate(result: dict[str, Any]) -> dict[str, Any]:
    """A ``doGenerate`` snapshot (content, finishReason, usage, providerMetadata, response)."""
    content = result.get("content", [])
    return {
        **_content_summary(content, text_key="text"),
        "finish": _aisdk_finish(result.get("finishReason")),
        "usage": _aisdk_usage(result.get("usage")),
        "provider_metadata": _provider_entry(result.get("providerMetadata")),
        "signatures": _signatures(content),
        "response_id": (result.get("response") or {}).get("id"),
    }


def from_aisdk_stream(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``doStream`` snapshot: the list of stream parts."""
    finish = next((part for part in parts if part["type"] == "finish"), {})
    metadata = next((part for part in parts if part["type"] == "response-metadata"), {})
    return {
        **_stream_content_summary(parts),
        "finish": _aisdk_finish(finish.get("finishReason")),
        "usage": _aisdk_usage(finish.get("usage")),
        "provider_metadata": _provider_entry(finish.get("providerMetadata")),
        "signatures": _signatures(parts),
        "response_id": metadata.get("id"),
        "part_types": [part["type"] for part in parts if part["type"] not in _SKIPPED_TYPES],
    }


def _aisdk_finish(reason: Any) -> dict[str, Any] | None:
    if reason is None:
        return None
    if isinstance(reason, str):
        return {"unified": reason, "raw": None}
    return {"unified": reason.get("unified"), "raw": reason.get("raw")}


def _aisdk_usage(usage: dict[str, Any] | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    inputs, outputs = usage.get("inputTokens") or {}, usage.get("outputTokens") or {}
    return {
        "input": {key: inputs.get(key) for key in ("total", "noCache", "cacheRead", "cacheWrite")},
        "output": {key: outputs.get(key) for key in ("total", "text", "reasoning")},
    }


# --- our side -------------------------------------------------------------------------------------


def from_generate(result: GenerateResult) -> dict[str, Any]:
    """Our ``do_generate`` result."""
    content = [part.to_json_dict() for part in result.content]
    return {
        **_content_summary(content, text_key="text"),
        "finish": {"unified": result.finish_reason, "raw": result.raw_finish_reason},
        "usage": _usage(result.usage),
        "provider_metadata": _provider_entry(result.provider_metadata),
        "signatures": _signatures(content),
        "response_id": result.response.id,
    }


def from_stream(parts: Iterable[StreamPart]) -> dict[str, Any]:
    """Our ``do_stream`` parts."""
    data = [part.to_json_dict() for part in parts]
    finish = next((part for part in data if part["type"] == "finish"), {})
    metadata = next((part for part in data if part["type"] == "response-metadata"), {})
    usage = next((part.usage for part in parts if part.type == "finish"), None)  # type: ignore[union-attr]
    return {
        **_stream_content_summary(data),
        "finish": {"unified": finish.get("finishReason"), "raw": finish.get("rawFinishReason")},
        "usage": _usage(usage) if usage is not None else None,
        "provider_metadata": _provider_entry(finish.get("providerMetadata")),
        "signatures": _signatures(data),
        "response_id": metadata.get("id"),
        "part_types": [part["type"] for part in data if part["type"] not in _SKIPPED_TYPES],
    }


def _usage(usage: Usage) -> dict[str, Any]:
    inputs, outputs = usage.input_token_details, usage.output_token_details
    return {
        "input": {
            "total": usage.input_tokens,
            "noCache": inputs.no_cache_tokens,
            "cacheRead": inputs.cache_read_tokens,
            "cacheWrite": inputs.cache_write_tokens,
        },
        "output": {
            "total": usage.output_tokens,
            "text": outputs.text_tokens,
            "reasoning": outputs.reasoning_tokens,
        },
    }


# --- shared ---------------------------------------------------------------------------------------


def _content_summary(content: list[dict[str, Any]], *, text_key: str) -> dict[str, Any]:
    return {
        "text": "".join(part[text_key] for part in content if part["type"] == "text"),
        "reasoning": "".join(part[text_key] for part in content if part["type"] == "reasoning"),
        "tool_calls": [_tool_call(part) for part in content if part["type"] == "tool-call"],
        "tool_results": [_tool_result(part) for part in content if part["type"] == "tool-result"],
        "sources": [_source(part) for part in content if part["type"] == "source"],
    }


def _stream_content_summary(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "text": "".join(part["delta"] for part in parts if part["type"] == "text-delta"),
        "reasoning": "".join(part["delta"] for part in parts if part["type"] == "reasoning-delta"),
        "tool_calls": [_tool_call(part) for part in parts if part["type"] == "tool-call"],
        "tool_input_deltas": "".join(part["delta"] for part in parts if part["type"] == "tool-input-delta"),
        "tool_results": [_tool_result(part) for part in parts if part["type"] == "tool-result"],
        "sources": [_source(part) for part in parts if part["type"] == "source"],
    }


def _tool_call(part: dict[str, Any]) -> dict[str, Any]:
    """Name, input (the JSON text exactly as produced) and whether the provider ran it."""
    return {
        "toolName": part.get("toolName"),
        "input": part.get("input"),
        "providerExecuted": bool(part.get("providerExecuted")),
    }


def _tool_result(part: dict[str, Any]) -> dict[str, Any]:
    return {"toolName": part.get("toolName"), "result": part.get("result")}


def _source(part: dict[str, Any]) -> dict[str, Any]:
    return {"sourceType": part.get("sourceType"), "url": part.get("url"), "title": part.get("title")}


def _provider_entry(metadata: dict[str, Any] | None) -> Any:
    """The provider's metadata entry (the first key's value: one provider, named differently); an
    empty entry counts as none (we always key an entry by the provider, the AI SDK may send none)."""
    if not metadata:
        return None
    return next(iter(metadata.values())) or None


def _signatures(parts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(part type, thought signature)`` for every part that carries one, in order."""
    found = []
    for part in parts:
        entry = _provider_entry(part.get("providerMetadata"))
        if isinstance(entry, dict) and entry.get("thoughtSignature"):
            found.append((part["type"], entry["thoughtSignature"]))
    return found
