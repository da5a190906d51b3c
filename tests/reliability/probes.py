"""Leak probes and call counters shared by the reliability tests."""

from __future__ import annotations

import asyncio
import gc
import os
import time
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
import httpx

from pipeline.chain import Middleware, WrapContext
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult
from providers._http import HttpClient

__all__ = [
    "AttemptCounter",
    "GcPauses",
    "LoopLag",
    "LoopProblems",
    "measure_gc_pauses",
    "measure_loop_lag",
    "open_fds",
    "pool_connections",
    "watch_problems",
]


class AttemptCounter(Middleware):
    """Counts the attempts that reach it per call id (the integer in request header ``header``).

    Retries re-run the chain, so placed inside a cache it counts the attempts that reach the provider.
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.attempts: Counter[int] = Counter()

    def _count(self, call: WrapContext) -> None:
        self.attempts[int((call.params.headers or {})[self.header] or -1)] += 1

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        self._count(call)
        return await call.do_generate()

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        self._count(call)
        return await call.do_stream()


def pool_connections(http: HttpClient) -> tuple[int, int]:
    """``(in use, idle)`` connections of the running loop's pooled httpx client."""
    client: httpx.AsyncClient = http.client()
    transport: Any = client._transport
    pool: Any = getattr(transport, "pool", transport)._pool  # under the pool gate, if any
    connections = list(pool.connections)
    idle = sum(1 for connection in connections if connection.is_idle())
    return len(connections) - idle, idle


def open_fds() -> int:
    """File descriptors open in this process."""
    return len(os.listdir("/proc/self/fd"))


class LoopProblems:
    """What went wrong quietly: ResourceWarnings and event-loop exception reports."""

    def __init__(self) -> None:
        self.resource_warnings: list[str] = []
        self.loop_errors: list[str] = []

    @property
    def count(self) -> int:
        return len(self.resource_warnings) + len(self.loop_errors)


@contextmanager
def watch_problems() -> Iterator[LoopProblems]:
    """Record ResourceWarnings (always shown) and loop exception reports ("Task was destroyed ...")."""
    problems = LoopProblems()
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def record(_: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        problems.loop_errors.append(f"{context.get('message')}: {context.get('exception')!r}")

    loop.set_exception_handler(record)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield problems
        finally:
            loop.set_exception_handler(previous)
    problems.resource_warnings += [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


class LoopLag:
    """How late a 10 ms timer fired, sample by sample (seconds)."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    @property
    def worst(self) -> float:
        return max(self.samples, default=0.0)


@asynccontextmanager
async def measure_loop_lag(period: float = 0.01) -> AsyncIterator[LoopLag]:
    """Sample the running loop's timer lateness while the block runs (context for latency figures)."""
    lag = LoopLag()

    async def sample() -> None:
        while True:
            before = time.monotonic()
            await anyio.sleep(period)
            lag.samples.append(time.monotonic() - before - period)

    async with anyio.create_task_group() as group:
        group.start_soon(sample)
        try:
            yield lag
        finally:
            group.cancel_scope.cancel()


class GcPauses:
    """The cyclic garbage collector's runs while a block ran: ``(generation, seconds)`` each."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, float]] = []

    @property
    def worst(self) -> float:
        return max((seconds for _, seconds in self.runs), default=0.0)


@contextmanager
def measure_gc_pauses() -> Iterator[GcPauses]:
    """Time every collector run in the block (a run stops the event loop and every thread)."""
    pauses = GcPauses()
    started = 0.0

    def record(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if phase == "start":
            started = time.perf_counter()
        else:
            pauses.runs.append((info["generation"], time.perf_counter() - started))

    gc.callbacks.append(record)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(record)
