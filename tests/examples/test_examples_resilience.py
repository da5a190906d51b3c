"""The resilience examples run offline: fallback, a rate limit shared through a real redis-server, and
cost with a budget."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.middleware.cache.redis_server import RedisServer, running_redis_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis_server() as server:
        yield server


async def test_fallback(capsys: pytest.CaptureFixture[str]) -> None:
    await load("fallback").main()
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("  attempt:")]
    failed = "Paris. answered by gpt-4o-mini; failed first: gpt-4o (503); skipped: none"
    skipped = "Paris. answered by gpt-4o-mini; failed first: none; skipped: gpt-4o"
    assert lines == [
        f"call 1: {failed}",
        f"call 2: {failed}",
        f"call 3: {failed}",
        f"call 4: {skipped}",
        f"stream: {skipped}",
        "requests to the primary: 3 (then skipped while its circuit is open)",
    ]


async def test_rate_limit_shared_on_redis(
    redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load("rate_limit_shared")
    admitted = await example.main(redis_server.url, calls_per_worker=5)
    assert len(admitted) == 10
    # times noted just after the limiter admitted a call, so allow its clock 0.1 s of scheduling slack
    assert max(sum(1 for other in admitted if at <= other < at + 0.9) for at in admitted) <= example.LIMIT
    waves = example.waves(admitted)
    assert sum(waves) == 10 and max(waves) <= example.LIMIT
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"10 calls, limit {example.LIMIT}/s together; admitted in waves: {waves}"
    assert lines[1:] == [
        "worker 0 was told: 429, retry after 1 s",
        "worker 2 backs off too, without asking the provider: retry-after limit",
    ]


async def test_cost_budget(capsys: pytest.CaptureFixture[str]) -> None:
    await load("cost_budget").main()
    assert capsys.readouterr().out.splitlines() == [
        "gpt-4o: 12000 in (4000 cached), 800 out (300 reasoning): "
        "$0.025000 + $0.008000 = $0.033000 [genai-prices]",
        "house-model: 12000 in (4000 cached), 800 out (300 reasoning): "
        "$0.006000 + $0.001200 = $0.007200 [price-table]",
        "after 2 more calls: Budget exceeded: 'default' has spent $0.106200 of $0.080000; "
        "the call was not sent",
        "spent $0.106200; requests sent: 4",
    ]
