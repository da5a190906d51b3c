"""MockLanguageModel: scripts in turn, recorded calls, exceptions, and a repr without call data."""

from __future__ import annotations

import pytest

from pipeline.errors import APICallError
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from pipeline.result import GenerateResult
from pipeline.stream import TextDeltaPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts


def _params(text: str) -> CallParams:
    return CallParams(
        prompt=[UserMessage(content=[TextPart(text=text)])], headers={"authorization": "Bearer s3cret"}
    )


async def test_scripts_are_used_in_turn_and_the_last_one_repeats() -> None:
    model = MockLanguageModel(generate=[text_result("one"), text_result("two")])
    texts = [(await model.do_generate(_params(str(i)))).text for i in range(3)]
    assert texts == ["one", "two", "two"]
    assert [params.prompt for params in model.generate_calls] == [_params(str(i)).prompt for i in range(3)]


async def test_a_script_may_raise_or_compute_the_answer() -> None:
    async def echo(params: CallParams) -> GenerateResult:
        message = params.prompt[0]
        assert isinstance(message, UserMessage) and isinstance(message.content, list)
        part = message.content[0]
        assert isinstance(part, TextPart)
        return text_result(part.text.upper())

    error = APICallError("boom", url="http://x", status_code=500)
    model = MockLanguageModel(generate=[error, echo])
    with pytest.raises(APICallError):
        await model.do_generate(_params("a"))
    assert (await model.do_generate(_params("shout"))).text == "SHOUT"


async def test_a_stream_script_can_fail_mid_stream() -> None:
    error = APICallError("cut", url="http://x", status_code=None, is_retryable=True)
    model = MockLanguageModel(stream=[*text_stream_parts(["a", "b"])[:4], error])
    result = await model.do_stream(_params("x"))
    seen: list[str] = []
    with pytest.raises(APICallError):
        async for part in result.stream:
            if isinstance(part, TextDeltaPart):
                seen.append(part.delta)
    assert seen == ["a"]


async def test_repr_leaves_out_recorded_calls() -> None:
    model = MockLanguageModel()
    await model.do_generate(_params("x"))
    assert "s3cret" not in repr(model)
    assert len(model.calls) == 1
