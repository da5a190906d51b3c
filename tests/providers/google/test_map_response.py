"""map_response: a generateContent response -> GenerateResult (cases beyond the golden fixtures)."""

from __future__ import annotations

import base64
import json
from typing import Any

from pipeline.result import FileContent, GenerateResult, ReasoningContent, TextContent, ToolCallContent
from pipeline.stream import collect_stream
from providers._stream import map_payloads
from providers.google.map_response import json_text, map_response
from providers.google.map_stream import GoogleStreamMapper
from providers.google.wire import GenerateContentResponse

from .golden import counting_ids


def mapped(body: dict[str, Any]) -> GenerateResult:
    return map_response(GenerateContentResponse.model_validate(body), warnings=[], generate_id=counting_ids())


def candidate(*parts: dict[str, Any], finish: str | None = "STOP", **extra: Any) -> dict[str, Any]:
    return {"candidates": [{"content": {"parts": list(parts)}, "finishReason": finish, **extra}]}


def test_empty_text_part_with_signature_moves_the_signature_onto_the_previous_part() -> None:
    result = mapped(candidate({"text": "Hello"}, {"text": "", "thoughtSignature": "sig"}))
    assert result.content == [
        TextContent(text="Hello", provider_metadata={"google": {"thoughtSignature": "sig"}})
    ]


def test_tool_call_keeps_its_id_and_signature_and_defaults_missing_args_to_an_empty_object() -> None:
    result = mapped(
        candidate(
            {"functionCall": {"id": "fc-1", "name": "a", "args": {"x": "é"}}, "thoughtSignature": "s"},
            {"functionCall": {"name": "b"}},
        )
    )
    assert result.content == [
        ToolCallContent(
            tool_call_id="fc-1",
            tool_name="a",
            input='{"x":"é"}',
            provider_metadata={"google": {"thoughtSignature": "s"}},
        ),
        ToolCallContent(tool_call_id="id-0", tool_name="b", input="{}"),
    ]
    assert result.finish_reason == "tool-calls"


def test_thought_parts_become_reasoning_and_thought_files_are_marked() -> None:
    data = base64.b64encode(b"img").decode()
    result = mapped(
        candidate(
            {"text": "hmm", "thought": True},
            {"inlineData": {"mimeType": "image/png", "data": data}, "thought": True, "thoughtSignature": "t"},
        )
    )
    assert result.content == [
        ReasoningContent(text="hmm"),
        FileContent(
            media_type="image/png",
            data=b"img",
            provider_metadata={"google": {"thoughtSignature": "t", "thought": True}},
        ),
    ]
    assert result.reasoning_text == "hmm"


def test_malformed_function_call_is_an_error_finish() -> None:
    result = mapped(candidate(finish="MALFORMED_FUNCTION_CALL"))
    assert (result.finish_reason, result.raw_finish_reason) == ("error", "MALFORMED_FUNCTION_CALL")


def test_code_execution_result_without_a_preceding_call_is_dropped() -> None:
    result = mapped(candidate({"codeExecutionResult": {"outcome": "OUTCOME_OK"}}, {"text": "ok"}))
    assert result.content == [TextContent(text="ok")]


def test_response_without_candidates_or_usage_is_empty_and_other() -> None:
    result = mapped({})
    assert result.content == []
    assert result.finish_reason == "other"
    assert result.usage.input_tokens is None


def test_safety_metadata_and_finish_message_are_kept_in_provider_metadata() -> None:
    ratings = [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}]
    result = mapped(candidate(finish="SAFETY", safetyRatings=ratings, finishMessage="blocked"))
    assert result.finish_reason == "content-filter"
    assert result.provider_metadata is not None
    assert result.provider_metadata["google"]["safetyRatings"] == ratings
    assert result.provider_metadata["google"]["finishMessage"] == "blocked"


def test_json_text_matches_javascript_json_stringify() -> None:
    assert json_text({"a": [1, "ü"], "b": None}) == '{"a":[1,"ü"],"b":null}'


def test_generate_and_stream_map_the_same_parts_to_the_same_content() -> None:
    """One part mapper serves both: string arguments stay as sent (generate used to quote them)."""
    parts = [
        {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}},
        {"text": "Hi", "thoughtSignature": "s"},
        {"functionCall": {"name": "f", "args": '{"raw":1}'}},
        {"functionCall": {"name": "g"}},
    ]
    body = candidate(*parts)
    streamed = collect_stream(
        map_payloads(GoogleStreamMapper(warnings=[], generate_id=counting_ids()), [json.dumps(body)])
    )
    generated = mapped(body)
    assert generated.content == streamed.content
    inputs = [call.input for call in generated.tool_calls]
    assert inputs == ['{"language":"PYTHON","code":"print(1)"}', '{"raw":1}', "{}"]
