"""resolve_thinking_config: the top-level reasoning level -> thinkingConfig."""

from __future__ import annotations

from typing import Any

import pytest

from providers.google.reasoning import resolve_thinking_config


@pytest.mark.parametrize("reasoning", [None, "provider-default"])
def test_unset_reasoning_leaves_thinking_to_the_model(reasoning: Any) -> None:
    assert resolve_thinking_config(reasoning, "gemini-2.5-flash") == (None, [])


@pytest.mark.parametrize(
    ("reasoning", "budget"),
    [("none", 0), ("minimal", 1311), ("low", 6554), ("medium", 19661), ("high", 24576), ("xhigh", 24576)],
)
def test_gemini_25_flash_budgets_are_shares_of_65536_capped_at_24576(reasoning: Any, budget: int) -> None:
    config, warnings = resolve_thinking_config(reasoning, "gemini-2.5-flash")
    assert config == {"thinkingBudget": budget}
    assert warnings == []


def test_gemini_25_pro_has_a_higher_cap_and_cannot_switch_thinking_off() -> None:
    assert resolve_thinking_config("high", "gemini-2.5-pro")[0] == {"thinkingBudget": 32768}
    config, warnings = resolve_thinking_config("none", "gemini-2.5-pro")
    assert config == {"thinkingBudget": 128}
    assert warnings[0].type == "compatibility"
    assert "thinking budget 128" in (warnings[0].details or "")


@pytest.mark.parametrize(
    ("model_id", "reasoning", "level"),
    [
        ("gemini-3-flash-preview", "none", "minimal"),
        ("gemini-3-flash-preview", "minimal", "minimal"),
        ("gemini-3-flash-preview", "medium", "medium"),
        ("gemini-3-pro-preview", "none", "low"),
        ("gemini-3-pro-preview", "minimal", "low"),
        ("gemini-3.7-flash", "none", "low"),
        ("gemini-3.5-flash-lite", "none", "minimal"),
        ("gemini-flash-latest", "none", "low"),
    ],
)
def test_gemini_3_gets_thinking_levels_with_a_model_specific_minimum(
    model_id: str, reasoning: Any, level: str
) -> None:
    assert resolve_thinking_config(reasoning, model_id)[0] == {"thinkingLevel": level}


def test_gemini_3_levels_that_change_warn_about_the_mapping() -> None:
    config, warnings = resolve_thinking_config("xhigh", "gemini-3-pro-preview")
    assert config == {"thinkingLevel": "high"}
    assert [(warning.type, warning.feature) for warning in warnings] == [("compatibility", "reasoning")]
    assert resolve_thinking_config("high", "gemini-3-pro-preview")[1] == []
