"""Built-in middleware: normalization, attachment downloading, caching (of calls and of embeddings),
logging, provider options.

Tracing lives in ``middleware.trace`` (it needs the ``otel`` extra: ``pip install "modelpipe[otel]"``).
Cache stores live in ``middleware.stores``. The names below are imported on first use, so importing
one middleware module (e.g. ``middleware.download``) does not import the others (or diskcache).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# pipeline.generate imports middleware.download, so the core must finish importing before any
# middleware module starts (``import middleware.download`` first would otherwise be circular).
import pipeline  # noqa: F401

if TYPE_CHECKING:
    from .cache import CacheMiddleware, CacheStats
    from .download import DownloadMiddleware, download_attachments
    from .embedding_cache import EmbeddingCacheMiddleware
    from .instructions import DefaultInstructionsMiddleware
    from .log import LoggingMiddleware
    from .normalize import NormalizeMiddleware
    from .provider_options import ProviderOptionsMiddleware, mark_anthropic_cache_breakpoints
    from .safe_download import SafeDownloader

__all__ = [
    "CacheMiddleware",
    "CacheStats",
    "DefaultInstructionsMiddleware",
    "DownloadMiddleware",
    "EmbeddingCacheMiddleware",
    "LoggingMiddleware",
    "NormalizeMiddleware",
    "ProviderOptionsMiddleware",
    "SafeDownloader",
    "download_attachments",
    "mark_anthropic_cache_breakpoints",
]

_HOMES = {
    "CacheMiddleware": "cache",
    "CacheStats": "cache",
    "DefaultInstructionsMiddleware": "instructions",
    "DownloadMiddleware": "download",
    "EmbeddingCacheMiddleware": "embedding_cache",
    "LoggingMiddleware": "log",
    "NormalizeMiddleware": "normalize",
    "ProviderOptionsMiddleware": "provider_options",
    "SafeDownloader": "safe_download",
    "download_attachments": "download",
    "mark_anthropic_cache_breakpoints": "provider_options",
}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first access, then cache the name here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
