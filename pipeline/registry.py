"""Model strings: ``"openai/gpt-4o"`` resolves through providers registered here.

Two kinds of entry: a registration (:func:`register_provider`, the caller's word, which always wins)
and a bundled provider (:func:`register_bundled_provider`): the name of a module imported the first
time one of its model strings resolves, whose ``register()`` then registers its factories without
replacing a registration made before. The bundled ``providers`` package is imported (by name, so the
core does not depend on it) on the first lookup.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .errors import NoSuchModelError, NoSuchProviderError, ProviderImportError
from .model import LanguageModel

__all__ = [
    "ModelFactory",
    "register_bundled_provider",
    "register_provider",
    "registered_providers",
    "resolve_model",
]

ModelFactory = Callable[[str], LanguageModel]
"""Builds a model from the model id (the part after the first ``/``)."""

_BUNDLED_PACKAGE = "providers"
"""Imported on the first lookup; it declares the bundled providers with :func:`register_bundled_provider`."""

_factories: dict[str, ModelFactory] = {}
_bundled: dict[str, str] = {}
_bundled_loaded = False
_bundled_error: ImportError | None = None


def register_provider(name: str, factory: ModelFactory) -> None:
    """Make ``"<name>/<model id>"`` resolve to ``factory(model_id)``; a later registration replaces,
    and a bundled provider of the same name never does."""
    _factories[name] = factory


def register_bundled_provider(name: str, module: str) -> None:
    """Make ``"<name>/<model id>"`` resolve through ``module``: imported on first use, its
    ``register()`` then registers the factory. For the bundled providers; a registration wins."""
    _bundled[name] = module


def registered_providers() -> list[str]:
    """The provider names that model strings can use, sorted."""
    _import_bundled_package()
    return sorted(_factories.keys() | _bundled.keys())


def resolve_model(model: str | LanguageModel) -> LanguageModel:
    """A model object as is, or the model a ``"provider/model-id"`` string names.

    Raises :class:`NoSuchModelError` for a malformed string, :class:`NoSuchProviderError` for an
    unknown provider and :class:`ProviderImportError` when the provider's module cannot be imported.
    """
    if not isinstance(model, str):
        return model
    name, sep, model_id = model.partition("/")
    if not sep or not name or not model_id:
        raise NoSuchModelError(
            model, f"Model string {model!r} must look like 'provider/model-id', e.g. 'openai/gpt-4o'."
        )
    _import_bundled_package()
    factory = _factories.get(name) or _load_bundled(name)
    if factory is None:
        if _bundled_error is not None:
            raise ProviderImportError(name, _BUNDLED_PACKAGE, _bundled_error) from _bundled_error
        raise NoSuchProviderError(name, registered_providers())
    return factory(model_id)


def _import_bundled_package() -> None:
    """Import the bundled providers once; a failure is kept and raised when a provider is missing."""
    global _bundled_loaded, _bundled_error
    if not _bundled_loaded:
        _bundled_loaded = True
        try:
            importlib.import_module(_BUNDLED_PACKAGE)
        except ImportError as error:
            _bundled_error = error


def _load_bundled(name: str) -> ModelFactory | None:
    """Import the bundled module for ``name`` and let it register; registrations made before win."""
    module_name = _bundled.get(name)
    if module_name is None:
        return None
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ProviderImportError(name, module_name, error) from error
    registered_before = dict(_factories)
    module.register()
    _factories.update(registered_before)
    return _factories.get(name)
