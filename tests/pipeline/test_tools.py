"""Tools: definitions, validation, parallel execution, and the multi-step loop (generate and stream)."""

from __future__ import annotations

import time

import anyio
import pytest
from pydantic import BaseModel

from pipeline.errors import InvalidToolInputError
from pipeline.generate import generate_text, stream_text
from pipeline.params import CallParams
from pipeline.prompt import AssistantMessage, ErrorTextOutput, JsonOutput, ToolCallPart, ToolMessage
from pipeline.result import GenerateResult, TextContent, ToolCallContent, ToolResultContent, Usage
from pipeline.stream import FinishPart, StreamPart, StreamStartPart, TextDeltaPart, TextStartPart
from pipeline.testing import MockLanguageModel, text_result
from pipeline.tools import Tool, parse_tool_input, tool, tool_from_model


@tool
def weather(city: str, unit: str = "C") -> dict[str, object]:
    """Current weather in a city."""
    return {"city": city, "temperature": 21, "unit": unit}


@tool
async def slow_lookup(key: str) -> str:
    """Looks a key up slowly."""
    await anyio.sleep(0.2)
    return f"value-of-{key}"


@tool
def broken(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(f"boom: {reason}")


class Order(BaseModel):
    """Place an order."""

    item: str
    quantity: int


def _calls(*calls: tuple[str, str, str]) -> GenerateResult:
    return GenerateResult(
        content=[ToolCallContent(tool_call_id=i, tool_name=n, input=a) for i, n, a in calls],
        finish_reason="tool-calls",
        usage=Usage.of(input_tokens=10, output_tokens=2),
    )


def test_tool_from_function_has_name_description_and_schema() -> None:
    definition = weather.definition()
    assert definition.name == "weather"
    assert definition.description == "Current weather in a city."
    assert definition.input_schema["required"] == ["city"]
    assert definition.input_schema["properties"]["unit"]["default"] == "C"


def test_tool_from_pydantic_model_and_input_validation() -> None:
    order = tool_from_model(Order, execute=lambda o: o.quantity)
    assert order.definition().input_schema["required"] == ["item", "quantity"]
    assert parse_tool_input(order, '{"item":"tea","quantity":2}') == Order(item="tea", quantity=2)
    with pytest.raises(InvalidToolInputError, match="quantity"):
        parse_tool_input(order, '{"item":"tea","quantity":"many"}')
    with pytest.raises(InvalidToolInputError, match="not valid JSON"):
        parse_tool_input(order, "{item")


def test_blank_input_counts_as_an_empty_object() -> None:
    @tool
    def now() -> str:
        return "noon"

    assert isinstance(now, Tool)
    assert parse_tool_input(now, "  ").model_dump() == {}


async def test_three_step_loop_with_parallel_calls_errors_and_invalid_input() -> None:
    model = MockLanguageModel(
        generate=[
            _calls(("a", "weather", '{"city":"Paris"}'), ("b", "slow_lookup", '{"key":"k"}')),
            _calls(("c", "broken", '{"reason":"x"}'), ("d", "weather", '{"town":"Oslo"}')),
            text_result("All done."),
        ]
    )
    started = time.monotonic()
    result = await generate_text(
        model, prompt="Plan my day", tools=[weather, slow_lookup, broken], max_steps=5
    )

    assert result.text == "All done."
    assert len(result.steps) == 3
    assert time.monotonic() - started < 5
    by_id = {r.tool_call_id: r for r in result.tool_results}
    assert by_id["a"].result == {"city": "Paris", "temperature": 21, "unit": "C"}
    assert by_id["b"].result == "value-of-k"
    assert by_id["c"].is_error and "boom: x" in by_id["c"].result
    assert by_id["d"].is_error and "Invalid input for tool 'weather'" in by_id["d"].result
    assert result.usage.input_tokens == 23  # 10 + 10 + 3, summed over steps

    second_prompt = model.generate_calls[1].prompt
    assistant, tool_message = second_prompt[-2:]
    assert isinstance(assistant, AssistantMessage) and isinstance(tool_message, ToolMessage)
    assert [p.tool_call_id for p in assistant.content if isinstance(p, ToolCallPart)] == ["a", "b"]
    assert tool_message.content[0].output == JsonOutput(
        value={"city": "Paris", "temperature": 21, "unit": "C"}
    )
    third_prompt = model.generate_calls[2].prompt
    assert isinstance(third_prompt[-1], ToolMessage)
    assert isinstance(third_prompt[-1].content[0].output, ErrorTextOutput)
    assert [m.role for m in result.response_messages] == [
        "assistant",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]


async def test_parallel_tool_calls_run_concurrently() -> None:
    arrived: list[str] = []
    all_arrived = anyio.Event()

    @tool
    async def rendezvous(key: str) -> str:
        """Returns only once all five calls are running at the same time."""
        arrived.append(key)
        if len(arrived) == 5:
            all_arrived.set()
        await all_arrived.wait()  # in sequence, the first call would wait here for ever
        return key

    model = MockLanguageModel(
        generate=[_calls(*[(str(i), "rendezvous", f'{{"key":"{i}"}}') for i in range(5)]), text_result("ok")]
    )
    with anyio.fail_after(10):  # a hang guard, not a speed bound
        result = await generate_text(model, prompt="x", tools=[rendezvous], max_steps=2)
    assert sorted(arrived) == ["0", "1", "2", "3", "4"]
    assert [r.result for r in result.tool_results] == ["0", "1", "2", "3", "4"]


async def test_default_single_step_runs_tools_but_does_not_call_the_model_again() -> None:
    model = MockLanguageModel(generate=[_calls(("a", "weather", '{"city":"Rome"}')), text_result("never")])
    result = await generate_text(model, prompt="x", tools={"weather": weather})
    assert len(model.generate_calls) == 1
    assert result.finish_reason == "tool-calls"
    assert result.tool_results[0].result["city"] == "Rome"


async def test_tools_without_execute_end_the_loop_and_return_the_calls() -> None:
    client_side = tool_from_model(Order)
    model = MockLanguageModel(
        generate=[_calls(("a", "Order", '{"item":"tea","quantity":1}')), text_result("x")]
    )
    result = await generate_text(model, prompt="x", tools=[client_side], max_steps=3)
    assert len(model.generate_calls) == 1
    assert [c.tool_name for c in result.tool_calls] == ["Order"]
    assert result.tool_results == []


async def test_stop_when_ends_the_loop() -> None:
    model = MockLanguageModel(generate=_calls(("a", "weather", '{"city":"Rome"}')))
    result = await generate_text(
        model, prompt="x", tools=[weather], max_steps=10, stop_when=lambda steps: len(steps) == 2
    )
    assert len(result.steps) == 2


async def test_tool_definitions_reach_the_model_with_tool_choice() -> None:
    model = MockLanguageModel()
    await generate_text(
        model, prompt="x", tools=[weather], tool_choice={"type": "tool", "toolName": "weather"}
    )
    params: CallParams = model.generate_calls[0]
    assert params.tools is not None and params.tools[0].name == "weather"
    assert params.tool_choice is not None and params.tool_choice.tool_name == "weather"  # type: ignore[union-attr]


async def test_stream_text_runs_tools_between_steps_and_streams_tool_parts() -> None:
    step_one: list[StreamPart] = [
        StreamStartPart(),
        ToolCallContent(tool_call_id="a", tool_name="weather", input='{"city":"Lima"}'),
        FinishPart(finish_reason="tool-calls"),
    ]
    step_two: list[StreamPart] = [
        StreamStartPart(),
        TextStartPart(id="0"),
        TextDeltaPart(id="0", delta="Sunny in Lima."),
        FinishPart(finish_reason="stop"),
    ]
    model = MockLanguageModel(stream=[step_one, step_two])
    result = stream_text(model, prompt="x", tools=[weather], max_steps=3)
    types = [part.type async for part in result.full_stream]

    assert types == [
        "stream-start",
        "tool-call",
        "tool-result",
        "finish",
        "stream-start",
        "text-start",
        "text-delta",
        "finish",
    ]
    final = await result.result()
    assert len(final.steps) == 2
    assert final.text == "Sunny in Lima."
    assert isinstance(final.steps[0].content[-1], ToolResultContent)
    assert isinstance(model.stream_calls[1].prompt[-1], ToolMessage)
    assert final.steps[1].content == [TextContent(text="Sunny in Lima.")]
