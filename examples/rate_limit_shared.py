"""One rate limit shared by every worker: RateLimitMiddleware on a Redis (or in-process) storage.

Two workers, each with its own middleware instance as two processes or machines would have, call the same
model under one limit of 4 requests per second ("team" key). Together they never pass it: the calls
come in waves of at most 4, a second apart. Then the provider answers one worker 429 with Retry-After: 1;
the limiter stores that in the shared storage, so another worker backs off too instead of learning it
from its own 429 (one with a short ``max_wait`` fails fast with the typed RateLimitExceededError).
The model is the OpenAI terminal talking to a loopback server on 127.0.0.1 (offline).
Run: python examples/rate_limit_shared.py [redis://127.0.0.1:6379]   (default: in-process memory)
"""

from __future__ import annotations

import itertools
import sys
import time

import anyio

from middleware import RateLimitExceededError, RateLimitMiddleware
from middleware.resilience.rate_limit import close_storage, limits_storage
from pipeline import generate_text, wrap_model
from pipeline.chain import Middleware, WrapContext
from pipeline.errors import APICallError
from pipeline.model import LanguageModel
from pipeline.result import GenerateResult
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["LIMIT", "main", "waves"]

LIMIT = 4
"""Requests per second, for all workers together."""


def waves(times: list[float]) -> list[int]:
    """How many of the sorted ``times`` came in each burst (a pause of over half a second starts another)."""
    counts = [1]
    for before, after in itertools.pairwise(times):
        if after - before > 0.5:
            counts.append(0)
        counts[-1] += 1
    return counts


async def main(storage: str = "memory://", *, calls_per_worker: int = 6) -> list[float]:
    """Run the two workers; return the (monotonic) times at which their calls got past the limiter."""
    with LoopbackServer() as server:
        arrivals: list[float] = []

        class Admitted(Middleware):
            """Notes when a call got past the limiter."""

            async def wrap_generate(self, call: WrapContext) -> GenerateResult:
                arrivals.append(time.monotonic())
                return await call.do_generate()

        server.route("/v1/", fake_openai.text_reply("ok"))
        base = OpenAIProvider(base_url=server.url("/v1"), api_key="loopback").chat("gpt-4o-mini")
        shared = limits_storage(storage)  # a Redis storage, or one memory storage both workers share

        def limited(max_wait: float) -> LanguageModel:
            limiter = RateLimitMiddleware(
                requests=f"{LIMIT}/second", storage=shared, key="team", max_wait=max_wait
            )
            return wrap_model(base, [limiter, Admitted()])

        try:
            await shared.check()  # connect first: limits timestamps a call when it asks, connecting included
            await generate_text(base, prompt="warm-up", max_retries=0)  # and start the HTTP client, unmetered
            models = [limited(max_wait=30), limited(max_wait=30)]

            async def worker(index: int) -> None:
                for _ in range(calls_per_worker):
                    await generate_text(models[index], prompt="Hi", max_retries=0)

            async with anyio.create_task_group() as group:
                group.start_soon(worker, 0)
                group.start_soon(worker, 1)
            admitted = sorted(arrivals)
            print(f"{len(admitted)} calls, limit {LIMIT}/s together; admitted in waves: {waves(admitted)}")

            server.route("/v1/", fake_openai.error_reply(429, "rate limited", headers={"retry-after": "1"}))
            try:
                await generate_text(models[0], prompt="Hi", max_retries=0)
            except APICallError as error:
                print(f"worker 0 was told: {error.status_code}, retry after {error.retry_after:g} s")
            impatient = limited(max_wait=0.2)  # a third worker that would rather fail than wait a second
            try:
                await generate_text(impatient, prompt="Hi", max_retries=0)
            except RateLimitExceededError as error:
                print(f"worker 2 backs off too, without asking the provider: {error.limit} limit")
            return admitted
        finally:
            await close_storage(shared)


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:2])
