"""RedisStore: a store shared by many machines, on redis-py's asyncio client (extra ``redis``).

Redis is best-effort here: every operation has a short deadline (socket timeouts plus an overall
deadline, no client-side retries), and a circuit breaker stops trying for a while after repeated
failures, so a slow or dead Redis costs a call at most one deadline and then nothing. Entries are our
checksummed byte envelopes; nothing is ever pickled. Runs on the asyncio backend only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from .base import CircuitBreaker

__all__ = ["RedisStore"]


class RedisStore:
    """A :class:`~middleware.cache.stores.base.CacheStore` on Redis; keys live under ``prefix``.

    Pass ``url`` (``redis://127.0.0.1:6379/0``, ``rediss://`` for TLS) or a ready ``client``.
    ``op_timeout`` bounds each operation in seconds; ``breaker`` decides when to stop trying.
    Call :meth:`aclose` when done.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | None = None,
        prefix: str = "modelpipe:cache:",
        op_timeout: float = 0.1,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("pass exactly one of url or client")
        self.prefix = prefix
        self.op_timeout = op_timeout
        self.breaker = breaker or CircuitBreaker()
        self._client: Redis = client or Redis.from_url(
            str(url),
            socket_timeout=op_timeout,
            socket_connect_timeout=op_timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )

    async def _guarded(self, operation: Callable[[], Awaitable[Any]]) -> Any:
        self.breaker.check()
        try:
            with anyio.fail_after(self.op_timeout):
                result = await operation()
        except Exception:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return result

    async def get(self, key: str) -> bytes | None:
        value = await self._guarded(lambda: self._client.get(self.prefix + key))
        return None if value is None else bytes(value)

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        expiry = None if ttl is None else max(1, round(ttl * 1000))
        await self._guarded(lambda: self._client.set(self.prefix + key, value, px=expiry))

    async def delete(self, key: str) -> None:
        await self._guarded(lambda: self._client.delete(self.prefix + key))

    async def clear(self) -> None:
        """Remove every key under ``prefix`` (not bounded by ``op_timeout``: it may take a while)."""
        batch: list[Any] = []
        async for name in self._client.scan_iter(match=self.prefix + "*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                await self._client.unlink(*batch)
                batch.clear()
        if batch:
            await self._client.unlink(*batch)

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self._client.aclose()
