"""merge_objects: the AI SDK's mergeObjects rules, with None meaning "not set"."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from pipeline.merge import merge_objects

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)
json_objects = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


def test_override_scalars_replace_defaults() -> None:
    assert merge_objects({"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}


def test_nested_dicts_merge_key_by_key() -> None:
    defaults = {"anthropic": {"cacheControl": {"type": "ephemeral"}, "feature": {"enabled": True}}}
    overrides = {"anthropic": {"feature": {"enabled": False}, "other": "value"}}
    assert merge_objects(defaults, overrides) == {
        "anthropic": {"cacheControl": {"type": "ephemeral"}, "feature": {"enabled": False}, "other": "value"}
    }


def test_lists_replace_instead_of_concatenating() -> None:
    assert merge_objects({"stop": ["a", "b"]}, {"stop": ["c"]}) == {"stop": ["c"]}


def test_none_override_keeps_the_default_but_zero_and_false_override() -> None:
    assert merge_objects({"t": 0.7, "u": True, "v": 1}, {"t": None, "u": False, "v": 0}) == {
        "t": 0.7,
        "u": False,
        "v": 0,
    }


def test_dict_override_replaces_a_scalar_default_and_vice_versa() -> None:
    assert merge_objects({"a": 1, "b": {"x": 1}}, {"a": {"y": 2}, "b": 5}) == {"a": {"y": 2}, "b": 5}


def test_both_none_gives_none_and_one_none_gives_a_copy_of_the_other() -> None:
    assert merge_objects(None, None) is None
    source = {"a": {"b": 1}}
    result = merge_objects(source, None)
    assert result == source
    assert result is not source
    assert result is not None and result["a"] is not source["a"]
    assert merge_objects(None, {"c": 2}) == {"c": 2}


def test_prototype_pollution_keys_are_skipped() -> None:
    merged = merge_objects({"a": 1}, {"__proto__": {"x": 1}, "constructor": 2, "prototype": 3, "b": 4})
    assert merged == {"a": 1, "b": 4}


@given(json_objects, json_objects)
def test_merge_never_mutates_its_inputs(defaults: dict[str, object], overrides: dict[str, object]) -> None:
    before = (copy.deepcopy(defaults), copy.deepcopy(overrides))
    merge_objects(defaults, overrides)
    assert (defaults, overrides) == before


@given(json_objects, json_objects)
def test_every_set_override_leaf_wins(defaults: dict[str, object], overrides: dict[str, object]) -> None:
    merged = merge_objects(defaults, overrides)
    assert merged is not None
    for key, value in overrides.items():
        if key in {"__proto__", "constructor", "prototype"}:
            continue
        if value is None:
            assert merged.get(key) == defaults.get(key)
        elif not isinstance(value, dict):
            assert merged[key] == value
        else:
            assert isinstance(merged[key], dict)
            assert set(value) - {k for k, v in value.items() if v is None} <= set(merged[key])
