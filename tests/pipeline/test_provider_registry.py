"""Provider registries and custom providers: aliases, per-alias middleware, fallbacks, typed errors."""

from __future__ import annotations

import pytest

from pipeline.chain import Middleware, TransformContext, wrap_model
from pipeline.embed import embed
from pipeline.embed_testing import MockEmbeddingModel
from pipeline.errors import InvalidArgumentError, NoSuchModelError, NoSuchProviderError
from pipeline.generate import generate_text, stream_text
from pipeline.params import CallParams
from pipeline.provider_registry import as_provider, create_provider_registry, custom_provider
from pipeline.testing import MockLanguageModel


class Temperature(Middleware):
    """Sets the temperature of every call it sees."""

    def __init__(self, value: float) -> None:
        self.value = value

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return ctx.params.model_copy(update={"temperature": self.value})


class Factory:
    """A bundled-provider look-alike: ``chat(id)`` and ``embedding(id)``, recording what was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def chat(self, model_id: str) -> MockLanguageModel:
        self.asked.append(model_id)
        return MockLanguageModel(provider="factory.chat", model_id=model_id)

    def embedding(self, model_id: str) -> MockEmbeddingModel:
        return MockEmbeddingModel(provider="factory.embedding", model_id=model_id)


async def test_an_alias_with_middleware_is_used_through_the_registry() -> None:
    base = MockLanguageModel()
    mine = custom_provider(language_models={"fast": wrap_model(base, Temperature(0.1)), "raw": base})
    registry = create_provider_registry({"mine": mine})
    await generate_text(registry.language_model("mine:fast"), prompt="Hi")
    async with stream_text(registry.language_model("mine:raw"), prompt="Hi") as result:
        assert await result.text() == "Hello!"
    assert [(call.type, call.params.temperature) for call in base.calls] == [
        ("generate", 0.1),
        ("stream", None),
    ]


async def test_unknown_aliases_go_to_the_fallback() -> None:
    fallback = Factory()
    mine = custom_provider(language_models={"fast": MockLanguageModel()}, fallback=fallback)
    model = mine.language_model("gpt-4o")
    assert (model.provider, model.model_id) == ("factory.chat", "gpt-4o")
    assert mine.embedding_model("small").provider == "factory.embedding"
    assert fallback.asked == ["gpt-4o"]


def test_without_a_fallback_an_unknown_alias_is_a_no_such_model_error() -> None:
    mine = custom_provider(language_models={"fast": MockLanguageModel()})
    with pytest.raises(NoSuchModelError, match=r"'slow'.*fast") as raised:
        mine.language_model("slow")
    assert raised.value.model_id == "slow"
    with pytest.raises(NoSuchModelError, match="embedding model"):
        mine.embedding_model("small")


async def test_embedding_aliases_resolve_and_embed() -> None:
    vectors = MockEmbeddingModel(model_id="vectors-v1")
    registry = create_provider_registry({"mine": custom_provider(embedding_models={"default": vectors})})
    result = await embed(registry.embedding_model("mine:default"), "sunny")
    assert len(result.embedding) > 0
    assert [call.values for call in vectors.calls] == [["sunny"]]


def test_the_registry_splits_at_the_first_separator_only() -> None:
    factory = Factory()
    registry = create_provider_registry({"ollama": factory})
    assert registry.language_model("ollama:llama3.2:latest").model_id == "llama3.2:latest"
    slash = create_provider_registry({"ollama": factory}, separator=" > ")
    assert slash.language_model("ollama > llama3.2").model_id == "llama3.2"


def test_an_unknown_provider_is_a_no_such_provider_error_listing_the_known() -> None:
    registry = create_provider_registry({"mine": Factory(), "yours": Factory()})
    with pytest.raises(NoSuchProviderError, match="mine, yours") as raised:
        registry.language_model("theirs:fast")
    assert raised.value.provider_id == "theirs"
    with pytest.raises(NoSuchProviderError):
        registry.embedding_model("theirs:small")


def test_an_id_without_the_separator_is_a_no_such_model_error() -> None:
    registry = create_provider_registry({"mine": Factory()})
    with pytest.raises(NoSuchModelError, match="provider:model-id"):
        registry.language_model("mine/fast")


def test_a_plain_function_is_a_provider_of_language_models_only() -> None:
    registry = create_provider_registry({"fn": lambda model_id: MockLanguageModel(model_id=model_id)})
    assert registry.language_model("fn:x").model_id == "x"
    with pytest.raises(NoSuchModelError, match="no embedding models"):
        registry.embedding_model("fn:x")


async def test_registry_middleware_wraps_every_language_model_first_listed_outermost() -> None:
    base = MockLanguageModel()
    registry = create_provider_registry(
        {"mine": custom_provider(language_models={"fast": base})},
        language_model_middleware=[Temperature(0.9), Temperature(0.2)],
    )
    await registry.language_model("mine:fast").do_generate(CallParams(prompt=[]))
    assert base.generate_calls[0].temperature == 0.2


def test_aliases_may_be_model_strings_resolved_on_use() -> None:
    mine = custom_provider(language_models={"smart": "openai/gpt-4o"})
    assert mine.language_model("smart").provider == "openai.responses"


def test_registries_nest_as_providers() -> None:
    inner = create_provider_registry({"mine": Factory()})
    outer = create_provider_registry({"all": inner}, separator="/")
    assert outer.language_model("all/mine:fast").model_id == "fast"


def test_something_that_is_not_a_provider_is_a_typed_error_naming_where() -> None:
    with pytest.raises(InvalidArgumentError, match=r"providers\['bad'\].*is not a provider"):
        create_provider_registry({"good": Factory(), "bad": 42})
    with pytest.raises(InvalidArgumentError, match="'fallback'"):
        custom_provider(fallback="openai")
    with pytest.raises(InvalidArgumentError, match="'separator'"):
        create_provider_registry({}, separator="")
    assert isinstance(as_provider(Factory()).language_model("x"), MockLanguageModel)
