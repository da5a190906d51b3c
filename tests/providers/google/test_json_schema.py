"""to_openapi_schema: JSON Schema -> Gemini's OpenAPI subset (cases restated from the AI SDK tests)."""

from __future__ import annotations

from typing import Any

import pytest

from providers.google.json_schema import to_openapi_schema


def test_drops_additional_properties_and_schema_keyword() -> None:
    assert to_openapi_schema(
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "number"}},
            "additionalProperties": False,
        }
    ) == {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "number"}}}


@pytest.mark.parametrize("schema", [None, {"type": "object"}, {"type": "object", "properties": {}}])
def test_absent_or_empty_root_object_schema_converts_to_nothing(schema: Any) -> None:
    assert to_openapi_schema(schema) is None


def test_nested_empty_object_schemas_are_kept() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {"options": {"type": "object"}, "launch": {"type": "object", "description": "L"}},
            "required": ["options"],
        }
    ) == {
        "type": "object",
        "properties": {"options": {"type": "object"}, "launch": {"type": "object", "description": "L"}},
        "required": ["options"],
    }


def test_const_becomes_single_value_enum_and_enum_is_kept() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {"status": {"const": "active"}, "kind": {"type": "string", "enum": ["a", "b"]}},
        }
    ) == {
        "type": "object",
        "properties": {"status": {"enum": ["active"]}, "kind": {"type": "string", "enum": ["a", "b"]}},
    }


def test_type_lists_become_any_of_with_nullable() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {
                "nullable": {"type": ["string", "null"]},
                "multi": {"type": ["string", "number"]},
                "only_null": {"type": ["null"]},
                "explicit_null": {"type": "null"},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "nullable": {"anyOf": [{"type": "string"}], "nullable": True},
            "multi": {"anyOf": [{"type": "string"}, {"type": "number"}]},
            "only_null": {"type": "null"},
            "explicit_null": {"type": "null"},
        },
    }


def test_any_of_with_one_null_branch_merges_into_a_nullable_schema() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {"d": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]}},
        }
    ) == {"type": "object", "properties": {"d": {"nullable": True, "type": "string", "enum": ["a", "b"]}}}


def test_any_of_with_several_branches_and_null_stays_any_of_with_nullable() -> None:
    assert to_openapi_schema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}) == {
        "anyOf": [{"type": "string"}, {"type": "number"}],
        "nullable": True,
    }


def test_nested_arrays_all_of_one_of_formats_and_limits() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "description": "A user",
            "properties": {
                "users": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 5,
                    "items": {
                        "type": "object",
                        "properties": {"id": {"type": "number"}},
                        "additionalProperties": False,
                    },
                },
                "all": {"allOf": [{"type": "string"}, {"minLength": 5}]},
                "one": {"oneOf": [{"type": "boolean"}, {"type": "null"}]},
                "at": {"type": "string", "format": "date-time"},
            },
            "required": ["users"],
        }
    ) == {
        "type": "object",
        "description": "A user",
        "properties": {
            "users": {
                "type": "array",
                "minItems": 2,
                "maxItems": 5,
                "items": {"type": "object", "properties": {"id": {"type": "number"}}},
            },
            "all": {"allOf": [{"type": "string"}, {"minLength": 5}]},
            "one": {"oneOf": [{"type": "boolean"}, {"type": "null"}]},
            "at": {"type": "string", "format": "date-time"},
        },
        "required": ["users"],
    }


def test_references_and_definitions_use_gemini_names() -> None:
    assert to_openapi_schema(
        {
            "type": "object",
            "properties": {"node": {"$ref": "#/$defs/Node"}, "leaf": {"$ref": "#/definitions/Leaf"}},
            "$defs": {"Node": {"type": "object", "properties": {"v": {"type": "string"}}}},
        }
    ) == {
        "type": "object",
        "properties": {"node": {"ref": "#/defs/Node"}, "leaf": {"ref": "#/defs/Leaf"}},
        "defs": {"Node": {"type": "object", "properties": {"v": {"type": "string"}}}},
    }


def test_boolean_schema_becomes_boolean_type() -> None:
    assert to_openapi_schema(True) == {"type": "boolean", "properties": {}}
