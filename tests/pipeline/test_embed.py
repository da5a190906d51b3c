"""embed / embed_many: batching, parallelism, order, usage, retries; embedding middleware."""

from __future__ import annotations

import anyio
import pytest

from pipeline.embed import (
    EmbeddingMiddleware,
    EmbeddingModel,
    EmbeddingUsage,
    EmbedParams,
    EmbedResult,
    EmbedTransformContext,
    EmbedWrapContext,
    embed,
    embed_many,
    wrap_embedding_model,
)
from pipeline.embed_testing import MockEmbeddingModel, fake_embed_result, fake_embedding
from pipeline.errors import (
    APICallError,
    InvalidArgumentError,
    InvalidResponseDataError,
    NoSuchProviderError,
    RetryError,
)
from pipeline.registry import register_embedding_provider


async def test_embed_returns_the_value_its_embedding_and_usage() -> None:
    model = MockEmbeddingModel()
    result = await embed(
        model,
        "sunny day at the beach",
        headers={"x-trace": "1"},
        provider_options={"openai": {"dimensions": 3}},
    )
    assert result.value == "sunny day at the beach"
    assert result.embedding == fake_embedding("sunny day at the beach")
    assert result.usage == EmbeddingUsage(tokens=5)
    assert result.response.id == "mock-embedding-response"
    assert model.calls == [
        EmbedParams(
            values=["sunny day at the beach"],
            headers={"x-trace": "1"},
            provider_options={"openai": {"dimensions": 3}},
        )
    ]


async def test_embed_many_batches_by_the_model_limit_and_keeps_input_order() -> None:
    values = [f"value number {index}" for index in range(5)]
    model = MockEmbeddingModel(max_embeddings_per_call=2)
    result = await embed_many(model, values)
    assert sorted(len(call.values) for call in model.calls) == [1, 2, 2]
    assert result.values == values
    assert result.embeddings == [fake_embedding(value) for value in values]
    assert result.usage.tokens == 15
    assert len(result.responses) == 3


class ConcurrencyProbe:
    """An embed script that records how many calls overlap; later batches finish first."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0

    async def __call__(self, params: EmbedParams) -> EmbedResult:
        self.active += 1
        self.peak = max(self.peak, self.active)
        await anyio.sleep(0.01 * (5 - int(params.values[0].split()[-1])))  # "item 3" is done first
        self.active -= 1
        return fake_embed_result(params)


@pytest.mark.parametrize(
    ("parallel", "max_parallel_calls", "peak"),
    [(True, None, 4), (True, 2, 2), (False, None, 1), (False, 3, 1)],
)
async def test_batches_run_in_parallel_only_when_supported_and_within_the_limit(
    parallel: bool, max_parallel_calls: int | None, peak: int
) -> None:
    probe = ConcurrencyProbe()
    model = MockEmbeddingModel(embed=probe, max_embeddings_per_call=1, supports_parallel_calls=parallel)
    values = [f"item {index}" for index in range(4)]
    result = await embed_many(model, values, max_parallel_calls=max_parallel_calls)
    assert probe.peak == peak
    assert result.embeddings == [fake_embedding(value) for value in values]


async def test_usage_stays_unknown_when_no_batch_reports_it() -> None:
    model = MockEmbeddingModel(embed=EmbedResult(embeddings=[[1.0], [2.0]]), max_embeddings_per_call=2)
    result = await embed_many(model, ["a", "b", "c", "d"])
    assert result.usage.tokens is None
    assert result.embeddings == [[1.0], [2.0], [1.0], [2.0]]


async def test_provider_metadata_of_batches_is_merged() -> None:
    first = EmbedResult(embeddings=[[1.0]], provider_metadata={"p": {"a": 1}})
    second = EmbedResult(embeddings=[[2.0]], provider_metadata={"p": {"b": 2}})
    model = MockEmbeddingModel(
        embed=[first, second], max_embeddings_per_call=1, supports_parallel_calls=False
    )
    result = await embed_many(model, ["x", "y"])
    assert result.provider_metadata == {"p": {"a": 1, "b": 2}}


async def test_retryable_failures_are_retried_per_batch() -> None:
    flaky = APICallError("busy", url="http://x", status_code=429, retry_after=0.001)
    model = MockEmbeddingModel(embed=[flaky, fake_embed_result(EmbedParams(values=["a"]))])
    result = await embed(model, "a")
    assert result.embedding == fake_embedding("a")
    assert len(model.calls) == 2
    with pytest.raises(RetryError) as caught:
        await embed(MockEmbeddingModel(embed=flaky), "a", max_retries=1)
    assert len(caught.value.errors) == 2


async def test_a_failing_batch_raises_its_own_error_not_a_group() -> None:
    async def fail_on_second(params: EmbedParams) -> EmbedResult:
        if params.values == ["b"]:
            raise APICallError("bad request", url="http://x", status_code=400)
        await anyio.sleep(1)
        return fake_embed_result(params)

    model = MockEmbeddingModel(embed=fail_on_second, max_embeddings_per_call=1)
    with anyio.fail_after(0.5), pytest.raises(APICallError, match="bad request"):
        await embed_many(model, ["a", "b", "c"])


async def test_a_wrong_number_of_embeddings_is_an_invalid_response() -> None:
    model = MockEmbeddingModel(embed=EmbedResult(embeddings=[[1.0]]))
    with pytest.raises(InvalidResponseDataError, match="1 embeddings for 2 values"):
        await embed_many(model, ["a", "b"])


async def test_no_values_means_no_calls_and_bad_arguments_raise() -> None:
    model = MockEmbeddingModel()
    assert (await embed_many(model, [])).embeddings == []
    assert model.calls == []
    with pytest.raises(InvalidArgumentError):
        await embed_many(model, ["a"], max_parallel_calls=0)
    with pytest.raises(InvalidArgumentError):
        await embed_many(model, "abc")


async def test_timeout_bounds_the_whole_call() -> None:
    async def slow(params: EmbedParams) -> EmbedResult:
        await anyio.sleep(5)
        return fake_embed_result(params)

    with pytest.raises(TimeoutError):
        await embed_many(MockEmbeddingModel(embed=slow), ["a"], timeout=0.05)


# -- middleware -------------------------------------------------------------------------------------


class Recorder(EmbeddingMiddleware):
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    async def transform_params(self, ctx: EmbedTransformContext) -> EmbedParams:
        self.log.append(f"{self.name}.transform")
        return ctx.params.model_copy(
            update={"values": [f"{value}+{self.name}" for value in ctx.params.values]}
        )

    async def wrap_embed(self, call: EmbedWrapContext) -> EmbedResult:
        self.log.append(f"{self.name}.wrap({call.params.values[0]})")
        return await call.do_embed()


async def test_the_first_listed_middleware_is_the_outermost() -> None:
    log: list[str] = []
    base = MockEmbeddingModel()
    model = wrap_embedding_model(base, [Recorder("a", log), Recorder("b", log)])
    await embed(model, "v")
    assert log == ["a.transform", "a.wrap(v+a)", "b.transform", "b.wrap(v+a+b)"]
    assert base.calls[0].values == ["v+a+b"]


class EmbeddingCache(EmbeddingMiddleware):
    """Stores whole results by the values embedded; a hit never reaches the model."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, ...], EmbedResult] = {}

    async def wrap_embed(self, call: EmbedWrapContext) -> EmbedResult:
        key = tuple(call.params.values)
        if key not in self.store:
            self.store[key] = await call.do_embed()
        return self.store[key]


