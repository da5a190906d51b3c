"""Batch runs: many prompts through one model, concurrently, each answered or failed on its own.

``await generate_many(model, prompts, concurrency=16)`` runs ``generate_text`` for every prompt (a
string, or a mapping of ``generate_text`` keyword arguments such as ``messages`` / ``system``) and
returns one :class:`BatchItem` per prompt, in input order: its result, or the typed error that call
raised. One failure never stops the batch. :func:`stream_many` makes the same calls through
``stream_text`` and yields each item as soon as it and every item before it are done (input order,
streamed). Both have blocking forms (:func:`generate_many_sync`, :func:`stream_many_sync`).

On a terminal a progress bar (``tqdm``, the ``batch`` extra) shows done / failed / cached counts and
the cost so far (read from ``provider_metadata["modelpipe"]["cost"]`` when a cost middleware put it
there); it is silent when stderr is not a TTY or ``progress=False``. Cancelling the batch (a cancel
scope, Ctrl-C in the sync forms) cancels the calls in flight and closes the bar.

Resumable by construction: wrap the model in a cache (``CacheMiddleware`` with a ``DiskStore``, or a
``RedisStore`` shared by many machines) and rerun the same batch after a crash; finished items are
answered from the cache (counted as *cached*) and only the rest reach the provider.

Which runner to pick:

- **One process** (this module): thousands of prompts, answers in minutes, the provider's
  rate limit is the bottleneck. Concurrency 16-64 saturates most accounts; the cache makes reruns free.
- **The provider's batch API** (``providers.openai.batch``, ``providers.anthropic.batch``): half the
  price, answers within hours (up to 24 h); for large offline jobs that can wait. Same item shape.
- **Ray** (``pipeline.batch_ray``, the ``ray`` extra): the batch is too big for one machine's CPU or
  network, or the prompts already live in a Ray dataset; every worker builds the same middleware stack
  and shares the Redis cache and rate limit.
"""

from __future__ import annotations

import math
import queue
import sys
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import anyio
from anyio.abc import ObjectSendStream

from . import control
from .errors import InvalidArgumentError
from .generate import generate_text, stream_text
from .model import LanguageModel
from .text_result import GenerateTextResult

__all__ = [
    "BatchItem",
    "BatchPrompt",
    "BatchSummary",
    "call_cost",
    "generate_many",
    "generate_many_sync",
    "run_one",
    "stream_many",
    "stream_many_sync",
    "summarize",
]

BatchPrompt = str | Mapping[str, Any]
"""A prompt string, or the keyword arguments of one ``generate_text`` call (``prompt``, ``messages``,
``system``, settings ...); they override the batch-wide keyword arguments."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BatchItem(Generic[T]):
    """One prompt's outcome: ``result`` or ``error`` (exactly one is set), at ``index`` in the input."""

    index: int
    result: T | None = None
    error: Exception | None = None
    cached: bool = False
    cost: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """The result; raises the item's error when it failed."""
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """Counts over a batch: items done (answered or failed), failed, answered from a cache, cost in USD."""

    done: int = 0
    failed: int = 0
    cached: int = 0
    cost: float = 0.0


def summarize(items: Iterable[BatchItem[Any]]) -> BatchSummary:
    """The :class:`BatchSummary` of ``items``."""
    done = failed = cached = 0
    cost = 0.0
    for item in items:
        done += 1
        failed += item.error is not None
        cached += item.cached
        cost += item.cost or 0.0
    return BatchSummary(done, failed, cached, cost)


def call_cost(metadata: Mapping[str, Any] | None) -> float | None:
    """The USD total a cost layer marked on the call (:func:`pipeline.control.call_cost`'s
    ``total_usd``); ``None`` when no layer priced it."""
    total = (control.call_cost(metadata) or {}).get("total_usd")
    if isinstance(total, int | float) and not isinstance(total, bool) and math.isfinite(total):
        return float(total)
    return None


class _Progress(Protocol):
    def update(self, item: BatchItem[Any]) -> None: ...
    def close(self) -> None: ...


class _Silent:
    def update(self, item: BatchItem[Any]) -> None:
        pass

    def close(self) -> None:
        pass


