"""The CacheStore protocol and the circuit breaker shared by the stores."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

__all__ = [
    "CacheStore",
    "CircuitBreaker",
    "InlineAccess",
    "StoreUnavailableError",
]


@runtime_checkable
class CacheStore(Protocol):
    """Where the cache keeps its entries: opaque bytes under string keys.

    Methods may raise any exception; the cache middleware turns every store failure into a miss
    (or a skipped write), logs a warning and counts an error. ``ttl`` is in seconds, ``None`` for
    no expiry.
    """

    async def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or ``None`` when there are none (or they expired)."""
        ...

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``, replacing any earlier value."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it is absent)."""
        ...

    async def clear(self) -> None:
        """Remove every entry of this store."""
        ...


@runtime_checkable
class InlineAccess(Protocol):
    """Optional for a store: serve a read or take a write at once on the caller's thread when cheap.

    The cache uses it, when a store has it, instead of awaiting ``get`` / ``set`` under a deadline,
    which costs more than a small read itself.
    """

    def get_inline(self, key: str) -> bytes | Awaitable[bytes | None] | None:
        """Like ``get`` but never blocks: the value or ``None`` when known at once, else an awaitable
        that finishes this read (the caller awaits it under its deadline; nothing is read twice)."""
        ...

    def set_inline(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        """Like ``set`` but never blocks; False when only the awaitable ``set`` can store it."""
        ...


class StoreUnavailableError(RuntimeError):
    """The store's circuit breaker is open: the operation was not attempted."""


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; lets one trial through after ``cooldown`` s.

    A success closes it again; a failed trial reopens it for another ``cooldown``.
    """

    def __init__(
        self, *, threshold: int = 5, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._open_until: float | None = None

    @property
    def is_open(self) -> bool:
        """True while operations are being refused."""
        return self._open_until is not None and self._clock() < self._open_until

    def check(self) -> None:
        """Raise :class:`StoreUnavailableError` while open; after the cooldown, admit one trial."""
        if self._open_until is None:
            return
        if self._clock() < self._open_until:
            raise StoreUnavailableError("cache store disabled after repeated failures")
        self._open_until = self._clock() + self.cooldown  # half-open: this caller is the trial

    def record_success(self) -> None:
        self._failures = 0
        self._open_until = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self.threshold:
            self._open_until = self._clock() + self.cooldown
