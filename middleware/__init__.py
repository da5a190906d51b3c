"""Built-in middleware: normalization, attachment downloading, caching, logging, provider options.

Tracing lives in ``middleware.trace`` (it needs the ``otel`` extra: ``pip install "modelpipe[otel]"``).
Cache stores live in ``middleware.stores``.
"""

from .cache import CacheMiddleware, CacheStats
from .download import DownloadMiddleware, download_attachments
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
    "LoggingMiddleware",
    "NormalizeMiddleware",
    "ProviderOptionsMiddleware",
    "SafeDownloader",
    "download_attachments",
    "mark_anthropic_cache_breakpoints",
]
