"""NormalizeMiddleware: the model behind it receives the normalized prompt, for generate and stream."""

from __future__ import annotations

import base64

import httpx
import pytest

from middleware import NormalizeMiddleware
from pipeline.chain import TransformContext, wrap_model
from pipeline.errors import MissingToolResultsError
from pipeline.params import CallParams
from pipeline.prompt import AssistantMessage, FilePart, ImagePart, TextPart, ToolCallPart, UserMessage
from pipeline.testing import MockLanguageModel

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")


def _user_level_params() -> CallParams:
    image = ImagePart(image=base64.b64encode(PNG).decode())
    return CallParams(
        prompt=[UserMessage(content=[TextPart(text=""), image, TextPart(text="What?")])], temperature=0.5
    )


NORMALIZED = [UserMessage(content=[FilePart(data=PNG, media_type="image/png"), TextPart(text="What?")])]


async def test_generate_sees_the_normalized_prompt() -> None:
    mock = MockLanguageModel()
    await wrap_model(mock, NormalizeMiddleware()).do_generate(_user_level_params())
    assert mock.calls[0].params.prompt == NORMALIZED
    assert mock.calls[0].params.temperature == 0.5


async def test_stream_sees_the_normalized_prompt() -> None:
    mock = MockLanguageModel()
    await wrap_model(mock, NormalizeMiddleware()).do_stream(_user_level_params())
    assert mock.calls[0].type == "stream"
    assert mock.calls[0].params.prompt == NORMALIZED


async def test_already_normalized_params_pass_through_as_the_same_object() -> None:
    params = CallParams(prompt=NORMALIZED)
    context = TransformContext(type="generate", params=params, model=MockLanguageModel())
    assert await NormalizeMiddleware().transform_params(context) is params


async def test_url_data_stays_a_url() -> None:
    mock = MockLanguageModel()
    params = CallParams(prompt=[UserMessage(content=[ImagePart(image="https://example.com/cat.png")])])
    await wrap_model(mock, NormalizeMiddleware()).do_generate(params)
    assert mock.calls[0].params.prompt == [
        UserMessage(content=[FilePart(data=httpx.URL("https://example.com/cat.png"), media_type="image")])
    ]


async def test_invalid_prompt_fails_before_the_model_is_called() -> None:
    mock = MockLanguageModel()
    params = CallParams(
        prompt=[
            AssistantMessage(content=[ToolCallPart(tool_call_id="c", tool_name="t", input={})]),
            UserMessage(content="next"),
        ]
    )
    with pytest.raises(MissingToolResultsError):
        await wrap_model(mock, NormalizeMiddleware()).do_generate(params)
    assert mock.calls == []
