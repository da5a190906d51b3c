"""Provider tools (the AI SDK's provider-defined tools): sent beside function tools, never run by the loop."""

from __future__ import annotations

import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.generate import generate_text, prepare_call
from pipeline.params import FunctionTool, ProviderTool, split_tools
from pipeline.result import GenerateResult, TextContent, ToolCallContent, ToolResultContent, Usage
from pipeline.testing import MockLanguageModel
from pipeline.tools import tool

SEARCH = ProviderTool(id="acme.web_search", name="web_search", args={"max_uses": 2})


@tool
def lookup(key: str) -> str:
    """Looks a key up."""
    return key.upper()


def test_a_provider_tool_is_sent_after_the_function_tools_in_the_order_given() -> None:
    params = prepare_call(prompt="hi", tools=[lookup, SEARCH, {"name": "plain", "input_schema": {}}])

    assert params.tools is not None
    assert [type(item).__name__ for item in params.tools] == ["FunctionTool", "ProviderTool", "FunctionTool"]
    functions, provided = split_tools(params.tools)
    assert [item.name for item in functions] == ["lookup", "plain"]
    assert provided == [SEARCH]
    assert SEARCH.provider == "acme"


def test_a_mapping_key_names_the_provider_tool() -> None:
    params = prepare_call(prompt="hi", tools={"search": SEARCH, "lookup": lookup})

    assert params.tools is not None
    names = {item.name: type(item) for item in params.tools}
    assert names == {"lookup": FunctionTool, "search": ProviderTool}


def test_a_provider_tool_as_a_mapping_is_validated_by_its_type_tag() -> None:
    params = prepare_call(prompt="hi", tools=[{"type": "provider", "id": "acme.fetch", "name": "fetch"}])
    assert params.tools == [ProviderTool(id="acme.fetch", name="fetch")]

    with pytest.raises(InvalidArgumentError) as raised:
        prepare_call(prompt="hi", tools=[{"type": "provider", "name": "fetch"}])
    assert "tools" in str(raised.value)


async def test_a_provider_executed_call_and_its_result_end_the_loop_without_running_anything() -> None:
    answered = GenerateResult(
        content=[
            ToolCallContent(
                tool_call_id="srv_1", tool_name="web_search", input='{"query": "x"}', provider_executed=True
            ),
            ToolResultContent(
                tool_call_id="srv_1", tool_name="web_search", result=[{"url": "https://a.example"}]
            ),
            TextContent(text="Found it."),
        ],
        finish_reason="stop",
        usage=Usage(input_tokens=3, output_tokens=4),
    )
    model = MockLanguageModel(generate=answered)

    result = await generate_text(model, prompt="search", tools=[SEARCH], max_steps=3)

    assert len(model.generate_calls) == 1
    assert result.text == "Found it."
    sent = model.generate_calls[0].tools
    assert sent == [SEARCH]


def test_a_mapping_value_that_is_neither_a_tool_nor_a_provider_tool_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"tools\['plain'\]"):
        prepare_call(prompt="hi", tools={"plain": {"name": "plain", "input_schema": {}}})  # type: ignore[dict-item]
