"""Options stage: provider options, default settings, default instructions and tool input examples
merged into each call."""

from .default_settings import DefaultSettingsMiddleware
from .instructions import DefaultInstructionsMiddleware
from .prompt_caching import PromptCachePolicy, PromptCachingMiddleware, mark_for_cache
from .provider_options import ProviderOptionsMiddleware, mark_anthropic_cache_breakpoints
from .tool_input_examples import AddToolInputExamplesMiddleware

__all__ = [
    "AddToolInputExamplesMiddleware",
    "DefaultInstructionsMiddleware",
    "DefaultSettingsMiddleware",
    "PromptCachePolicy",
    "PromptCachingMiddleware",
    "ProviderOptionsMiddleware",
    "mark_anthropic_cache_breakpoints",
    "mark_for_cache",
]
