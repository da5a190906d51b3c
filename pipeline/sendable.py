"""Whether a value can be sent: JSON data, finite numbers, encodable text, bounded nesting.

A request body is JSON encoded as UTF-8, so a value that JSON cannot express fails late and badly:
``float("inf")`` goes out as ``Infinity`` (invalid JSON), a lone surrogate raises
``UnicodeEncodeError`` at send time, a ``set`` raises ``TypeError``, and nesting thousands of levels
deep raises ``RecursionError`` in the first recursive walk (cache key, merge, encoder).
:func:`find_unsendable` finds the first such value before any I/O and names it by its path
(``provider_options.openai.foo[2]``, ``tools[0].input_schema.properties.x.maximum``). The walk is
iterative, so it cannot exhaust the stack itself.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final, Literal, Union

import httpx
from pydantic import BaseModel

__all__ = ["MAX_NESTING_DEPTH", "Unsendable", "find_unsendable", "find_unsendable_model"]

MAX_NESTING_DEPTH: Final = 256
"""Deepest nesting of lists and objects accepted in a value (JSON schema, tool input, options ...)."""

_MAX_INT_BITS: Final = 14_000
"""Larger integers have more than 4,200 digits, past Python's int-to-text conversion limit."""

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_MAX_SHOWN_KEY: Final = 40
_SHOWN_PATH_ENDS: Final = 8

_Location = tuple["_Location | str", str | int]
"""A path kept as (parent, key) links; rendered only for the value that is reported."""

_Entry = tuple[Any, int, "_Location | str", bool]
"""A value still to check: the value, its nesting depth, its path, whether it must be JSON data."""


@dataclass(frozen=True, slots=True)
class Unsendable:
    """Where a value cannot be sent (``path``) and why (``reason``)."""

    path: str
    reason: str


def find_unsendable(value: Any, path: str) -> Unsendable | None:
    """The first part of the JSON data ``value`` (found at ``path``) that cannot be sent, or ``None``.

    Accepted: ``None``, bools, ints, finite floats, strings without surrogate code points, and lists,
    tuples and dicts (string or integer keys) of those, nested at most :data:`MAX_NESTING_DEPTH` deep.
    """
    return _walk([(value, 0, path, True)])


def find_unsendable_model(model: BaseModel, path: str, *, exclude: Collection[str] = ()) -> Unsendable | None:
    """:func:`find_unsendable` for a library model, walked field by field (``exclude`` skips fields).

    Typed fields may also hold nested models, bytes and URLs (file data); fields typed ``Any`` must hold
    JSON data, whose nesting is counted from the field. An empty ``path`` names fields by themselves.
    """
    values = model.__dict__
    fields: list[_Entry] = []
    for name, holds_json in _model_fields(type(model)) or ():
        value = values[name]
        if value is None or (type(value) is str and value.isascii()) or name in exclude:
            continue  # most settings are unset: nothing to walk
        fields.append((value, 0 if holds_json else 1, (path, name) if path else name, holds_json))
    return _walk(fields[::-1])


def _walk(stack: list[_Entry]) -> Unsendable | None:
    """Depth-first over ``stack`` (last entry first) without recursion; the first problem found.

    Children that are plainly fine (``None``, bools, ASCII text) are not pushed: most of a prompt is.
    """
    while stack:
        item, depth, where, json_only = stack.pop()
        kind = type(item)
        fields = None if json_only else _model_fields(kind)
        if fields is None and not isinstance(item, list | tuple | dict):
            reason = _scalar_problem(item, json_only)
            if reason:
                return _at(where, reason)
            continue
        if depth >= MAX_NESTING_DEPTH:
            return _at(where, f"value is nested more than {MAX_NESTING_DEPTH} levels deep")
        children: list[_Entry] = []
        if fields is not None:
            values = item.__dict__
            for name, holds_json in fields:
                child = values[name]
                if child is None or (type(child) is str and child.isascii()):  # most fields: inline test
                    continue
                children.append((child, 0 if holds_json else depth + 1, (where, name), holds_json))
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    if not key.isascii() and _SURROGATE.search(key) is not None:
                        return _at(where, "object key contains a lone surrogate code point")
                elif not isinstance(key, int) or isinstance(key, bool):
                    return _at(where, f"object key of type {type(key).__name__} is not a string")
                if not _plainly_fine(child):
                    children.append((child, depth + 1, (where, str(key)), json_only))
        else:
            for index, child in enumerate(item):
                if not _plainly_fine(child):
                    children.append((child, depth + 1, (where, index), json_only))
        stack.extend(reversed(children))  # popped in document order
    return None


