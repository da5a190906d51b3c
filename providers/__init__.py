"""Provider terminals (OpenAI and OpenAI-compatible servers, Anthropic, Google Gemini).

Importing this package registers their model strings: ``"openai/gpt-4o"``,
``"anthropic/claude-sonnet-4-5"``, ``"google/gemini-2.5-flash"``, ``"ollama/llama3.2"``, ...
Registration is lazy: a provider's module is imported the first time one of its model strings
resolves (or when the submodule is used, e.g. ``providers.anthropic``), so importing one provider
does not import the others.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pipeline.model import LanguageModel
from pipeline.registry import ModelFactory, register_provider

__all__ = ["anthropic", "compatible", "google", "openai"]

# The keys of providers.compatible.COMPATIBLE_ENDPOINTS, kept here so that registering them imports nothing.
_COMPATIBLE_NAMES = ("ollama", "vllm", "llamacpp", "lmstudio", "groq", "together", "deepseek")


class _LazyFactory:
    """A model factory that builds the real one (importing its provider module) on first use."""

    def __init__(self, load: Callable[[], ModelFactory]) -> None:
        self._load = load
        self._factory: ModelFactory | None = None
        self._lock = threading.Lock()

    def __call__(self, model_id: str) -> LanguageModel:
        if self._factory is None:
            with self._lock:
                if self._factory is None:
                    self._factory = self._load()
        return self._factory(model_id)


def _module(name: str) -> Any:
    return importlib.import_module(f"{__name__}.{name}")


def _openai() -> ModelFactory:
    factory: ModelFactory = _module("openai").OpenAIProvider().chat
    return factory


def _anthropic() -> ModelFactory:
    factory: ModelFactory = _module("anthropic").AnthropicProvider().messages
    return factory


def _google() -> ModelFactory:
    google_model = _module("google").GoogleLanguageModel
    return lambda model_id: google_model(model_id)


def _compatible(name: str) -> Callable[[], ModelFactory]:
    def load() -> ModelFactory:
        factory: ModelFactory = _module("compatible").compatible_provider(name).chat
        return factory

    return load


def __getattr__(name: str) -> ModuleType:
    """The provider submodules, imported on first access (``providers.anthropic``)."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


register_provider("openai", _LazyFactory(_openai))
for _name in _COMPATIBLE_NAMES:
    register_provider(_name, _LazyFactory(_compatible(_name)))
register_provider("anthropic", _LazyFactory(_anthropic))
register_provider("google", _LazyFactory(_google))
