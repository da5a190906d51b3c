"""Lazy packages: importing one provider or one middleware module does not import the others."""

from __future__ import annotations

import subprocess
import sys

import pytest

import middleware
import providers
from pipeline.registry import registered_providers, resolve_model
from providers.compatible import COMPATIBLE_ENDPOINTS


def modules_after(statement: str) -> set[str]:
    """The module names loaded by ``statement`` in a fresh interpreter."""
    probe = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(output.stdout.split())


def test_importing_one_provider_leaves_the_others_unimported() -> None:
    loaded = modules_after("import pipeline, providers.openai")
    assert "providers.openai" in loaded
    assert not {"providers.anthropic", "providers.google", "providers.compatible"} & loaded


def test_importing_a_provider_leaves_httpcore_for_the_first_call() -> None:
    """httpcore imports every backend it can find (trio, h2 ...): httpx defers it to the first client's
    pool, and so does the asyncio network backend."""
    loaded = modules_after("import pipeline, providers.openai")
    assert not {"httpcore", "providers._asyncio_network"} & loaded


def test_importing_pipeline_and_a_provider_leaves_the_heavy_modules_for_the_first_use() -> None:
    """The packages import their names on first access: httpx, pydantic and anyio, the prompt and
    result models, the blocking wrappers and the provider's client load with the first call."""
    loaded = modules_after("import pipeline, providers.openai")
    heavy = {
        "httpx",
        "pydantic",
        "anyio",
        "pipeline.errors",
        "pipeline.prompt",
        "pipeline.result",
        "pipeline.generate",
        "pipeline.objects",
        "pipeline.sync",
        "providers._http",
        "providers.openai.provider",
    }
    assert not heavy & loaded


def test_the_errors_and_their_redaction_leave_httpx_unimported() -> None:
    assert "httpx" not in modules_after("import pipeline.errors, pipeline.redact")


def test_a_responses_model_leaves_chat_completions_embeddings_and_files_for_their_first_use() -> None:
    loaded = modules_after("import providers.openai\nproviders.openai.OpenAIProvider(api_key='k')('gpt-4o')")
    assert "providers.openai.responses" in loaded
    chat = {"providers.openai.model", "providers.openai.options", "providers.openai.map_stream"}
    assert not {*chat, "providers.openai.embedding", "providers.openai.files", "pipeline.embed"} & loaded


def test_generate_text_leaves_the_other_entry_points_unimported() -> None:
    loaded = modules_after("from pipeline import generate_text")
    assert "pipeline.generate" in loaded
    unused = {"pipeline.sync", "anyio.from_thread", "pipeline.objects", "pipeline.batch"}
    assert not {*unused, "pipeline.download.safe_download"} & loaded


def test_json_repair_is_imported_when_a_repair_needs_it() -> None:
    assert "json_repair" not in modules_after("import pipeline")


def test_importing_the_download_middleware_leaves_the_cache_and_diskcache_unimported() -> None:
    loaded = modules_after("import middleware.download")
    assert "middleware.download" in loaded
    assert not {"middleware.cache.call_cache", "middleware.observe.log", "diskcache"} & loaded


def test_the_cache_middleware_leaves_the_embedding_api_for_its_first_use() -> None:
    loaded = modules_after("from middleware.cache import CacheMiddleware")
    assert "middleware.cache.call_cache" in loaded
    assert "pipeline.embed" not in loaded


def test_every_builtin_model_string_prefix_is_registered_without_importing_its_provider() -> None:
    expected = {"openai", "anthropic", "google", *COMPATIBLE_ENDPOINTS}
    assert expected <= set(registered_providers())


@pytest.mark.parametrize("name", sorted(COMPATIBLE_ENDPOINTS))
def test_compatible_model_strings_resolve_to_their_endpoint(name: str) -> None:
    model = resolve_model(f"{name}/some-model")
    assert (model.provider, model.model_id) == (f"{name}.chat", "some-model")


@pytest.mark.parametrize(
    ("model_string", "provider"),
    [
        ("openai/gpt-4o-mini", "openai.responses"),
        ("anthropic/claude-sonnet-4-5", "anthropic.messages"),
        ("google/gemini-2.5-flash", "google.generative-ai"),
    ],
)
def test_builtin_model_strings_resolve(model_string: str, provider: str) -> None:
    model = resolve_model(model_string)
    assert model.provider == provider
    assert model.model_id == model_string.split("/", 1)[1]


def test_provider_submodules_load_on_attribute_access() -> None:
    import providers.google as google

    assert providers.google is google
    with pytest.raises(AttributeError, match="no attribute 'bedrock'"):
        _ = providers.bedrock


def test_middleware_names_load_on_first_use() -> None:
    from middleware.cache.call_cache import CacheMiddleware
    from pipeline.download import download_attachments

    assert middleware.CacheMiddleware is CacheMiddleware
    assert middleware.download_attachments is download_attachments
    for name in middleware.__all__:
        assert getattr(middleware, name).__name__ == name
    assert set(middleware.__all__) <= set(dir(middleware))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = middleware.Nope
