"""OpenAI ``finish_reason`` → the unified finish reason."""

from __future__ import annotations

from pipeline.result import FinishReason

__all__ = ["map_openai_finish_reason"]

_UNIFIED: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content-filter",
    "function_call": "tool-calls",
    "tool_calls": "tool-calls",
}


def map_openai_finish_reason(raw: str | None) -> FinishReason:
    """Known reasons map one to one; anything else (or none) is ``"other"``.

    A ``stop`` finish that carries tool calls stays ``stop``, as the AI SDK does.
    """
    return _UNIFIED.get(raw or "", "other")
