"""RedisStore against a real redis-server on 127.0.0.1, including one killed mid-run."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from middleware.cache.call_cache import CacheMiddleware, CacheStats
from middleware.cache.stores import CircuitBreaker, RedisStore, StoreUnavailableError
from pipeline.chain import wrap_model
from pipeline.testing import MockLanguageModel, text_result
from tests.middleware.cache import redis_server as redis_server_module
from tests.middleware.cache.cache_disk_worker import RELAXED, answer_text, prompt
from tests.middleware.cache.cache_samples import read_all, rich_parts, rich_result, unmarked
from tests.middleware.cache.redis_server import RedisServer, running_redis_server


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with running_redis_server() as server:
        yield server


@pytest.fixture
async def store(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    redis_store = RedisStore(redis_server.url, op_timeout=RELAXED)
    yield redis_store
    await redis_store.aclose()


async def test_store_contract(store: RedisStore) -> None:
    assert await store.get("k") is None
    await store.set("k", b"\x00v\xff")
    assert await store.get("k") == b"\x00v\xff"
    await store.set("short", b"x", ttl=0.05)
    time.sleep(0.1)
    assert await store.get("short") is None
    await store.delete("k")
    assert await store.get("k") is None


async def test_clear_removes_only_this_prefix(redis_server: RedisServer) -> None:
    mine, theirs = RedisStore(redis_server.url, prefix="a:"), RedisStore(redis_server.url, prefix="b:")
    try:
        for index in range(1200):
            await mine.set(str(index), b"1")
        await theirs.set("keep", b"2")
        await mine.clear()
        assert await mine.get("5") is None
        assert await theirs.get("keep") == b"2"
    finally:
        await mine.aclose()
        await theirs.aclose()


async def test_results_and_streams_round_trip_through_redis(store: RedisStore) -> None:
    model = MockLanguageModel(generate=rich_result(), stream=rich_parts())
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    wrapped = wrap_model(model, cache)
    for _ in range(2):
        assert unmarked(await wrapped.do_generate(prompt(1))) == rich_result()
        assert await read_all(await wrapped.do_stream(prompt(1))) == rich_parts()
    assert len(model.calls) == 2
    assert cache.stats == CacheStats(hits=2, misses=2, writes=2, errors=0)


async def test_two_clients_share_entries(redis_server: RedisServer) -> None:
    first = RedisStore(redis_server.url, op_timeout=RELAXED)
    second = RedisStore(redis_server.url, op_timeout=RELAXED)
    try:
        model = MockLanguageModel(generate=text_result(answer_text(0)))
        await wrap_model(model, CacheMiddleware(first, store_timeout=RELAXED)).do_generate(prompt(0))
        other = MockLanguageModel(generate=text_result("other machine"))
        reader = wrap_model(other, CacheMiddleware(second, store_timeout=RELAXED))
        served = await reader.do_generate(prompt(0))
        assert served.text == answer_text(0)
        assert other.calls == []
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_killed_redis_degrades_to_misses_and_opens_the_breaker(redis_server: RedisServer) -> None:
    breaker = CircuitBreaker(threshold=3, cooldown=60)
    store = RedisStore(redis_server.url, op_timeout=RELAXED, breaker=breaker)
    try:
        model = MockLanguageModel(generate=[text_result(str(i)) for i in range(20)])
        cache = CacheMiddleware(store, store_timeout=RELAXED)
        wrapped = wrap_model(model, cache)
        assert (await wrapped.do_generate(prompt(1))).text == "0"
        assert (await wrapped.do_generate(prompt(1))).text == "0"

        redis_server.kill()
        started = time.monotonic()
        texts = [(await wrapped.do_generate(prompt(index))).text for index in range(2, 8)]
        elapsed = time.monotonic() - started
    finally:
        await store.aclose()
    assert texts == ["1", "2", "3", "4", "5", "6"]
    assert elapsed < 1.0  # a dead server refuses at once; the breaker then skips Redis entirely
    assert cache.stats.errors == 12
    assert breaker.is_open
    with pytest.raises(StoreUnavailableError):
        breaker.check()


async def test_a_black_holed_redis_costs_at_most_the_deadline() -> None:
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        store = RedisStore(f"redis://127.0.0.1:{port}/0", op_timeout=0.1)
        try:
            cache = CacheMiddleware(store, store_timeout=0.25)
            wrapped = wrap_model(MockLanguageModel(), cache)
            started = time.monotonic()
            assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
            assert time.monotonic() - started < 2 * 0.1 + 0.3
        finally:
            await store.aclose()
    assert cache.stats.errors == 2


def test_exactly_one_of_url_or_client() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        RedisStore()
    client: Any = object()
    with pytest.raises(ValueError, match="exactly one"):
        RedisStore("redis://127.0.0.1:1/0", client=client)


@pytest.mark.parametrize("ci", ["", "true"])
def test_a_missing_binary_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(redis_server_module, "_FALLBACK_BINARY", Path("/nonexistent/redis-server"))
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(expected):
        redis_server_module.redis_binary()
