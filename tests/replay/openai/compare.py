"""Our results in the AI SDK's shape, so they compare with its snapshots.

Our content and stream parts become the AI SDK's camelCase objects. The comparison covers every part and
field both libraries have; what we do not represent is listed in :data:`NOT_COMPARED` with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.result import GenerateResult, Usage

from .snapshot import UNDEFINED

__all__ = ["NOT_COMPARED", "ai_sdk_view", "expected_result_view", "expected_view", "result_view"]

NOT_COMPARED: dict[str, str] = {
    "tool-result.providerExecuted": (
        "our tool results of provider tools carry provider_executed=True (the step's response messages put "
        "them in the assistant message by it); the AI SDK leaves it implied by the call"
    ),
    "tool-call.dynamic": "MCP calls are dynamic tools in the AI SDK; our tool calls have no dynamic flag",
    "raw": "raw chunks are only sent with include_raw_chunks",
}
"""Fields and parts the comparison leaves out, each with why."""

_KEYS = {
    "tool_call_id": "toolCallId",
    "tool_name": "toolName",
    "provider_executed": "providerExecuted",
    "provider_metadata": "providerMetadata",
    "source_type": "sourceType",
    "media_type": "mediaType",
    "model_id": "modelId",
    "finish_reason": "finishReason",
    "is_error": "isError",
}


def ai_sdk_view(part: Any) -> dict[str, Any]:
    """One of our content or stream parts as the AI SDK writes it."""
    data = part.model_dump(exclude_none=True)
    view: dict[str, Any] = {}
    for key, value in data.items():
        if key == "usage":
            view["usage"] = _usage(part.usage)
        elif key in ("finish_reason", "raw_finish_reason", "finishReason", "rawFinishReason"):
            continue
        elif key == "warnings":
            view["warnings"] = [_warning(item) for item in value]
        else:
            view[_KEYS.get(key, key)] = value
    if part.type == "finish":
        view["finishReason"] = _without_none({"unified": part.finish_reason, "raw": part.raw_finish_reason})
    if part.type == "tool-result":
        view.pop("providerExecuted", None)
    return view


def result_view(result: GenerateResult) -> dict[str, Any]:
    """The compared fields of a whole ``doGenerate`` result, as the AI SDK writes them."""
    return {
        "content": [ai_sdk_view(part) for part in result.content],
        "finishReason": _without_none({"unified": result.finish_reason, "raw": result.raw_finish_reason}),
        "usage": _usage(result.usage),
        "providerMetadata": result.provider_metadata,
        "warnings": [_warning(warning.model_dump()) for warning in result.warnings],
    }


def expected_result_view(expected: dict[str, Any]) -> dict[str, Any]:
    """The same fields of a whole-result snapshot."""
    view = _defined(expected)
    return {
        "content": [expected_view(part) for part in expected["content"]],
        "finishReason": view["finishReason"],
        "usage": {key: _without_none(view["usage"][key]) for key in ("inputTokens", "outputTokens")},
        "providerMetadata": view["providerMetadata"],
        "warnings": view["warnings"],
    }


def _usage(usage: Usage) -> dict[str, Any]:
    inputs, outputs = usage.input_token_details, usage.output_token_details
    return {
        "inputTokens": _without_none(
            {
                "total": usage.input_tokens,
                "noCache": inputs.no_cache_tokens,
                "cacheRead": inputs.cache_read_tokens,
                "cacheWrite": inputs.cache_write_tokens,
            }
        ),
        "outputTokens": _without_none(
            {
                "total": usage.output_tokens,
                "text": outputs.text_tokens,
                "reasoning": outputs.reasoning_tokens,
            }
        ),
    }


def _without_none(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}


def _warning(warning: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in warning.items() if value is not None}


def expected_view(part: dict[str, Any]) -> dict[str, Any]:
    """A snapshot part without ``undefined`` members and the fields in :data:`NOT_COMPARED`."""
    view = _defined(part)
    if view.get("type") == "tool-result":
        view.pop("providerExecuted", None)
    if view.get("type") == "tool-call":
        view.pop("dynamic", None)
    if view.get("type") == "finish":
        view["usage"] = {key: _without_none(view["usage"][key]) for key in ("inputTokens", "outputTokens")}
    return view


def _defined(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _defined(item) for key, item in value.items() if item is not UNDEFINED}
    if isinstance(value, list):
        return [_defined(item) for item in value]
    return value


def same_timestamps(view: dict[str, Any]) -> dict[str, Any]:
    """Datetimes compared by their instant."""
    return {key: value.timestamp() if isinstance(value, datetime) else value for key, value in view.items()}
