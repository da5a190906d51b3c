"""Cancellation (reliability.md R8, S5, G6): cancelled calls return promptly, the server sees the
disconnect, no further attempt starts, and nothing is cached."""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
from collections.abc import Awaitable, Callable, Iterator

import anyio
import pytest

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe.log import LoggingMiddleware
from pipeline import generate_text, stream_text, wrap_model
from pipeline.model import LanguageModel
from providers._http import HttpClient
from providers.openai import OpenAIChatLanguageModel
from providers.testing import JsonReply, LoopbackServer, RecordedRequest, Reply, SSEReply
from providers.testing.openai import error_reply, stream_chunks, text_reply

from .probes import open_fds, pool_connections, watch_problems

pytestmark = pytest.mark.usefixtures("own_heap")

RETURN_LIMIT = 0.25
"""G6: a cancelled call returns control within 250 ms."""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _cached_model(
    server: LoopbackServer, http: HttpClient
) -> tuple[LanguageModel, CacheMiddleware, MemoryStore]:
    store = MemoryStore()
    cache = CacheMiddleware(store)
    bare = OpenAIChatLanguageModel("gpt-4o-mini", api_key="sk-cancel", base_url=server.url("/v1"), http=http)
    return wrap_model(bare, [cache, LoggingMiddleware()]), cache, store


def _slow_stream(chunks: int = 40, delay: float = 0.02) -> SSEReply:
    return SSEReply(events=list(stream_chunks([f"t{n} " for n in range(chunks)])), event_delay=delay)


async def _cancel_in_flight(
    call: Callable[[], Awaitable[object]], arrived: Callable[[], bool], delay: float
) -> float:
    """Run ``call()`` and cancel it ``delay`` s after ``arrived()`` holds (its request reached the server).

    Returns the seconds from the cancel to the call giving control back.
    """
    cancelled_at: float | None = None
    finished = False

    async def cancel_later(scope: anyio.CancelScope) -> None:
        nonlocal cancelled_at
        while not arrived():
            await anyio.sleep(0.002)
        await anyio.sleep(delay)
        cancelled_at = anyio.current_time()
        scope.cancel()

    async with anyio.create_task_group() as group:
        group.start_soon(cancel_later, group.cancel_scope)
        await call()
        finished = True
    assert not finished and cancelled_at is not None, "the call finished before it was cancelled"
    return anyio.current_time() - cancelled_at


async def test_a_generate_cancelled_while_waiting_for_headers(server: LoopbackServer) -> None:
    http = HttpClient()
    model, cache, store = _cached_model(server, http)
    server.enqueue(JsonReply(text_reply("late").body, delay=5.0), text_reply("fresh"))
    latency = await _cancel_in_flight(
        lambda: generate_text(model, prompt="same prompt"), lambda: len(server.requests) == 1, 0.05
    )
    saw_disconnect = server.wait_until(lambda s: s.disconnects == 1, timeout=1.0)
    again = await generate_text(model, prompt="same prompt")
    await http.aclose()
    print(
        f"\nCANCEL generate: returned {latency * 1e3:.1f} ms after cancel; server disconnects "
        f"{server.disconnects}; cache writes before retry call {cache.stats.writes - 1}"
    )
    assert latency <= RETURN_LIMIT
    assert saw_disconnect
    assert again.text == "fresh"
    assert len(server.requests) == 2  # the cancelled call left nothing in the cache
    assert cache.stats.writes == 1 and len(store) == 1


async def test_a_stream_cancelled_after_three_deltas(server: LoopbackServer) -> None:
    http = HttpClient()
    model, cache, store = _cached_model(server, http)
    server.enqueue(_slow_stream(), text_reply("fresh"))
    received: list[str] = []

    async def read() -> None:
        async with stream_text(model, prompt="stream me") as result:
            async for delta in result.text_stream:
                received.append(delta)
                if len(received) == 3:
                    await anyio.sleep(10)

    latency = await _cancel_in_flight(read, lambda: len(received) == 3, 0.02)
    saw_disconnect = server.wait_until(lambda s: s.disconnects == 1, timeout=1.0)
    in_use, _ = pool_connections(http)
    await http.aclose()
    print(
        f"\nCANCEL stream: {len(received)} deltas read; returned {latency * 1e3:.1f} ms after cancel; "
        f"server disconnects {server.disconnects}; pool in use {in_use}; cache entries {len(store)}"
    )
    assert received == ["t0 ", "t1 ", "t2 "]
    assert latency <= RETURN_LIMIT
    assert saw_disconnect
    assert in_use == 0
    assert len(store) == 0 and cache.stats.writes == 0


