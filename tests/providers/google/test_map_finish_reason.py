"""map_google_finish_reason: Gemini finishReason -> unified finish reason."""

from __future__ import annotations

import pytest

from providers.google.map_finish_reason import map_google_finish_reason


@pytest.mark.parametrize(
    ("raw", "tool_calls", "expected"),
    [
        ("STOP", False, "stop"),
        ("STOP", True, "tool-calls"),
        ("MAX_TOKENS", False, "length"),
        ("MAX_TOKENS", True, "length"),
        ("SAFETY", False, "content-filter"),
        ("RECITATION", False, "content-filter"),
        ("BLOCKLIST", False, "content-filter"),
        ("PROHIBITED_CONTENT", False, "content-filter"),
        ("SPII", False, "content-filter"),
        ("IMAGE_SAFETY", False, "content-filter"),
        ("MALFORMED_FUNCTION_CALL", False, "error"),
        ("FINISH_REASON_UNSPECIFIED", False, "other"),
        ("OTHER", False, "other"),
        ("SOMETHING_NEW", False, "other"),
        (None, False, "other"),
    ],
)
def test_finish_reason_mapping(raw: str | None, tool_calls: bool, expected: str) -> None:
    assert map_google_finish_reason(raw, has_client_tool_calls=tool_calls) == expected
