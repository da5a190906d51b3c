"""providers/anthropic/capabilities.py: model families and their limits."""

from __future__ import annotations

import pytest

from providers.anthropic.capabilities import model_capabilities


@pytest.mark.parametrize(
    ("model_id", "max_tokens", "structured", "adaptive", "known"),
    [
        ("claude-opus-5", 128000, True, True, True),
        ("claude-sonnet-4-6", 128000, True, True, True),
        ("claude-sonnet-4-5-20250929", 64000, True, False, True),
        ("claude-opus-4-1-20250805", 32000, True, False, True),
        ("claude-sonnet-4-20250514", 64000, False, False, True),
        ("claude-3-haiku-20240307", 4096, False, False, True),
        ("claude-3-7-sonnet-20250219", 4096, False, False, False),
        ("anthropic.claude-v2:1", 4096, False, False, False),
        ("claude-future-9", 128000, True, True, False),
        ("MiniMax-M2.7", 4096, False, False, False),
    ],
)
def test_model_families(
    model_id: str, max_tokens: int, structured: bool, adaptive: bool, known: bool
) -> None:
    capabilities = model_capabilities(model_id)
    assert capabilities.max_output_tokens == max_tokens
    assert capabilities.supports_structured_output is structured
    assert capabilities.supports_adaptive_thinking is adaptive
    assert capabilities.is_known_model is known


def test_only_the_newest_models_reject_sampling_parameters() -> None:
    assert model_capabilities("claude-opus-4-7").rejects_sampling_parameters
    assert not model_capabilities("claude-opus-4-6").rejects_sampling_parameters
