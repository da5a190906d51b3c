"""providers/anthropic/map_stream.py: SSE event payloads to stream parts."""

from __future__ import annotations

import json
from typing import Any

from pipeline.errors import InvalidResponseDataError
from pipeline.result import CallWarning, ToolCallContent
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    RawPart,
    ReasoningDeltaPart,
    ReasoningStartPart,
    StreamPart,
    StreamStartPart,
    TextDeltaPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputStartPart,
    collect_stream,
)
from providers._stream import map_payloads
from providers.anthropic.map_stream import AnthropicStreamMapper
from providers.testing.anthropic import stream_events, thinking_stream_events, tool_call_stream_events


def run(
    payloads: list[str], include_raw_chunks: bool = False, **kwargs: Any
) -> tuple[list[StreamPart], AnthropicStreamMapper]:
    mapper = AnthropicStreamMapper(**kwargs)
    return map_payloads(mapper, payloads, include_raw=include_raw_chunks), mapper


def data(events: list[tuple[str, str]]) -> list[str]:
    return [payload for _, payload in events]


def test_text_stream_parts_and_finish() -> None:
    parts, mapper = run(data(stream_events(["Hel", "lo"], input_tokens=7, output_tokens=3)))
    assert [part.type for part in parts] == [
        "stream-start",
        "response-metadata",
        "text-start",
        "text-delta",
        "text-delta",
        "text-end",
        "finish",
    ]
    assert mapper.state == "ended"
    result = collect_stream(parts)
    assert result.text == "Hello"
    assert result.finish_reason == "stop" and result.raw_finish_reason == "end_turn"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (7, 3)


def test_thinking_signature_arrives_as_an_empty_reasoning_delta_with_metadata() -> None:
    parts, _ = run(data(thinking_stream_events(["a", "b"], "sig-1", ["answer"])))
    signature_parts = [p for p in parts if isinstance(p, ReasoningDeltaPart) and p.provider_metadata]
    assert signature_parts == [
        ReasoningDeltaPart(id="0", delta="", provider_metadata={"anthropic": {"signature": "sig-1"}})
    ]
    result = collect_stream(parts)
    assert result.reasoning_text == "ab"
    assert result.content[0].provider_metadata == {"anthropic": {"signature": "sig-1"}}
    assert result.text == "answer"


def test_redacted_thinking_starts_a_reasoning_block_with_the_data() -> None:
    start = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "redacted_thinking", "data": "X"},
    }
    parts, _ = run([json.dumps(start)])
    assert parts[-1] == ReasoningStartPart(id="0", provider_metadata={"anthropic": {"redactedData": "X"}})


def test_tool_input_deltas_accumulate_into_one_tool_call() -> None:
    parts, _ = run(data(tool_call_stream_events("weather", ['{"ci', 'ty":"Paris"}', ""])))
    deltas = [p.delta for p in parts if isinstance(p, ToolInputDeltaPart)]
    assert deltas == ['{"ci', 'ty":"Paris"}']  # empty deltas are skipped
    assert ToolInputStartPart(id="toolu_01T1x1fJ34qAmk2tNTrN7Up6", tool_name="weather") in parts
    call = next(p for p in parts if isinstance(p, ToolCallContent))
    assert call.input == '{"city":"Paris"}'
    finish = parts[-1]
    assert isinstance(finish, FinishPart) and finish.finish_reason == "tool-calls"


def test_a_tool_call_without_input_deltas_has_empty_object_input() -> None:
    parts, _ = run(data(tool_call_stream_events("ping", [])))
    call = next(p for p in parts if isinstance(p, ToolCallContent))
    assert call.input == "{}"


def test_the_json_response_tool_streams_as_text_and_finishes_with_stop() -> None:
    events = data(tool_call_stream_events("json", ['{"a":', "1}"]))
    parts, _ = run(events, uses_json_response_tool=True)
    assert TextStartPart(id="0") in parts
    assert [p.delta for p in parts if isinstance(p, TextDeltaPart)] == ['{"a":', "1}"]
    assert not any(isinstance(p, ToolCallContent) for p in parts)
    finish = parts[-1]
    assert isinstance(finish, FinishPart)
    assert (finish.finish_reason, finish.raw_finish_reason) == ("stop", "tool_use")


