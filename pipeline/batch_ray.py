"""The same batch on a Ray cluster: ``ray.data`` maps batches of prompts over worker actors.

``generate_many_ray(make_model, prompts, workers=4, concurrency=16)`` puts the prompts in a Ray dataset
and runs :func:`pipeline.batch.generate_many` on each block inside a pool of actors. Every actor calls
``make_model()`` once, so each worker has the same middleware stack; give it a shared Redis cache
(``CacheMiddleware(RedisStore(url))``) and a shared rate limit so the workers, on however many
machines, answer repeats from one cache and stay under one limit. A rerun after a crash is answered
from that cache. The items come back in input order with the shape of ``generate_many``; an error that
cannot travel between processes as itself arrives as a :class:`RemoteCallError` naming its type.

Needs the ``ray`` extra (``pip install "modelpipe[ray]"``) and a Ray runtime: ``ray.init()`` (local)
or ``ray.init(address=...)``; without one, Ray starts a local runtime itself.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from typing import Any

from anyio.from_thread import start_blocking_portal

from .batch import BatchItem, BatchPrompt, _progress, generate_many
from .errors import InvalidArgumentError, ModelPipeError
from .model import LanguageModel
from .text_result import GenerateTextResult

__all__ = ["RemoteCallError", "generate_many_ray"]

ModelFactory = Callable[[], LanguageModel]
"""Builds the model with its middleware stack, once per worker (must pickle: a module-level function)."""


class RemoteCallError(ModelPipeError):
    """A worker's call failed with an error that could not be sent back as itself."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.remote_message = message

    def __reduce__(self) -> tuple[type[RemoteCallError], tuple[str, str]]:
        return (type(self), (self.error_type, self.remote_message))


def _ray() -> Any:
    try:
        import ray
    except ImportError as missing:
        raise ImportError('generate_many_ray needs Ray: pip install "modelpipe[ray]"') from missing
    return ray


def _portable(error: Exception) -> bytes:
    """``error`` pickled, or a :class:`RemoteCallError` of it when it does not survive the trip."""
    try:
        data = pickle.dumps(error)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps(RemoteCallError(type(error).__name__, str(error)))
    return data


class _Worker:
    """One Ray actor: the model built once, and ``generate_many`` over each block of prompts."""

    def __init__(self, make_model: ModelFactory, concurrency: int, call_arguments: dict[str, Any]) -> None:
        self.model = make_model()
        self.concurrency = concurrency
        self.call_arguments = call_arguments
        # One event loop for the actor's life, so HTTP connections are pooled across blocks.
        self._portal_context = start_blocking_portal()
        self._portal = self._portal_context.__enter__()

    def __call__(self, block: dict[str, Any]) -> dict[str, list[Any]]:
        prompts = [pickle.loads(data) for data in block["prompt"]]

        async def run() -> list[BatchItem[GenerateTextResult]]:
            return await generate_many(
                self.model, prompts, concurrency=self.concurrency, progress=False, **self.call_arguments
            )

        items = self._portal.call(run)
        return {
            "index": [int(index) for index in block["index"]],
            "result": [item.result.model_dump_json() if item.result else "" for item in items],
            "error": [_portable(item.error) if item.error else b"" for item in items],
            "cached": [item.cached for item in items],
            "cost": [item.cost if item.cost is not None else float("nan") for item in items],
        }


def _item(row: dict[str, Any]) -> BatchItem[GenerateTextResult]:
    cost = float(row["cost"])
    index = int(row["index"])
    if row["error"]:
        return BatchItem(index, error=pickle.loads(row["error"]), cost=None if cost != cost else cost)
    result = GenerateTextResult.model_validate_json(row["result"])
    return BatchItem(index, result=result, cached=bool(row["cached"]), cost=None if cost != cost else cost)


def generate_many_ray(
    make_model: ModelFactory,
    prompts: Iterable[BatchPrompt],
    *,
    workers: int = 2,
    concurrency: int = 16,
    batch_size: int = 64,
    progress: bool = True,
    **call_arguments: Any,
) -> list[BatchItem[GenerateTextResult]]:
    """:func:`~pipeline.batch.generate_many` spread over ``workers`` Ray actors, each running
    ``concurrency`` calls at a time on blocks of ``batch_size`` prompts; items in input order.

    ``make_model`` and ``call_arguments`` are sent to every worker (they must pickle).
    """
    for name, value in (("workers", workers), ("concurrency", concurrency), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidArgumentError(name, f"must be an integer >= 1, got {value!r}")
    ray = _ray()
    rows = [{"index": index, "prompt": pickle.dumps(prompt)} for index, prompt in enumerate(prompts)]
    if not rows:
        return []
    dataset = ray.data.from_items(rows).map_batches(
        _Worker,
        fn_constructor_kwargs={
            "make_model": make_model,
            "concurrency": concurrency,
            "call_arguments": call_arguments,
        },
        batch_size=batch_size,
        concurrency=workers,
        batch_format="numpy",
    )
    bar = _progress(progress, len(rows))
    items: list[BatchItem[GenerateTextResult]] = []
    try:
        for row in dataset.iter_rows():
            item = _item(row)
            bar.update(item)
            items.append(item)
    finally:
        bar.close()
    items.sort(key=lambda item: item.index)
    return items
