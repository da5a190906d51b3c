"""Batch runs: input order, per-item errors, concurrency bound, progress counts, cancellation, sync forms."""

from __future__ import annotations

import io
from typing import Any

import anyio
import pytest

from pipeline import control
from pipeline.batch import (
    BatchItem,
    call_cost,
    generate_many,
    generate_many_sync,
    stream_many,
    stream_many_sync,
    summarize,
)
from pipeline.errors import APICallError, InvalidArgumentError, InvalidPromptError
from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts


def prompt_text(params: CallParams) -> str:
    part = params.prompt[-1].content[0]
    return str(getattr(part, "text", ""))


class Echo:
    """Answers each prompt with its own text after a delay that shrinks with the index (so later
    prompts finish first), fails the prompts containing 'fail', and tracks the calls in flight."""

    def __init__(self, delay: float = 0.01) -> None:
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self.calls = 0

    async def _enter(self, text: str) -> None:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            number = int(text.split()[-1]) if text.split()[-1].isdigit() else 0
            await anyio.sleep(self.delay / (1 + number))
            if "fail" in text:
                raise APICallError("boom", url="http://127.0.0.1/x", status_code=400)
        finally:
            self.in_flight -= 1

    async def generate(self, params: CallParams) -> GenerateResult:
        text = prompt_text(params)
        await self._enter(text)
        return text_result(f"echo {text}")

    async def stream(self, params: CallParams) -> StreamResult:
        text = prompt_text(params)
        await self._enter(text)
        parts = text_stream_parts(["echo ", text])

        async def replay() -> Any:
            for part in parts:
                yield part

        return StreamResult(stream=replay())

    def model(self) -> MockLanguageModel:
        return MockLanguageModel(generate=self.generate, stream=self.stream)


async def test_results_in_input_order_and_one_failure_does_not_stop_the_batch() -> None:
    echo = Echo()
    prompts = [f"item {index}" for index in range(12)]
    prompts[5] = "fail 5"
    items = await generate_many(echo.model(), prompts, concurrency=4, progress=False, max_retries=0)
    assert [item.index for item in items] == list(range(12))
    assert [item.result.text for item in items if item.result] == [
        f"echo item {index}" for index in range(12) if index != 5
    ]
    failed = items[5]
    assert not failed.ok and isinstance(failed.error, APICallError) and failed.result is None
    with pytest.raises(APICallError):
        failed.unwrap()
    assert items[0].unwrap().text == "echo item 0"
    assert summarize(items).done == 12 and summarize(items).failed == 1
    assert echo.peak == 4 and echo.calls == 12


async def test_a_bad_prompt_is_its_items_typed_error() -> None:
    items = await generate_many(
        MockLanguageModel(),
        ["fine", {"messages": "not messages"}, 3],
        progress=False,  # type: ignore[list-item]
    )
    assert items[0].ok
    assert isinstance(items[1].error, InvalidPromptError | InvalidArgumentError)
    assert isinstance(items[2].error, InvalidArgumentError) and "prompts[2]" in str(items[2].error)


async def test_mapping_prompts_override_the_shared_arguments() -> None:
    model = MockLanguageModel()
    await generate_many(
        model,
        ["a", {"prompt": "b", "temperature": 0.9}],
        progress=False,
        concurrency=1,
        system="Be brief.",
        temperature=0.1,
    )
    temperatures = [params.temperature for params in model.generate_calls]
    assert temperatures == [0.1, 0.9]
    assert all(params.prompt[0].role == "system" for params in model.generate_calls)


async def test_arguments_are_checked_before_any_call() -> None:
    model = MockLanguageModel()
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InvalidArgumentError, match="concurrency"):
            await generate_many(model, ["a"], concurrency=bad, progress=False)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="prompts"):
        await generate_many(model, "a single prompt", progress=False)
    assert model.calls == []


async def test_stream_many_yields_in_input_order_through_stream_calls() -> None:
    echo = Echo()
    model = echo.model()
    prompts = [f"item {index}" for index in range(8)]
    seen = [item async for item in stream_many(model, prompts, concurrency=3, progress=False)]
    assert [item.index for item in seen] == list(range(8))
    assert [item.unwrap().text for item in seen] == [f"echo item {index}" for index in range(8)]
    assert len(model.stream_calls) == 8 and model.generate_calls == []


