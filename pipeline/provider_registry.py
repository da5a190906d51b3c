"""Provider registries and custom providers: the AI SDK's ``createProviderRegistry`` and ``customProvider``.

``custom_provider(language_models={"fast": model}, fallback=...)`` names models by alias (a wrapped
model carries per-alias middleware); ``create_provider_registry({"mine": provider, ...})`` resolves
``"mine:fast"`` by provider name, then model id. Unknown names are :class:`NoSuchProviderError` /
:class:`NoSuchModelError`, raised before any model is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from .chain import Middleware, wrap_model
from .embed import EmbeddingModel
from .errors import InvalidArgumentError, NoSuchModelError, NoSuchProviderError
from .model import LanguageModel
from .registry import EmbeddingModelFactory, ModelFactory, resolve_embedding_model, resolve_model

__all__ = [
    "CustomProvider",
    "Provider",
    "ProviderLike",
    "ProviderRegistry",
    "as_provider",
    "create_provider_registry",
    "custom_provider",
]

ModelKind = Literal["language model", "embedding model"]


@runtime_checkable
class Provider(Protocol):
    """Makes models by id: a :class:`CustomProvider`, a :class:`ProviderRegistry`, or your own."""

    def language_model(self, model_id: str) -> LanguageModel: ...

    def embedding_model(self, model_id: str) -> EmbeddingModel: ...


ProviderLike = Provider | ModelFactory | object
"""A :class:`Provider`; or a bundled provider object (``OpenAIProvider()``, ``GoogleProvider()``: its
``chat`` and ``embedding`` methods); or a function of the model id returning a language model
(``AnthropicProvider().messages``)."""


class _FactoryProvider:
    """A provider made of a language model factory and an optional embedding model factory."""

    def __init__(self, name: str, language: ModelFactory, embedding: EmbeddingModelFactory | None) -> None:
        self._name = name
        self._language = language
        self._embedding = embedding

    def language_model(self, model_id: str) -> LanguageModel:
        return self._language(model_id)

    def embedding_model(self, model_id: str) -> EmbeddingModel:
        if self._embedding is None:
            raise NoSuchModelError(
                model_id, f"{self._name} has no embedding models (asked for {model_id!r})."
            )
        return self._embedding(model_id)

    def __repr__(self) -> str:
        return f"Provider({self._name})"


def as_provider(value: ProviderLike, where: str = "provider") -> Provider:
    """``value`` as a :class:`Provider` (see :data:`ProviderLike`); anything else is an
    :class:`InvalidArgumentError` naming ``where``."""
    if isinstance(value, Provider):
        return value
    language = (
        _method(value, "language_model") or _method(value, "chat") or (value if callable(value) else None)
    )
    if language is None:
        raise InvalidArgumentError(
            where,
            f"{value!r} is not a provider: give an object with language_model(id), a bundled provider "
            "(with chat(id)), or a function of the model id",
        )
    embedding = _method(value, "embedding_model") or _method(value, "embedding")
    return _FactoryProvider(repr(value), language, embedding)


def _method(value: object, name: str) -> Callable[[str], Any] | None:
    method = getattr(value, name, None)
    return method if callable(method) else None


class CustomProvider:
    """Models by alias, then the ``fallback`` provider; see :func:`custom_provider`."""

    def __init__(
        self,
        language_models: Mapping[str, LanguageModel | str],
        embedding_models: Mapping[str, EmbeddingModel | str],
        fallback: Provider | None,
    ) -> None:
        self.language_models = dict(language_models)
        self.embedding_models = dict(embedding_models)
        self.fallback = fallback

    def language_model(self, model_id: str) -> LanguageModel:
        """The model registered under ``model_id``, else the fallback's; a model string resolves."""
        if model_id in self.language_models:
            return resolve_model(self.language_models[model_id])
        if self.fallback is not None:
            return self.fallback.language_model(model_id)
        raise _no_such_model(model_id, "language model", self.language_models)

    def embedding_model(self, model_id: str) -> EmbeddingModel:
        """The embedding model registered under ``model_id``, else the fallback's."""
        if model_id in self.embedding_models:
            return resolve_embedding_model(self.embedding_models[model_id])
        if self.fallback is not None:
            return self.fallback.embedding_model(model_id)
        raise _no_such_model(model_id, "embedding model", self.embedding_models)

    def __repr__(self) -> str:
        return (
            f"CustomProvider(language_models={sorted(self.language_models)}, "
            f"embedding_models={sorted(self.embedding_models)}, fallback={self.fallback!r})"
        )


