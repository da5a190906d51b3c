import pytest

from providers.openai.capabilities import model_capabilities


@pytest.mark.parametrize(
    ("model_id", "reasoning"),
    [
        ("o1", True),
        ("o3-mini", True),
        ("o4-mini-2025-04-16", True),
        ("gpt-5", True),
        ("gpt-5.1-codex-max", True),
        ("gpt-5-chat-latest", False),
        ("gpt-4o", False),
        ("gpt-3.5-turbo", False),
        ("llama3.1:8b", False),
        ("omni-model", False),
    ],
)
def test_reasoning_models_are_o_series_and_gpt5_non_chat(model_id: str, reasoning: bool) -> None:
    capabilities = model_capabilities(model_id)
    assert capabilities.is_reasoning_model is reasoning
    assert capabilities.system_message_mode == ("developer" if reasoning else "system")


def test_service_tier_support_follows_model_family() -> None:
    assert model_capabilities("o3").supports_flex_processing
    assert not model_capabilities("gpt-4o").supports_flex_processing
    assert model_capabilities("gpt-4o-mini").supports_priority_processing
    assert not model_capabilities("gpt-5-nano").supports_priority_processing
    assert not model_capabilities("gpt-3.5-turbo").supports_priority_processing


def test_only_gpt_5_1_and_later_accept_sampling_without_reasoning() -> None:
    assert not model_capabilities("gpt-5").supports_non_reasoning_parameters
    assert model_capabilities("gpt-5.1").supports_non_reasoning_parameters
    assert model_capabilities("gpt-6").supports_non_reasoning_parameters
    assert not model_capabilities("o4-mini").supports_non_reasoning_parameters
