import json

from pipeline.errors import InvalidResponseDataError
from pipeline.result import CallWarning
from pipeline.stream import ErrorPart, FinishPart, RawPart, StreamPart, StreamStartPart, collect_stream
from providers._stream import map_payloads
from providers.openai.map_stream import ChatStreamMapper
from providers.testing.openai import chunk, stream_chunks, usage


def run(payloads: list[str], include_raw_chunks: bool = False, **settings: object) -> list[StreamPart]:
    mapper = ChatStreamMapper(**settings)  # type: ignore[arg-type]
    parts = map_payloads(mapper, payloads, include_raw=include_raw_chunks)
    assert mapper.state != "open"
    return parts


def finish(parts: list[StreamPart]) -> FinishPart:
    assert isinstance(parts[-1], FinishPart)
    return parts[-1]


def types(parts: list[StreamPart]) -> list[str]:
    return [part.type for part in parts]


def test_text_stream_folds_into_the_text_and_usage() -> None:
    parts = run(stream_chunks(["Hel", "lo"], usage_body=usage(5, 2, cached=3)))
    assert types(parts) == [
        "stream-start",
        "response-metadata",
        "text-start",
        "text-delta",
        "text-delta",
        "text-delta",
        "text-end",
        "finish",
    ]
    result = collect_stream(parts)
    assert result.text == "Hello"
    assert result.finish_reason == "stop"
    assert result.usage.input_token_details.cache_read_tokens == 3
    assert result.provider_metadata == {"openai": {}}


def test_warnings_open_the_stream() -> None:
    warning = CallWarning(type="unsupported", feature="topK")
    first = run(["[DONE]"], warnings=[warning])[0]
    assert isinstance(first, StreamStartPart)
    assert first.warnings == [warning]


def test_parallel_tool_calls_are_finalized_at_the_end_in_order() -> None:
    parts = run(
        stream_chunks(
            [],
            tool_calls=[("call_a", "weather", ['{"city":', '"Oslo"}']), ("call_b", "time", ["{}"])],
        )
    )
    calls = [part for part in parts if part.type == "tool-call"]
    assert [(call.tool_call_id, call.tool_name, call.input) for call in calls] == [
        ("call_a", "weather", '{"city":"Oslo"}'),
        ("call_b", "time", "{}"),
    ]
    assert types(parts)[-5:] == ["tool-input-end", "tool-call", "tool-input-end", "tool-call", "finish"]
    assert finish(parts).finish_reason == "tool-calls"


def test_tool_call_without_id_is_an_error_part() -> None:
    bad = chunk({"tool_calls": [{"index": 0, "function": {"name": "x", "arguments": ""}}]})
    parts = run([bad, "[DONE]"])
    errors = [part for part in parts if isinstance(part, ErrorPart)]
    assert isinstance(errors[0].error, InvalidResponseDataError)
    assert finish(parts).finish_reason == "error"


def test_raw_chunks_are_passed_on_when_asked() -> None:
    payload = chunk({"content": "x"})
    parts = run([payload, "[DONE]"], include_raw_chunks=True)
    assert isinstance(parts[1], RawPart)
    assert parts[1].raw_value == json.loads(payload)


def test_unparseable_and_invalid_chunks_become_error_parts() -> None:
    parts = run(["{oops", json.dumps({"choices": "nope"}), "[DONE]"], include_raw_chunks=True)
    assert types(parts) == ["stream-start", "raw", "error", "raw", "error", "finish"]
    assert isinstance(parts[1], RawPart) and parts[1].raw_value == "{oops"
    errors = [part.error for part in parts if isinstance(part, ErrorPart)]
    assert all(isinstance(error, InvalidResponseDataError) for error in errors)


def test_url_citations_become_sources() -> None:
    annotation = {
        "type": "url_citation",
        "url_citation": {"url": "https://a.test", "title": "A", "start_index": 0, "end_index": 1},
    }
    parts = run([chunk({"annotations": [annotation]}), "[DONE]"], generate_id=lambda: "s1")
    sources = [part for part in parts if part.type == "source"]
    assert sources[0].to_json_dict() == {
        "type": "source",
        "sourceType": "url",
        "id": "s1",
        "url": "https://a.test",
        "title": "A",
    }


def test_invalid_chunks_without_raw_chunks_become_the_same_error_parts() -> None:
    """The one-validation fast path falls back to the general path, so errors read the same."""
    payloads = ["{oops", json.dumps({"choices": "nope"}), "[DONE]"]
    fast = [part for part in run(payloads) if isinstance(part, ErrorPart)]
    general = [part for part in run(payloads, include_raw_chunks=True) if isinstance(part, ErrorPart)]
    assert [str(part.error) for part in fast] == [str(part.error) for part in general]
    assert str(fast[0].error).startswith("Invalid JSON in stream event")
    assert str(fast[1].error).startswith("Invalid stream event")


def test_error_chunk_that_also_fits_the_chunk_schema_is_an_error_part() -> None:
    parts = run([json.dumps({"error": {"message": "overloaded"}, "choices": []}), "[DONE]"])
    errors = [part.error for part in parts if isinstance(part, ErrorPart)]
    assert errors == [{"message": "overloaded"}]
    assert finish(parts).finish_reason == "error"


def test_chunks_the_json_validator_rejects_but_python_json_accepts_still_map() -> None:
    """A lone surrogate is valid for json.loads but not for pydantic's JSON parser: the text goes through."""
    payload = chunk({"content": "a"}).replace('"content": "a"', '"content": "a\\ud800"')
    assert "\\ud800" in payload
    parts = run([payload, "[DONE]"])
    assert collect_stream(parts).text == "a\ud800"


def test_identical_parts_with_and_without_raw_chunks() -> None:
    payloads = stream_chunks(["Hel", "lo"], usage_body=usage(5, 2, cached=3))
    with_raw = [part for part in run(payloads, include_raw_chunks=True) if not isinstance(part, RawPart)]
    assert run(payloads) == with_raw


def test_the_finish_reason_chunk_makes_the_stream_complete_and_done_ends_it() -> None:
    mapper = ChatStreamMapper()
    map_payloads(mapper, stream_chunks(["a"], done=False)[:-1])  # up to the finish_reason chunk
    assert mapper.state == "complete"
    map_payloads(mapper, ["[DONE]"])
    assert mapper.state == "ended"
