"""SimulateStreamingMiddleware: a stream made from the inner model's generate result."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from middleware.transform.simulate_streaming import SimulateStreamingMiddleware, stream_parts_of
from pipeline.chain import wrap_model
from pipeline.errors import APICallError
from pipeline.generate import stream_text
from pipeline.params import CallParams
from pipeline.result import (
    CallWarning,
    FileContent,
    GenerateResult,
    ReasoningContent,
    RequestMetadata,
    ResponseMetadata,
    SourceContent,
    TextContent,
    ToolCallContent,
    Usage,
)
from pipeline.stream import (
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    ResponseMetadataPart,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
    collect_stream,
)
from pipeline.testing import MockLanguageModel, text_result

PARAMS = CallParams(prompt=[])
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
SIGNED = {"anthropic": {"signature": "sig"}}
CALL = ToolCallContent(tool_call_id="call-1", tool_name="weather", input='{"city": "Paris"}')
RESULT = GenerateResult(
    content=[
        ReasoningContent(text="thinking", provider_metadata=SIGNED),
        TextContent(text="Hello"),
        CALL,
        SourceContent(id="s1", url="https://example.com"),
        FileContent(media_type="image/png", data=b"\x89PNG"),
        TextContent(text="Bye"),
    ],
    finish_reason="tool-calls",
    raw_finish_reason="tool_use",
    usage=Usage.of(input_tokens=10, output_tokens=20, reasoning_tokens=5),
    warnings=[CallWarning(type="unsupported", feature="topK")],
    request=RequestMetadata(body={"model": "m"}),
    response=ResponseMetadata(id="resp-1", timestamp=WHEN, model_id="m-1", headers={"x": "1"}),
    provider_metadata={"mock": {"cost": 1}},
)


async def test_stream_calls_generate_and_sends_the_part_sequence_of_a_real_stream() -> None:
    model = MockLanguageModel(generate=RESULT)
    result = await wrap_model(model, SimulateStreamingMiddleware()).do_stream(PARAMS)
    parts = [part async for part in result.stream]
    assert [call.type for call in model.calls] == ["generate"]
    assert parts == [
        StreamStartPart(warnings=[CallWarning(type="unsupported", feature="topK")]),
        ResponseMetadataPart(id="resp-1", timestamp=WHEN, model_id="m-1"),
        ReasoningStartPart(id="0", provider_metadata=SIGNED),
        ReasoningDeltaPart(id="0", delta="thinking"),
        ReasoningEndPart(id="0"),
        TextStartPart(id="1"),
        TextDeltaPart(id="1", delta="Hello"),
        TextEndPart(id="1"),
        ToolInputStartPart(id="call-1", tool_name="weather"),
        ToolInputDeltaPart(id="call-1", delta='{"city": "Paris"}'),
        ToolInputEndPart(id="call-1"),
        CALL,
        RESULT.content[3],
        RESULT.content[4],
        TextStartPart(id="2"),
        TextDeltaPart(id="2", delta="Bye"),
        TextEndPart(id="2"),
        FinishPart(
            finish_reason="tool-calls",
            raw_finish_reason="tool_use",
            usage=RESULT.usage,
            provider_metadata={"mock": {"cost": 1}},
        ),
    ]
    assert (result.request, result.response) == (RESULT.request, RESULT.response)


async def test_collecting_the_stream_gives_back_the_generate_result() -> None:
    model = MockLanguageModel(generate=RESULT)
    result = await wrap_model(model, SimulateStreamingMiddleware()).do_stream(PARAMS)
    collected = collect_stream([part async for part in result.stream])
    assert collected.content == RESULT.content
    assert (collected.finish_reason, collected.raw_finish_reason) == ("tool-calls", "tool_use")
    assert collected.usage == RESULT.usage
    assert collected.warnings == RESULT.warnings
    assert collected.provider_metadata == RESULT.provider_metadata
    assert (collected.response.id, collected.response.model_id) == ("resp-1", "m-1")


def test_empty_text_sends_no_text_block() -> None:
    parts = list(stream_parts_of(GenerateResult(content=[TextContent(text="")], finish_reason="stop")))
    assert [part.type for part in parts] == ["stream-start", "response-metadata", "finish"]


async def test_generate_passes_through_untouched() -> None:
    model = MockLanguageModel(generate=text_result("plain"))
    result = await wrap_model(model, SimulateStreamingMiddleware()).do_generate(PARAMS)
    assert result == text_result("plain")
    assert [call.type for call in model.calls] == ["generate"]


async def test_a_failing_generate_fails_the_stream_call() -> None:
    error = APICallError("overloaded", url="https://api.example.com", status_code=529)
    model = MockLanguageModel(generate=error)
    with pytest.raises(APICallError) as raised:
        await wrap_model(model, SimulateStreamingMiddleware()).do_stream(PARAMS)
    assert raised.value is error
    assert model.stream_calls == []


async def test_stream_text_over_a_generate_only_model_reads_like_a_real_stream() -> None:
    model = MockLanguageModel(generate=text_result("Hello there"), stream=NotImplementedError("no streaming"))
    result = stream_text(wrap_model(model, SimulateStreamingMiddleware()), prompt="Hi")
    assert [chunk async for chunk in result.text_stream] == ["Hello there"]
    final = await result.result()
    assert (final.text, final.finish_reason) == ("Hello there", "stop")
    assert model.stream_calls == []
