"""The walk that decides whether pydantic's JSON carries a result exactly agrees with the round trip."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from middleware.cache.codec import MAGIC, decode_generate, encode_generate
from middleware.cache.exact import json_exact
from pipeline.result import (
    FileContent,
    GenerateResult,
    RequestMetadata,
    ResponseMetadata,
    TextContent,
    ToolResultContent,
    Usage,
)
from pipeline.stream import ErrorPart
from tests.middleware.cache.cache_samples import STAMP, rich_result


class Color(enum.IntEnum):
    RED = 1


_free_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # nan and infinities included
    st.text(max_size=6),
    st.binary(max_size=4),
    st.datetimes(timezones=st.just(UTC)),
    st.just(httpx.URL("https://example.test/a")),
    st.just(Color.RED),
)
_free_values = st.recursive(
    _free_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)), inner, max_size=3),
    ),
    max_leaves=8,
)


_json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def _results(draw: st.DrawFn) -> tuple[bool, GenerateResult]:
    """Results whose free-form fields hold JSON's own values only (``True``), or anything a caller might
    put there (``False``)."""
    plain = draw(st.booleans())

    def free() -> Any:
        return draw(_json_values if plain else _free_values)

    content: list[Any] = [TextContent(text=draw(st.text(max_size=6)), provider_metadata={"p": {"k": free()}})]
    if draw(st.booleans()):
        content.append(ToolResultContent(tool_call_id="c", tool_name="t", result=free()))
    if draw(st.booleans()):
        content.append(
            FileContent(media_type="a/b", data=draw(st.text(max_size=4) if plain else st.binary(max_size=4)))
        )
    return plain, GenerateResult(
        content=content,
        finish_reason="stop",
        usage=Usage.of(input_tokens=draw(st.integers(0, 9)), raw={"raw": free()}),
        request=RequestMetadata(body=free()),
        response=ResponseMetadata(
            timestamp=draw(st.one_of(st.none(), st.just(STAMP))), headers={"a": "b"}, body=free()
        ),
        provider_metadata={"openai": {"x": free()}},
    )


@given(drawn=_results())
def test_a_result_the_walk_accepts_round_trips_through_pydantic_json(
    drawn: tuple[bool, GenerateResult],
) -> None:
    plain, result = drawn
    assert json_exact(result) or not plain  # JSON's own values are always accepted
    if json_exact(result):
        assert GenerateResult.model_validate_json(result.model_dump_json()) == result
        assert decode_generate("k", encode_generate("k", result)) == result


def _with_body(body: Any) -> GenerateResult:
    return GenerateResult(content=[TextContent(text="hi")], request=RequestMetadata(body=body))


@pytest.mark.parametrize(
    "body",
    [
        b"bytes",
        (1, 2),
        float("nan"),
        {1: "int key"},
        datetime(2026, 1, 1, tzinfo=UTC),
        httpx.URL("https://example.test"),
        Color.RED,
        [{"deep": [b"bytes"]}],
    ],
    ids=["bytes", "tuple", "nan", "int key", "datetime", "url", "int enum", "nested bytes"],
)
def test_values_pydantic_json_would_change_are_not_accepted(body: Any) -> None:
    assert not json_exact(_with_body(body))


@pytest.mark.parametrize(
    "body",
    [b"bytes", datetime(2026, 1, 1, tzinfo=UTC), httpx.URL("https://example.test"), [{"deep": [b"bytes"]}]],
    ids=["bytes", "datetime", "url", "nested bytes"],
)
def test_values_only_the_tagged_form_keeps_round_trip_in_it(body: Any) -> None:
    data = encode_generate("k", _with_body(body))
    assert b"\n" not in data[len(MAGIC) + 16 :]  # the tagged form
    decoded = decode_generate("k", data)
    assert decoded == _with_body(body) and type(decoded.request.body) is type(body)


def test_plain_results_are_accepted_and_stored_in_pydantic_json() -> None:
    result = _with_body({"model": "m", "messages": [{"role": "user", "content": "hi"}], "n": 1.5, "x": None})
    result = result.model_copy(
        update={"response": ResponseMetadata(id="r", timestamp=STAMP, headers={"a": "b"})}
    )
    assert json_exact(result)
    data = encode_generate("k", result)
    assert b"\n" in data[len(MAGIC) + 16 :]  # the record form
    assert decode_generate("k", data) == result


def test_bytes_in_a_typed_field_and_records_with_validators_are_not_accepted() -> None:
    assert not json_exact(GenerateResult(content=[FileContent(media_type="a/b", data=b"\x00")]))
    assert json_exact(GenerateResult(content=[FileContent(media_type="a/b", data="aGk=")]))
    assert not json_exact(ErrorPart(error="a validator runs on read"))
    assert not json_exact(rich_result())
