"""Deep merge of plain dicts: defaults under overrides (the AI SDK's ``mergeObjects`` rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["merge_objects"]

_SKIPPED_KEYS = frozenset({"__proto__", "constructor", "prototype"})
_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


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
        if not _is_mapping(value):
            merged[key] = value
            continue
        current = merged.get(key)
        merged[key] = merge_objects(current, value) if _is_mapping(current) else _copy_dict(value)
    return merged


def _is_mapping(value: object) -> bool:
    """``isinstance(value, Mapping)``, answered at once for dicts and JSON scalars (the ABC's own check
    runs Python code)."""
    kind = type(value)
    return kind is dict or (kind not in _SCALARS and isinstance(value, Mapping))


def _copy_dict(source: Mapping[str, Any]) -> dict[str, Any]:
    """A copy whose nested dicts are copies too (so callers can never alias our result)."""
    return {
        key: _copy_dict(value) if _is_mapping(value) else value
        for key, value in source.items()
        if key not in _SKIPPED_KEYS
    }
