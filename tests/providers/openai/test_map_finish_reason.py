import pytest

from providers.openai.map_finish_reason import map_openai_finish_reason


@pytest.mark.parametrize(
    ("raw", "unified"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("content_filter", "content-filter"),
        ("tool_calls", "tool-calls"),
        ("function_call", "tool-calls"),
        ("eos", "other"),
        (None, "other"),
    ],
)
def test_finish_reasons_map_to_unified_values(raw: str | None, unified: str) -> None:
    assert map_openai_finish_reason(raw) == unified
