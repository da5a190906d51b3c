"""GuardedStore: cache store operations that never fail a model call.

Every operation has a deadline (a store with :class:`~middleware.cache.stores.InlineAccess` may answer a read,
or take a write, at once on the caller's thread instead; a read it cannot answer at once is finished
under the deadline, without being started again). A failure, a timeout or a corrupt entry is
logged as a warning on the ``modelpipe.cache`` logger (an unavailable store, e.g. an open circuit
breaker, at debug level), counted in :attr:`GuardedStore.errors`, and treated as a miss or a skipped
write; a corrupt entry is also deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from .codec import CorruptEntryError
from .stores import CacheStore, InlineAccess, StoreUnavailableError

__all__ = ["GuardedStore"]

logger = logging.getLogger("modelpipe.cache")

_T = TypeVar("_T")


class GuardedStore:
    """``store`` behind deadlines of ``timeout`` seconds; entries over ``max_entry_bytes`` are not written.

    ``writes`` counts entries handed to the store to write (a write-behind store may still lose one
    later: it counts those itself), ``errors`` the failures seen here.
    """

    def __init__(self, store: CacheStore, *, timeout: float, ttl: float | None, max_entry_bytes: int) -> None:
        self.store = store
        self.timeout = timeout
        self.ttl = ttl
        self.max_entry_bytes = max_entry_bytes
        self.writes = 0
        self.errors = 0
        self._inline = store if isinstance(store, InlineAccess) else None

    async def load(self, key: str, decode: Callable[[str, bytes], _T]) -> _T | None:
        """The decoded entry of ``key``, or ``None`` (missing, unreadable or corrupt)."""
        try:
            if self._inline is not None:
                answer = self._inline.get_inline(key)
                if answer is None or isinstance(answer, bytes):
                    data = answer
                else:
                    with anyio.fail_after(self.timeout):
                        data = await answer
            else:
                with anyio.fail_after(self.timeout):
                    data = await self.store.get(key)
            return None if data is None else decode(key, data)
        except CorruptEntryError as error:
            self._failed("read", key, error)
            await self._guard("delete", key, lambda: self.store.delete(key))
        except Exception as error:
            self._failed("read", key, error)
        return None

    async def save(self, key: str, encode: Callable[[], bytes]) -> None:
        """Write ``encode()`` under ``key`` (skipped when it cannot be encoded or is too large)."""
        try:
            data = encode()
        except (TypeError, ValueError) as error:
            self._failed("encode", key, error)
            return
        if len(data) > self.max_entry_bytes:
            logger.debug("cache entry %s is %d bytes, over max_entry_bytes; not stored", key, len(data))
            return
        if self._inline is not None:
            try:
                stored = self._inline.set_inline(key, data, ttl=self.ttl)
            except Exception as error:
                self._failed("write", key, error)
                return
            if stored:
                self.writes += 1
                return
        if await self._guard("write", key, lambda: self.store.set(key, data, ttl=self.ttl)):
            self.writes += 1

    async def _guard(self, what: str, key: str, operation: Callable[[], Awaitable[None]]) -> bool:
        try:
            with anyio.fail_after(self.timeout):
                await operation()
        except Exception as error:
            self._failed(what, key, error)
            return False
        return True

    def _failed(self, what: str, key: str, error: Exception) -> None:
        self.errors += 1
        level = logging.DEBUG if isinstance(error, StoreUnavailableError) else logging.WARNING
        logger.log(
            level,
            "cache %s failed for key %s (%s: %s); the call goes on without the cache",
            what,
            key,
            type(error).__name__,
            error,
        )