def _priced(usd: float) -> dict[str, Any]:
    """Metadata as CostMiddleware marks it."""
    return control.with_cost(None, {"input_usd": usd / 2, "output_usd": usd / 2, "total_usd": usd})


def test_cached_and_cost_are_read_from_the_metadata() -> None:
    assert call_cost(_priced(0.3)) == 0.3
    assert call_cost(control.with_cost(None, {"total_usd": "cheap"})) is None
    assert call_cost(control.with_cost(None, {"total_usd": True})) is None
    assert call_cost({"modelpipe": {"cost": 0.25}}) is None  # not a cost layer's mark
    assert call_cost(None) is None


async def test_cached_items_and_cost_are_counted() -> None:
    def answer(cached: bool, cost: float) -> GenerateResult:
        metadata = control.with_cache_status(_priced(cost), "hit") if cached else _priced(cost)
        return text_result("x").model_copy(update={"provider_metadata": metadata})

    model = MockLanguageModel(generate=[answer(True, 0.0), answer(False, 0.5), answer(False, 0.25)])
    items = await generate_many(model, ["a", "b", "c"], concurrency=1, progress=False)
    assert [item.cached for item in items] == [True, False, False]
    assert summarize(items) == summarize([*items])
    assert (summarize(items).cached, summarize(items).cost) == (1, 0.75)


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_progress_bar_on_a_terminal_shows_counts_and_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTty()
    monkeypatch.setattr("sys.stderr", terminal)
    priced = text_result("x").model_copy(update={"provider_metadata": _priced(0.5)})
    model = MockLanguageModel(generate=[priced, APICallError("no", url="u", status_code=400), priced])
    await generate_many(model, ["a", "b", "c"], concurrency=1, max_retries=0)
    shown = terminal.getvalue()
    assert "3/3" in shown and "failed=1" in shown and "cached=0" in shown and "cost=$1.0000" in shown


async def test_progress_is_silent_off_a_terminal_or_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    await generate_many(MockLanguageModel(), ["a", "b"])
    terminal = FakeTty()
    monkeypatch.setattr("sys.stderr", terminal)
    await generate_many(MockLanguageModel(), ["a", "b"], progress=False)
    assert plain.getvalue() == "" and terminal.getvalue() == ""


async def test_cancelling_the_batch_cancels_the_calls_in_flight() -> None:
    started = anyio.Event()
    cancelled: list[int] = []

    async def hang(params: CallParams) -> GenerateResult:
        started.set()
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled.append(1)
            raise
        raise AssertionError("unreachable")

    model = MockLanguageModel(generate=hang)
    with anyio.move_on_after(5) as scope:
        async with anyio.create_task_group() as group:
            group.start_soon(lambda: generate_many(model, ["a"] * 10, concurrency=3, progress=False))
            await started.wait()
            group.cancel_scope.cancel()
    assert not scope.cancelled_caught
    assert len(cancelled) == 3 and len(model.generate_calls) == 3


async def test_breaking_out_of_stream_many_stops_the_rest() -> None:
    echo = Echo(delay=0.05)
    model = echo.model()
    items = stream_many(model, [f"item {index}" for index in range(50)], concurrency=2, progress=False)
    async for item in items:
        assert item.index == 0
        break
    await items.aclose()  # type: ignore[attr-defined]
    calls = len(model.stream_calls)
    await anyio.sleep(0.1)
    assert len(model.stream_calls) == calls < 50


def test_sync_forms() -> None:
    echo = Echo()
    items = generate_many_sync(echo.model(), ["a 1", "fail 2", "c 3"], progress=False, max_retries=0)
    assert [item.ok for item in items] == [True, False, True]
    streamed = list(stream_many_sync(echo.model(), [f"s {index}" for index in range(5)], progress=False))
    assert [item.unwrap().text for item in streamed] == [f"echo s {index}" for index in range(5)]


def test_closing_the_sync_iterator_stops_the_batch() -> None:
    model = Echo(delay=0.05).model()
    iterator = stream_many_sync(
        model, [f"item {index}" for index in range(40)], concurrency=2, progress=False
    )
    first: BatchItem[Any] = next(iterator)
    iterator.close()  # type: ignore[attr-defined]
    assert first.index == 0
    assert len(model.stream_calls) < 40
