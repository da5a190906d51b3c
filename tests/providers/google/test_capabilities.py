"""model_capabilities: what a model id implies."""

from __future__ import annotations

import pytest

from providers.google.capabilities import model_capabilities


@pytest.mark.parametrize(
    ("model_id", "gemini3", "https_media"),
    [
        ("gemini-1.5-pro", False, True),
        ("gemini-pro", False, True),
        ("gemini-2.0-flash", False, False),
        ("gemini-2.5-flash", False, True),
        ("gemini-3-pro-preview", True, True),
        ("gemini-flash-latest", True, True),
        ("tunedModels/gemini-3-custom", True, True),
        ("gemma-3-27b-it", False, False),
    ],
)
def test_generation_features(model_id: str, gemini3: bool, https_media: bool) -> None:
    capabilities = model_capabilities(model_id)
    assert capabilities.uses_gemini3_features is gemini3
    assert capabilities.fetches_https_media is https_media


def test_gemma_and_gemini_25_flags() -> None:
    assert model_capabilities("gemma-3-4b-it").is_gemma
    assert not model_capabilities("gemini-2.5-flash").is_gemma
    assert model_capabilities("gemini-2.5-flash-lite").is_gemini_25
    assert not model_capabilities("gemini-2.0-flash").is_gemini_25
