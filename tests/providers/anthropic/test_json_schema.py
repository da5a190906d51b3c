"""providers/anthropic/json_schema.py: schemas relaxed for Anthropic structured outputs."""

from __future__ import annotations

from typing import Any

from providers.anthropic.json_schema import sanitize_json_schema


def test_unsupported_constraints_move_into_the_description() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "age": {"type": "integer", "minimum": 0, "maximum": 150, "description": "Age"},
            "code": {"type": "string", "pattern": "^[A-Z]+$", "format": "hex"},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
        },
        "required": ["age"],
        "additionalProperties": True,
    }
    assert sanitize_json_schema(schema) == {
        "type": "object",
        "properties": {
            "age": {"type": "integer", "description": "Age\nminimum: 0; maximum: 150."},
            "code": {"type": "string", "description": "pattern: ^[A-Z]+$; format: hex."},
            "when": {"type": "string", "format": "date-time"},
            "tags": {
                "type": "array",
                "items": {"type": "string"},
                "description": "min items: 1; unique items: true.",
            },
        },
        "additionalProperties": False,
        "required": ["age"],
    }
    assert schema["properties"]["age"]["minimum"] == 0  # the caller's schema is untouched


def test_one_of_becomes_any_of_and_refs_and_definitions_are_kept() -> None:
    schema = {
        "$defs": {"n": {"type": "number", "multipleOf": 2}},
        "oneOf": [{"$ref": "#/$defs/n", "description": "dropped"}, {"type": "null"}],
    }
    assert sanitize_json_schema(schema) == {
        "anyOf": [{"$ref": "#/$defs/n"}, {"type": "null"}],
        "$defs": {"n": {"type": "number", "description": "multiple of: 2."}},
    }


def test_enum_const_and_default_pass_through() -> None:
    schema = {"type": "string", "enum": ["a", "b"], "default": "a", "title": "T"}
    assert sanitize_json_schema(schema) == schema