def test_cache_usage_and_message_delta_overrides() -> None:
    start = {
        "type": "message_start",
        "message": {
            "id": "m",
            "model": "claude",
            "content": [],
            "usage": {"input_tokens": 5, "cache_read_input_tokens": 100, "output_tokens": 1},
        },
    }
    delta = {
        "type": "message_delta",
        "delta": {"stop_reason": "max_tokens", "stop_sequence": None},
        "usage": {
            "output_tokens": 9,
            "cache_creation_input_tokens": 20,
            "output_tokens_details": {"thinking_tokens": 4},
        },
    }
    parts, _ = run([json.dumps(start), json.dumps(delta), '{"type":"message_stop"}'])
    finish = parts[-1]
    assert isinstance(finish, FinishPart)
    assert finish.finish_reason == "length"
    usage = finish.usage
    assert usage.input_tokens == 125
    assert (usage.input_token_details.cache_read_tokens, usage.input_token_details.cache_write_tokens) == (
        100,
        20,
    )
    assert (usage.output_tokens, usage.output_token_details.reasoning_tokens) == (9, 4)
    assert usage.output_token_details.text_tokens == 5
    assert usage.raw == {
        "input_tokens": 5,
        "cache_read_input_tokens": 100,
        "output_tokens": 9,
        "cache_creation_input_tokens": 20,
        "output_tokens_details": {"thinking_tokens": 4},
    }


def test_unparseable_and_unknown_events_become_error_parts_and_the_stream_goes_on() -> None:
    events = data(stream_events(["ok"]))
    parts, mapper = run([events[0], "{not json", '{"type":"mystery"}', *events[1:]])
    errors = [p for p in parts if isinstance(p, ErrorPart)]
    assert len(errors) == 2 and all(isinstance(e.error, InvalidResponseDataError) for e in errors)
    assert mapper.state == "ended"
    assert collect_stream(parts).text == "ok"


def test_an_error_event_ends_the_stream_as_errored() -> None:
    events = data(stream_events(["ok"]))
    parts, mapper = run(
        [*events[:3], '{"type":"error","error":{"type":"api_error","message":"boom","details":null}}']
    )
    assert parts[-1] == ErrorPart(error={"type": "api_error", "message": "boom"})
    assert mapper.state == "ended"
    assert collect_stream(parts).finish_reason == "error"


def test_a_repeated_message_start_is_ignored_but_a_different_one_breaks_the_stream() -> None:
    events = data(stream_events(["ok"]))
    parts, _ = run([events[0], events[0], *events[1:]])
    assert [p.type for p in parts].count("response-metadata") == 1
    other = events[0].replace("msg_01XFDUDYJgAACzvnptvVoYEL", "msg_other")
    parts, mapper = run([events[0], other, *events[1:]])
    assert isinstance(parts[-1], ErrorPart) and isinstance(parts[-1].error, InvalidResponseDataError)
    assert mapper.state == "ended"


def test_tool_use_blocks_prepopulated_in_message_start_are_emitted_at_once() -> None:
    start = {
        "type": "message_start",
        "message": {
            "id": "m",
            "model": "claude",
            "content": [{"type": "tool_use", "id": "t1", "name": "calc", "input": {"x": 1}}],
            "usage": {"input_tokens": 1, "output_tokens": 1},
        },
    }
    parts, _ = run([json.dumps(start)])
    assert parts[-1] == ToolCallContent(tool_call_id="t1", tool_name="calc", input='{"x":1}')


def test_raw_chunks_are_emitted_before_their_parts_when_asked() -> None:
    events = data(stream_events(["ok"]))
    parts, _ = run(events[:2], include_raw_chunks=True)
    assert isinstance(parts[1], RawPart) and parts[1].raw_value == json.loads(events[0])
    assert parts[2].type == "response-metadata"
    assert isinstance(parts[3], RawPart)


def test_warnings_are_carried_on_stream_start() -> None:
    warning = CallWarning(type="unsupported", feature="seed")
    mapper = AnthropicStreamMapper(warnings=[warning])
    assert mapper.start() == [StreamStartPart(warnings=[warning])]


def test_a_trailing_done_payload_some_gateways_add_is_ignored() -> None:
    parts, mapper = run([*data(stream_events(["ok"])), "[DONE]"])
    assert not [part for part in parts if isinstance(part, ErrorPart)]
    assert mapper.state == "ended" and collect_stream(parts).text == "ok"
