"""One benchmark client process: ``python -m benchmarks.worker ROW BASE_URL``.

It builds the client for ROW, then answers JSON commands read from stdin, one per line, with one JSON
line each, measuring its own process only (CPU seconds are user + sys of this process, all threads):

* ``{"op": "generate", "n": N}``: N sequential calls;
* ``{"op": "stream", "n": N}``: N sequential streamed calls (with the time to each first delta);
* ``{"op": "concurrent", "n": N, "concurrency": C}``: N calls, C at a time;
* ``{"op": "memory"}``: the process's peak resident set size, and how many cache store failures
  (warnings on the ``modelpipe.cache`` logger) happened so far;
* ``{"op": "quit"}``.

Every answer is checked against the server's fixed text, so a broken client cannot look fast.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import resource
import sys
import time
from typing import Any

from .clients import BenchClient, build_client
from .server import ANSWER_TEXT, STREAM_CHUNKS

__all__ = ["main"]

_STREAM_TEXT = "".join(f"tok{index} " for index in range(STREAM_CHUNKS))


class _Counting(logging.Handler):
    """Counts the records it sees (cache store failures are logged, not raised)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Worker:
    """Sequential and streamed calls use ``client``; concurrent calls use ``concurrent_client``, a second
    instance with its own connection pool: httpcore's per-request cost grows with the number of idle
    connections in the pool, so a pool widened by a concurrent burst would tax the sequential figures."""

    def __init__(self, client: BenchClient, concurrent_client: BenchClient) -> None:
        self.client = client
        self.concurrent_client = concurrent_client
        self.counter = itertools.count()

    def prompt(self) -> str:
        return f"Say hello (call {next(self.counter)})."

    async def generate(self, n: int) -> dict[str, Any]:
        cpu, wall = _cpu(), time.perf_counter()
        for _ in range(n):
            _check(await self.client.generate(self.prompt()), ANSWER_TEXT)
        return {"cpu": _cpu() - cpu, "wall": time.perf_counter() - wall, "n": n}

    async def stream(self, n: int) -> dict[str, Any]:
        if self.client.stream is None:
            return {"skipped": True}
        firsts: list[float] = []
        cpu, wall = _cpu(), time.perf_counter()
        for _ in range(n):
            first, text = await self.client.stream(self.prompt())
            _check(text, _STREAM_TEXT)
            firsts.append(first)
        return {"cpu": _cpu() - cpu, "wall": time.perf_counter() - wall, "n": n, "first": firsts}

    async def concurrent(self, n: int, concurrency: int) -> dict[str, Any]:
        queue = iter(range(n))

        async def lane() -> None:
            for _ in queue:
                _check(await self.concurrent_client.generate(self.prompt()), ANSWER_TEXT)

        cpu, wall = _cpu(), time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        return {"cpu": _cpu() - cpu, "wall": time.perf_counter() - wall, "n": n}


def _check(text: str, expected: str) -> None:
    if text != expected:
        raise AssertionError(f"unexpected answer {text[:80]!r}")


async def _serve(row: str, base_url: str) -> None:
    cache_failures = _Counting()
    cache_logger = logging.getLogger("modelpipe.cache")
    cache_logger.addHandler(cache_failures)
    cache_logger.propagate = False
    worker = _Worker(build_client(row, base_url), build_client(row, base_url))
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": row}), flush=True)
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        command = json.loads(line)
        op = command["op"]
        if op == "quit":
            break
        if op == "generate":
            answer = await worker.generate(command["n"])
        elif op == "stream":
            answer = await worker.stream(command["n"])
        elif op == "concurrent":
            answer = await worker.concurrent(command["n"], command["concurrency"])
        elif op == "memory":
            answer = {
                "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "cache_failures": cache_failures.count,
            }
        else:
            answer = {"error": f"unknown op {op!r}"}
        print(json.dumps(answer), flush=True)
    await worker.client.close()
    await worker.concurrent_client.close()


def main(argv: list[str]) -> None:
    """Serve commands for row ``argv[0]`` against ``argv[1]``."""
    asyncio.run(_serve(argv[0], argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
