"""Model strings through the gateway when configured, and the middleware working unchanged on it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from middleware import CacheMiddleware, LoggingMiddleware, ProviderOptionsMiddleware, TracingMiddleware
from middleware.cache.stores import DiskStore
from pipeline.chain import wrap_model
from pipeline.errors import NoSuchProviderError
from pipeline.generate import generate_text, stream_text
from pipeline.registry import resolve_embedding_model, resolve_model, set_default_provider
from providers.anthropic import AnthropicMessagesModel
from providers.gateway import GatewayEmbeddingModel, GatewayLanguageModel
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import gateway as fake

KEY = "vck_routing_0123456789abcdef"


@pytest.fixture(autouse=True)
def direct_by_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MODELPIPE_DEFAULT_PROVIDER", raising=False)
    yield
    set_default_provider(None)
    import pipeline.registry as registry

    registry._default_provider_set = False  # back to "the environment decides" for the next test


@pytest.fixture
def gateway_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        monkeypatch.setenv("AI_GATEWAY_API_KEY", KEY)
        monkeypatch.setenv("AI_GATEWAY_BASE_URL", f"{server.base_url}/v4/ai")
        yield server


def test_model_strings_go_to_their_own_provider_unless_a_default_is_set() -> None:
    direct = resolve_model("anthropic/claude-sonnet-4-5")
    assert isinstance(direct, AnthropicMessagesModel)

    set_default_provider("gateway")
    routed = resolve_model("anthropic/claude-sonnet-4-5")
    explicit = resolve_model("gateway/openai/gpt-4o")
    embedding = resolve_embedding_model("openai/text-embedding-3-small")

    assert isinstance(routed, GatewayLanguageModel) and routed.model_id == "anthropic/claude-sonnet-4-5"
    assert isinstance(explicit, GatewayLanguageModel) and explicit.model_id == "openai/gpt-4o"
    assert (
        isinstance(embedding, GatewayEmbeddingModel) and embedding.model_id == "openai/text-embedding-3-small"
    )

    set_default_provider(None)
    assert isinstance(resolve_model("anthropic/claude-sonnet-4-5"), AnthropicMessagesModel)


def test_the_environment_variable_routes_model_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELPIPE_DEFAULT_PROVIDER", "gateway")
    routed = resolve_model("openai/gpt-4o")
    assert isinstance(routed, GatewayLanguageModel) and routed.model_id == "openai/gpt-4o"

    set_default_provider(None)  # the caller's word wins over the environment
    assert not isinstance(resolve_model("openai/gpt-4o"), GatewayLanguageModel)


def test_a_default_provider_must_be_a_provider_name() -> None:
    with pytest.raises(NoSuchProviderError):
        set_default_provider("gateway/openai")


async def test_the_seed_chat_prompt_goes_through_the_gateway_in_generate_and_stream(
    gateway_env: LoopbackServer,
) -> None:
    set_default_provider("gateway")
    gateway_env.enqueue(
        fake.text_reply("How can I help?"), fake.stream_reply(fake.text_stream_parts(["How ", "can I help?"]))
    )
    chat = {
        "max_output_tokens": 1024,
        "system": "You are a helpful chatbot.",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
            {"role": "user", "content": [{"type": "text", "text": "I need help with my computer."}]},
        ],
    }

    generated = await generate_text("openai/gpt-4o", **chat)  # type: ignore[arg-type]
    streamed = await stream_text("openai/gpt-4o", **chat).text()  # type: ignore[arg-type]

    assert generated.text == "How can I help?" and streamed == "How can I help?"
    for request in gateway_env.requests:
        assert request.headers["ai-language-model-id"] == "openai/gpt-4o"
        assert request.json()["maxOutputTokens"] == 1024
        assert request.json()["prompt"][0] == {"role": "system", "content": "You are a helpful chatbot."}


async def test_cache_logging_tracing_and_provider_options_work_unchanged(
    gateway_env: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    set_default_provider("gateway")
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    cache = CacheMiddleware(DiskStore(tmp_path / "cache"))
    model = wrap_model(
        resolve_model("openai/gpt-4o"),
        [
            cache,
            LoggingMiddleware(),
            TracingMiddleware(tracer_provider=tracer_provider),
            ProviderOptionsMiddleware(provider_options={"openai": {"user": "u-1"}}),
        ],
    )
    gateway_env.enqueue(
        fake.text_reply("cached answer"), fake.stream_reply(fake.text_stream_parts(["stream", "ed"]))
    )

    with caplog.at_level(logging.INFO, logger="modelpipe.calls"):
        first = await generate_text(model, prompt="What is 2+2?")
        second = await generate_text(model, prompt="What is 2+2?")
        streamed = await stream_text(model, prompt="Stream it").text()
        replayed = await stream_text(model, prompt="Stream it").text()
    tracer_provider.shutdown()

    assert first.text == second.text == "cached answer"
    assert streamed == replayed == "streamed"
    assert len(gateway_env.requests) == 2  # the repeats were cache hits
    assert gateway_env.requests[0].json()["providerOptions"] == {"openai": {"user": "u-1"}}
    spans = exporter.get_finished_spans()
    assert len(spans) == 2  # tracing sits behind the cache: it sees the two calls that reached the gateway
    assert {span.attributes["gen_ai.request.model"] for span in spans} == {"openai/gpt-4o"}
    assert {span.attributes["gen_ai.provider.name"] for span in spans} == {"gateway"}
    assert len([record for record in caplog.records if record.name == "modelpipe.calls"]) == 2


async def test_an_explicit_model_object_ignores_the_default_provider(gateway_env: LoopbackServer) -> None:
    set_default_provider("gateway")
    model = OpenAIProvider(base_url=f"{gateway_env.base_url}/v1", api_key="sk-direct-0123456789").chat(
        "gpt-4o"
    )

    assert not isinstance(resolve_model(model), GatewayLanguageModel)
