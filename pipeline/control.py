"""The library's own control channel: the ``"modelpipe"`` entry of provider options and metadata.

Layers that do not know each other talk through this namespace: the retry loop tells the chain which
attempt a call is (``attempt``), a caller tells a cache to skip or refresh (``cache``), and a cache
tells the observers outside it whether it answered (``provider_metadata["modelpipe"]["cache"]``).
Providers ignore the namespace (it names no provider). Every read and write goes through the helpers
here, so the namespace and its keys are written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, cast, get_args

from ._base import ProviderMetadata, ProviderOptions
from .errors import InvalidArgumentError

__all__ = [
    "ATTEMPT",
    "CACHE",
    "NAMESPACE",
    "CacheFlag",
    "CacheStatus",
    "cache_flag",
    "cache_status",
    "retry_attempt",
    "with_attempt",
    "with_cache_status",
    "without_library_controls",
]

NAMESPACE = "modelpipe"
"""The provider-options (and provider-metadata) key of the library's own controls."""

ATTEMPT = "attempt"
"""Option: the retry attempt number (2 for the first retry); set by the entry points, absent on attempt 1."""

CACHE = "cache"
"""Option: a :data:`CacheFlag` from the caller. Metadata: a :data:`CacheStatus` from a cache."""

CacheFlag = Literal["bypass", "refresh"]
"""``"bypass"`` skips the cache; ``"refresh"`` calls the model and stores its answer."""

CacheStatus = Literal["hit", "miss", "partial"]
"""How a cache answered: from the store, from the model, or (embeddings) some of each."""

_LIBRARY_CONTROLS = frozenset({ATTEMPT, CACHE})
"""Options that steer the library, not the model: they never change the model's answer."""


def _controls(options: Mapping[str, Any] | None) -> Mapping[str, Any]:
    controls = (options or {}).get(NAMESPACE)
    if controls is None:  # the usual case, answered without the ABC check below (every call asks)
        return _NO_CONTROLS
    return controls if isinstance(controls, Mapping) else _NO_CONTROLS


_NO_CONTROLS: Mapping[str, Any] = MappingProxyType({})


_CACHE_FLAGS = frozenset(get_args(CacheFlag))
_CACHE_STATUSES = frozenset(get_args(CacheStatus))


def with_attempt(options: ProviderOptions | None, attempt: int) -> ProviderOptions | None:
    """``options`` marked with retry ``attempt``; attempt 1 returns them unchanged (no mark)."""
    if attempt == 1:
        return options
    marked = dict(options or {})
    marked[NAMESPACE] = {**_controls(options), ATTEMPT: attempt}
    return marked


def retry_attempt(options: Mapping[str, Any] | None) -> int:
    """The attempt number marked in ``options`` (1 when unmarked)."""
    attempt = _controls(options).get(ATTEMPT)
    return attempt if isinstance(attempt, int) and not isinstance(attempt, bool) else 1


def cache_flag(options: Mapping[str, Any] | None) -> CacheFlag | None:
    """The caller's cache flag in ``options`` (``None`` when not set).

    Raises :class:`InvalidArgumentError` naming ``providerOptions.modelpipe.cache`` for another value.
    """
    flag = _controls(options).get(CACHE)
    if flag is None or flag in _CACHE_FLAGS:
        return cast("CacheFlag | None", flag)
    raise InvalidArgumentError(
        f"providerOptions.{NAMESPACE}.{CACHE}", f"must be 'bypass' or 'refresh', got {flag!r}"
    )


def with_cache_status(metadata: ProviderMetadata | None, status: CacheStatus) -> ProviderMetadata:
    """``metadata`` marked with how a cache answered (other entries kept)."""
    marked = dict(metadata or {})
    marked[NAMESPACE] = {**_controls(metadata), CACHE: status}
    return marked


def cache_status(metadata: Mapping[str, Any] | None) -> CacheStatus | None:
    """How a cache inside answered, as marked in ``metadata`` (``None`` when no cache marked it)."""
    status = _controls(metadata).get(CACHE)
    return cast("CacheStatus", status) if status in _CACHE_STATUSES else None


def without_library_controls(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` without the controls that steer the library rather than the model (the cache flag,
    the retry attempt); the namespace is left out when nothing else is in it. For cache keys."""
    kept = dict(options)
    controls = kept.get(NAMESPACE)
    if isinstance(controls, Mapping):
        rest = {name: value for name, value in controls.items() if name not in _LIBRARY_CONTROLS}
        if rest:
            kept[NAMESPACE] = rest
        else:
            del kept[NAMESPACE]
    return kept


__all__ += ["COST", "FALLBACK", "call_cost", "fallback_answer", "with_cost", "with_fallback"]

FALLBACK = "fallback"
"""Metadata: which model of a fallback chain answered, and the models that failed or were skipped first."""

COST = "cost"
"""Metadata: what the call cost (token counts and USD), as priced by a cost middleware."""


def with_fallback(metadata: ProviderMetadata | None, answer: Mapping[str, Any]) -> ProviderMetadata:
    """``metadata`` marked with the fallback ``answer`` (who answered; other entries kept)."""
    marked = dict(metadata or {})
    marked[NAMESPACE] = {**_controls(metadata), FALLBACK: dict(answer)}
    return marked


def fallback_answer(metadata: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The fallback mark in ``metadata`` (``None`` when no fallback layer answered)."""
    answer = _controls(metadata).get(FALLBACK)
    return answer if isinstance(answer, Mapping) else None


def with_cost(metadata: ProviderMetadata | None, cost: Mapping[str, Any]) -> ProviderMetadata:
    """``metadata`` marked with the call's ``cost`` (other entries kept)."""
    marked = dict(metadata or {})
    marked[NAMESPACE] = {**_controls(metadata), COST: dict(cost)}
    return marked


def call_cost(metadata: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The cost mark in ``metadata`` (``None`` when no cost layer priced the call)."""
    cost = _controls(metadata).get(COST)
    return cost if isinstance(cost, Mapping) else None
