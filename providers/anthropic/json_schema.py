"""JSON Schema relaxed for Anthropic's constrained decoder (``output_config.format.schema``).

Keywords Anthropic rejects (numeric and length bounds, patterns, unsupported string formats) are
moved into the ``description`` so the model still sees them; objects get ``additionalProperties:
false``; ``oneOf`` becomes ``anyOf``. The caller's original schema is left untouched.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["sanitize_json_schema"]

_SUPPORTED_STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)
_DESCRIBED_CONSTRAINTS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "not",
)
_KEPT_AS_IS = ("$schema", "$id", "title", "description", "default", "const", "enum", "type")


def _definition(value: Any) -> Any:
    return sanitize_json_schema(value) if isinstance(value, dict) else value


def _constraint_name(key: str) -> str:
    return re.sub(r"[A-Z]", lambda match: " " + match.group(0).lower(), key)


def _constraint_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _constraint_description(schema: dict[str, Any]) -> str | None:
    notes = [
        f"{_constraint_name(key)}: {_constraint_value(schema[key])}"
        for key in _DESCRIBED_CONSTRAINTS
        if schema.get(key) is not None and schema.get(key) is not False
    ]
    string_format = schema.get("format")
    if isinstance(string_format, str) and string_format not in _SUPPORTED_STRING_FORMATS:
        notes.append(f"format: {string_format}")
    return "; ".join(notes) + "." if notes else None


def sanitize_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` that Anthropic's structured outputs accept (pure)."""
    if schema.get("$ref") is not None:
        return {"$ref": schema["$ref"]}
    result: dict[str, Any] = {
        key: schema[key] for key in _KEPT_AS_IS if key in schema and schema[key] is not None
    }
    if "default" in schema:
        result["default"] = schema["default"]
    if "const" in schema:
        result["const"] = schema["const"]
    variants = schema.get("anyOf") if schema.get("anyOf") is not None else schema.get("oneOf")
    if variants is not None:
        result["anyOf"] = [_definition(variant) for variant in variants]
    if schema.get("allOf") is not None:
        result["allOf"] = [_definition(variant) for variant in schema["allOf"]]
    for key in ("definitions", "$defs"):
        if schema.get(key) is not None:
            result[key] = {name: _definition(value) for name, value in schema[key].items()}
    if schema.get("type") == "object" or schema.get("properties") is not None:
        if schema.get("properties") is not None:
            result["properties"] = {name: _definition(value) for name, value in schema["properties"].items()}
        result["additionalProperties"] = False
        if schema.get("required") is not None:
            result["required"] = schema["required"]
    items = schema.get("items")
    if items is not None:
        result["items"] = (
            [_definition(item) for item in items] if isinstance(items, list) else _definition(items)
        )
    string_format = schema.get("format")
    if isinstance(string_format, str) and string_format in _SUPPORTED_STRING_FORMATS:
        result["format"] = string_format
    note = _constraint_description(schema)
    if note is not None:
        description = result.get("description")
        result["description"] = note if description is None else f"{description}\n{note}"
    return result
