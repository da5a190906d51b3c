"""Cache stage: answers a repeated call from a store (memory, disk or Redis) instead of the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

if TYPE_CHECKING:
    from .call_cache import CacheMiddleware, CacheStats
    from .embedding_cache import EmbeddingCacheMiddleware

_HOMES = {
    "CacheMiddleware": ".call_cache",
    "CacheStats": ".call_cache",
    "EmbeddingCacheMiddleware": ".embedding_cache",
}
__all__ = [
    "CacheMiddleware",
    "CacheStats",
    "EmbeddingCacheMiddleware",
]

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())
