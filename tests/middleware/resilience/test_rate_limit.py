"""RateLimitMiddleware: waiting, the typed error, token correction, Retry-After, and one limit shared by two
processes through a real redis-server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from middleware.resilience import RateLimitExceededError, RateLimitMiddleware
from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.params import CallParams
from pipeline.result import Usage
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts
from tests.middleware.cache.redis_server import RedisServer, running_redis_server

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis_server() as server:
        yield server


def used(input_tokens: int, output_tokens: int) -> MockLanguageModel:
    usage = Usage.of(input_tokens=input_tokens, output_tokens=output_tokens)
    return MockLanguageModel(
        generate=text_result("ok", usage=usage), stream=text_stream_parts(["o", "k"], usage=usage)
    )


async def test_a_call_over_the_limit_raises_the_typed_error_without_calling_the_model() -> None:
    mock = MockLanguageModel()
    model = wrap_model(mock, [RateLimitMiddleware(requests="3/minute", max_wait=0)])
    for _ in range(3):
        await generate_text(model, prompt="Hi", max_retries=0)
    with pytest.raises(RateLimitExceededError) as raised:
        await generate_text(model, prompt="Hi", max_retries=0)
    assert raised.value.limit == "requests" and raised.value.key == "mock/mock-model"
    assert raised.value.retry_after is not None and 0 < raised.value.retry_after <= 60
    assert len(mock.calls) == 3


async def test_limits_are_per_model_unless_a_key_is_given() -> None:
    limiter = RateLimitMiddleware(requests_per_minute=1, max_wait=0)
    first, second = MockLanguageModel(model_id="a"), MockLanguageModel(model_id="b")
    await generate_text(wrap_model(first, [limiter]), prompt="Hi", max_retries=0)
    await generate_text(wrap_model(second, [limiter]), prompt="Hi", max_retries=0)

    shared = RateLimitMiddleware(requests_per_minute=1, key="team", max_wait=0)
    await generate_text(wrap_model(first, [shared]), prompt="Hi", max_retries=0)
    with pytest.raises(RateLimitExceededError):
        await generate_text(wrap_model(second, [shared]), prompt="Hi", max_retries=0)


async def test_a_full_window_is_waited_out() -> None:
    called: list[float] = []

    async def answer(params: CallParams) -> object:
        called.append(time.monotonic())
        return text_result("ok")

    model = wrap_model(
        MockLanguageModel(generate=answer), [RateLimitMiddleware(requests="2/second", max_wait=5)]
    )  # type: ignore[arg-type]
    for _ in range(3):
        await generate_text(model, prompt="Hi", max_retries=0)
    assert len(called) == 3
    assert called[2] - called[0] >= 0.9  # the third call had to wait for the first to leave the window


async def test_waiting_is_cancellable() -> None:
    mock = MockLanguageModel()
    model = wrap_model(mock, [RateLimitMiddleware(requests="1/minute", max_wait=120)])
    await generate_text(model, prompt="Hi", max_retries=0)
    with anyio.move_on_after(0.2) as scope:
        await generate_text(model, prompt="Hi", max_retries=0)
    assert scope.cancelled_caught
    assert len(mock.calls) == 1


@pytest.mark.parametrize("strategy", ["moving-window", "fixed-window"])
async def test_tokens_are_estimated_before_and_corrected_after(strategy: str) -> None:
    mock = used(input_tokens=30, output_tokens=50)
    limiter = RateLimitMiddleware(
        tokens="100/minute",
        strategy=strategy,
        max_wait=0,
        estimate_tokens=lambda params: 30,  # type: ignore[arg-type]
    )
    model = wrap_model(mock, [limiter])
    await generate_text(model, prompt="Hi", max_retries=0)  # 30 taken, corrected to 80
    with pytest.raises(RateLimitExceededError) as raised:
        await generate_text(model, prompt="Hi", max_retries=0)  # 80 + 30 > 100
    assert raised.value.limit == "tokens"
    assert len(mock.calls) == 1


async def test_the_default_fixed_token_window_gives_back_an_over_estimate() -> None:
    mock = used(input_tokens=5, output_tokens=5)
    limiter = RateLimitMiddleware(tokens="100/minute", max_wait=0, estimate_tokens=lambda params: 60)
    model = wrap_model(mock, [limiter])
    await generate_text(model, prompt="Hi", max_retries=0)  # 60 taken, 50 given back
    await generate_text(model, prompt="Hi", max_retries=0)  # fits only because of the refund
    assert len(mock.calls) == 2


async def test_a_stream_is_corrected_at_its_finish_part() -> None:
    mock = used(input_tokens=10, output_tokens=85)
    limiter = RateLimitMiddleware(
        tokens="100/minute", token_strategy="moving-window", max_wait=0, estimate_tokens=lambda params: 10
    )
    model = wrap_model(mock, [limiter])
    async with stream_text(model, prompt="Hi", max_retries=0) as result:
        assert await result.text == "ok"
    with pytest.raises(RateLimitExceededError):
        await generate_text(model, prompt="Hi", max_retries=0)


async def test_the_default_estimate_counts_the_prompt() -> None:
    from middleware.resilience.estimate import estimate_input_tokens
    from pipeline.prompt import UserMessage

    short = CallParams(prompt=[UserMessage(content="Hi")])
    long = CallParams(prompt=[UserMessage(content="word " * 400)])
    assert 1 <= estimate_input_tokens(short) < 10
    assert 450 <= estimate_input_tokens(long) <= 600


def test_settings_are_checked() -> None:
    with pytest.raises(InvalidArgumentError, match="requests_per_minute"):
        RateLimitMiddleware()
    with pytest.raises(InvalidArgumentError, match="not both"):
        RateLimitMiddleware(requests_per_minute=1, requests="1/second")
    with pytest.raises(InvalidArgumentError, match="requests"):
        RateLimitMiddleware(requests="lots")
    with pytest.raises(InvalidArgumentError, match="storage"):
        RateLimitMiddleware(requests_per_minute=1, storage="localhost:6379")


async def test_a_429_with_retry_after_blocks_every_limiter_on_the_same_redis(
    redis_server: RedisServer,
) -> None:
    told = MockLanguageModel(
        generate=APICallError("slow down", url="http://x", status_code=429, retry_after=2)
    )
    other = MockLanguageModel()
    first = RateLimitMiddleware(requests_per_minute=100, storage=redis_server.url, max_wait=0)
    second = RateLimitMiddleware(requests_per_minute=100, storage=redis_server.url, max_wait=0.1)
    try:
        with pytest.raises(APICallError):
            await generate_text(wrap_model(told, [first]), prompt="Hi", max_retries=0)
        with pytest.raises(RateLimitExceededError) as raised:
            await generate_text(wrap_model(other, [second]), prompt="Hi", max_retries=0)
    finally:
        await first.aclose()
        await second.aclose()
    assert raised.value.limit == "retry-after"
    assert raised.value.retry_after is not None and 1 <= raised.value.retry_after <= 2
    assert other.calls == []


def _run_workers(runs: dict[str, str], limit: str, calls: int) -> dict[str, list[float]]:
    """For each run (name to storage), two worker processes making ``calls`` calls each, all released at
    once when every worker is imported; each run's model-call times, sorted."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    module = "tests.middleware.resilience.rate_limit_worker"
    workers = {
        name: [
            subprocess.Popen(
                [sys.executable, "-m", module, storage, limit, str(calls)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        for name, storage in runs.items()
    }
    everyone = [worker for pair in workers.values() for worker in pair]
    for worker in everyone:
        assert worker.stdout is not None and worker.stdout.readline() == b"ready\n"
    for worker in everyone:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        worker.stdin.flush()
    times: dict[str, list[float]] = {}
    for name, pair in workers.items():
        for worker in pair:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err.decode()
            times.setdefault(name, []).extend(json.loads(out))
    return {name: sorted(found) for name, found in times.items()}


def _busiest_window(times: list[float], window: float) -> int:
    """The most calls that fall inside any window of ``window`` seconds."""
    return max(sum(1 for other in times if start <= other < start + window) for start in times)


def test_two_processes_together_stay_under_one_redis_limit(redis_server: RedisServer) -> None:
    limit, calls = 5, 6
    # "apart": each process its own in-memory limit, the control showing the measurement can fail
    runs = _run_workers({"shared": redis_server.url, "apart": "memory://"}, f"{limit}/second", calls)
    assert len(runs["shared"]) == len(runs["apart"]) == 2 * calls
    # measured at the model, slightly after the limiter admitted the call: 0.1 s of slack for scheduling
    assert _busiest_window(runs["shared"], 0.9) <= limit
    assert _busiest_window(runs["apart"], 0.9) > limit
