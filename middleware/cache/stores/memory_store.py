"""MemoryStore: a process-local store (for tests and short-lived programs)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

__all__ = ["MemoryStore"]


class MemoryStore:
    """Keeps entries in a dict; the oldest entries go first once ``max_entries`` is reached.

    Reads and writes are answered at once on the caller's thread
    (:class:`~middleware.cache.stores.InlineAccess`). A subclass that overrides :meth:`get` or :meth:`set`
    is read or written through its override, awaited as any store's.
    """

    def __init__(self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        return self._lookup(key)

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self._keep(key, value, ttl)

    def get_inline(self, key: str) -> bytes | Awaitable[bytes | None] | None:
        if type(self).get is not MemoryStore.get:
            return self.get(key)
        return self._lookup(key)

    def set_inline(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        if type(self).set is not MemoryStore.set:
            return False
        self._keep(key, value, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def clear(self) -> None:
        self._entries.clear()

    def _lookup(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at is not None and self._clock() >= expires_at:
            del self._entries[key]
            return None
        return value

    def _keep(self, key: str, value: bytes, ttl: float | None) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (value, None if ttl is None else self._clock() + ttl)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
