"""Model strings: ``"openai/gpt-4o"`` and ``"openai/text-embedding-3-small"`` resolve through
providers registered here.

Two kinds of entry: a registration (:func:`register_provider` for language models,
:func:`register_embedding_provider` for embedding models: the caller's word, which always wins) and a
bundled provider (:func:`register_bundled_provider`): the name of a module imported the first time
one of its model strings resolves, whose ``register()`` then registers its factories without
replacing a registration made before. The bundled ``providers`` package is imported (by name, so the
core does not depend on it) on the first lookup.

A default provider (:func:`set_default_provider`, or the ``MODELPIPE_DEFAULT_PROVIDER`` environment
variable) takes every model string whole, as the AI SDK's global default provider does: with
``"gateway"``, ``"openai/gpt-4o"`` becomes the AI Gateway's model ``openai/gpt-4o``. Unset, each
string goes to the provider its prefix names.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

# The errors are imported where they are raised, the model types only for type checkers: ``import
# providers`` loads this module to declare the bundled providers, and should load nothing more.
if TYPE_CHECKING:
    from .embed import EmbeddingModel
    from .model import LanguageModel

__all__ = [
    "DEFAULT_PROVIDER_ENV",
    "EmbeddingModelFactory",
    "ModelFactory",
    "register_bundled_provider",
    "register_embedding_provider",
    "register_provider",
    "registered_embedding_providers",
    "registered_providers",
    "resolve_embedding_model",
    "resolve_model",
    "set_default_provider",
]

ModelFactory = Callable[[str], "LanguageModel"]
"""Builds a model from the model id (the part after the first ``/``)."""

EmbeddingModelFactory = Callable[[str], "EmbeddingModel"]
"""Builds an embedding model from the model id (the part after the first ``/``)."""

_BUNDLED_PACKAGE = "providers"
"""Imported on the first lookup; it declares the bundled providers with :func:`register_bundled_provider`."""

_factories: dict[str, ModelFactory] = {}
_embedding_factories: dict[str, EmbeddingModelFactory] = {}
_bundled: dict[str, str] = {}
_bundled_registered: set[str] = set()
_bundled_loaded = False
_bundled_error: ImportError | None = None

DEFAULT_PROVIDER_ENV = "MODELPIPE_DEFAULT_PROVIDER"
"""Names the provider that takes every model string whole (e.g. ``gateway``), unless
:func:`set_default_provider` decided."""

_default_provider: str | None = None
_default_provider_set = False

F = TypeVar("F")


def set_default_provider(name: str | None) -> None:
    """Resolve every model string through provider ``name``, which gets the whole string as its model id.

    ``set_default_provider("gateway")`` sends ``"openai/gpt-4o"`` to the AI Gateway as ``openai/gpt-4o``
    (a string that already starts with ``gateway/`` is not prefixed twice). ``None`` restores direct
    providers for this process, whatever ``MODELPIPE_DEFAULT_PROVIDER`` says.
    """
    global _default_provider, _default_provider_set
    if name is not None and (not isinstance(name, str) or not name or "/" in name):
        from .errors import NoSuchProviderError

        raise NoSuchProviderError(str(name), registered_providers())
    _default_provider, _default_provider_set = name, True


def _routing_provider() -> str | None:
    if _default_provider_set:
        return _default_provider
    return os.environ.get(DEFAULT_PROVIDER_ENV) or None


def register_provider(name: str, factory: ModelFactory) -> None:
    """Make ``"<name>/<model id>"`` resolve to ``factory(model_id)``; a later registration replaces,
    and a bundled provider of the same name never does."""
    _factories[name] = factory


def register_embedding_provider(name: str, factory: EmbeddingModelFactory) -> None:
    """Make ``"<name>/<model id>"`` resolve to the embedding model ``factory(model_id)`` in ``embed`` /
    ``embed_many``; the same precedence as :func:`register_provider`."""
    _embedding_factories[name] = factory


def register_bundled_provider(name: str, module: str) -> None:
    """Make ``"<name>/<model id>"`` resolve through ``module``: imported on first use, its
    ``register()`` then registers the factories. For the bundled providers; a registration wins."""
    _bundled[name] = module


def registered_providers() -> list[str]:
    """The provider names that language model strings can use, sorted."""
    _import_bundled_package()
    return sorted(_factories.keys() | _bundled.keys())


def registered_embedding_providers() -> list[str]:
    """The provider names that embedding model strings can use, sorted (imports the bundled providers)."""
    from .errors import ProviderImportError

    _import_bundled_package()
    for name in list(_bundled):
        try:
            _load_bundled(name)
        except ProviderImportError:
            continue
    return sorted(_embedding_factories)


def resolve_model(model: str | LanguageModel) -> LanguageModel:
    """A model object as is, or the model a ``"provider/model-id"`` string names.

    Raises :class:`NoSuchModelError` for a malformed string, :class:`NoSuchProviderError` for an
    unknown provider and :class:`ProviderImportError` when the provider's module cannot be imported.
    """
    if not isinstance(model, str):
        return model
    name, model_id = _routed(model, "gpt-4o")
    factory = _lookup(name, _factories)
    if factory is None:
        from .errors import NoSuchProviderError

        raise NoSuchProviderError(name, registered_providers())
    return factory(model_id)


def resolve_embedding_model(model: str | EmbeddingModel) -> EmbeddingModel:
    """An embedding model object as is, or the one a ``"provider/model-id"`` string names.

    The errors of :func:`resolve_model`; a known provider without embedding models is a
    :class:`NoSuchModelError`.
    """
    if not isinstance(model, str):
        return model
    name, model_id = _routed(model, "text-embedding-3-small")
    factory = _lookup(name, _embedding_factories)
    if factory is not None:
        return factory(model_id)
    from .errors import NoSuchModelError, NoSuchProviderError

    available = registered_embedding_providers()
    if name in _factories or name in _bundled:
        raise NoSuchModelError(
            model,
            f"Provider {name!r} has no embedding models; "
            f"embedding providers: {', '.join(available) or 'none'}.",
        )
    raise NoSuchProviderError(name, available)


def _routed(model: str, example_id: str) -> tuple[str, str]:
    """The provider name and its model id: the default provider with the whole string, when one is set."""
    name, model_id = _split(model, example_id)
    routing = _routing_provider()
    if routing is None or name == routing:
        return name, model_id
    return routing, model


def _split(model: str, example_id: str) -> tuple[str, str]:
    name, sep, model_id = model.partition("/")
    if not sep or not name or not model_id:
        from .errors import NoSuchModelError

        raise NoSuchModelError(
            model, f"Model string {model!r} must look like 'provider/model-id', e.g. 'openai/{example_id}'."
        )
    return name, model_id


def _lookup(name: str, factories: dict[str, F]) -> F | None:
    """The registered factory for ``name``, loading its bundled module first when there is one."""
    _import_bundled_package()
    if name not in factories:
        _load_bundled(name)
    factory = factories.get(name)
    if factory is None and name not in _bundled and _bundled_error is not None:
        from .errors import ProviderImportError

        raise ProviderImportError(name, _BUNDLED_PACKAGE, _bundled_error) from _bundled_error
    return factory


def _import_bundled_package() -> None:
    """Import the bundled providers once; a failure is kept and raised when a provider is missing."""
    global _bundled_loaded, _bundled_error
    if not _bundled_loaded:
        _bundled_loaded = True
        try:
            importlib.import_module(_BUNDLED_PACKAGE)
        except ImportError as error:
            _bundled_error = error


def _load_bundled(name: str) -> None:
    """Import the bundled module for ``name`` once and let it register; registrations made before win."""
    module_name = _bundled.get(name)
    if module_name is None or name in _bundled_registered:
        return
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        from .errors import ProviderImportError

        raise ProviderImportError(name, module_name, error) from error
    registered_before = dict(_factories), dict(_embedding_factories)
    module.register()
    _factories.update(registered_before[0])
    _embedding_factories.update(registered_before[1])
    _bundled_registered.update(other for other, owner in _bundled.items() if owner == module_name)
