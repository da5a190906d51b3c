"""providers/anthropic/map_finish_reason.py: stop_reason to the unified finish reason."""

from __future__ import annotations

import pytest

from providers.anthropic.map_finish_reason import map_stop_reason


@pytest.mark.parametrize(
    ("stop_reason", "unified"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("pause_turn", "stop"),
        ("tool_use", "tool-calls"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("refusal", "content-filter"),
        ("compaction", "other"),
        ("something_new", "other"),
        (None, "other"),
    ],
)
def test_stop_reasons_map_to_unified_finish_reasons(stop_reason: str | None, unified: str) -> None:
    assert map_stop_reason(stop_reason) == unified


def test_tool_use_of_the_json_response_tool_is_a_plain_stop() -> None:
    assert map_stop_reason("tool_use", json_response_tool=True) == "stop"
    assert map_stop_reason("max_tokens", json_response_tool=True) == "length"
