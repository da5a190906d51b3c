"""Record's own model_copy and the delta constructors agree with pydantic's slower paths."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, PrivateAttr, ValidationError

from pipeline._base import Record
from pipeline.result import GenerateResult, ResponseMetadata, Usage
from pipeline.stream import ReasoningDeltaPart, TextDeltaPart, reasoning_delta, text_delta


def _pydantic_copy(record: BaseModel, update: dict[str, Any] | None = None) -> BaseModel:
    return BaseModel.model_copy(record, update=update)


@pytest.mark.parametrize(
    ("record", "update"),
    [
        (ResponseMetadata(id="a", model_id="m"), {"headers": {"x": "1"}}),
        (ResponseMetadata(), None),
        (TextDeltaPart(id="0", delta="hi"), {"delta": "there"}),
        (
            GenerateResult(content=[], finish_reason="stop", usage=Usage(input_tokens=1)),
            {"provider_metadata": {"modelpipe": {"cache": "hit"}}},
        ),
    ],
)
def test_model_copy_matches_pydantic(record: Record, update: dict[str, Any] | None) -> None:
    ours = record.model_copy(update=update)
    theirs = _pydantic_copy(record, update)
    assert ours == theirs
    assert ours.model_fields_set == theirs.model_fields_set
    assert ours.model_dump() == theirs.model_dump()
    assert ours is not record


def test_model_copy_is_shallow_and_leaves_the_original_alone() -> None:
    headers = {"x": "1"}
    original = ResponseMetadata(headers=headers)
    copied = original.model_copy(update={"id": "b"})
    assert copied.headers is original.headers  # shallow, as pydantic's
    assert original.id is None and "id" not in original.model_fields_set
    assert copied.id == "b" and "id" in copied.model_fields_set


def test_model_copy_does_not_validate_the_update() -> None:
    copied = ResponseMetadata().model_copy(update={"id": 5})  # as pydantic: no validation
    assert copied.id == 5


def test_deep_copy_and_private_attributes_take_pydantic_s_path() -> None:
    class WithPrivate(Record):
        name: str
        _seen: int = PrivateAttr(default=3)

    record = WithPrivate(name="a")
    copied = record.model_copy(update={"name": "b"})
    assert copied.name == "b" and copied._seen == 3

    nested = GenerateResult(
        content=[], finish_reason="stop", usage=Usage(), provider_metadata={"p": {"k": [1]}}
    )
    deep = nested.model_copy(deep=True)
    assert deep == nested
    assert deep.provider_metadata is not nested.provider_metadata


def test_delta_constructors_equal_the_keyword_constructor() -> None:
    assert text_delta("0", "hello") == TextDeltaPart(id="0", delta="hello")
    assert reasoning_delta("r", "why") == ReasoningDeltaPart(id="r", delta="why")
    assert type(text_delta("0", "")) is TextDeltaPart
    assert type(reasoning_delta("r", "")) is ReasoningDeltaPart


def test_delta_constructors_still_validate() -> None:
    with pytest.raises(ValidationError):
        text_delta(1, "x")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        reasoning_delta("r", None)  # type: ignore[arg-type]


def _nested_records() -> tuple[type[Record], type[Record], type[Record]]:
    """Three fresh records (schemas not built yet), nested through a list, a union and a dict."""

    class Inner(Record):
        value: int

    class Middle(Record):
        inner: Inner
        more: list[Inner] = []

    class Outer(Record):
        middle: Middle | None = None
        by_name: dict[str, Middle] = {}

    return Inner, Middle, Outer


def test_first_use_completes_the_nested_records_first() -> None:
    inner, middle, outer = _nested_records()
    assert not any(model.__pydantic_complete__ for model in (inner, middle, outer))
    built = outer.model_validate({"middle": {"inner": {"value": 1}, "more": [{"value": 2}]}})
    assert all(model.__pydantic_complete__ for model in (inner, middle, outer))
    assert built.middle == middle(inner=inner(value=1), more=[inner(value=2)])
    with pytest.raises(ValidationError, match="value"):
        outer.model_validate({"byName": {"a": {"inner": {"value": "not a number"}}}})


def test_a_record_that_nests_itself_is_completed_with_what_it_nests() -> None:
    inner, _middle, _outer = _nested_records()

    class Node(Record):
        label: str
        children: list[Node] = []
        leaf: inner | None = None  # type: ignore[valid-type]

    tree = Node.model_validate({"label": "a", "children": [{"label": "b", "leaf": {"value": 1}}]})
    assert inner.__pydantic_complete__ and Node.__pydantic_complete__
    assert tree.children[0].leaf == inner(value=1)


def test_a_plain_pydantic_model_nested_in_a_record_is_left_to_pydantic() -> None:
    class Plain(BaseModel):
        value: int

    class Holder(Record):
        plain: Plain

    assert Holder(plain={"value": 3}).plain == Plain(value=3)  # type: ignore[arg-type]
