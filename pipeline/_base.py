"""Shared pydantic configuration: camelCase aliases, validation by name and by alias."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["JSONValue", "ProviderMetadata", "ProviderOptions", "Record", "WireModel"]

JSONValue = Any
"""Any JSON-compatible value (kept as ``Any``: pydantic validates recursive JSON unions slowly)."""

ProviderOptions = dict[str, dict[str, Any]]
"""Options keyed by provider name, e.g. ``{"openai": {"reasoningEffort": "low"}}``."""

ProviderMetadata = dict[str, dict[str, Any]]
"""Provider-specific result data keyed by provider name."""


_set_attribute = object.__setattr__  # how pydantic itself sets a model's slots (records are frozen)


class Record(BaseModel):
    """Base of every library data model.

    Fields are snake_case in Python and camelCase on the wire (``tool_call_id`` / ``toolCallId``);
    both spellings validate. Records are frozen: change them with ``model_copy(update=...)``.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
        extra="forbid",
        arbitrary_types_allowed=True,
        ser_json_bytes="base64",
        val_json_bytes="base64",
        defer_build=True,  # schemas are built on first use, not at import (import time)
    )

    def to_json_dict(self) -> dict[str, Any]:
        """AI-SDK-shaped JSON (camelCase keys, bytes as base64, ``None`` fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's ``model_copy`` (a shallow copy, ``update`` applied unvalidated and marked as set),
        in about two thirds of its time: a record has no extra fields and no private attributes, so
        there is nothing else to copy. The library copies records on every call (marking a cached
        result, a stream's final result, the params a layer changes)."""
        if deep or self.__pydantic_extra__ is not None or self.__pydantic_private__ is not None:
            return super().model_copy(update=update, deep=deep)
        cls = type(self)
        copied = cls.__new__(cls)
        values = dict(self.__dict__)
        fields_set = set(self.__pydantic_fields_set__)
        if update:
            values.update(update)
            fields_set.update(update)
        _set_attribute(copied, "__dict__", values)
        _set_attribute(copied, "__pydantic_extra__", None)
        _set_attribute(copied, "__pydantic_fields_set__", fields_set)
        _set_attribute(copied, "__pydantic_private__", None)
        return copied


class WireModel(BaseModel):
    """Base of provider wire models: tolerant of unknown fields, names exactly as on the wire."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)
