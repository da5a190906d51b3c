"""Options stage: provider options, default settings and default instructions merged into each call."""

from .instructions import DefaultInstructionsMiddleware
from .provider_options import ProviderOptionsMiddleware, mark_anthropic_cache_breakpoints

__all__ = ["DefaultInstructionsMiddleware", "ProviderOptionsMiddleware", "mark_anthropic_cache_breakpoints"]
