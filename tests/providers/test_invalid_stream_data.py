"""A stream payload that is not JSON, or not of the documented shape, becomes the same typed error part
for every provider; the message says what is wrong and where, never the payload's content."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from pipeline.errors import InvalidResponseDataError
from pipeline.stream import ErrorPart, StreamPart
from providers._stream import StreamMapper, feed_payload
from providers.anthropic.map_stream import AnthropicStreamMapper
from providers.google.map_stream import GoogleStreamMapper
from providers.openai.map_stream import ChatStreamMapper

SECRET = "patient record 4411"

MAPPERS: dict[str, Callable[[], StreamMapper]] = {
    "openai": ChatStreamMapper,
    "anthropic": AnthropicStreamMapper,
    "google": lambda: GoogleStreamMapper(warnings=[], generate_id=lambda: "id"),
}


def feeder(provider: str) -> Callable[[str], list[StreamPart]]:
    mapper = MAPPERS[provider]()
    return lambda data: feed_payload(mapper, data)


WRONG_SHAPES = {
    "openai": {"choices": [{"index": 0, "delta": SECRET}]},
    "anthropic": {"type": "content_block_delta", "index": 0, "delta": SECRET},
    "google": {"candidates": [{"content": SECRET}]},
}


def _error(parts: list[StreamPart]) -> InvalidResponseDataError:
    errors = [part.error for part in parts if isinstance(part, ErrorPart)]
    assert len(errors) == 1
    assert isinstance(errors[0], InvalidResponseDataError)
    return errors[0]


@pytest.mark.parametrize("provider", sorted(MAPPERS))
def test_a_payload_that_is_not_json(provider: str) -> None:
    payload = '{"text": "' + SECRET + '" broken'
    error = _error(feeder(provider)(payload))
    assert str(error).startswith("Invalid JSON in stream ")
    assert "at character" in str(error) or "at line 1 column" in str(error)
    assert SECRET not in str(error) and error.data == payload
    assert isinstance(error.__cause__, ValueError)  # json's or pydantic's JSON error


@pytest.mark.parametrize("provider", sorted(MAPPERS))
def test_a_payload_of_the_wrong_shape_names_the_field_not_the_content(provider: str) -> None:
    error = _error(feeder(provider)(json.dumps(WRONG_SHAPES[provider])))
    assert str(error).startswith("Invalid stream ")
    assert "delta" in str(error) or "content" in str(error)  # where the problem is
    assert SECRET not in str(error) and SECRET not in repr(error)
    assert SECRET in json.dumps(error.data)  # the payload itself is kept for whoever debugs it