def _no_such_model(model_id: str, kind: ModelKind, known: Mapping[str, object]) -> NoSuchModelError:
    return NoSuchModelError(
        model_id, f"No such {kind}: {model_id!r}. Known: {', '.join(sorted(known)) or 'none'}."
    )


def custom_provider(
    *,
    language_models: Mapping[str, LanguageModel | str] | None = None,
    embedding_models: Mapping[str, EmbeddingModel | str] | None = None,
    fallback: ProviderLike | None = None,
) -> CustomProvider:
    """A provider of aliased models (the AI SDK's ``customProvider``).

    ``language_models`` / ``embedding_models`` map an alias to a model object (wrap it with
    :func:`~pipeline.chain.wrap_model` for per-alias middleware) or a model string; other ids go to
    ``fallback``; with no fallback they are a :class:`NoSuchModelError`.
    """
    return CustomProvider(
        language_models or {},
        embedding_models or {},
        as_provider(fallback, "fallback") if fallback is not None else None,
    )


class ProviderRegistry:
    """Models by ``"<provider><separator><model id>"``; see :func:`create_provider_registry`."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
        separator: str,
        language_model_middleware: Middleware | Sequence[Middleware],
    ) -> None:
        self.providers = dict(providers)
        self.separator = separator
        self.language_model_middleware = language_model_middleware

    def language_model(self, model_id: str) -> LanguageModel:
        """The language model ``"provider:model"`` names, in the registry's middleware if any."""
        provider, inner_id = self._split(model_id, "language model")
        model = provider.language_model(inner_id)
        return wrap_model(model, self.language_model_middleware)

    def embedding_model(self, model_id: str) -> EmbeddingModel:
        """The embedding model ``"provider:model"`` names."""
        provider, inner_id = self._split(model_id, "embedding model")
        return provider.embedding_model(inner_id)

    def _split(self, model_id: str, kind: ModelKind) -> tuple[Provider, str]:
        name, separator, inner_id = model_id.partition(self.separator)
        if not separator:
            raise NoSuchModelError(
                model_id,
                f"Invalid {kind} id for the registry: {model_id!r} "
                f"(must look like 'provider{self.separator}model-id').",
            )
        provider = self.providers.get(name)
        if provider is None:
            raise NoSuchProviderError(name, list(self.providers))
        return provider, inner_id

    def __repr__(self) -> str:
        return f"ProviderRegistry(providers={sorted(self.providers)}, separator={self.separator!r})"


def create_provider_registry(
    providers: Mapping[str, ProviderLike],
    *,
    separator: str = ":",
    language_model_middleware: Middleware | Sequence[Middleware] | None = None,
) -> ProviderRegistry:
    """A registry of named providers (the AI SDK's ``createProviderRegistry``).

    ``registry.language_model("mine:fast")`` asks provider ``"mine"`` for model ``"fast"`` (split at
    the first ``separator``); ``language_model_middleware`` wraps every language model it returns
    (first listed outermost). Each provider is a :data:`ProviderLike`.
    """
    if not separator:
        raise InvalidArgumentError("separator", "the separator must not be empty")
    return ProviderRegistry(
        {name: as_provider(value, f"providers[{name!r}]") for name, value in providers.items()},
        separator,
        language_model_middleware or [],
    )
