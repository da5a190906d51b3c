"""Tool.to_model_output: a tool decides what the model is sent (e.g. multi-part content) for its result."""

from __future__ import annotations

import dataclasses
from typing import Any

from pipeline import (
    ContentOutput,
    GenerateResult,
    MediaItem,
    TextItem,
    ToolCallContent,
    ToolMessage,
    Usage,
    generate_text,
    tool,
)
from pipeline.testing import MockLanguageModel, text_result


def _call(name: str) -> GenerateResult:
    return GenerateResult(
        content=[ToolCallContent(tool_call_id="c1", tool_name=name, input='{"city": "Lima"}')],
        finish_reason="tool-calls",
        usage=Usage.of(input_tokens=1, output_tokens=1),
    )


@tool
def snapshot(city: str) -> dict[str, Any]:
    """A caption and a picture of a city."""
    return {"caption": f"{city} at noon", "png": "iVBORw0KGgo="}


def as_content(result: dict[str, Any]) -> ContentOutput:
    return ContentOutput(
        value=[TextItem(text=result["caption"]), MediaItem(data=result["png"], media_type="image/png")]
    )


async def test_the_model_is_sent_the_tools_own_output_and_the_caller_keeps_the_result() -> None:
    picture = dataclasses.replace(snapshot, to_model_output=as_content)
    model = MockLanguageModel(generate=[_call("snapshot"), text_result("Sunny.")])
    result = await generate_text(model, tools={"snapshot": picture}, max_steps=2, prompt="Lima?")
    tool_result = result.steps[0].content[-1]
    assert tool_result.result == {"caption": "Lima at noon", "png": "iVBORw0KGgo="}
    assert tool_result.output == as_content(tool_result.result)
    sent = model.generate_calls[1].prompt[-1]
    assert isinstance(sent, ToolMessage) and sent.content[0].output == tool_result.output


async def test_a_renamed_tool_keeps_its_conversion() -> None:
    picture = dataclasses.replace(snapshot, to_model_output=as_content)
    model = MockLanguageModel(generate=[_call("photo"), text_result("Ok.")])
    result = await generate_text(model, tools={"photo": picture}, max_steps=2, prompt="Lima?")
    assert isinstance(result.steps[0].content[-1].output, ContentOutput)


async def test_a_failing_conversion_is_an_error_result() -> None:
    def broken(result: Any) -> ContentOutput:
        raise ValueError("cannot convert")

    model = MockLanguageModel(generate=[_call("snapshot"), text_result("Ok.")])
    failing = dataclasses.replace(snapshot, to_model_output=broken)
    result = await generate_text(model, tools=[failing], max_steps=2, prompt="Lima?")
    tool_result = result.steps[0].content[-1]
    assert tool_result.is_error is True and "ValueError: cannot convert" in tool_result.result
