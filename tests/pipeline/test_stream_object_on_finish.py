"""stream_object's on_finish: called once, after the stream was read, with usage and the object or error."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from pipeline import InvalidArgumentError, NoObjectGeneratedError, Usage, stream_object
from pipeline.objects import ObjectFinishEvent
from pipeline.testing import MockLanguageModel, text_stream_parts


class Point(BaseModel):
    x: int
    y: int


def model(*chunks: str) -> MockLanguageModel:
    return MockLanguageModel(
        stream=text_stream_parts(chunks, usage=Usage.of(input_tokens=7, output_tokens=5))
    )


async def test_on_finish_gets_usage_and_the_final_object_after_the_stream() -> None:
    events: list[ObjectFinishEvent[Any]] = []
    result = stream_object(model('{"x": 1,', ' "y": 2}'), schema=Point, prompt="p", on_finish=events.append)
    partials = []
    async for partial in result.partial_object_stream:
        assert events == []  # not before the stream has ended
        partials.append(partial)
    assert [event.object for event in events] == [Point(x=1, y=2)]
    assert events[0].error is None and events[0].usage.total_tokens == 12
    assert events[0].text == '{"x": 1, "y": 2}' and events[0].finish_reason == "stop"
    assert await result.object == Point(x=1, y=2)
    assert len(events) == 1  # once, also when the result is read afterwards


async def test_on_finish_gets_the_error_when_no_object_validates() -> None:
    events: list[ObjectFinishEvent[Any]] = []

    async def on_finish(event: ObjectFinishEvent[Any]) -> None:  # async callbacks are awaited
        events.append(event)

    result = stream_object(model('{"x": 1}'), schema=Point, prompt="p", on_finish=on_finish)
    with pytest.raises(NoObjectGeneratedError) as caught:
        await result.object
    assert events[0].object is None and events[0].error is caught.value
    assert events[0].usage.input_tokens == 7


async def test_on_finish_runs_when_only_the_result_is_awaited() -> None:
    events: list[ObjectFinishEvent[Any]] = []
    result = stream_object(model('{"x": 3, "y": 4}'), schema=Point, prompt="p", on_finish=events.append)
    assert (await result.result()).object == Point(x=3, y=4)
    assert [event.object for event in events] == [Point(x=3, y=4)]


def test_on_finish_must_be_callable() -> None:
    with pytest.raises(InvalidArgumentError, match="on_finish"):
        stream_object(model("{}"), schema=Point, prompt="p", on_finish="log")  # type: ignore[call-overload]
