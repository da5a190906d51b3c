"""Model strings resolve through the registry; unknown ones raise typed errors listing what is known."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pipeline.embed_testing import MockEmbeddingModel
from pipeline.errors import NoSuchModelError, NoSuchProviderError
from pipeline.registry import (
    register_embedding_provider,
    register_provider,
    registered_embedding_providers,
    registered_providers,
    resolve_embedding_model,
    resolve_model,
)
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


def _run_fresh(code: str) -> str:
    """Run ``code`` in a fresh interpreter (no provider loaded or registered yet); its stdout."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_registration_before_the_first_lookup_wins_over_the_bundled_providers() -> None:
    output = _run_fresh(
        """
        from pipeline.registry import register_provider, resolve_model
        from pipeline.testing import MockLanguageModel

        register_provider("openai", lambda model_id: MockLanguageModel(provider="mine", model_id=model_id))
        register_provider("groq", lambda model_id: MockLanguageModel(provider="my-groq", model_id=model_id))
        ollama = resolve_model("ollama/llama3.2")  # loads the bundled compatible servers, groq among them
        print(resolve_model("openai/gpt-4o").provider, resolve_model("groq/llama").provider, ollama.provider)
        """
    )
    assert output == "mine my-groq ollama.chat"


def test_a_provider_module_that_cannot_be_imported_is_a_typed_error_when_asked_for() -> None:
    output = _run_fresh(
        """
        import sys
        from pipeline.errors import ProviderImportError
        from pipeline.registry import resolve_model

        sys.modules["providers.anthropic"] = None  # importing it now raises ImportError
        try:
            resolve_model("anthropic/claude-sonnet-4-5")
        except ProviderImportError as error:
            print(error.provider_id, error.module, type(error.__cause__).__name__)
        print(resolve_model("openai/gpt-4o").provider)
        """
    )
    assert output == "anthropic providers.anthropic ModuleNotFoundError\nopenai.responses"


def test_bundled_providers_that_cannot_be_imported_are_a_typed_error_not_a_missing_name() -> None:
    output = _run_fresh(
        """
        import sys
        from pipeline.errors import ProviderImportError
        from pipeline.registry import register_provider, resolve_model
        from pipeline.testing import MockLanguageModel

        sys.modules["providers"] = None
        register_provider("mine", lambda model_id: MockLanguageModel(model_id=model_id))
        print(resolve_model("mine/m").model_id)
        try:
            resolve_model("openai/gpt-4o")
        except ProviderImportError as error:
            print(error.provider_id, error.module)
        """
    )
    assert output == "m\nopenai providers"


def test_embedding_model_strings_resolve_through_registered_embedding_factories() -> None:
    register_embedding_provider("unit-embed", lambda model_id: MockEmbeddingModel(model_id=model_id))
    model = resolve_embedding_model("unit-embed/small:v2")
    assert model.model_id == "small:v2"
    assert "unit-embed" in registered_embedding_providers()
    assert resolve_embedding_model(model) is model


def test_bundled_embedding_providers_resolve_their_model_strings() -> None:
    openai = resolve_embedding_model("openai/text-embedding-3-small")
    google = resolve_embedding_model("google/gemini-embedding-001")
    assert (openai.provider, openai.model_id) == ("openai.embedding", "text-embedding-3-small")
    assert google.model_id == "gemini-embedding-001"
    assert {"openai", "google"} <= set(registered_embedding_providers())


def test_a_provider_without_embedding_models_is_a_typed_error() -> None:
    with pytest.raises(NoSuchModelError, match="'anthropic' has no embedding models") as raised:
        resolve_embedding_model("anthropic/claude-sonnet-4-5")
    assert raised.value.model_id == "anthropic/claude-sonnet-4-5"
    assert "openai" in str(raised.value)


def test_an_unknown_embedding_provider_lists_the_known_ones() -> None:
    with pytest.raises(NoSuchProviderError, match="openai") as raised:
        resolve_embedding_model("nope/model")
    assert raised.value.provider_id == "nope"


@pytest.mark.parametrize("bad", ["text-embedding-3-small", "/x", "openai/"])
def test_malformed_embedding_model_strings_are_typed_errors(bad: str) -> None:
    with pytest.raises(NoSuchModelError, match="provider/model-id"):
        resolve_embedding_model(bad)


def test_an_embedding_registration_before_the_first_lookup_wins_over_the_bundled_one() -> None:
    output = _run_fresh(
        """
        from pipeline.embed_testing import MockEmbeddingModel
        from pipeline.registry import register_embedding_provider, resolve_embedding_model, resolve_model

        register_embedding_provider("openai", lambda model_id: MockEmbeddingModel(provider="mine"))
        print(resolve_embedding_model("openai/text-embedding-3-small").provider)
        print(resolve_model("openai/gpt-4o").provider)
        """
    )
    assert output == "mine\nopenai.responses"
