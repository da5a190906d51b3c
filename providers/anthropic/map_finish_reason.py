"""Anthropic ``stop_reason`` to the unified finish reason."""

from __future__ import annotations

from pipeline.result import FinishReason

__all__ = ["map_stop_reason"]

_UNIFIED: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "tool_use": "tool-calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content-filter",
}


def map_stop_reason(stop_reason: str | None, *, json_response_tool: bool = False) -> FinishReason:
    """The unified finish reason; a ``tool_use`` stop of the synthetic ``json`` tool is a plain stop."""
    if stop_reason == "tool_use" and json_response_tool:
        return "stop"
    if stop_reason is None:
        return "other"
    return _UNIFIED.get(stop_reason, "other")
