"""The same batch on Ray: each worker builds the same middleware stack and shares one Redis cache.

``generate_many_ray(make_model, prompts, workers=2)`` puts the prompts in a ``ray.data`` dataset and maps
batches of them over worker actors; each actor calls ``make_model()`` once (here: OpenAI behind a
``CacheMiddleware`` on a shared Redis), then runs ``generate_many`` on its blocks. Items come back in
input order. The second run is answered from Redis by whichever worker gets each prompt.

When to pick which runner: one process (``examples/batch.py``) until the work outgrows a machine; the
provider's batch API for half the price when answers may take hours; Ray when the batch needs more than
one machine or the data already lives in Ray.

Offline: a local Ray runtime on 127.0.0.1, a throwaway redis-server, and a loopback server answering as
OpenAI. Needs the ``ray`` extra and redis-server. Run: python examples/batch_ray.py
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ray

from middleware import CacheMiddleware, RedisStore
from pipeline import LanguageModel, wrap_model
from pipeline.batch import summarize
from pipeline.batch_ray import generate_many_ray
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest
from providers.testing import openai as fake_openai

__all__ = ["main", "make_stack"]

PROMPTS = [f"Name a city starting with letter {chr(65 + index % 26)} (#{index})." for index in range(60)]


def make_stack(base_url: str, redis_url: str) -> LanguageModel:
    """Built once on every worker: the provider behind a cache shared through Redis (generous timeouts: a
    busy worker machine should still reach the cache)."""
    model = OpenAIProvider(api_key="loopback", base_url=base_url).chat("gpt-4o-mini")
    return wrap_model(
        model,
        [
            CacheMiddleware(
                RedisStore(redis_url, op_timeout=2.0), namespace="batch-ray-example", store_timeout=2.0
            )
        ],
    )


def answer(request: RecordedRequest) -> JsonReply:
    question = request.json()["messages"][-1]["content"]
    return JsonReply(fake_openai.completion_body(f"A city for {question.split()[-2]}"), delay=0.02)


@contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server on a free loopback port, without persistence."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


def main() -> None:
    if __name__ != "__main__":  # loaded from a file by name: let the workers receive make_stack by value
        ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    started = not ray.is_initialized()  # a runtime already up (ray.init(address=...)) is used as it is
    if started:
        root = str(Path(__file__).resolve().parent.parent)
        ray.init(
            num_cpus=2,
            _node_ip_address="127.0.0.1",
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            runtime_env={
                "env_vars": {
                    "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
                }
            },
        )
    try:
        with LoopbackServer() as api, redis_server() as redis_url:
            api.default_reply = answer
            make_model = functools.partial(make_stack, api.url("/v1"), redis_url)
            for run in ("first run", "second run"):
                items = generate_many_ray(
                    make_model, PROMPTS, workers=2, concurrency=8, batch_size=10, progress=True
                )
                summary = summarize(items)
                print(
                    f"{run}: {summary.done} done, {summary.failed} failed, {summary.cached} cached, "
                    f"{len(api.requests)} provider calls so far"
                )
            print(f"  first answers: {[item.unwrap().text for item in items[:3]]}")
    finally:
        if started:
            ray.shutdown()


if __name__ == "__main__":
    main()
