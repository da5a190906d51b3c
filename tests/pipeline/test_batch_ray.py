"""The batch on a local Ray runtime started here: workers share one Redis cache, items keep input order."""

from __future__ import annotations

import functools
import time

import pytest
import redis as redis_client

from pipeline.batch_ray import RemoteCallError, generate_many_ray
from pipeline.errors import InvalidArgumentError
from providers.testing import JsonReply, LoopbackServer, RecordedRequest
from providers.testing import openai as openai_wire
from tests.middleware.cache.redis_server import running_redis_server
from tests.optional import require_module

from .ray_stack import make_limited_stack, make_stack

ray = require_module("ray")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")


def echo(request: RecordedRequest) -> JsonReply:
    text = request.json()["messages"][-1]["content"]
    if "fail" in text:
        return openai_wire.error_reply(400, "refused on purpose")
    return openai_wire.text_reply(f"echo: {text}")


def test_ray_batch_shares_the_redis_cache_and_keeps_order(ray_runtime: None) -> None:
    prompts = [f"prompt {index}" for index in range(24)]
    prompts[7] = "please fail"
    with LoopbackServer() as server, running_redis_server() as redis:
        server.default_reply = echo
        make_model = functools.partial(make_stack, server.url("/v1"), redis.url)
        first = generate_many_ray(
            make_model, prompts, workers=2, concurrency=4, batch_size=6, progress=False, max_retries=0
        )
        assert [item.index for item in first] == list(range(24))
        assert [item.unwrap().text for item in first if item.ok] == [
            f"echo: {prompt}" for prompt in prompts if prompt != "please fail"
        ]
        failed = first[7].error
        assert isinstance(failed, RemoteCallError) and failed.error_type == "APICallError"
        assert "refused on purpose" in str(failed)
        assert not any(item.cached for item in first) and len(server.requests) == 24

        # Every answer the workers got is in the one shared Redis (the failed call is not cached).
        with redis_client.Redis.from_url(redis.url) as client:
            assert len(client.keys("modelpipe:cache:*")) == 23


def test_ray_workers_stay_together_under_one_rate_limit_shared_through_redis(ray_runtime: None) -> None:
    limit = 4  # requests per second, for all workers together
    arrivals: list[float] = []

    def timed_echo(request: RecordedRequest) -> JsonReply:
        arrivals.append(time.monotonic())
        return echo(request)

    prompts = [f"limited {index}" for index in range(12)]
    with LoopbackServer() as server, running_redis_server() as redis:
        server.default_reply = timed_echo
        make_model = functools.partial(make_limited_stack, server.url("/v1"), redis.url, limit)
        items = generate_many_ray(
            make_model, prompts, workers=2, concurrency=4, batch_size=6, progress=False, max_retries=0
        )

    assert [item.unwrap().text for item in items] == [f"echo: {prompt}" for prompt in prompts]
    arrivals.sort()
    # Two workers with four calls in flight each would send eight at once; the shared limit admits four
    # per second. A call is counted when admitted and arrives a little later (up to a few hundred ms on
    # a loaded machine), so arrivals are checked in half-second windows, which lie inside one second of
    # admissions.
    busiest = max(sum(1 for other in arrivals if start <= other < start + 0.5) for start in arrivals)
    assert busiest <= limit
    # Twelve calls at four per second are admitted over at least two seconds; their arrivals may be
    # squeezed by a first call that was slow to arrive (a worker's first connection on a loaded
    # machine took 0.4 s in CI). Without the limit all twelve arrive within a fraction of a second.
    assert arrivals[-1] - arrivals[0] >= 1.0


def test_ray_batch_arguments_are_checked_before_ray_starts() -> None:
    for name in ("workers", "concurrency", "batch_size"):
        with pytest.raises(InvalidArgumentError, match=name):
            generate_many_ray(lambda: None, ["a"], **{name: 0})  # type: ignore[arg-type, return-value]
    assert generate_many_ray(lambda: None, [], progress=False) == []  # type: ignore[arg-type, return-value]
