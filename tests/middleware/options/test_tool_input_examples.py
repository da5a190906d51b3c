"""AddToolInputExamplesMiddleware: tool input examples appended to tool descriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from middleware.options.tool_input_examples import AddToolInputExamplesMiddleware, add_tool_input_examples
from pipeline.chain import wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.generate import generate_text, stream_text
from pipeline.params import CallParams, FunctionTool
from pipeline.prompt import TextPart, UserMessage
from pipeline.testing import MockLanguageModel

PROMPT = [UserMessage(content=[TextPart(text="Weather?")])]
EXAMPLES = [{"input": {"city": "Zürich"}}, {"input": {"city": "Oslo", "days": 2}}]


def weather(description: str | None = "Get the weather.") -> FunctionTool:
    return FunctionTool.model_validate(
        {"name": "weather", "description": description, "inputExamples": EXAMPLES}
    )


async def seen_tools(middleware: AddToolInputExamplesMiddleware, *tools: FunctionTool) -> list[FunctionTool]:
    model = MockLanguageModel()
    await wrap_model(model, middleware).do_generate(CallParams(prompt=PROMPT, tools=list(tools)))
    return model.generate_calls[0].tools or []


async def test_examples_follow_the_description_and_are_removed() -> None:
    [tool] = await seen_tools(AddToolInputExamplesMiddleware(), weather())
    assert tool.description == (
        'Get the weather.\n\nInput Examples:\n{"city":"Zürich"}\n{"city":"Oslo","days":2}'
    )
    assert tool.input_examples is None


async def test_without_a_description_the_examples_are_the_description() -> None:
    [tool] = await seen_tools(AddToolInputExamplesMiddleware(), weather(description=None))
    assert tool.description == 'Input Examples:\n{"city":"Zürich"}\n{"city":"Oslo","days":2}'


async def test_custom_prefix_and_formatter_get_each_example_and_its_index() -> None:
    def numbered(example: Mapping[str, Any], index: int) -> str:
        return f"{index + 1}. {example['input']['city']}"

    middleware = AddToolInputExamplesMiddleware(prefix="Try:", format=numbered)
    [tool] = await seen_tools(middleware, weather())
    assert tool.description == "Get the weather.\n\nTry:\n1. Zürich\n2. Oslo"


async def test_remove_false_keeps_the_examples_on_the_tool() -> None:
    [tool] = await seen_tools(AddToolInputExamplesMiddleware(remove=False), weather())
    assert tool.input_examples == EXAMPLES
    assert tool.description is not None and tool.description.endswith('{"city":"Oslo","days":2}')


async def test_tools_without_examples_are_left_alone() -> None:
    plain = FunctionTool(name="clock", description="Tell the time.")
    empty = FunctionTool(name="noop", input_examples=[])
    assert await seen_tools(AddToolInputExamplesMiddleware(), plain, empty) == [plain, empty]
    params = CallParams(prompt=PROMPT)
    assert add_tool_input_examples(params) is params


async def test_generate_text_and_stream_text_send_the_rewritten_description() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, AddToolInputExamplesMiddleware())
    tools = [weather().model_dump()]
    await generate_text(wrapped, prompt="Weather?", tools=tools)
    async with stream_text(wrapped, prompt="Weather?", tools=tools) as result:
        await result.text()
    descriptions = [(call.params.tools or [])[0].description for call in model.calls]
    assert [call.type for call in model.calls] == ["generate", "stream"]
    assert all(text is not None and "Input Examples:" in text for text in descriptions)


def test_an_example_without_an_input_object_is_a_typed_error_with_its_path() -> None:
    bad = FunctionTool(name="weather", input_examples=[{"input": {"city": "Oslo"}}, {"city": "Rome"}])
    params = CallParams(prompt=PROMPT, tools=[FunctionTool(name="clock"), bad])
    with pytest.raises(InvalidArgumentError, match=r"tools\[1\]\.input_examples\[1\]"):
        add_tool_input_examples(params)


def test_input_examples_accept_both_spellings() -> None:
    assert FunctionTool(name="t", input_examples=EXAMPLES) == FunctionTool.model_validate(
        {"name": "t", "inputExamples": EXAMPLES}
    )
    assert FunctionTool(name="t").input_examples is None