async def test_a_call_cancelled_during_backoff_starts_no_further_attempt(server: LoopbackServer) -> None:
    http = HttpClient()
    model, _, store = _cached_model(server, http)
    server.enqueue(error_reply(500), text_reply("never asked for"))
    latency = await _cancel_in_flight(
        lambda: generate_text(model, prompt="backoff"), lambda: len(server.requests) == 1, 0.1
    )
    await anyio.sleep(0.6)  # longer than the first backoff (0.375-0.5 s)
    await http.aclose()
    print(f"\nCANCEL backoff: returned {latency * 1e3:.1f} ms after cancel; attempts {len(server.requests)}")
    assert latency <= RETURN_LIMIT
    assert len(server.requests) == 1
    assert len(store) == 0


async def test_a_hundred_calls_cancelled_at_random_points_leak_nothing(server: LoopbackServer) -> None:
    rng = random.Random(6)
    arrived: set[str] = set()

    def reply(request: RecordedRequest) -> Reply:
        body = request.json()
        arrived.add(body["messages"][-1]["content"])
        return _slow_stream(50, 0.02) if body.get("stream") else JsonReply(text_reply("x").body, delay=2.0)

    server.default_reply = reply
    tasks_before, fds_before = len(asyncio.all_tasks()), open_fds()
    http = HttpClient()
    model, cache, store = _cached_model(server, http)
    latencies: list[float] = []

    async def one(index: int) -> None:
        prompt = f"call {index}"

        async def call() -> None:
            if index % 2:
                async with stream_text(model, prompt=prompt) as result:
                    async for _ in result.text_stream:
                        pass
            else:
                await generate_text(model, prompt=prompt)

        latencies.append(await _cancel_in_flight(call, lambda: prompt in arrived, rng.random() * 0.3))

    with watch_problems() as problems:
        async with anyio.create_task_group() as group:
            for index in range(100):
                group.start_soon(one, index)
        all_seen = server.wait_until(lambda s: s.disconnects == 100, timeout=1.0)
        in_use, _ = pool_connections(http)
        await http.aclose()
        closed = server.wait_until(lambda s: s.live_connections == 0, timeout=1.0)
        gc.collect()
        await asyncio.sleep(0)
    latencies.sort()
    p99 = latencies[98]
    print(
        f"\nCANCEL x100: return after cancel p50 {statistics.median(latencies) * 1e3:.1f} ms, "
        f"p99 {p99 * 1e3:.1f} ms, max {latencies[-1] * 1e3:.1f} ms; server requests {len(server.requests)}, "
        f"disconnects {server.disconnects}; pool in use {in_use}; cache entries {len(store)}; "
        f"tasks {tasks_before}->{len(asyncio.all_tasks())}; fds {fds_before}->{open_fds()}; "
        f"problems {problems.count}"
    )
    assert len(server.requests) == 100
    assert all_seen, f"server saw {server.disconnects} disconnects"
    assert p99 <= 0.1 and latencies[-1] <= RETURN_LIMIT
    assert in_use == 0 and closed
    assert len(store) == 0 and cache.stats.writes == 0
    assert len(asyncio.all_tasks()) == tasks_before
    assert open_fds() <= fds_before
    assert problems.count == 0, (problems.resource_warnings, problems.loop_errors)


async def test_leaving_text_stream_early_inside_its_context_leaves_nothing_to_the_collector(
    server: LoopbackServer,
) -> None:
    server.enqueue(_slow_stream())
    http = HttpClient()
    model, _, store = _cached_model(server, http)
    received: list[str] = []
    with watch_problems() as problems:
        async with stream_text(model, prompt="leave early") as result:
            async for delta in result.text_stream:
                received.append(delta)
                break
        gc.collect()  # an unclosed generator is finalized here: its aclose() runs as a loop task
        for _ in range(3):
            await asyncio.sleep(0)
        gc.collect()  # a failed task reports "exception was never retrieved" when collected
    in_use, _ = pool_connections(http)
    await http.aclose()
    print(f"\nLEAVE EARLY: {len(received)} delta read; pool in use {in_use}; problems {problems.loop_errors}")
    assert received == ["t0 "]
    assert in_use == 0 and len(store) == 0
    assert problems.count == 0, problems.loop_errors
