"""The cache stores under their earlier import path (``from middleware.stores import DiskStore``).

Their home is :mod:`middleware.cache.stores`; :class:`RedisStore` (the ``redis`` extra) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

from .cache.stores import CacheStore, DiskStore, MemoryStore

if TYPE_CHECKING:
    from .cache.stores import RedisStore

__all__ = ["CacheStore", "DiskStore", "MemoryStore", "RedisStore"]

__getattr__, __dir__ = lazy_package(__name__, {"RedisStore": "middleware.cache.stores"}, globals())
