"""find_unsendable: JSON data, finite numbers, encodable text and bounded nesting, named by path."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from pipeline.params import CallParams, FunctionTool
from pipeline.prompt import FilePart, JsonOutput, ToolCallPart, ToolResultPart, UserMessage
from pipeline.sendable import MAX_NESTING_DEPTH, Unsendable, find_unsendable, find_unsendable_model


def _nested(levels: int) -> list[Any]:
    """A list nested ``levels`` deep (``_nested(1) == []``)."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**63),
        1.5,
        "text",
        "caf\u00e9 \U0001f600",
        [1, "a", None, {"k": [False]}],
        (1, 2),
        {"a": {"b": [1.0, {"c": "d"}]}},
        {50256: -100},  # integer keys (logit_bias) are written as strings by the JSON encoder
        _nested(MAX_NESTING_DEPTH),
    ],
)
def test_json_data_is_sendable(value: Any) -> None:
    assert find_unsendable(value, "value") is None


@pytest.mark.parametrize(
    ("value", "path", "reason"),
    [
        ({"openai": {"foo": [1, 2, math.nan]}}, "options.openai.foo[2]", "nan is not a finite number"),
        ({"maximum": math.inf}, "options.maximum", "inf is not a finite number"),
        ([-math.inf], "options[0]", "-inf is not a finite number"),
        ({"s": {1, 2}}, "options.s", "set is not a JSON value"),
        ({"b": b"bytes"}, "options.b", "bytes is not a JSON value"),
        ({"o": object()}, "options.o", "object is not a JSON value"),
        ({"u": httpx.URL("https://example.com")}, "options.u", "URL is not a JSON value"),
        ({"t": "lone \ud800 surrogate"}, "options.t", "lone surrogate"),
        ({"x": {"lone \udfff": 1}}, "options.x", "object key contains a lone surrogate"),
        ({"x": {(1, 2): 1}}, "options.x", "object key of type tuple is not a string"),
        ({"x": {True: 1}}, "options.x", "object key of type bool is not a string"),
        ({"big": 10**5000}, "options.big", "integer is too large"),
        ({"weird key": [math.nan]}, "options['weird key'][0]", "nan"),
        ({"k" * 100: math.nan}, "options.<key of length 100>", "nan"),
    ],
)
def test_unsendable_values_are_named_by_path(value: Any, path: str, reason: str) -> None:
    problem = find_unsendable(value, "options")
    assert problem is not None
    assert problem.path == path
    assert reason in problem.reason


def test_the_first_problem_in_document_order_is_reported() -> None:
    assert find_unsendable([1, {"a": math.nan}, math.inf], "v") == Unsendable(
        "v[1].a", "nan is not a finite number (JSON has no NaN or Infinity)"
    )


def test_nesting_past_the_limit_is_refused() -> None:
    problem = find_unsendable({"deep": _nested(MAX_NESTING_DEPTH)}, "options")
    assert problem is not None
    assert problem.reason == f"value is nested more than {MAX_NESTING_DEPTH} levels deep"


def test_hostile_nesting_is_refused_without_recursing() -> None:
    problem = find_unsendable(_nested(100_000), "tool_input")
    assert problem is not None
    assert "nested more than" in problem.reason
    # the path keeps its ends and says how much of the middle it left out
    assert problem.path.startswith("tool_input[0][0]")
    assert "levels...>" in problem.path
    assert len(problem.path) < 200


def test_models_hold_file_data_in_typed_fields_but_json_in_any_fields() -> None:
    file = FilePart(data=b"\x89PNG", media_type="image/png")
    url = FilePart(data=httpx.URL("https://example.com/a.png"), media_type="image/png")
    assert find_unsendable_model(UserMessage(content=[file, url]), "prompt[0]") is None
    call = ToolCallPart(tool_call_id="c", tool_name="t", input={"data": b"\x89PNG"})
    problem = find_unsendable_model(call, "prompt[1].content[0]")
    assert problem == Unsendable("prompt[1].content[0].input.data", "bytes is not a JSON value")


def test_model_strings_are_checked_for_surrogates() -> None:
    result = ToolResultPart(tool_call_id="c\ud83d", tool_name="t", output=JsonOutput(value=1))
    problem = find_unsendable_model(result, "prompt[2].content[0]")
    assert problem is not None and problem.path == "prompt[2].content[0].tool_call_id"


def test_json_in_model_fields_counts_its_depth_from_the_field() -> None:
    at_limit = ToolCallPart(tool_call_id="c", tool_name="t", input=_nested(MAX_NESTING_DEPTH))
    assert find_unsendable_model(at_limit, "prompt[0].content[0]") is None
    past = ToolCallPart(tool_call_id="c", tool_name="t", input=_nested(MAX_NESTING_DEPTH + 1))
    assert find_unsendable_model(past, "prompt[0].content[0]") is not None


def test_settings_paths_name_fields_by_themselves_and_skip_excluded_ones() -> None:
    params = CallParams(
        prompt=[UserMessage(content="bad \ud800")],
        tools=[FunctionTool(name="t", input_schema={"properties": {"x": {"maximum": math.inf}}})],
    )
    problem = find_unsendable_model(params, "", exclude={"prompt"})
    assert problem is not None
    assert problem.path == "tools[0].input_schema.properties.x.maximum"
