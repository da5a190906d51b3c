"""Output mapping details beyond the replayed snapshots: the ``parallel`` wrapper, tool round trips."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.generate import prepare_call
from pipeline.params import CallParams
from pipeline.prompt import TextOutput, ToolMessage, ToolResultPart
from pipeline.response_messages import to_response_messages
from pipeline.result import ToolCallContent
from providers._stream import map_payloads
from providers.openai import tools
from providers.openai.responses.map_response import map_responses_response
from providers.openai.responses.map_stream import ResponsesStreamMapper
from providers.openai.responses.options import parse_responses_options
from providers.openai.responses.request import ResponsesRequest, build_responses_body

FIXTURES = Path(__file__).resolve().parents[3] / "replay" / "openai" / "responses"
WEATHER = {"name": "weather", "input_schema": {"type": "object"}}
ATTRACTIONS = {"name": "cityAttractions", "input_schema": {"type": "object"}}


def request(params: CallParams, **options: object) -> ResponsesRequest:
    return build_responses_body("gpt-5.4", params, parse_responses_options({"openai": options}))


def test_a_parallel_wrapper_is_expanded_into_the_declared_calls() -> None:
    body = json.loads((FIXTURES / "parallel-tool-call-wrapper.1.json").read_text())
    result = map_responses_response(body, request(prepare_call(prompt="Hi", tools=[WEATHER, ATTRACTIONS])))
    calls = result.tool_calls
    assert [(call.tool_call_id, call.tool_name, call.input) for call in calls] == [
        ("call_parallel_0", "weather", '{"location":"San Francisco"}'),
        ("call_parallel_1", "cityAttractions", '{"city":"Rome"}'),
    ]
    wrapper = calls[1].provider_metadata["openai"]["parallelToolCall"]  # type: ignore[index]
    assert (wrapper["toolCallId"], wrapper["toolName"], wrapper["index"], wrapper["count"]) == (
        "call_parallel",
        "parallel",
        1,
        2,
    )
    assert result.finish_reason == "tool-calls"


def test_a_parallel_wrapper_naming_an_undeclared_tool_stays_one_call() -> None:
    body = json.loads((FIXTURES / "parallel-tool-call-wrapper.1.json").read_text())
    result = map_responses_response(body, request(prepare_call(prompt="Hi", tools=[WEATHER])))
    assert [call.tool_name for call in result.tool_calls] == ["parallel"]


def test_a_streamed_parallel_wrapper_streams_the_calls_inside_it() -> None:
    lines = (FIXTURES / "parallel-tool-call-wrapper.1.chunks.txt").read_text().splitlines()
    valid = [line for line in lines[1:5] if line.strip()]  # the recording cut its first and last lines short
    mapper = ResponsesStreamMapper(request(prepare_call(prompt="Hi", tools=[WEATHER, ATTRACTIONS])))
    parts = map_payloads(mapper, valid)
    tool_parts = [part for part in parts if part.type.startswith("tool-")]
    assert [
        (part.type, getattr(part, "id", None) or getattr(part, "tool_call_id", None)) for part in tool_parts
    ] == [
        ("tool-input-start", "call_parallel_0"),
        ("tool-input-delta", "call_parallel_0"),
        ("tool-input-end", "call_parallel_0"),
        ("tool-call", "call_parallel_0"),
        ("tool-input-start", "call_parallel_1"),
        ("tool-input-delta", "call_parallel_1"),
        ("tool-input-end", "call_parallel_1"),
        ("tool-call", "call_parallel_1"),
    ]
    assert (
        isinstance(tool_parts[3], ToolCallContent) and tool_parts[3].input == '{"location":"San Francisco"}'
    )


def test_provider_executed_search_results_go_back_by_reference_in_the_next_step() -> None:
    """The web search step's response messages, sent again: the call and result are one stored item."""
    body = json.loads((FIXTURES / "openai-web-search-tool.1.json").read_text())
    params = prepare_call(prompt="News?", tools={"web_search": tools.web_search()})
    step = map_responses_response(body, request(params))
    messages = to_response_messages(step)
    assert [message.role for message in messages] == ["assistant"]
    follow_up = request(CallParams(prompt=[*params.prompt, *messages], tools=params.tools))
    references = [item for item in follow_up.body["input"][1:] if item.get("type") == "item_reference"]
    search_ids = [part.tool_call_id for part in step.tool_calls]
    assert [item["id"] for item in references if item["id"].startswith("ws_")] == search_ids
    assert references[-1]["id"].startswith("msg_")
    assert all(item.get("type") == "item_reference" for item in follow_up.body["input"][1:])


