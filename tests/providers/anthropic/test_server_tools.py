"""Server tool blocks and message metadata in responses and streams: custom tool names, code
execution sub-tools, errors, refusal stop details and context management (camelCase)."""

from __future__ import annotations

import json
from typing import Any

from pipeline.result import ToolCallContent, ToolResultContent
from pipeline.stream import ToolInputStartPart
from providers._stream import map_payloads
from providers.anthropic import tools
from providers.anthropic.map_response import map_response
from providers.anthropic.map_stream import AnthropicStreamMapper
from providers.anthropic.provider_tools import ToolNameMapping
from providers.testing.anthropic import message_body

NAMES = ToolNameMapping.of(
    [tools.web_search_20250305(name="search"), tools.code_execution_20250825(name="run")]
)


def test_server_tool_calls_and_results_carry_the_callers_names_and_provider_executed() -> None:
    body = message_body(
        [
            {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {"query": "q"}},
            {
                "type": "web_search_tool_result",
                "tool_use_id": "s1",
                "content": {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"},
            },
            {
                "type": "server_tool_use",
                "id": "s2",
                "name": "bash_code_execution",
                "input": {"command": "ls"},
            },
            {
                "type": "bash_code_execution_tool_result",
                "tool_use_id": "s2",
                "content": {
                    "type": "bash_code_execution_result",
                    "stdout": "a",
                    "stderr": "",
                    "return_code": 0,
                },
            },
        ]
    )
    result = map_response(body, uses_json_response_tool=False, tool_names=NAMES)
    assert result.content == [
        ToolCallContent(tool_call_id="s1", tool_name="search", input='{"query":"q"}', provider_executed=True),
        ToolResultContent(
            tool_call_id="s1",
            tool_name="search",
            result={"type": "web_search_tool_result_error", "errorCode": "max_uses_exceeded"},
            is_error=True,
            provider_executed=True,
        ),
        ToolCallContent(
            tool_call_id="s2",
            tool_name="run",
            input='{"type":"bash_code_execution","command":"ls"}',
            provider_executed=True,
        ),
        ToolResultContent(
            tool_call_id="s2",
            tool_name="run",
            result={"type": "bash_code_execution_result", "stdout": "a", "stderr": "", "return_code": 0},
            provider_executed=True,
        ),
    ]


def _events(*events: dict[str, Any]) -> list[str]:
    start = {"type": "message_start", "message": json.loads(json.dumps(message_body([], stop_reason=None)))}
    stop = [
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}},
        {"type": "message_stop"},
    ]
    return [json.dumps(event) for event in [start, *events, *stop]]


def test_a_streamed_code_execution_call_gets_its_type_spliced_into_the_first_delta() -> None:
    payloads = _events(
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "server_tool_use", "id": "s1", "name": "text_editor_code_execution"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": '{"command": "view"}'},
        },
        {"type": "content_block_stop", "index": 0},
    )
    parts = map_payloads(AnthropicStreamMapper(tool_names=NAMES), payloads)
    start, delta, end, call = [part for part in parts if part.type.startswith("tool")]
    assert start == ToolInputStartPart(id="s1", tool_name="run", provider_executed=True)
    assert delta.delta == '{"type": "text_editor_code_execution","command": "view"}'
    assert end.type == "tool-input-end"
    assert call == ToolCallContent(
        tool_call_id="s1", tool_name="run", input=delta.delta, provider_executed=True
    )


def test_refusal_stop_details_and_context_management_are_camel_case_in_generate_and_stream() -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "no", "recommended_model": "claude-x"}
    edits = {
        "applied_edits": [
            {"type": "clear_tool_uses_20250919", "cleared_tool_uses": 2, "cleared_input_tokens": 9}
        ]
    }
    body = {**message_body([], stop_reason="refusal"), "stop_details": details, "context_management": edits}
    expected_details = {
        "type": "refusal",
        "category": "cyber",
        "explanation": "no",
        "recommendedModel": "claude-x",
    }
    expected_edits = {
        "appliedEdits": [{"type": "clear_tool_uses_20250919", "clearedToolUses": 2, "clearedInputTokens": 9}]
    }
    metadata = map_response(body, uses_json_response_tool=False).provider_metadata or {}
    assert metadata["anthropic"]["stopDetails"] == expected_details
    assert metadata["anthropic"]["contextManagement"] == expected_edits

    start = {"type": "message_start", "message": message_body([], stop_reason=None)}
    delta = {
        "type": "message_delta",
        "delta": {"stop_reason": "refusal", "stop_details": details},
        "usage": {"output_tokens": 1},
        "context_management": edits,
    }
    payloads = [json.dumps(start), json.dumps(delta), '{"type":"message_stop"}']
    finish = map_payloads(AnthropicStreamMapper(), payloads)[-1]
    assert finish.type == "finish" and finish.finish_reason == "content-filter"
    assert (finish.provider_metadata or {})["anthropic"]["stopDetails"] == expected_details
    assert (finish.provider_metadata or {})["anthropic"]["contextManagement"] == expected_edits
