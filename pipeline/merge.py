"""Deep merge of plain dicts: defaults under overrides (the AI SDK's ``mergeObjects`` rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["merge_objects"]

_SKIPPED_KEYS = frozenset({"__proto__", "constructor", "prototype"})


def merge_objects(
    defaults: Mapping[str, Any] | None, overrides: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Merge ``overrides`` over ``defaults`` without changing either; returns a new dict.

    Nested dicts merge key by key; lists, records and scalars in ``overrides`` replace the default;
    an override of ``None`` means "not set" and keeps the default. Keys the AI SDK treats as
    prototype pollution (``__proto__``, ``constructor``, ``prototype``) are skipped.
    Both ``None`` gives ``None``; one ``None`` gives a copy of the other.
    """
    if defaults is None and overrides is None:
        return None
    merged = _copy_dict(defaults or {})
    for key, value in (overrides or {}).items():
        if key in _SKIPPED_KEYS or value is None:
            continue
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = merge_objects(current, value)
        elif isinstance(value, Mapping):
            merged[key] = _copy_dict(value)
        else:
            merged[key] = value
    return merged


def _copy_dict(source: Mapping[str, Any]) -> dict[str, Any]:
    """A copy whose nested dicts are copies too (so callers can never alias our result)."""
    return {
        key: _copy_dict(value) if isinstance(value, Mapping) else value
        for key, value in source.items()
        if key not in _SKIPPED_KEYS
    }
