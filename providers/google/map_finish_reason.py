"""Gemini ``finishReason`` -> unified finish reason (pure)."""

from __future__ import annotations

from pipeline.result import FinishReason

__all__ = ["map_google_finish_reason"]

_CONTENT_FILTER = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}
)


def map_google_finish_reason(raw: str | None, *, has_client_tool_calls: bool) -> FinishReason:
    """``STOP`` is ``tool-calls`` when the model called a client tool; unknown reasons are ``other``."""
    if raw == "STOP":
        return "tool-calls" if has_client_tool_calls else "stop"
    if raw == "MAX_TOKENS":
        return "length"
    if raw in _CONTENT_FILTER:
        return "content-filter"
    if raw == "MALFORMED_FUNCTION_CALL":
        return "error"
    return "other"
