"""CostMiddleware (genai-prices, then a price table, never a guess) and BudgetMiddleware (memory and a
real redis-server shared by two limiters)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from genai_prices import Usage as PricesUsage
from genai_prices import calc_price

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe.log import LoggingMiddleware
from middleware.resilience import (
    BudgetExceededError,
    BudgetMiddleware,
    CostMiddleware,
    FallbackMiddleware,
    ModelPrice,
    UnpricedModelWarning,
)
from pipeline import control, generate_text, stream_text, wrap_model
from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.result import Usage
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts
from tests.middleware.cache.redis_server import RedisServer, running_redis_server

USAGE = Usage.of(input_tokens=1000, output_tokens=500, cache_read_tokens=200, reasoning_tokens=100)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis_server() as server:
        yield server


def priced(
    provider: str = "openai.chat", model_id: str = "gpt-4o", usage: Usage = USAGE
) -> MockLanguageModel:
    return MockLanguageModel(
        generate=text_result("ok", usage=usage),
        stream=text_stream_parts(["o", "k"], usage=usage),
        provider=provider,
        model_id=model_id,
    )


async def test_cost_comes_from_genai_prices() -> None:
    result = await generate_text(wrap_model(priced(), [CostMiddleware()]), prompt="Hi", max_retries=0)
    cost = control.call_cost(result.provider_metadata)
    expected = calc_price(
        PricesUsage(input_tokens=1000, output_tokens=500, cache_read_tokens=200),
        "gpt-4o",
        provider_id="openai",
    )
    assert cost == {
        "model": "gpt-4o",
        "source": "genai-prices",
        "input_tokens": 1000,
        "output_tokens": 500,
        "cache_read_tokens": 200,
        "cache_write_tokens": 0,
        "reasoning_tokens": 100,
        "input_usd": pytest.approx(float(expected.input_price)),
        "output_usd": pytest.approx(float(expected.output_price)),
        "total_usd": pytest.approx(float(expected.total_price)),
    }
    # the cached 200 tokens are cheaper than the 800 others: (800 * 2.5 + 200 * 1.25) / 1e6
    assert cost["input_usd"] == pytest.approx(0.00225)


async def test_an_unknown_model_falls_back_to_the_price_table() -> None:
    table = {"my-llm": ModelPrice(input_per_mtok=1.0, output_per_mtok=2.0, cache_read_per_mtok=0.5)}
    model = wrap_model(priced("my-vllm.chat", "my-llm"), [CostMiddleware(prices=table)])
    result = await generate_text(model, prompt="Hi", max_retries=0)
    cost = control.call_cost(result.provider_metadata)
    assert cost is not None and cost["source"] == "price-table"
    assert cost["input_usd"] == pytest.approx((800 * 1.0 + 200 * 0.5) / 1e6)
    assert cost["output_usd"] == pytest.approx(500 * 2.0 / 1e6)


async def test_an_unpriced_model_reports_no_cost_and_warns_once() -> None:
    model = wrap_model(priced("my-vllm.chat", "gpt-4o"), [CostMiddleware()])  # a known name, unknown provider
    with pytest.warns(UnpricedModelWarning, match="my-vllm.chat/gpt-4o"):
        result = await generate_text(model, prompt="Hi", max_retries=0)
    assert control.call_cost(result.provider_metadata) is None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await generate_text(model, prompt="Hi", max_retries=0)  # no second warning


async def test_a_stream_carries_the_cost_on_its_finish_part() -> None:
    model = wrap_model(priced(), [CostMiddleware()])
    async with stream_text(model, prompt="Hi", max_retries=0) as result:
        metadata = await result.provider_metadata
    cost = control.call_cost(metadata)
    assert cost is not None and cost["total_usd"] > 0


async def test_the_model_that_answered_a_fallback_is_priced() -> None:
    primary = MockLanguageModel(
        generate=APICallError("down", url="http://x", status_code=503),
        provider="openai.chat",
        model_id="gpt-4o",
    )
    backup = priced("anthropic.messages", "claude-3-5-haiku-latest")
    model = wrap_model(primary, [CostMiddleware(), FallbackMiddleware([backup])])
    result = await generate_text(model, prompt="Hi", max_retries=0)
    cost = control.call_cost(result.provider_metadata)
    assert cost is not None and cost["model"] == "claude-3-5-haiku-latest"
    expected = calc_price(
        PricesUsage(input_tokens=1000, output_tokens=500, cache_read_tokens=200),
        "claude-3-5-haiku-latest",
        provider_id="anthropic",
    )
    assert cost["total_usd"] == pytest.approx(float(expected.total_price))


async def test_a_cache_hit_costs_nothing() -> None:
    model = wrap_model(priced(), [CostMiddleware(), CacheMiddleware(MemoryStore())])
    await generate_text(model, prompt="Hi", max_retries=0)
    hit = await generate_text(model, prompt="Hi", max_retries=0)
    cost = control.call_cost(hit.provider_metadata)
    assert cost is not None and cost["total_usd"] == 0 and cost["cached_response"] is True


async def test_logging_records_the_cost(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.cost")
    model = wrap_model(priced(), [LoggingMiddleware(logger=logger), CostMiddleware()])
    with caplog.at_level(logging.INFO, logger="test.cost"):
        result = await generate_text(model, prompt="Hi", max_retries=0)
    (record,) = caplog.records
    assert record.modelpipe["cost_usd"] == control.call_cost(result.provider_metadata)["total_usd"]  # type: ignore[attr-defined,index]
    assert "cost_usd=" in record.getMessage()


async def test_tracing_records_the_cost_as_gen_ai_usage_cost() -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from middleware.observe.trace import TracingMiddleware

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    primary = MockLanguageModel(
        generate=APICallError("down", url="http://x", status_code=503),
        provider="openai.chat",
        model_id="gpt-4o",
    )
    model = wrap_model(
        primary,
        [TracingMiddleware(tracer_provider=provider), CostMiddleware(), FallbackMiddleware([priced()])],
    )
    result = await generate_text(model, prompt="Hi", max_retries=0)
    (span,) = exporter.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.usage.cost"] == control.call_cost(result.provider_metadata)["total_usd"]  # type: ignore[index]
    assert attributes["modelpipe.cost.source"] == "genai-prices"
    assert attributes["modelpipe.fallback.model"] == "openai.chat/gpt-4o"
    assert attributes["modelpipe.fallback.index"] == 1 and attributes["modelpipe.fallback.failed"] == 1


async def test_a_spent_budget_refuses_the_call_before_io() -> None:
    mock = priced()
    one_call = control.call_cost(
        (
            await generate_text(wrap_model(priced(), [CostMiddleware()]), prompt="Hi", max_retries=0)
        ).provider_metadata
    )
    assert one_call is not None
    budget = BudgetMiddleware(max_usd=one_call["total_usd"] * 1.5)
    model = wrap_model(mock, [budget, CostMiddleware()])
    await generate_text(model, prompt="Hi", max_retries=0)
    await generate_text(model, prompt="Hi", max_retries=0)  # under the budget when it started
    with pytest.raises(BudgetExceededError) as raised:
        await generate_text(model, prompt="Hi", max_retries=0)
    assert len(mock.calls) == 2
    assert raised.value.spent_usd == pytest.approx(2 * one_call["total_usd"], abs=2e-6)
    assert await budget.spent_usd() == pytest.approx(2 * one_call["total_usd"], abs=2e-6)


async def test_a_budget_prices_the_call_itself_without_a_cost_layer() -> None:
    budget = BudgetMiddleware(max_usd=1e-9, window=timedelta(hours=1))
    model = wrap_model(priced(), [budget])
    await generate_text(model, prompt="Hi", max_retries=0)
    with pytest.raises(BudgetExceededError, match="3600 s window"):
        await generate_text(model, prompt="Hi", max_retries=0)


async def test_a_budget_on_redis_is_shared(redis_server: RedisServer) -> None:
    first = BudgetMiddleware(max_usd=0.001, store=redis_server.url, key="team")
    second = BudgetMiddleware(max_usd=0.001, store=redis_server.url, key="team")
    other = MockLanguageModel(provider="openai.chat", model_id="gpt-4o")
    try:
        await generate_text(wrap_model(priced(), [first]), prompt="Hi", max_retries=0)  # $0.00725
        with pytest.raises(BudgetExceededError):
            await generate_text(wrap_model(other, [second]), prompt="Hi", max_retries=0)
        assert other.calls == []
    finally:
        await first.aclose()
        await second.aclose()


def test_settings_are_checked() -> None:
    with pytest.raises(InvalidArgumentError, match="max_usd"):
        BudgetMiddleware(max_usd=-1)
    with pytest.raises(InvalidArgumentError, match="window"):
        BudgetMiddleware(max_usd=1, window=0.5)
    with pytest.raises(InvalidArgumentError, match="input_per_mtok"):
        ModelPrice(input_per_mtok=-1, output_per_mtok=1)


async def test_a_budget_charges_a_stream_at_its_finish_part() -> None:
    budget = BudgetMiddleware(max_usd=1.0)
    async with stream_text(wrap_model(priced(), [budget]), prompt="Hi", max_retries=0) as result:
        await result.text
    assert await budget.spent_usd() == pytest.approx(0.00725, abs=2e-6)
