"""Whether pydantic's own JSON carries a record exactly, decided by looking at its values.

The cache stores a result in pydantic's JSON when reading that JSON back gives an equal record. Doing the
round trip to find out costs more than writing the entry; this walk gives the same answer for the values
it accepts: JSON's own (``str``, ``int``, ``bool``, ``None``, finite ``float``, lists, dicts with ``str``
keys), nested :class:`~pipeline._base.Record` values, and datetimes in fields typed as datetimes (read
back as an equal datetime). Anything else (bytes, URLs, tuples, a datetime in a free-form field, a
subclass of a JSON type, a record with its own validators or serializers) answers ``False``, and the
cache uses its tagged form, which keeps those types.
"""

from __future__ import annotations

import math
from datetime import datetime
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pipeline._base import Record

__all__ = ["json_exact"]

_NATIVE: frozenset[type] = frozenset({str, int, bool, type(None)})


def json_exact(record: Record) -> bool:
    """True when ``type(record).model_validate_json(record.model_dump_json())`` equals ``record``
    for the reasons above (``False`` may also mean "not known")."""
    cls = type(record)
    plan = _PLANS.get(cls, _UNPLANNED)
    if plan is _UNPLANNED:
        plan = _plan(cls)
    if plan is None:
        return False
    walked, datetime_fields = plan
    values = record.__dict__
    for name in walked:
        value = values[name]
        kind = type(value)
        if kind in _NATIVE or (kind is datetime and name in datetime_fields):
            continue
        if not _exact_value(value):
            return False
    return True


def _exact_value(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _NATIVE and not _exact_value(item)):
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 (a loop: all() of a generator costs more here)
            if type(item) not in _NATIVE and not _exact_value(item):
                return False
        return True
    if kind in _NATIVE:
        return True
    if kind is float:
        return math.isfinite(value)
    return isinstance(value, Record) and json_exact(value)


_Plan = tuple[tuple[str, ...], frozenset[str]]
_PLANS: dict[type[Record], _Plan | None] = {}
_UNPLANNED: Any = object()


def _plan(cls: type[Record]) -> _Plan | None:
    """What to look at in a ``cls`` record: the fields not typed as plain JSON (see :func:`_plain`: their
    values were validated, so they are JSON's own), and which of them are typed as datetimes. ``None`` when
    ``cls`` has validators, serializers or computed fields of its own, whose round trip this module
    cannot vouch for."""
    decorators = cls.__pydantic_decorators__
    own = (
        decorators.validators,
        decorators.field_validators,
        decorators.root_validators,
        decorators.field_serializers,
        decorators.model_serializers,
        decorators.model_validators,
        decorators.computed_fields,
    )
    plan: _Plan | None = None
    if not any(own):
        fields = cls.model_fields
        walked = tuple(name for name, field in fields.items() if not _plain(field.annotation))
        datetimes = frozenset(
            name
            for name in walked
            if fields[name].annotation is datetime or datetime in get_args(fields[name].annotation)
        )
        plan = (walked, datetimes)
    _PLANS[cls] = plan
    return plan


def _plain(annotation: Any) -> bool:
    """``str``, ``int``, ``bool``, ``None``, a ``Literal`` of those, a union of them, or a list of them or
    dict from ``str`` to them."""
    if annotation in _NATIVE or annotation is None:
        return True
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin is Literal:
        return all(type(value) in _NATIVE for value in arguments)
    if origin in (Union, UnionType, list):
        return all(_plain(argument) for argument in arguments)
    if origin is dict:
        return arguments[0] is str and _plain(arguments[1])
    return False
