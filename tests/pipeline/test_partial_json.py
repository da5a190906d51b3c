"""Partial JSON: every prefix of a document parses, the whole text parses to the document, fences strip."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.partial_json import PartialParse, fix_json, parse_partial_json, strip_code_fences

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)


documents = st.recursive(scalars, _containers, max_leaves=8)
containers = _containers(documents)
layouts = st.sampled_from(
    [{}, {"indent": 2}, {"separators": (",", ":")}, {"ensure_ascii": False}, {"indent": 1}]
)


@settings(max_examples=80, deadline=None)
@given(containers, layouts)
def test_every_prefix_of_a_container_parses_and_the_whole_text_gives_the_document(
    document: Any, layout: dict[str, Any]
) -> None:
    text = json.dumps(document, **layout)
    for end in range(1, len(text)):
        prefix = text[:end]
        parsed = parse_partial_json(prefix)
        if prefix.strip():
            assert parsed.state in ("successful-parse", "repaired-parse"), prefix
            assert isinstance(parsed.value, type(document)), prefix
    assert parse_partial_json(text) == PartialParse(document, "successful-parse")


@settings(max_examples=100, deadline=None)
@given(scalars)
def test_scalar_prefixes_parse_except_a_lone_minus_sign(value: Any) -> None:
    text = json.dumps(value)
    for end in range(1, len(text) + 1):
        parsed = parse_partial_json(text[:end])
        assert parsed.state != "failed-parse" or text[:end] == "-"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ('{"name": "Lasag', {"name": "Lasag"}),
        ('{"a": 1, "b', {"a": 1}),
        ('{"a": 1, "b": ', {"a": 1}),
        ('{"a": [1, {"b": tr', {"a": [1, {"b": True}]}),
        ('{"n": nul', {"n": None}),
        ("[1.", [1]),
        ("[-", []),
        ('["tab\\', ["tab"]),
        ('["\\u00e', [""]),
        ('{"x": "a\\"b', {"x": 'a"b'}),
    ],
)
def test_prefixes_are_closed_at_their_last_safe_point(prefix: str, expected: Any) -> None:
    assert parse_partial_json(prefix) == PartialParse(expected, "repaired-parse")


def test_blank_input_is_undefined_and_garbage_fails() -> None:
    assert parse_partial_json(None).state == "undefined-input"
    assert parse_partial_json("  \n").state == "undefined-input"
    assert parse_partial_json("Sure! Here it is").state == "failed-parse"
    assert fix_json("Sure!") is None


def test_scanning_stops_at_the_first_invalid_character() -> None:
    assert fix_json('{"a": 1, "b": x}') == '{"a": 1}'
    assert fix_json("[1, 2,]") == "[1, 2]"


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ('```json\n{"a": 1}\n```', '{"a": 1}'),
        ("```\n[1]\n```\n", "[1]"),
        ('  ```json\n{"a": ', '{"a": '),
        ('{"a": 1}', '{"a": 1}'),
    ],
)
def test_code_fences_are_stripped_even_before_they_close(text: str, inner: str) -> None:
    assert strip_code_fences(text) == inner
