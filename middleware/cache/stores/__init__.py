"""Cache stores: the :class:`CacheStore` protocol, :class:`MemoryStore`, :class:`DiskStore` (default)
and :class:`RedisStore` (needs the ``redis`` extra; imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

from .base import CacheStore, CircuitBreaker, InlineAccess, StoreUnavailableError
from .disk_store import DiskStore, SafeDisk
from .memory_store import MemoryStore

if TYPE_CHECKING:
    from .redis_store import RedisStore

__all__ = [
    "CacheStore",
    "CircuitBreaker",
    "DiskStore",
    "InlineAccess",
    "MemoryStore",
    "RedisStore",
    "SafeDisk",
    "StoreUnavailableError",
]

__getattr__, __dir__ = lazy_package(__name__, {"RedisStore": ".redis_store"}, globals())
