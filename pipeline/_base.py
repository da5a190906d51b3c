"""Shared pydantic configuration: camelCase aliases, validation by name and by alias."""

from collections.abc import Iterator, Mapping
from typing import Any, Self, get_args

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


class _DeferredModel(BaseModel):
    """A model whose schema is built on first use (not at import), after those of the models nested in it.

    pydantic reuses a nested model's schema only when that model is complete already; otherwise it builds
    the nested schema again inside each parent, and once more when the nested model is first used alone.
    Completing nested models first, innermost first, builds each schema once per process.
    """

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's ``model_rebuild``, after completing the deferred models nested in this one."""
        if not cls.__pydantic_complete__:
            for nested in _incomplete_nested_models(cls):
                super(_DeferredModel, nested).model_rebuild(raise_errors=False)  # pydantic's own, as is
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,  # this frame is one more
            _types_namespace=_types_namespace,
        )


def _incomplete_nested_models(model: type[_DeferredModel]) -> list[type[_DeferredModel]]:
    """The incomplete deferred models in ``model``'s field types, at any depth, innermost first."""
    ordered: list[type[_DeferredModel]] = []
    seen = {model}

    def visit(outer: type[_DeferredModel]) -> None:
        for field in outer.__pydantic_fields__.values():
            for nested in _deferred_models_in(field.annotation):
                if nested not in seen and not nested.__pydantic_complete__:
                    seen.add(nested)
                    visit(nested)
                    ordered.append(nested)

    visit(model)
    return ordered


def _deferred_models_in(annotation: Any) -> Iterator[type[_DeferredModel]]:
    if isinstance(annotation, type) and issubclass(annotation, _DeferredModel):
        yield annotation
        return
    for argument in get_args(annotation):
        yield from _deferred_models_in(argument)


class Record(_DeferredModel):
    """Base of every library data model.

    Fields are snake_case in Python and camelCase on the wire (``tool_call_id`` / ``toolCallId``);
    both spellings validate. Records are frozen: change them with ``model_copy(update=...)``.

    The modules that define records import at start-up, so they keep their annotations as objects (no
    ``from __future__ import annotations``): pydantic then reads each field's type at class creation
    instead of evaluating a string, about 2 ms less of every program's import. A forward reference is
    written in quotes.
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


class WireModel(_DeferredModel):
    """Base of provider wire models: tolerant of unknown fields, names exactly as on the wire."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
