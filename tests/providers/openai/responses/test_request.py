"""The Responses request builder (pure): prompt parts, settings, provider options and tools on the wire."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pipeline.errors import InvalidArgumentError, UnsupportedFunctionalityError
from pipeline.generate import prepare_call
from pipeline.params import CallParams, ProviderTool
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    FilePart,
    MediaItem,
    ReasoningPart,
    TextItem,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import CallWarning
from providers.openai import tools
from providers.openai.responses.options import OpenAIResponsesOptions, parse_responses_options
from providers.openai.responses.request import ResponsesRequest, build_responses_body

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
PDF = b"%PDF-1.7 tiny"


def build(params: CallParams, model_id: str = "gpt-4o", **options: Any) -> ResponsesRequest:
    return build_responses_body(model_id, params, parse_responses_options({"openai": options}))


def test_the_chat_prompt_becomes_role_messages_with_input_and_output_text() -> None:
    params = prepare_call(
        system="You are a helpful chatbot.",
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
            {"role": "user", "content": [{"type": "text", "text": "I need help with my computer."}]},
        ],
        max_output_tokens=1024,
    )
    request = build(params)
    assert request.body == {
        "model": "gpt-4o",
        "input": [
            {"role": "system", "content": "You are a helpful chatbot."},
            {"role": "user", "content": [{"type": "input_text", "text": "Hello!"}]},
            {
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Hello! How can I help you today?"}],
            },
            {"role": "user", "content": [{"type": "input_text", "text": "I need help with my computer."}]},
        ],
        "max_output_tokens": 1024,
    }
    assert request.warnings == []


def test_reasoning_models_get_developer_messages_a_reasoning_object_and_lose_sampling() -> None:
    params = prepare_call(system="Be brief.", prompt="Hi", temperature=0.5, top_p=0.9, reasoning="low")
    request = build(params, "gpt-5")
    assert request.body["input"][0] == {"role": "developer", "content": "Be brief."}
    assert request.body["reasoning"] == {"effort": "low", "summary": "detailed"}
    assert "temperature" not in request.body and "top_p" not in request.body
    assert [warning.feature for warning in request.warnings] == ["temperature", "topP"]


def test_settings_the_api_lacks_are_warned_about() -> None:
    params = prepare_call(
        prompt="Hi", top_k=3, seed=1, presence_penalty=0.1, frequency_penalty=0.1, stop_sequences=["x"]
    )
    request = build(params)
    assert [warning.feature for warning in request.warnings] == [
        "topK",
        "seed",
        "presencePenalty",
        "frequencyPenalty",
        "stopSequences",
    ]
    assert set(request.body) == {"model", "input"}


def test_provider_options_map_to_their_wire_names() -> None:
    request = build(
        prepare_call(prompt="Hi"),
        "gpt-5",
        previousResponseId="resp_1",
        instructions="Answer in French.",
        include=["file_search_call.results"],
        reasoningEffort="high",
        reasoningSummary="auto",
        serviceTier="flex",
        truncation="auto",
        metadata={"run": "7"},
        parallelToolCalls=False,
        user="user-1",
        logprobs=True,
        store=False,
        textVerbosity="low",
        maxToolCalls=3,
        promptCacheKey="k",
        safetyIdentifier="s",
    )
    body = request.body
    assert body["previous_response_id"] == "resp_1"
    assert body["instructions"] == "Answer in French."
    assert body["include"] == [
        "file_search_call.results",
        "message.output_text.logprobs",
        "reasoning.encrypted_content",
    ]
    assert body["reasoning"] == {"effort": "high", "summary": "auto"}
    assert body["service_tier"] == "flex"
    assert (body["truncation"], body["metadata"], body["parallel_tool_calls"]) == (
        "auto",
        {"run": "7"},
        False,
    )
    assert (body["user"], body["top_logprobs"], body["store"]) == ("user-1", 20, False)
    assert body["text"] == {"verbosity": "low"}
    assert (body["max_tool_calls"], body["prompt_cache_key"], body["safety_identifier"]) == (3, "k", "s")
    assert request.logprobs and not request.store


def test_snake_case_option_names_work_too_and_bad_values_are_typed_errors() -> None:
    request = build_responses_body(
        "gpt-4o",
        prepare_call(prompt="Hi"),
        parse_responses_options({"openai": {"previous_response_id": "r"}}),
    )
    assert request.body["previous_response_id"] == "r"
    with pytest.raises(InvalidArgumentError, match="invalid openai provider options: serviceTier"):
        parse_responses_options({"openai": {"serviceTier": "gold"}})


def test_options_that_set_nothing_are_the_defaults_with_no_field_set() -> None:
    for given in [None, {}, {"openai": {}}, {"openai": {"notAnOption": 1}}, {"anthropic": {"effort": "low"}}]:
        options = parse_responses_options(given)
        assert options == OpenAIResponsesOptions()
        assert options.model_dump() == OpenAIResponsesOptions().model_dump()
        assert options.model_fields_set == set()
    assert parse_responses_options({"openai": {"store": False}}).model_fields_set == {"store"}


def test_tiers_and_reasoning_options_a_model_lacks_are_dropped_with_warnings() -> None:
    request = build(prepare_call(prompt="Hi"), "gpt-4o", serviceTier="flex", reasoningEffort="low")
    assert "service_tier" not in request.body and "reasoning" not in request.body
    assert {warning.feature for warning in request.warnings} == {"serviceTier", "reasoningEffort"}


def test_structured_output_goes_to_text_format() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    params = prepare_call(prompt="Hi", response_format={"type": "json", "schema": schema, "name": "thing"})
    assert build(params).body["text"] == {
        "format": {"type": "json_schema", "strict": True, "name": "thing", "schema": schema}
    }
    assert build(params, strictJsonSchema=False).body["text"]["format"]["strict"] is False
    plain = prepare_call(prompt="Hi", response_format={"type": "json"})
    assert build(plain).body["text"] == {"format": {"type": "json_object"}}


def test_provider_tools_map_to_the_wire_and_add_their_includes() -> None:
    params = CallParams(
        prompt=[UserMessage(content=[TextPart(text="Hi")])],
        tools=[
            tools.web_search(search_context_size="low", allowed_domains=["example.com"], name="search"),
            tools.code_interpreter(container=["file-1"]),
            tools.file_search(["vs_1"], max_num_results=3, ranker="auto", score_threshold=0.5),
            tools.image_generation(output_format="webp", partial_images=2),
            tools.mcp("zip", server_url="https://zip.example/mcp", require_approval="always"),
            ProviderTool(id="anthropic.web_fetch", name="fetch"),
        ],
        tool_choice={"type": "tool", "tool_name": "search"},
    )
    request = build(params)
    assert request.body["tools"] == [
        {"type": "web_search", "filters": {"allowed_domains": ["example.com"]}, "search_context_size": "low"},
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-1"]}},
        {
            "type": "file_search",
            "vector_store_ids": ["vs_1"],
            "max_num_results": 3,
            "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
        },
        {"type": "image_generation", "output_format": "webp", "partial_images": 2},
        {
            "type": "mcp",
            "server_label": "zip",
            "require_approval": "always",
            "server_url": "https://zip.example/mcp",
        },
    ]
    assert request.body["tool_choice"] == {"type": "web_search"}
    assert request.body["include"] == ["web_search_call.action.sources", "code_interpreter_call.outputs"]
    assert request.web_search_tool_name == "search"
    assert request.warnings == [
        CallWarning(type="unsupported", feature="provider-defined tool anthropic.web_fetch", details="fetch")
    ]


def test_function_tools_and_choices() -> None:
    params = prepare_call(
        prompt="Hi",
        tools=[
            {"name": "weather", "description": "Weather.", "input_schema": {"type": "object"}, "strict": True}
        ],
        tool_choice={"type": "tool", "tool_name": "weather"},
    )
    body = build(params).body
    assert body["tools"] == [
        {
            "type": "function",
            "name": "weather",
            "description": "Weather.",
            "parameters": {"type": "object"},
            "strict": True,
        }
    ]
    assert body["tool_choice"] == {"type": "function", "name": "weather"}


def test_images_and_pdfs_by_data_and_url() -> None:
    params = CallParams(
        prompt=[
            UserMessage(
                content=[
                    FilePart(
                        data=PNG, media_type="image/png", provider_options={"openai": {"imageDetail": "low"}}
                    ),
                    FilePart(data=httpx.URL("https://example.com/cat.png"), media_type="image/png"),
                    FilePart(data=PDF, media_type="application/pdf"),
                    FilePart(data=PDF, media_type="application/pdf", filename="report.pdf"),
                    FilePart(data=httpx.URL("https://example.com/doc.pdf"), media_type="application/pdf"),
                    FilePart(
                        data=b"x", media_type="image/png", provider_options={"openai": {"fileId": "file-9"}}
                    ),
                ]
            )
        ]
    )
    content = build(params).body["input"][0]["content"]
    assert content == [
        {
            "type": "input_image",
            "image_url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==",
            "detail": "low",
        },
        {"type": "input_image", "image_url": "https://example.com/cat.png"},
        {
            "type": "input_file",
            "filename": "part-2.pdf",
            "file_data": "data:application/pdf;base64,JVBERi0xLjcgdGlueQ==",
        },
        {
            "type": "input_file",
            "filename": "report.pdf",
            "file_data": "data:application/pdf;base64,JVBERi0xLjcgdGlueQ==",
        },
        {"type": "input_file", "file_url": "https://example.com/doc.pdf"},
        {"type": "input_image", "file_id": "file-9"},
    ]


def test_other_files_are_refused_unless_passed_through() -> None:
    params = CallParams(prompt=[UserMessage(content=[FilePart(data=b"a,b", media_type="text/csv")])])
    with pytest.raises(UnsupportedFunctionalityError, match="file part media type text/csv"):
        build(params)
    content = build(params, passThroughUnsupportedFiles=True).body["input"][0]["content"]
    assert content == [{"type": "input_file", "filename": "part-0", "file_data": "data:text/csv;base64,YSxi"}]


def _assistant_turn(**options: Any) -> list[Any]:
    return [
        UserMessage(content=[TextPart(text="Hi")]),
        AssistantMessage(
            content=[
                ReasoningPart(text="think", provider_options={"openai": {"itemId": "rs_1", **options}}),
                ReasoningPart(text="more", provider_options={"openai": {"itemId": "rs_1"}}),
                ToolCallPart(tool_call_id="ws_1", tool_name="web_search", input={}, provider_executed=True),
                ToolResultPart(
                    tool_call_id="ws_1",
                    tool_name="web_search",
                    output={"type": "json", "value": {"action": {"type": "search"}}},
                ),
                TextPart(text="Answer", provider_options={"openai": {"itemId": "msg_1"}}),
            ]
        ),
    ]


def test_stored_output_goes_back_as_item_references() -> None:
    params = CallParams(prompt=_assistant_turn(), tools=[tools.web_search()])
    assert build(params, "gpt-5").body["input"][1:] == [
        {"type": "item_reference", "id": "rs_1"},
        {"type": "item_reference", "id": "ws_1"},
        {"type": "item_reference", "id": "msg_1"},
    ]


def test_without_store_reasoning_goes_back_encrypted_and_server_results_are_dropped() -> None:
    params = CallParams(prompt=_assistant_turn(reasoningEncryptedContent="enc"), tools=[tools.web_search()])
    request = build(params, "gpt-5", store=False)
    assert request.body["input"][1:] == [
        {
            "type": "reasoning",
            "id": "rs_1",
            "encrypted_content": "enc",
            "summary": [{"type": "summary_text", "text": "think"}, {"type": "summary_text", "text": "more"}],
        },
        {"role": "assistant", "content": [{"type": "output_text", "text": "Answer"}], "id": "msg_1"},
    ]
    assert (
        request.warnings[0].message
        == "Results for OpenAI tool web_search are not sent to the API when store is false"
    )


def test_without_store_reasoning_without_encrypted_content_is_skipped_with_a_warning() -> None:
    request = build(CallParams(prompt=_assistant_turn()), "gpt-5", store=False)
    assert all(item.get("type") != "reasoning" for item in request.body["input"])
    assert request.warnings[-1].message is not None
    assert request.warnings[-1].message.startswith("Reasoning parts without encrypted content")


def test_client_tool_calls_and_multi_part_results() -> None:
    prompt = [
        UserMessage(content=[TextPart(text="Hi")]),
        AssistantMessage(
            content=[
                ToolCallPart(
                    tool_call_id="call_1",
                    tool_name="snap",
                    input={"x": 1},
                    provider_options={"openai": {"itemId": "fc_1"}},
                )
            ]
        ),
        ToolMessage(
            content=[
                ToolResultPart(
                    tool_call_id="call_1",
                    tool_name="snap",
                    output=ContentOutput(
                        value=[TextItem(text="here"), MediaItem(data=PNG, media_type="image/png")]
                    ),
                )
            ]
        ),
    ]
    assert build(CallParams(prompt=prompt)).body["input"][1:] == [
        {"type": "function_call", "call_id": "call_1", "name": "snap", "arguments": '{"x":1}'},
        {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": [
                {"type": "input_text", "text": "here"},
                {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="},
            ],
        },
    ]
