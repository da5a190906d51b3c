"""StreamTextResult: how an error part ends the text stream and what the result says afterwards."""

from __future__ import annotations

import pytest

from pipeline.errors import APICallError, ModelStreamError
from pipeline.generate import stream_text
from pipeline.result import Usage
from pipeline.stream import ErrorPart, StreamPart
from pipeline.stream_text_result import AwaitableValue, StreamTextResult
from pipeline.testing import MockLanguageModel, text_stream_parts


def _broken_after(text: str, error: object) -> list[StreamPart]:
    """A stream that sends ``text``, then an error part instead of its end."""
    return [*text_stream_parts([text])[:-2], ErrorPart(error=error)]


def _overloaded() -> APICallError:
    return APICallError("Overloaded", url="http://127.0.0.1/v1", status_code=529, is_retryable=True)


async def _read_text(result: StreamTextResult) -> list[str]:
    return [delta async for delta in result.text_stream]


async def test_after_the_text_stream_raised_the_result_raises_the_same_stream_error() -> None:
    error = _overloaded()
    result = stream_text(MockLanguageModel(stream=_broken_after("partial", error)), prompt="Hi")
    seen: list[str] = []
    with pytest.raises(APICallError) as raised:
        async for delta in result.text_stream:
            seen.append(delta)
    assert seen == ["partial"]
    assert raised.value is error
    with pytest.raises(APICallError) as from_result:
        await result.result()
    assert from_result.value is error
    with pytest.raises(APICallError) as from_text:
        await result.text()
    assert from_text.value is error


async def test_an_exception_in_an_error_part_is_raised_as_itself_with_its_status_and_retryability() -> None:
    result = stream_text(MockLanguageModel(stream=_broken_after("x", _overloaded())), prompt="Hi")
    with pytest.raises(APICallError) as raised:
        await _read_text(result)
    assert type(raised.value) is APICallError
    assert (raised.value.status_code, raised.value.is_retryable) == (529, True)


async def test_a_provider_error_payload_is_raised_as_one_typed_error_with_a_readable_message() -> None:
    payload = {"type": "overloaded_error", "message": "Overloaded"}
    result = stream_text(MockLanguageModel(stream=_broken_after("x", payload)), prompt="Hi")
    with pytest.raises(ModelStreamError) as raised:
        await _read_text(result)
    assert str(raised.value) == "The model stream reported an error: Overloaded (overloaded_error)"
    assert (raised.value.error, raised.value.error_type) == (payload, "overloaded_error")
    with pytest.raises(ModelStreamError) as from_result:
        await result.result()
    assert from_result.value is raised.value


async def test_the_full_stream_hands_error_parts_out_as_parts() -> None:
    payload = {"type": "api_error", "message": "boom"}
    result = stream_text(MockLanguageModel(stream=_broken_after("x", payload)), prompt="Hi")
    parts = [part async for part in result.full_stream]
    assert parts[-1] == ErrorPart(error=payload)
    assert (await result.result()).finish_reason == "error"


async def test_final_values_can_be_awaited_as_properties_the_ai_sdk_way_or_called_as_before() -> None:
    usage = Usage(input_tokens=3, output_tokens=2)
    model = MockLanguageModel(stream=text_stream_parts(["Hel", "lo"], usage=usage))
    result = stream_text(model, prompt="Hi")
    assert await result.text == "Hello"  # the AI SDK's spelling
    assert await result.text() == "Hello"  # the method form keeps working
    assert await result.usage == usage
    assert await result.finish_reason == "stop"
    assert await result.tool_calls == []
    assert len(await result.steps) == 1
    assert len(model.stream_calls) == 1  # every value comes from the one stream


async def test_after_a_failed_text_stream_an_awaited_property_raises_the_stream_error() -> None:
    error = _overloaded()
    result = stream_text(MockLanguageModel(stream=_broken_after("partial", error)), prompt="Hi")
    with pytest.raises(APICallError):
        await _read_text(result)
    with pytest.raises(APICallError) as raised:
        await result.usage
    assert raised.value is error


def test_an_awaitable_value_left_unawaited_starts_nothing() -> None:
    model = MockLanguageModel(stream=text_stream_parts(["x"]))
    pending = stream_text(model, prompt="Hi").usage
    assert isinstance(pending, AwaitableValue)
    assert "await it" in repr(pending)
    assert model.calls == []
