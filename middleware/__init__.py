"""Built-in middleware, one subpackage per stage of the chain:

- ``middleware.normalize``: prompt normalization as a chain step (every call already normalizes);
- ``middleware.download``: attachment downloading inside a chain, with a custom function;
- ``middleware.cache``: caching of calls and of embeddings, and its stores (memory, disk, Redis);
- ``middleware.observe``: logging and tracing (tracing needs the ``otel`` extra);
- ``middleware.options``: provider options, default settings, default instructions, tool input examples;
- ``middleware.transform``: reasoning and JSON extracted from model text, streams simulated from generate.
- ``middleware.resilience``: fallback to other models, shared rate limits, cost and budgets.

Every name below is imported on first use, so importing one stage does not import the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

if TYPE_CHECKING:
    from pipeline.download import SafeDownloader, download_attachments

    from .cache import CacheMiddleware, CacheStats, EmbeddingCacheMiddleware
    from .cache.stores import DiskStore, MemoryStore, RedisStore
    from .download import DownloadMiddleware
    from .normalize import NormalizeMiddleware
    from .observe import LoggingMiddleware, TracingMiddleware
    from .options import (
        AddToolInputExamplesMiddleware,
        DefaultInstructionsMiddleware,
        DefaultSettingsMiddleware,
        ProviderOptionsMiddleware,
        mark_anthropic_cache_breakpoints,
    )
    from .options.prompt_caching import PromptCachePolicy, PromptCachingMiddleware, mark_for_cache
    from .resilience import (
        BudgetExceededError,
        BudgetMiddleware,
        CostMiddleware,
        FallbackMiddleware,
        RateLimitExceededError,
        RateLimitMiddleware,
    )
    from .transform import ExtractJsonMiddleware, ExtractReasoningMiddleware, SimulateStreamingMiddleware

_HOMES = {
    "AddToolInputExamplesMiddleware": "middleware.options",
    "CacheMiddleware": "middleware.cache",
    "CacheStats": "middleware.cache",
    "DefaultInstructionsMiddleware": "middleware.options",
    "DefaultSettingsMiddleware": "middleware.options",
    "DiskStore": "middleware.cache.stores",
    "DownloadMiddleware": "middleware.download",
    "EmbeddingCacheMiddleware": "middleware.cache",
    "ExtractJsonMiddleware": "middleware.transform",
    "ExtractReasoningMiddleware": "middleware.transform",
    "LoggingMiddleware": "middleware.observe",
    "MemoryStore": "middleware.cache.stores",
    "NormalizeMiddleware": "middleware.normalize",
    "ProviderOptionsMiddleware": "middleware.options",
    "RedisStore": "middleware.cache.stores",
    "SafeDownloader": "pipeline.download",
    "SimulateStreamingMiddleware": "middleware.transform",
    "TracingMiddleware": "middleware.observe",
    "download_attachments": "pipeline.download",
    "mark_anthropic_cache_breakpoints": "middleware.options",
    "BudgetExceededError": "middleware.resilience",
    "BudgetMiddleware": "middleware.resilience",
    "CostMiddleware": "middleware.resilience",
    "FallbackMiddleware": "middleware.resilience",
    "RateLimitExceededError": "middleware.resilience",
    "RateLimitMiddleware": "middleware.resilience",
    "PromptCachePolicy": "middleware.options",
    "PromptCachingMiddleware": "middleware.options",
    "mark_for_cache": "middleware.options",
}
__all__ = [
    "AddToolInputExamplesMiddleware",
    "BudgetExceededError",
    "BudgetMiddleware",
    "CacheMiddleware",
    "CacheStats",
    "CostMiddleware",
    "DefaultInstructionsMiddleware",
    "DefaultSettingsMiddleware",
    "DiskStore",
    "DownloadMiddleware",
    "EmbeddingCacheMiddleware",
    "ExtractJsonMiddleware",
    "ExtractReasoningMiddleware",
    "FallbackMiddleware",
    "LoggingMiddleware",
    "MemoryStore",
    "NormalizeMiddleware",
    "PromptCachePolicy",
    "PromptCachingMiddleware",
    "ProviderOptionsMiddleware",
    "RateLimitExceededError",
    "RateLimitMiddleware",
    "RedisStore",
    "SafeDownloader",
    "SimulateStreamingMiddleware",
    "TracingMiddleware",
    "download_attachments",
    "mark_anthropic_cache_breakpoints",
    "mark_for_cache",
]

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())
