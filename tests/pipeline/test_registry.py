"""Model strings resolve through the registry; unknown ones raise typed errors listing what is known."""

from __future__ import annotations

import pytest

from pipeline.errors import NoSuchModelError, NoSuchProviderError
from pipeline.registry import register_provider, registered_providers, resolve_model
from pipeline.testing import MockLanguageModel


def test_registered_factory_receives_the_model_id() -> None:
    register_provider("unit-test", lambda model_id: MockLanguageModel(model_id=model_id))
    model = resolve_model("unit-test/some/model:latest")
    assert model.model_id == "some/model:latest"
    assert "unit-test" in registered_providers()


def test_model_objects_pass_through() -> None:
    model = MockLanguageModel()
    assert resolve_model(model) is model


def test_unknown_provider_lists_the_known_ones() -> None:
    register_provider("unit-test", lambda model_id: MockLanguageModel(model_id=model_id))
    with pytest.raises(NoSuchProviderError) as raised:
        resolve_model("nope/model")
    assert raised.value.provider_id == "nope"
    assert "unit-test" in str(raised.value)


@pytest.mark.parametrize("bad", ["gpt-4o", "/gpt-4o", "openai/"])
def test_malformed_model_strings_are_typed_errors(bad: str) -> None:
    with pytest.raises(NoSuchModelError, match="provider/model-id"):
        resolve_model(bad)
