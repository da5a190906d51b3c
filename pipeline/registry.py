"""Model strings: ``"openai/gpt-4o"`` resolves through providers registered here."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable

from .errors import NoSuchModelError, NoSuchProviderError
from .model import LanguageModel

__all__ = ["ModelFactory", "register_provider", "registered_providers", "resolve_model"]

ModelFactory = Callable[[str], LanguageModel]
"""Builds a model from the model id (the part after the first ``/``)."""

_factories: dict[str, ModelFactory] = {}
_builtins_loaded = False


def register_provider(name: str, factory: ModelFactory) -> None:
    """Make ``"<name>/<model id>"`` resolve to ``factory(model_id)``; a later registration replaces."""
    _factories[name] = factory


def registered_providers() -> list[str]:
    """The provider names that model strings can use, sorted."""
    _load_builtins()
    return sorted(_factories)


def resolve_model(model: str | LanguageModel) -> LanguageModel:
    """A model object as is, or the model a ``"provider/model-id"`` string names."""
    if not isinstance(model, str):
        return model
    name, sep, model_id = model.partition("/")
    if not sep or not name or not model_id:
        raise NoSuchModelError(
            model, f"Model string {model!r} must look like 'provider/model-id', e.g. 'openai/gpt-4o'."
        )
    _load_builtins()
    factory = _factories.get(name)
    if factory is None:
        raise NoSuchProviderError(name, list(_factories))
    return factory(model_id)


def _load_builtins() -> None:
    """Import the bundled ``providers`` package once; it registers its providers on import."""
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        with contextlib.suppress(ImportError):  # the bundled providers ship with the distribution
            importlib.import_module("providers")