class _Bar:
    """A tqdm bar on stderr with done / failed / cached counts and the cost so far."""

    def __init__(self, total: int | None, tqdm: Any) -> None:
        self._bar = tqdm(total=total, unit="call", desc="batch", file=sys.stderr, dynamic_ncols=True)
        self._failed = self._cached = 0
        self._cost = 0.0
        self._priced = False

    def update(self, item: BatchItem[Any]) -> None:
        self._failed += item.error is not None
        self._cached += item.cached
        if item.cost is not None:
            self._cost += item.cost
            self._priced = True
        fields: dict[str, object] = {"failed": self._failed, "cached": self._cached}
        if self._priced:
            fields["cost"] = f"${self._cost:.4f}"
        self._bar.set_postfix(fields, refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def _progress(enabled: bool, total: int | None) -> _Progress:
    """A bar when asked for and stderr is a terminal; otherwise silent."""
    if not enabled or not sys.stderr.isatty():
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn(
            'progress=True needs tqdm: pip install "modelpipe[batch]" (running without a bar)',
            stacklevel=3,
        )
        return _Silent()
    return _Bar(total, tqdm)


def _call_arguments(prompt: BatchPrompt, shared: Mapping[str, Any], index: int) -> dict[str, Any]:
    if isinstance(prompt, str):
        return {**shared, "prompt": prompt}
    if isinstance(prompt, Mapping):
        return {**shared, **prompt}
    raise InvalidArgumentError(
        f"prompts[{index}]",
        f"must be a prompt string or a mapping of generate_text arguments, got {type(prompt).__name__}",
    )


def _item(index: int, result: GenerateTextResult) -> BatchItem[GenerateTextResult]:
    metadata = result.provider_metadata
    return BatchItem(
        index,
        result=result,
        cached=control.cache_status(metadata) == "hit",
        cost=call_cost(metadata),
    )


async def run_one(
    model: LanguageModel | str, prompt: BatchPrompt, index: int, *, stream: bool, **shared: Any
) -> BatchItem[GenerateTextResult]:
    """One batch item: the call's result or the error it raised (cancellation is not caught)."""
    try:
        arguments = _call_arguments(prompt, shared, index)
        if stream:
            result = await stream_text(model, **arguments).result()
        else:
            result = await generate_text(model, **arguments)
    except Exception as error:
        return BatchItem(index, error=error)
    return _item(index, result)


def _check(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidArgumentError("concurrency", f"must be an integer >= 1, got {concurrency!r}")


def _total(prompts: Iterable[BatchPrompt]) -> int | None:
    try:
        return len(prompts)  # type: ignore[arg-type]
    except TypeError:
        return None


async def _run(
    model: LanguageModel | str,
    prompts: Iterable[BatchPrompt],
    *,
    concurrency: int,
    progress: bool,
    stream: bool,
    shared: dict[str, Any],
) -> AsyncGenerator[BatchItem[GenerateTextResult], None]:
    """Every item, in input order, each yielded once it and all before it are done."""
    _check(concurrency)
    if isinstance(prompts, str | Mapping):
        raise InvalidArgumentError("prompts", "must be an iterable of prompts, not a single prompt")
    numbered = enumerate(prompts)
    send, receive = anyio.create_memory_object_stream[BatchItem[GenerateTextResult]](concurrency)
    bar = _progress(progress, _total(prompts))

    async def worker(out: ObjectSendStream[BatchItem[GenerateTextResult]]) -> None:
        async with out:
            for index, prompt in numbered:
                await out.send(await run_one(model, prompt, index, stream=stream, **shared))

    waiting: dict[int, BatchItem[GenerateTextResult]] = {}
    next_index = 0
    try:
        async with anyio.create_task_group() as group:
            async with send:
                for _ in range(concurrency):
                    group.start_soon(worker, send.clone())
            async with receive:
                async for item in receive:
                    bar.update(item)
                    waiting[item.index] = item
                    while next_index in waiting:
                        try:
                            yield waiting.pop(next_index)
                        except GeneratorExit:  # the reader stopped: cancel the rest, then end quietly
                            group.cancel_scope.cancel()
                            return
                        next_index += 1
    finally:
        bar.close()


async def generate_many(
    model: LanguageModel | str,
    prompts: Iterable[BatchPrompt],
    *,
    concurrency: int = 16,
    progress: bool = True,
    **call_arguments: Any,
) -> list[BatchItem[GenerateTextResult]]:
    """``generate_text`` for every prompt, at most ``concurrency`` at a time; items in input order.

    ``call_arguments`` (``system``, ``temperature``, ``max_retries`` ...) go to every call; a prompt
    given as a mapping overrides them. A failed call is its item's ``error``; the batch goes on.
    """
    batch = _run(
        model, prompts, concurrency=concurrency, progress=progress, stream=False, shared=call_arguments
    )
    async with aclosing(batch) as items:
        return [item async for item in items]


async def stream_many(
    model: LanguageModel | str,
    prompts: Iterable[BatchPrompt],
    *,
    concurrency: int = 16,
    progress: bool = True,
    **call_arguments: Any,
) -> AsyncIterator[BatchItem[GenerateTextResult]]:
    """``stream_text`` for every prompt; yields the items in input order, each as soon as it and every
    item before it are done (so results can be written out while the batch runs)."""
    batch = _run(
        model, prompts, concurrency=concurrency, progress=progress, stream=True, shared=call_arguments
    )
    async with aclosing(batch) as items:
        async for item in items:
            yield item


def _portal_call(function: Callable[[], Awaitable[T]]) -> T:
    """``function()`` awaited on the shared event loop; Ctrl-C cancels it there."""
    from .sync import _shared_portal

    future = _shared_portal().start_task_soon(function)
    try:
        return future.result()
    except BaseException:
        future.cancel()
        raise


def generate_many_sync(
    model: LanguageModel | str,
    prompts: Iterable[BatchPrompt],
    *,
    concurrency: int = 16,
    progress: bool = True,
    **call_arguments: Any,
) -> list[BatchItem[GenerateTextResult]]:
    """Blocking :func:`generate_many`."""

    async def run() -> list[BatchItem[GenerateTextResult]]:
        return await generate_many(
            model, prompts, concurrency=concurrency, progress=progress, **call_arguments
        )

    return _portal_call(run)


_END = object()


def stream_many_sync(
    model: LanguageModel | str,
    prompts: Iterable[BatchPrompt],
    *,
    concurrency: int = 16,
    progress: bool = True,
    **call_arguments: Any,
) -> Iterator[BatchItem[GenerateTextResult]]:
    """Blocking :func:`stream_many`: an iterator of items in input order. Closing it (or Ctrl-C)
    cancels the calls still running."""
    from .sync import _shared_portal

    handoff: queue.Queue[Any] = queue.Queue()

    async def produce() -> None:
        try:
            async for item in stream_many(
                model, prompts, concurrency=concurrency, progress=progress, **call_arguments
            ):
                handoff.put(item)
        except Exception as error:
            handoff.put(error)
        finally:
            handoff.put(_END)

    future = _shared_portal().start_task_soon(produce)
    try:
        while (item := handoff.get()) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        future.cancel()
