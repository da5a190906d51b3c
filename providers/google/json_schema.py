"""JSON Schema (draft 7) to the OpenAPI 3.0 schema subset Gemini accepts (pure)."""

from __future__ import annotations

from typing import Any

__all__ = ["to_openapi_schema"]

_COPIED_KEYWORDS = ("title", "description", "required", "format")
_COPIED_NUMBERS = ("minLength", "minItems", "maxItems")


def to_openapi_schema(schema: Any, *, is_root: bool = True) -> Any:
    """Convert one JSON schema; ``None`` for an absent schema or an empty object schema at the root.

    Keeps title, description, required, format, enum (``const`` becomes a one-value enum),
    properties, items, allOf / anyOf / oneOf, minLength / minItems / maxItems and ``$ref`` /
    ``$defs`` (as ``ref`` / ``defs``). A type list becomes ``anyOf`` of single types, with
    ``nullable: true`` for a ``"null"`` member; an ``anyOf`` null branch becomes ``nullable``.
    Everything else (``additionalProperties``, ``$schema``, ...) is dropped. Nested empty object
    schemas stay ``{"type": "object"}`` so ``required`` lists keep matching.
    """
    if schema is None:
        return None
    if _is_empty_object_schema(schema):
        if is_root:
            return None
        return {
            "type": "object",
            **({"description": schema["description"]} if schema.get("description") else {}),
        }
    if isinstance(schema, bool):
        return {"type": "boolean", "properties": {}}
    if not isinstance(schema, dict):
        return schema

    result: dict[str, Any] = {key: schema[key] for key in _COPIED_KEYWORDS if schema.get(key)}
    _convert_type(schema.get("type"), result)
    if "const" in schema:
        result["enum"] = [schema["const"]]
    if "enum" in schema:
        result["enum"] = schema["enum"]
    if schema.get("properties") is not None:
        result["properties"] = {name: _nested(value) for name, value in schema["properties"].items()}
    items = schema.get("items")
    if items:
        result["items"] = [_nested(item) for item in items] if isinstance(items, list) else _nested(items)
    for keyword in ("allOf", "oneOf"):
        if schema.get(keyword):
            result[keyword] = [_nested(item) for item in schema[keyword]]
    if schema.get("anyOf"):
        _convert_any_of(schema["anyOf"], result)
    result.update({key: schema[key] for key in _COPIED_NUMBERS if key in schema})
    if schema.get("$ref"):
        result["ref"] = schema["$ref"].replace("#/$defs/", "#/defs/").replace("#/definitions/", "#/defs/")
    for defs_keyword in ("$defs", "definitions"):
        if schema.get(defs_keyword):
            result["defs"] = {name: _nested(value) for name, value in schema[defs_keyword].items()}
    return result


def _nested(schema: Any) -> Any:
    return to_openapi_schema(schema, is_root=False)


def _convert_type(schema_type: Any, result: dict[str, Any]) -> None:
    if not schema_type:
        return
    if not isinstance(schema_type, list):
        result["type"] = schema_type
        return
    non_null = [item for item in schema_type if item != "null"]
    if not non_null:
        result["type"] = "null"
        return
    result["anyOf"] = [{"type": item} for item in non_null]
    if len(non_null) < len(schema_type):
        result["nullable"] = True


def _convert_any_of(any_of: list[Any], result: dict[str, Any]) -> None:
    def is_null(item: Any) -> bool:
        return isinstance(item, dict) and item.get("type") == "null"

    if not any(is_null(item) for item in any_of):
        result["anyOf"] = [_nested(item) for item in any_of]
        return
    non_null = [item for item in any_of if not is_null(item)]
    if len(non_null) == 1:
        converted = _nested(non_null[0])
        if isinstance(converted, dict):
            result["nullable"] = True
            result.update(converted)
    else:
        result["anyOf"] = [_nested(item) for item in non_null]
        result["nullable"] = True


def _is_empty_object_schema(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "object"
        and not schema.get("properties")
        and not schema.get("additionalProperties")
    )
