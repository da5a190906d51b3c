"""Provider terminals (OpenAI and OpenAI-compatible servers, Anthropic, Google Gemini, the AI Gateway).

Importing this package registers their model strings: ``"openai/gpt-4o"``,
``"anthropic/claude-sonnet-4-5"``, ``"google/gemini-2.5-flash"``, ``"ollama/llama3.2"``, ...
Registration is lazy: a provider's module is imported the first time one of its model strings
resolves (or when the submodule is used, e.g. ``providers.anthropic``), so importing one provider
does not import the others.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pipeline.registry import register_bundled_provider

__all__ = ["anthropic", "compatible", "gateway", "google", "openai"]

# The keys of providers.compatible.COMPATIBLE_ENDPOINTS, kept here so that registering them imports nothing.
_COMPATIBLE_NAMES = ("ollama", "vllm", "llamacpp", "lmstudio", "groq", "together", "deepseek")


def __getattr__(name: str) -> ModuleType:
    """The provider submodules, imported on first access (``providers.anthropic``)."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


for _module_name, _prefixes in (
    ("openai", ("openai",)),
    ("compatible", _COMPATIBLE_NAMES),
    ("anthropic", ("anthropic",)),
    ("google", ("google",)),
    ("gateway", ("gateway",)),
):
    for _prefix in _prefixes:
        register_bundled_provider(_prefix, f"{__name__}.{_module_name}")

# xAI (OpenAI-compatible chat completions), registered like the servers above.
register_bundled_provider("xai", f"{__name__}.compatible")