async def test_a_cache_middleware_serves_repeated_embeddings() -> None:
    base = MockEmbeddingModel(max_embeddings_per_call=2)
    model = wrap_embedding_model(base, EmbeddingCache())
    first = await embed_many(model, ["a", "b", "c"])
    second = await embed_many(model, ["a", "b", "c"])
    assert second.embeddings == first.embeddings
    assert len(base.calls) == 2
    assert (await embed(model, "c")).embedding == fake_embedding("c")
    assert len(base.calls) == 2


class Overrides(EmbeddingMiddleware):
    def override_provider(self, model: EmbeddingModel) -> str | None:
        return "wrapped"

    def override_max_embeddings_per_call(self, model: EmbeddingModel) -> int | None:
        return 1

    def override_supports_parallel_calls(self, model: EmbeddingModel) -> bool | None:
        return False


async def test_overrides_change_what_the_wrapped_model_reports_and_how_it_is_batched() -> None:
    base = MockEmbeddingModel(max_embeddings_per_call=10)
    model = wrap_embedding_model(base, Overrides(), model_id="renamed")
    assert (model.provider, model.model_id, model.max_embeddings_per_call) == ("wrapped", "renamed", 1)
    assert model.supports_parallel_calls is False
    assert isinstance(model, EmbeddingModel)
    await embed_many(model, ["a", "b"])
    assert [call.values for call in base.calls] == [["a"], ["b"]]


async def test_embed_and_embed_many_accept_a_model_string() -> None:
    models: list[MockEmbeddingModel] = []

    def factory(model_id: str) -> MockEmbeddingModel:
        models.append(MockEmbeddingModel(model_id=model_id, max_embeddings_per_call=2))
        return models[-1]

    register_embedding_provider("unit-embed", factory)
    one = await embed("unit-embed/small", "sunny")
    many = await embed_many("unit-embed/small", ["a", "b", "c"])
    assert one.embedding == fake_embedding("sunny")
    assert many.embeddings == [fake_embedding(value) for value in ["a", "b", "c"]]
    assert [model.model_id for model in models] == ["small", "small"]
    assert [call.values for call in models[1].calls] == [["a", "b"], ["c"]]


async def test_an_unknown_embedding_model_string_fails_before_any_call() -> None:
    with pytest.raises(NoSuchProviderError, match="nope"):
        await embed("nope/model", "sunny")
    with pytest.raises(NoSuchProviderError, match="nope"):
        await embed_many("nope/model", ["sunny"])
