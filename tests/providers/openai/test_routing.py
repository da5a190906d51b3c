"""Which OpenAI API a model string or ``OpenAIProvider()(id)`` uses."""

from __future__ import annotations

import pytest

from pipeline.registry import resolve_model
from providers.openai import OpenAIProvider
from providers.openai.model import OpenAIChatLanguageModel
from providers.openai.responses import OpenAIResponsesLanguageModel


@pytest.mark.parametrize(
    ("model_id", "kind"),
    [
        ("gpt-4o", OpenAIResponsesLanguageModel),
        ("o3-mini", OpenAIResponsesLanguageModel),
        ("gpt-4o-audio-preview", OpenAIChatLanguageModel),  # audio input: chat completions only
        ("gpt-4o-mini-audio-preview", OpenAIChatLanguageModel),
    ],
)
def test_openai_models_use_the_responses_api_except_audio_models(model_id: str, kind: type) -> None:
    assert isinstance(OpenAIProvider(api_key="sk-test-0123456789")(model_id), kind)
    assert isinstance(resolve_model(f"openai/{model_id}"), kind)
