"""RateLimitMiddleware: requests and tokens per minute, per model or per key, shared through Redis.

Built on the ``limits`` library's async API: its strategies (``"moving-window"``, ``"fixed-window"``,
``"sliding-window-counter"``) and storages (in-process memory by default; ``storage="redis://host:port"``
shares one limit among every process and machine that names the same Redis; ``await limiter.aclose()``
closes its connections).

Before a call, one request and the call's estimated input tokens
(:func:`~middleware.resilience.estimate.estimate_input_tokens`, or ``estimate_tokens=``) are taken from the
limits; when they are not free, the call waits (asynchronously; cancelling the caller cancels the wait)
until the window frees up, and raises :class:`~middleware.resilience.errors.RateLimitExceededError` when
that would take longer than ``max_wait`` seconds. After the call the token count is corrected with the
usage the provider reported (input plus output tokens): added to the window, or with the fixed-window
strategy also given back. A moving window cannot give entries back, so an over-estimate there ages out.

``strategy`` (default ``"moving-window"``) is the requests limit's; ``token_strategy`` (default
``"fixed-window"``) the tokens limit's: ``limits`` keeps a moving window as one entry per unit, which is
right for requests but costs one entry per token for tokens, where a counter is cheap and exact.

When the provider answers 429 with Retry-After, the limiter stores "blocked until" in the same storage,
so every process sharing it waits (or fails fast) instead of each learning it from its own 429. The
error itself still propagates (the entry point's retry loop waits it out as usual).

Needs the ``resilience`` extra, and an asyncio event loop (``limits``' async storages are asyncio-based).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import AsyncGenerator, Callable
from typing import Literal

import anyio

try:
    from limits import RateLimitItem, RateLimitItemPerMinute, parse
    from limits.aio.storage import MemoryStorage, Storage
    from limits.aio.strategies import (
        FixedWindowRateLimiter,
        MovingWindowRateLimiter,
        RateLimiter,
        SlidingWindowCounterRateLimiter,
    )
    from limits.storage import storage_from_string
except ImportError as missing:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        'middleware.resilience.rate_limit needs limits: install it with pip install "modelpipe[resilience]"'
    ) from missing

from pipeline.chain import Middleware, WrapContext
from pipeline.errors import APICallError, InvalidArgumentError, RetryError
from pipeline.params import CallParams
from pipeline.result import GenerateResult, Usage
from pipeline.stream import FinishPart, StreamPart, StreamResult

from .errors import RateLimitExceededError
from .estimate import estimate_input_tokens

__all__ = ["RateLimitMiddleware", "Strategy", "close_storage", "limits_storage"]

Strategy = Literal["moving-window", "fixed-window", "sliding-window-counter"]

_STRATEGIES: dict[str, type[RateLimiter]] = {
    "moving-window": MovingWindowRateLimiter,
    "fixed-window": FixedWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
}

_MIN_PAUSE = 0.005
_JITTER = 0.01
"""Waits are at least ``_MIN_PAUSE`` s plus up to ``_JITTER`` s, so waiters of many processes do not
all ask again at the same instant."""


def limits_storage(storage: str | Storage | None) -> Storage:
    """A ``limits`` async storage: in-process memory for ``None``; for a URI (``"redis://..."``,
    ``"memory://"``, or already ``"async+redis://..."``) the storage it names; a storage as it is."""
    if storage is None:
        return MemoryStorage()
    if isinstance(storage, Storage):
        return storage
    if not isinstance(storage, str) or "://" not in storage:
        raise InvalidArgumentError(
            "storage", f"must be None, a storage URI or a limits storage, got {storage!r}"
        )
    uri = storage if storage.startswith("async+") else f"async+{storage}"
    # redis-py (the client of the ``redis`` extra and of RedisStore) rather than limits' default coredis
    options: dict[str, str] = {"implementation": "redispy"} if "redis" in uri.split("://", 1)[0] else {}
    made = storage_from_string(uri, **options)
    if not isinstance(made, Storage):  # pragma: no cover - storage_from_string honours the scheme
        raise InvalidArgumentError("storage", f"{storage!r} does not name an async storage")
    return made


async def close_storage(storage: Storage) -> None:
    """Close the client connections of a Redis storage (a memory storage holds none)."""
    client = getattr(getattr(storage, "bridge", None), "storage", None)
    close = getattr(client, "aclose", None)
    if close is not None:
        await close()


def _item(name: str, per_minute: int | None, spec: str | RateLimitItem | None) -> RateLimitItem | None:
    if per_minute is not None and spec is not None:
        raise InvalidArgumentError(name, f"give {name}_per_minute or {name}, not both")
    if per_minute is not None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise InvalidArgumentError(f"{name}_per_minute", f"must be an integer >= 1, got {per_minute!r}")
        return RateLimitItemPerMinute(per_minute)
    if spec is None or isinstance(spec, RateLimitItem):
        return spec
    try:
        return parse(spec)
    except ValueError as error:
        raise InvalidArgumentError(name, f"{spec!r} is not a limit like '500/minute': {error}") from error


def _model_key(call: WrapContext) -> str:
    return f"{call.model.provider}/{call.model.model_id}"


def _used_tokens(usage: Usage) -> int | None:
    if usage.input_tokens is None and usage.output_tokens is None:
        return None
    return (usage.input_tokens or 0) + (usage.output_tokens or 0)


class RateLimitMiddleware(Middleware):
    """Waits for room under the request and token limits before each call; see the module docstring.

    ``requests_per_minute`` / ``tokens_per_minute`` are counts per minute; ``requests`` / ``tokens`` take
    any ``limits`` string instead (``"10/second"``, ``"90000 per 2 minutes"``). ``key`` is a fixed name,
    or a function of the call (default: ``"<provider>/<model id>"``, one limit per model); every process
    using the same storage, key and limit shares one budget. ``max_wait`` bounds the wait, in seconds.
    """

    def __init__(
        self,
        *,
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
        requests: str | RateLimitItem | None = None,
        tokens: str | RateLimitItem | None = None,
        storage: str | Storage | None = None,
        key: str | Callable[[WrapContext], str] | None = None,
        strategy: Strategy = "moving-window",
        token_strategy: Strategy = "fixed-window",
        max_wait: float = 60.0,
        estimate_tokens: Callable[[CallParams], int] = estimate_input_tokens,
        prefix: str = "modelpipe",
    ) -> None:
        self.requests = _item("requests", requests_per_minute, requests)
        self.tokens = _item("tokens", tokens_per_minute, tokens)
        if self.requests is None and self.tokens is None:
            raise InvalidArgumentError("requests_per_minute", "give a request limit, a token limit or both")
        for name, chosen in (("strategy", strategy), ("token_strategy", token_strategy)):
            if chosen not in _STRATEGIES:
                raise InvalidArgumentError(name, f"must be one of {sorted(_STRATEGIES)}, got {chosen!r}")
        if isinstance(max_wait, bool) or not isinstance(max_wait, int | float) or not max_wait >= 0:
            raise InvalidArgumentError("max_wait", f"must be a number of seconds >= 0, got {max_wait!r}")
        self.storage = limits_storage(storage)
        self._owns_storage = isinstance(storage, str)
        self.strategy = strategy
        self.token_strategy = token_strategy
        self.limiters = {
            "requests": _STRATEGIES[strategy](self.storage),
            "tokens": _STRATEGIES[token_strategy](self.storage),
        }
        self.key = key
        self.max_wait = float(max_wait)
        self.estimate_tokens = estimate_tokens
        self.prefix = prefix

    def _key(self, call: WrapContext) -> str:
        if self.key is None:
            return _model_key(call)
        return self.key if isinstance(self.key, str) else self.key(call)

    def _blocked_key(self, key: str) -> str:
        return f"{self.prefix}/retry-after/{key}"

    async def _pause(self, key: str, limit: str, delay: float, deadline: float) -> None:
        """Sleep ``delay`` s (at least a little), or raise when that goes past the deadline."""
        pause = max(delay, _MIN_PAUSE) + random.random() * _JITTER
        if time.monotonic() + pause > deadline:
            raise RateLimitExceededError(
                key=key, limit=limit, max_wait=self.max_wait, retry_after=max(delay, 0.0)
            )
        await anyio.sleep(pause)

    async def _wait_out_retry_after(self, key: str, deadline: float) -> None:
        blocked = self._blocked_key(key)
        while await self.storage.get(blocked) > 0:
            await self._pause(
                key, "retry-after", await self.storage.get_expiry(blocked) - time.time(), deadline
            )

    async def _take(self, item: RateLimitItem, name: str, key: str, cost: int, deadline: float) -> None:
        cost = min(max(cost, 1), item.amount)  # a call larger than the whole limit waits for an empty window
        limiter = self.limiters[name]
        while not await limiter.hit(item, self.prefix, name, key, cost=cost):
            stats = await limiter.get_window_stats(item, self.prefix, name, key)
            await self._pause(key, name, stats.reset_time - time.time(), deadline)

    async def acquire(self, key: str, tokens: int) -> None:
        """Take one request and ``tokens`` tokens under ``key``, waiting up to ``max_wait`` seconds."""
        deadline = time.monotonic() + self.max_wait
        await self._wait_out_retry_after(key, deadline)
        if self.tokens is not None:
            await self._take(self.tokens, "tokens", key, tokens, deadline)
        if self.requests is not None:
            await self._take(self.requests, "requests", key, 1, deadline)

    async def correct(self, key: str, estimated: int, usage: Usage) -> None:
        """Bring the token window in line with the tokens the call really used."""
        used = _used_tokens(usage)
        if self.tokens is None or used is None or used == estimated:
            return
        item = self.tokens
        difference = used - min(max(estimated, 1), item.amount)
        limiter = self.limiters["tokens"]
        if self.token_strategy == "fixed-window":
            storage_key = item.key_for(self.prefix, "tokens", key)
            if difference < 0:
                difference = -min(-difference, await self.storage.get(storage_key))
            if difference:
                await self.storage.incr(storage_key, item.get_expiry(), amount=difference)
            return
        if difference > 0:
            stats = await limiter.get_window_stats(item, self.prefix, "tokens", key)
            room = min(difference, stats.remaining)
            if room > 0:
                await limiter.hit(item, self.prefix, "tokens", key, cost=room)

    async def learn(self, key: str, error: BaseException) -> None:
        """After a provider's 429 with Retry-After, block ``key`` for that long in the shared storage."""
        if isinstance(error, RetryError) and error.last_error is not None:
            error = error.last_error  # retries inside this layer (a fallback's) ended on it
        if not isinstance(error, APICallError) or error.status_code != 429 or not error.retry_after:
            return
        seconds = max(1, math.ceil(error.retry_after))
        blocked = self._blocked_key(key)
        until = time.time() + seconds
        if await self.storage.get(blocked) > 0:
            if await self.storage.get_expiry(blocked) >= until:
                return
            await self.storage.clear(blocked)
        await self.storage.incr(blocked, seconds)

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        key = self._key(call)
        estimated = self.estimate_tokens(call.params) if self.tokens is not None else 0
        await self.acquire(key, estimated)
        try:
            result = await call.do_generate()
        except Exception as error:
            await self.learn(key, error)
            raise
        await self.correct(key, estimated, result.usage)
        return result

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        key = self._key(call)
        estimated = self.estimate_tokens(call.params) if self.tokens is not None else 0
        await self.acquire(key, estimated)
        try:
            inner = await call.do_stream()
        except Exception as error:
            await self.learn(key, error)
            raise
        return StreamResult(
            stream=self._corrected(inner, key, estimated), request=inner.request, response=inner.response
        )

    async def _corrected(
        self, inner: StreamResult, key: str, estimated: int
    ) -> AsyncGenerator[StreamPart, None]:
        try:
            async for part in inner.stream:
                if isinstance(part, FinishPart):
                    await self.correct(key, estimated, part.usage)
                yield part
        finally:
            await inner.stream.aclose()

    async def aclose(self) -> None:
        """Close the Redis connections of a storage made from a URI (a storage passed in is the caller's)."""
        if self._owns_storage:
            await close_storage(self.storage)

    def __repr__(self) -> str:
        return (
            f"RateLimitMiddleware(requests={self.requests}, tokens={self.tokens}, "
            f"strategy={self.strategy!r}, token_strategy={self.token_strategy!r}, "
            f"storage={type(self.storage).__name__}, max_wait={self.max_wait:g})"
        )
