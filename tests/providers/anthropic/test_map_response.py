"""providers/anthropic/map_response.py: a complete message body to a GenerateResult."""

from __future__ import annotations

from pipeline.result import ReasoningContent, TextContent, ToolCallContent
from providers.anthropic.map_response import map_response
from providers.testing.anthropic import message_body, usage


def test_every_mapped_block_type_becomes_content() -> None:
    body = message_body(
        [
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "text", "text": "Hi"},
            {"type": "tool_use", "id": "t1", "name": "calc", "input": {"x": "é"}},
            {"type": "server_tool_use", "id": "s1", "name": "unknown_server_tool", "input": {}},
            {"type": "fallback"},
        ],
        stop_reason="tool_use",
    )
    result = map_response(body, uses_json_response_tool=False)
    assert result.content == [
        ReasoningContent(text="hmm", provider_metadata={"anthropic": {"signature": "sig"}}),
        ReasoningContent(text="", provider_metadata={"anthropic": {"redactedData": "opaque"}}),
        TextContent(text="Hi"),
        ToolCallContent(tool_call_id="t1", tool_name="calc", input='{"x":"é"}'),
    ]
    assert (result.finish_reason, result.raw_finish_reason) == ("tool-calls", "tool_use")
    assert (result.response.id, result.response.model_id) == (body["id"], body["model"])


def test_json_tool_input_becomes_the_text_and_other_text_is_dropped() -> None:
    body = message_body(
        [
            {"type": "text", "text": "preamble"},
            {"type": "tool_use", "id": "t", "name": "json", "input": {"a": 1}},
        ],
        stop_reason="tool_use",
    )
    result = map_response(body, uses_json_response_tool=True)
    assert result.content == [TextContent(text='{"a":1}')]
    assert result.finish_reason == "stop"


def test_a_tool_named_json_is_a_normal_tool_call_when_the_json_tool_was_not_used() -> None:
    body = message_body(
        [{"type": "tool_use", "id": "t", "name": "json", "input": {}}], stop_reason="tool_use"
    )
    result = map_response(body, uses_json_response_tool=False)
    assert result.tool_calls[0].tool_name == "json"
    assert result.finish_reason == "tool-calls"


def test_usage_and_provider_metadata_keep_the_raw_usage() -> None:
    raw_usage = usage(10, 5, cache_read=3, cache_write=2)
    body = message_body([{"type": "text", "text": "x"}], stop_sequence="END", usage_value=raw_usage)
    body["container"] = {"id": "c1", "expires_at": "2026-01-01T00:00:00Z"}
    result = map_response(body, uses_json_response_tool=False)
    assert result.usage.input_tokens == 15
    assert result.usage.total_tokens == 20
    assert result.usage.raw == raw_usage
    assert result.provider_metadata == {
        "anthropic": {
            "usage": raw_usage,
            "stopSequence": "END",
            "iterations": None,
            "container": {"expiresAt": "2026-01-01T00:00:00Z", "id": "c1", "skills": None},
            "contextManagement": None,
        }
    }


def test_usage_iterations_are_summed_and_reported() -> None:
    raw_usage = {
        "input_tokens": 1,
        "output_tokens": 1,
        "iterations": [
            {"type": "compaction", "input_tokens": 100, "output_tokens": 10},
            {"type": "message", "input_tokens": 50, "output_tokens": 5, "cache_read_input_tokens": 7},
        ],
    }
    result = map_response(message_body([], usage_value=raw_usage), uses_json_response_tool=False)
    assert (result.usage.input_tokens, result.usage.output_tokens) == (150, 15)
    assert result.provider_metadata is not None
    assert result.provider_metadata["anthropic"]["iterations"] == [
        {"type": "compaction", "inputTokens": 100, "outputTokens": 10},
        {"type": "message", "inputTokens": 50, "outputTokens": 5, "cacheReadInputTokens": 7},
    ]