def test_programmatic_tool_calling_over_the_recorded_steps() -> None:
    """The program OpenAI runs is a provider-executed call whose result comes in the last step; the
    function calls it makes carry it as their caller (the AI SDK's expectations for these fixtures)."""
    params = prepare_call(prompt="x", tools={"program": tools.programmatic_tool_calling()})
    steps = [
        map_responses_response(
            json.loads((FIXTURES / f"programmatic-tool-calling.{step}.json").read_text()), request(params)
        )
        for step in (1, 2, 3)
    ]
    program, inventory = steps[0].tool_calls
    assert (program.tool_name, program.tool_call_id, program.provider_executed) == (
        "program",
        "call_O2IvSLQcJ0bwIvJZ2ovGV69M",
        True,
    )
    assert inventory.provider_metadata == {
        "openai": {
            "itemId": "fc_0742d30c1d273351016a6145f1dac0819fb0053980ae918c16",
            "caller": {"type": "program", "callerId": "call_O2IvSLQcJ0bwIvJZ2ovGV69M"},
        }
    }
    [result] = [part for part in steps[2].content if part.type == "tool-result"]
    assert result.result == {
        "result": '{"sku":"sku_123","availableUnits":42,"requestedUnits":31,"sufficient":true}',
        "status": "completed",
    }
    assert [step.finish_reason for step in steps] == ["tool-calls", "tool-calls", "stop"]


def test_logprobs_are_returned_in_provider_metadata_when_asked_for() -> None:
    logprobs = [{"token": "Hi", "logprob": -0.1, "top_logprobs": []}]
    item = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "Hi", "annotations": [], "logprobs": logprobs}],
    }
    body = {"id": "resp_1", "created_at": 1, "model": "gpt-4o", "output": [item], "usage": None}
    asked = map_responses_response(body, request(prepare_call(prompt="Hi"), logprobs=True))
    assert asked.provider_metadata == {"openai": {"responseId": "resp_1", "logprobs": [logprobs]}}
    assert asked.request.body["top_logprobs"] == 20  # type: ignore[index]
    not_asked = map_responses_response(body, request(prepare_call(prompt="Hi")))
    assert not_asked.provider_metadata == {"openai": {"responseId": "resp_1"}}


def test_expanded_calls_go_back_as_the_parallel_wrapper_when_chaining_on_the_previous_response() -> None:
    body = json.loads((FIXTURES / "parallel-tool-call-wrapper.1.json").read_text())
    params = prepare_call(prompt="Hi", tools=[WEATHER, ATTRACTIONS])
    step = map_responses_response(body, request(params))
    results = [
        ToolResultPart(
            tool_call_id=call.tool_call_id, tool_name=call.tool_name, output=TextOutput(value=value)
        )
        for call, value in zip(step.tool_calls, ("sunny", "Colosseum"), strict=True)
    ]
    prompt = [*params.prompt, *to_response_messages(step), ToolMessage(content=results)]
    chained = request(CallParams(prompt=prompt, tools=params.tools), previousResponseId="resp_1")
    assert chained.body["input"][1:] == [
        {
            "type": "function_call",
            "call_id": "call_parallel",
            "name": "parallel",
            "arguments": body["output"][0]["arguments"]
            if body["output"][0]["type"] == "function_call"
            else "",
        },
        {"type": "function_call_output", "call_id": "call_parallel", "output": "sunny\nColosseum"},
    ]
    plain = request(CallParams(prompt=prompt, tools=params.tools))
    assert [item.get("call_id") for item in plain.body["input"][1:]] == [
        "call_parallel_0",
        "call_parallel_1",
        "call_parallel_0",
        "call_parallel_1",
    ]


def test_a_creation_time_no_date_can_hold_is_left_out() -> None:
    body = {"id": "resp_1", "created_at": 1e300, "model": "gpt-4o", "output": [], "usage": None}
    assert map_responses_response(body, request(prepare_call(prompt="Hi"))).response.timestamp is None
    mapper = ResponsesStreamMapper(request(prepare_call(prompt="Hi")))
    created = json.dumps({"type": "response.created", "response": {"id": "r", "created_at": -1e300}})
    assert map_payloads(mapper, [created])[1].timestamp is None  # type: ignore[union-attr]
