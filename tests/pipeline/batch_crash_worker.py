"""Runs a cached batch against a loopback OpenAI server and SIGKILLs itself after N items (a crash).

Its disk cache writes each answer before the call returns (``write_behind=False``), so every item
finished before the kill is on disk; the default write-behind store may lose the last ~0.3 s of them
(its ``write_linger``).

python -m tests.pipeline.batch_crash_worker BASE_URL CACHE_DIR PROMPTS KILL_AFTER
"""

from __future__ import annotations

import os
import signal
import sys

import anyio

from middleware import CacheMiddleware, DiskStore
from pipeline import wrap_model
from pipeline.batch import stream_many
from providers.openai import OpenAIProvider


def prompts(count: int) -> list[str]:
    return [f"prompt number {index}" for index in range(count)]


async def main(base_url: str, cache_dir: str, count: int, kill_after: int) -> None:
    model = wrap_model(
        OpenAIProvider(api_key="crash", base_url=base_url).chat("gpt-4o-mini"),
        [CacheMiddleware(DiskStore(cache_dir, write_behind=False))],
    )
    done = 0
    # One call at a time: stream_many yields in input order, so with several workers a slow early item
    # lets the others finish every later prompt before the kill (the test needs some left undone).
    async for _ in stream_many(model, prompts(count), concurrency=1, progress=False):
        done += 1
        if done >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
