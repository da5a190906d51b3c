"""Memory (reliability.md G5): a long loop of calls through the full stack shows no growth trend."""

from __future__ import annotations

import gc
import logging
import tracemalloc
from collections.abc import Iterator

import pytest

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe.log import LoggingMiddleware
from middleware.options.provider_options import ProviderOptionsMiddleware
from pipeline import generate_text, stream_text, wrap_model
from providers._http import HttpClient
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer, RecordedRequest, Reply
from providers.testing.openai import error_reply, stream_reply, text_reply

ROUNDS = 8
CALLS_PER_ROUND = 60
REPEATED_KEYS = 10
PER_CALL_LIMIT = 100
"""Bytes of traced memory per call allowed to appear between round 2 and the last round: keeping any
call's request, result or stream state alive would cost kilobytes per call."""


def _rss_kib() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * 4


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


async def test_a_long_loop_of_calls_does_not_grow(server: LoopbackServer) -> None:
    def reply(request: RecordedRequest) -> Reply:
        body = request.json()
        if "fail" in body["messages"][-1]["content"]:
            return error_reply(400, "bad request")
        return stream_reply() if body.get("stream") else text_reply("Hello!")

    server.default_reply = reply
    # log records go through a handler that keeps nothing (pytest's capture would keep every record)
    quiet = logging.getLogger("tests.reliability.memory")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    quiet.setLevel(logging.INFO)
    http = HttpClient()
    bare = OpenAIChatLanguageModel("gpt-4o-mini", api_key="sk-memory", base_url=server.url("/v1"), http=http)
    model = wrap_model(
        bare,
        [
            CacheMiddleware(MemoryStore()),
            LoggingMiddleware(logger=quiet),
            ProviderOptionsMiddleware(provider_options={"openai": {"user": "memory"}}),
        ],
    )
    traced: list[int] = []
    snapshots: list[tracemalloc.Snapshot] = []
    rss: list[int] = []
    counter = 0
    tracemalloc.start()
    try:
        for _ in range(ROUNDS):
            for position in range(CALLS_PER_ROUND):
                counter += 1
                kind = position % 4
                if kind == 0:  # cache hits (after the first round) over a fixed set of prompts
                    await generate_text(model, prompt=f"repeat {position % REPEATED_KEYS}")
                elif kind == 1:  # a fresh prompt: a miss that reaches the server, never cached
                    await generate_text(bare, prompt=f"fresh {counter}")
                elif kind == 2:
                    async with stream_text(
                        model,
                        prompt=f"fresh stream {counter}",
                        provider_options={"modelpipe": {"cache": "bypass"}},
                    ) as result:
                        async for _ in result.text_stream:
                            pass
                else:  # a failing call
                    try:
                        await generate_text(model, prompt=f"fail {counter}", max_retries=0)
                    except Exception as error:
                        assert type(error).__name__ == "APICallError"
            server.requests.clear()  # the test double records requests; that is not the library's memory
            gc.collect()
            traced.append(tracemalloc.get_traced_memory()[0])
            rss.append(_rss_kib())
            if len(traced) in (2, ROUNDS):
                snapshots.append(tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
        await http.aclose()
    growth = traced[-1] - traced[1]
    top = snapshots[-1].compare_to(snapshots[0], "lineno")[:3]
    per_call = growth / ((ROUNDS - 2) * CALLS_PER_ROUND)
    print(
        f"\nMEMORY: {ROUNDS} rounds x {CALLS_PER_ROUND} calls; traced KiB per round "
        f"{[round(value / 1024) for value in traced]}; growth round 2->{ROUNDS} {growth / 1024:.1f} KiB "
        f"({per_call:.0f} B per call); "
        f"RSS KiB {rss[0]}->{rss[-1]} (round 2->{ROUNDS}: {rss[-1] - rss[1]:+d}); largest growth sites: "
        + "; ".join(
            f"{stat.traceback[0].filename.rsplit('/', 2)[-1]}:{stat.traceback[0].lineno} "
            f"{stat.size_diff:+d} B"
            for stat in top
        )
    )
    assert per_call < PER_CALL_LIMIT