def _plainly_fine(value: Any) -> bool:
    kind = type(value)
    return (
        value is None
        or kind is bool
        or (kind is str and (value.isascii() or _SURROGATE.search(value) is None))
    )


def _scalar_problem(value: Any, json_only: bool) -> str:
    """Why a value that is not a list, tuple, dict or model cannot be sent (``""`` if it can)."""
    if isinstance(value, str):
        if not value.isascii() and _SURROGATE.search(value) is not None:
            return "text contains a lone surrogate code point and cannot be encoded as UTF-8"
        return ""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return "integer is too large to send" if value.bit_length() > _MAX_INT_BITS else ""
    if isinstance(value, float):
        return (
            "" if math.isfinite(value) else f"{value!r} is not a finite number (JSON has no NaN or Infinity)"
        )
    if isinstance(value, bytes | httpx.URL) and not json_only:
        return ""
    return f"{type(value).__name__} is not a JSON value"


_FIELDS_BY_TYPE: dict[type, tuple[tuple[str, bool], ...] | None] = {}


def _model_fields(kind: type) -> tuple[tuple[str, bool], ...] | None:
    """The fields to check of a library model class, ``None`` for any other type (remembered)."""
    if kind not in _FIELDS_BY_TYPE:
        _FIELDS_BY_TYPE[kind] = _checked_fields(kind) if issubclass(kind, BaseModel) else None
    return _FIELDS_BY_TYPE[kind]


def _checked_fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """The fields worth checking and whether each admits arbitrary (``Any``) data, which must be JSON.

    Fields that only admit literals, bools and ``None`` are left out: validation already settled them.
    """
    return tuple(
        (name, _mentions_any(field.annotation))
        for name, field in model.model_fields.items()
        if not _only_literals(field.annotation)
    )


def _mentions_any(annotation: Any) -> bool:
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return False
    return any(_mentions_any(argument) for argument in typing.get_args(annotation))


def _only_literals(annotation: Any) -> bool:
    if annotation in (bool, type(None)) or typing.get_origin(annotation) is Literal:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is Union:
        return all(_only_literals(argument) for argument in typing.get_args(annotation))
    return False


def _at(where: _Location | str, reason: str) -> Unsendable:
    """The problem at ``where``, its path rendered (the middle of a very deep path is elided)."""
    keys: list[str | int] = []
    while not isinstance(where, str):
        where, key = where
        keys.append(key)
    keys.reverse()
    shown = [f"[{key}]" if isinstance(key, int) else _key_text(key) for key in keys]
    if len(shown) > 2 * _SHOWN_PATH_ENDS:
        elided = len(shown) - 2 * _SHOWN_PATH_ENDS
        shown[_SHOWN_PATH_ENDS:-_SHOWN_PATH_ENDS] = [f"<...{elided} levels...>"]
    return Unsendable(where + "".join(shown), reason)


def _key_text(key: str) -> str:
    if key.isidentifier() or (key and key.replace("-", "_").replace("$", "_").isidentifier()):
        return f".{key}" if len(key) <= _MAX_SHOWN_KEY else f".<key of length {len(key)}>"
    if len(key) <= _MAX_SHOWN_KEY and key.isprintable() and _SURROGATE.search(key) is None:
        return f"[{key!r}]"
    return f"[<key of length {len(key)}>]"
