"""Output modes of generate_object / stream_object: the JSON schema sent, partial and final values.

Like the AI SDK, ``array`` asks for ``{"elements": [...]}`` and ``enum`` for ``{"result": "..."}``, since
providers' JSON modes want an object at the top level. Pydantic schemas are validated with pydantic; a
plain JSON-schema dict is sent as is and its values are not validated (the AI SDK's ``jsonSchema()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from .errors import InvalidArgumentError

__all__ = ["NO_PARTIAL", "ObjectOutput", "OutputMode", "SchemaInput", "object_output", "strict_object_schema"]

OutputMode = Literal["object", "array", "enum"]
SchemaInput = type[BaseModel] | Mapping[str, Any]

NO_PARTIAL: Any = object()
"""Returned by :meth:`ObjectOutput.partial` when a parsed prefix holds nothing worth emitting."""


def strict_object_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with ``additionalProperties: false`` on every object schema that leaves it unset."""

    def visit(node: Any) -> Any:
        if isinstance(node, Mapping):
            updated = {key: visit(value) for key, value in node.items()}
            if updated.get("type") == "object" and "properties" in updated:
                updated.setdefault("additionalProperties", False)
            return updated
        if isinstance(node, list):
            return [visit(item) for item in node]
        return node

    result: dict[str, Any] = visit(schema)
    return result


def _json_schema(schema: SchemaInput) -> dict[str, Any]:
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return strict_object_schema(schema.model_json_schema())
    if isinstance(schema, Mapping):
        return dict(schema)
    raise InvalidArgumentError("schema", "schema must be a pydantic model class or a JSON schema dict")


def _validate(schema: SchemaInput, value: Any) -> Any:
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema.model_validate(value)
    return value


@dataclass(frozen=True)
class ObjectOutput:
    """One output mode: the response schema, and how JSON values become partial and final results."""

    mode: OutputMode
    schema: SchemaInput | None
    enum_values: tuple[str, ...] = ()

    def response_schema(self) -> dict[str, Any]:
        """The JSON schema the model is asked to follow."""
        if self.mode == "enum":
            return _wrapper("result", {"type": "string", "enum": list(self.enum_values)})
        assert self.schema is not None
        schema = _json_schema(self.schema)
        if self.mode == "object":
            return schema
        definitions = schema.pop("$defs", None)
        wrapped = _wrapper("elements", {"type": "array", "items": schema})
        if definitions is not None:
            wrapped["$defs"] = definitions  # keep "#/$defs/..." references resolvable from the root
        return wrapped

    def final(self, value: Any) -> Any:
        """The validated result for a complete JSON value (raises ``ValueError`` / ``ValidationError``)."""
        if self.mode == "enum":
            result = value.get("result") if isinstance(value, dict) else None
            if result not in self.enum_values:
                raise ValueError(f"expected {{'result': one of {list(self.enum_values)}}}, got {value!r}")
            return result
        assert self.schema is not None
        if self.mode == "object":
            return _validate(self.schema, value)
        elements = value.get("elements") if isinstance(value, dict) else None
        if not isinstance(elements, list):
            raise ValueError(f"expected {{'elements': [...]}}, got {value!r}")
        return [_validate(self.schema, element) for element in elements]

    def partial(self, value: Any, *, is_final: bool) -> Any:
        """What to show for the value parsed from a prefix of the text, or :data:`NO_PARTIAL`.

        Objects are shown as parsed (not validated); arrays show their validated elements, the last
        one only once the text is complete; an enum shows the one value its prefix can still become
        (or the prefix while several are possible).
        """
        if value is None:
            return NO_PARTIAL
        if self.mode == "object":
            return value
        if self.mode == "enum":
            return self._partial_enum(value)
        return self._partial_array(value, is_final=is_final)

    def _partial_enum(self, value: Any) -> Any:
        result = value.get("result") if isinstance(value, dict) else None
        if not isinstance(result, str) or not result:
            return NO_PARTIAL
        candidates = [option for option in self.enum_values if option.startswith(result)]
        if not candidates:
            return NO_PARTIAL
        return candidates[0] if len(candidates) == 1 else result

    def _partial_array(self, value: Any, *, is_final: bool) -> Any:
        elements = value.get("elements") if isinstance(value, dict) else None
        if not isinstance(elements, list):
            return NO_PARTIAL
        complete = elements if is_final else elements[:-1]
        assert self.schema is not None
        try:
            return [_validate(self.schema, element) for element in complete]
        except ValueError:
            return NO_PARTIAL


def _wrapper(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: schema},
        "required": [key],
        "additionalProperties": False,
    }


def object_output(
    output: OutputMode, schema: SchemaInput | None, enum_values: Sequence[str] | None
) -> ObjectOutput:
    """Check the arguments of one output mode (``InvalidArgumentError``) and build it."""
    if output == "enum":
        if schema is not None:
            raise InvalidArgumentError("schema", "enum output takes enum_values, not a schema")
        values = [] if isinstance(enum_values, str) else list(enum_values or [])
        if not values or any(not isinstance(value, str) for value in values):
            raise InvalidArgumentError("enum_values", "enum output needs a non-empty list of strings")
        return ObjectOutput("enum", None, tuple(values))
    if output not in ("object", "array"):
        raise InvalidArgumentError("output", "output must be 'object', 'array' or 'enum'")
    if enum_values is not None:
        raise InvalidArgumentError("enum_values", "enum_values is only for enum output")
    if schema is None:
        raise InvalidArgumentError("schema", f"{output} output needs a schema")
    _json_schema(schema)
    return ObjectOutput(output, schema)
