"""GoogleStreamMapper: SSE payloads -> stream parts (cases beyond the golden fixtures)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.errors import APICallError, InvalidResponseDataError
from pipeline.result import CallWarning, ToolCallContent
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    RawPart,
    StreamPart,
    StreamStartPart,
    TextDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
    collect_stream,
)
from providers._stream import map_payloads
from providers.google.map_stream import GoogleStreamMapper, in_band_error

from .golden import counting_ids


def mapper(**options: Any) -> GoogleStreamMapper:
    return GoogleStreamMapper(warnings=[], generate_id=counting_ids(), url="http://x.test/m", **options)


def text_chunk(text: str, finish: str | None = None, **part: Any) -> str:
    candidate: dict[str, Any] = {"content": {"parts": [{"text": text, **part}]}}
    if finish:
        candidate["finishReason"] = finish
    return json.dumps({"candidates": [candidate]})


def run(state: GoogleStreamMapper, *payloads: str, include_raw: bool = False) -> list[StreamPart]:
    return map_payloads(state, list(payloads), include_raw=include_raw)


def test_stream_start_carries_the_call_warnings() -> None:
    warning = CallWarning(type="unsupported", feature="frequencyPenalty")
    state = GoogleStreamMapper(warnings=[warning], generate_id=counting_ids())
    assert state.start() == [StreamStartPart(warnings=[warning])]


def test_the_stream_ends_at_a_finish_reason_or_a_prompt_block_only() -> None:
    state = mapper()
    run(state, text_chunk("partial"))
    assert state.state == "open"
    run(state, text_chunk("", finish="STOP"))
    assert state.state == "ended"
    blocked = mapper()
    run(blocked, json.dumps({"promptFeedback": {"blockReason": "SAFETY"}}))
    assert blocked.state == "ended"


def test_error_event_after_content_becomes_an_error_part_and_an_error_finish() -> None:
    error_event = json.dumps({"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}})
    parts = run(mapper(), text_chunk("Hel"), error_event)
    errors = [part for part in parts if isinstance(part, ErrorPart)]
    assert len(errors) == 1
    assert isinstance(errors[0].error, APICallError)
    assert errors[0].error.status_code == 503
    assert errors[0].error.is_retryable
    finish = parts[-1]
    assert isinstance(finish, FinishPart)
    assert finish.finish_reason == "error"
    assert collect_stream(parts).text == "Hel"


def test_unparseable_chunk_becomes_an_error_part_and_the_stream_goes_on() -> None:
    parts = run(mapper(), "{not json", text_chunk("ok", finish="STOP"))
    errors = [part.error for part in parts if isinstance(part, ErrorPart)]
    assert len(errors) == 1
    assert isinstance(errors[0], InvalidResponseDataError)
    assert errors[0].data == "{not json"
    assert str(errors[0]) == (
        "Invalid JSON in stream event: Expecting property name enclosed in double quotes at character 1"
    )
    assert collect_stream(parts).text == "ok"
    assert collect_stream(parts).finish_reason == "stop"


def test_raw_chunks_are_emitted_when_asked_for() -> None:
    parts = run(mapper(), "garbage", text_chunk("ok", finish="STOP"), include_raw=True)
    raws = [part.raw_value for part in parts if isinstance(part, RawPart)]
    assert raws == ["garbage", json.loads(text_chunk("ok", finish="STOP"))]


def test_empty_text_with_signature_becomes_an_empty_delta_on_the_open_block() -> None:
    parts = run(mapper(), text_chunk("Hi"), text_chunk("", finish="STOP", thoughtSignature="sig"))
    deltas = [part for part in parts if isinstance(part, TextDeltaPart)]
    assert deltas[-1] == TextDeltaPart(
        id="0", delta="", provider_metadata={"google": {"thoughtSignature": "sig"}}
    )
    assert collect_stream(parts).content[0].provider_metadata == {"google": {"thoughtSignature": "sig"}}


def test_function_call_without_args_has_no_input_delta_and_empty_object_input() -> None:
    chunk = json.dumps(
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "now"}}]}, "finishReason": "STOP"}]}
    )
    parts = run(mapper(), chunk)
    tool_parts = [
        part for part in parts if isinstance(part, ToolInputStartPart | ToolInputEndPart | ToolCallContent)
    ]
    assert tool_parts == [
        ToolInputStartPart(id="id-0", tool_name="now"),
        ToolInputEndPart(id="id-0"),
        ToolCallContent(tool_call_id="id-0", tool_name="now", input="{}"),
    ]
    assert collect_stream(parts).finish_reason == "tool-calls"


def test_unspecified_block_reason_does_not_end_the_stream() -> None:
    feedback = json.dumps({"promptFeedback": {"blockReason": "BLOCK_REASON_UNSPECIFIED"}})
    parts = run(mapper(), feedback, text_chunk("fine", finish="STOP"))
    assert collect_stream(parts).text == "fine"
    assert collect_stream(parts).finish_reason == "stop"


def test_in_band_error_reads_the_gemini_error_shape_only() -> None:
    error = in_band_error(
        json.dumps({"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}), url="u"
    )
    assert error is not None
    assert (error.message, error.status_code, error.is_retryable) == ("quota", 429, True)
    assert in_band_error(text_chunk("hi"), url="u") is None
    assert in_band_error("not json", url="u") is None


@pytest.mark.parametrize(
    "payloads",
    [
        ["{oops", json.dumps({"candidates": "nope"}), text_chunk("a\ud800", finish="STOP")],
        [text_chunk("x"), json.dumps({"error": {"code": 500, "message": "boom", "status": "INTERNAL"}})],
        [text_chunk("Hel"), text_chunk("lo", finish="STOP")],
    ],
    ids=["invalid-chunks", "error-event", "text"],
)
def test_parts_are_the_same_with_and_without_raw_chunks(payloads: list[str]) -> None:
    """The one-validation fast path (no raw chunks) gives exactly the parts of the general path."""
    fast = run(mapper(), *payloads)
    general = [part for part in run(mapper(), *payloads, include_raw=True) if part.type != "raw"]
    assert [part.type for part in fast] == [part.type for part in general]
    assert [str(getattr(part, "error", part)) for part in fast] == [
        str(getattr(part, "error", part)) for part in general
    ]
