"""Leak probes and call counters shared by the reliability tests."""

from __future__ import annotations

import asyncio
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from pipeline.chain import Middleware, WrapContext
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult
from providers._http import HttpClient

__all__ = ["AttemptCounter", "LoopProblems", "open_fds", "pool_connections", "watch_problems"]


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
    pool: Any = client._transport._pool  # type: ignore[attr-defined]
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
        problems.loop_errors.append(str(context.get("message")))

    loop.set_exception_handler(record)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield problems
        finally:
            loop.set_exception_handler(previous)
    problems.resource_warnings += [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
