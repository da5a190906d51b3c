"""Gemini's provider-executed tools: factories, request mapping, response / stream mapping, replay."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.generate import generate_text
from pipeline.params import CallParams, FunctionTool, ProviderTool, ToolChoiceTool
from pipeline.response_messages import to_response_messages
from pipeline.result import SourceContent, ToolCallContent, ToolResultContent
from providers.google import GoogleLanguageModel, tools
from providers.google.convert_messages import convert_to_google_messages
from providers.google.map_response import map_response
from providers.google.map_stream import GoogleStreamMapper
from providers.google.prepare_tools import prepare_tools
from providers.google.request_body import build_request
from providers.google.wire import GenerateContentResponse
from providers.testing.google import response_body
from providers.testing.server import JsonReply, LoopbackServer

WEATHER = FunctionTool(
    name="weather", input_schema={"type": "object", "properties": {"city": {"type": "string"}}}
)
PROMPT = [{"role": "user", "content": [{"type": "text", "text": "What happened today?"}]}]
GROUNDING = {
    "webSearchQueries": ["news today"],
    "groundingChunks": [
        {"web": {"uri": "https://news.example/a", "title": "A"}},
        {"web": {"uri": "https://news.example/b", "title": "B"}},
    ],
    "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": 5}, "groundingChunkIndices": [0]}],
}


def _ids() -> Any:
    counter = iter(range(1000))
    return lambda: f"id-{next(counter)}"


# --- factories ------------------------------------------------------------------------------------


def test_factories_name_each_tool_as_the_ai_sdk_does() -> None:
    made = [
        tools.google_search(),
        tools.enterprise_web_search(),
        tools.google_maps(),
        tools.url_context(),
        tools.code_execution(),
        tools.file_search(["fileSearchStores/s"]),
        tools.vertex_rag_store("projects/p/locations/l/ragCorpora/c"),
    ]
    assert [(tool.id, tool.name) for tool in made] == [
        ("google.google_search", "google_search"),
        ("google.enterprise_web_search", "enterprise_web_search"),
        ("google.google_maps", "google_maps"),
        ("google.url_context", "url_context"),
        ("google.code_execution", "code_execution"),
        ("google.file_search", "file_search"),
        ("google.vertex_rag_store", "vertex_rag_store"),
    ]
    assert all(tool.provider == "google" for tool in made)


def test_settings_are_kept_in_wire_spelling_and_unset_ones_left_out() -> None:
    search = tools.google_search(
        time_range_filter={"startTime": "2025-01-01T00:00:00Z", "endTime": "2025-02-01T00:00:00Z"}
    )
    assert search.args == {
        "timeRangeFilter": {"startTime": "2025-01-01T00:00:00Z", "endTime": "2025-02-01T00:00:00Z"}
    }
    assert tools.file_search(["fileSearchStores/s"], top_k=3).args == {
        "fileSearchStoreNames": ["fileSearchStores/s"],
        "topK": 3,
    }


# --- request mapping ------------------------------------------------------------------------------


def test_each_tool_becomes_its_gemini_tools_entry() -> None:
    prepared = prepare_tools(
        [],
        None,
        [
            tools.google_search(search_types={"webSearch": {}}),
            tools.url_context(),
            tools.code_execution(),
            tools.google_maps(),
            tools.enterprise_web_search(),
            tools.file_search(["fileSearchStores/s"], metadata_filter='author="x"'),
            tools.vertex_rag_store("corpus", top_k=4),
        ],
        model_id="gemini-2.5-flash",
    )
    assert prepared.tools == [
        {"googleSearch": {"searchTypes": {"webSearch": {}}}},
        {"urlContext": {}},
        {"codeExecution": {}},
        {"googleMaps": {}},
        {"enterpriseWebSearch": {}},
        {"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/s"], "metadataFilter": 'author="x"'}},
        {
            "retrieval": {
                "vertex_rag_store": {"rag_resources": {"rag_corpus": "corpus"}, "similarity_top_k": 4}
            }
        },
    ]
    assert prepared.tool_config is None and prepared.warnings == []


def test_models_too_old_for_a_tool_get_a_warning_instead() -> None:
    prepared = prepare_tools(
        [], None, [tools.google_search(), tools.file_search(["s"])], model_id="gemini-1.5-flash"
    )
    assert prepared.tools is None
    assert [(w.type, w.feature, w.details) for w in prepared.warnings] == [
        (
            "unsupported",
            "provider-defined tool google.google_search",
            "Google Search requires Gemini 2.0 or newer.",
        ),
        (
            "unsupported",
            "provider-defined tool google.file_search",
            "The file search tool is only supported with Gemini 2.5 models and Gemini 3 models.",
        ),
    ]


def test_another_providers_tool_is_skipped_with_a_warning() -> None:
    foreign = ProviderTool(id="openai.web_search", name="web_search")
    prepared = prepare_tools([], None, [foreign, tools.url_context()], model_id="gemini-2.5-flash")
    assert prepared.tools == [{"urlContext": {}}]
    assert [(w.type, w.feature) for w in prepared.warnings] == [
        ("unsupported", "provider-defined tool openai.web_search")
    ]


def test_gemini_3_combines_function_and_provider_tools() -> None:
    prepared = prepare_tools([WEATHER], None, [tools.google_search()], model_id="gemini-3-pro-preview")
    assert prepared.tools == [
        {"googleSearch": {}},
        {
            "functionDeclarations": [
                {"name": "weather", "description": "", "parameters": WEATHER.input_schema}
            ]
        },
    ]
    assert prepared.tool_config == {
        "functionCallingConfig": {"mode": "VALIDATED"},
        "includeServerSideToolInvocations": True,
    }
    assert prepared.warnings == []


def test_vertex_gets_no_server_side_invocations_flag_and_no_function_call_ids() -> None:
    prepared = prepare_tools(
        [WEATHER], None, [tools.url_context()], model_id="gemini-3-pro-preview", vertex=True
    )
    assert prepared.tool_config == {"functionCallingConfig": {"mode": "VALIDATED"}}
    prompt = CallParams.model_validate(
        {
            "prompt": [
                *PROMPT,
                {
                    "role": "assistant",
                    "content": [
                        {"type": "tool-call", "toolCallId": "c1", "toolName": "weather", "input": {}}
                    ],
                },
                {
                    "role": "tool",
                    "content": [
                        {
                            "type": "tool-result",
                            "toolCallId": "c1",
                            "toolName": "weather",
                            "output": {"type": "text", "value": "sun"},
                        }
                    ],
                },
            ]
        }
    ).prompt
    on_vertex = convert_to_google_messages(prompt, include_function_call_ids=False).contents
    assert on_vertex[1]["parts"][0]["functionCall"] == {"name": "weather", "args": {}}
    assert "id" not in on_vertex[2]["parts"][0]["functionResponse"]
    assert convert_to_google_messages(prompt).contents[1]["parts"][0]["functionCall"]["id"] == "c1"


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        ("auto", {"mode": "VALIDATED"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
        (ToolChoiceTool(tool_name="weather"), {"mode": "ANY", "allowedFunctionNames": ["weather"]}),
    ],
)
def test_tool_choice_with_combined_tools(choice: Any, config: dict[str, Any]) -> None:
    prepared = prepare_tools([WEATHER], choice, [tools.code_execution()], model_id="gemini-3-flash-preview")
    assert prepared.tool_config is not None and prepared.tool_config["functionCallingConfig"] == config


def test_older_models_get_only_the_provider_tools_when_mixed() -> None:
    prepared = prepare_tools([WEATHER], "auto", [tools.google_search()], model_id="gemini-2.5-flash")
    assert prepared.tools == [{"googleSearch": {}}]
    assert prepared.tool_config is None
    assert [(w.type, w.feature) for w in prepared.warnings] == [
        ("unsupported", "combination of function and provider-defined tools")
    ]


def _params(**fields: Any) -> CallParams:
    return CallParams.model_validate({"prompt": PROMPT, **fields})


def test_request_body_carries_provider_tools_and_retrieval_config() -> None:
    params = _params(
        tools=[tools.google_maps()],
        providerOptions={"google": {"retrievalConfig": {"latLng": {"latitude": 1.5, "longitude": 2}}}},
    )
    request = build_request("gemini-2.5-flash", params)
    assert request.body["tools"] == [{"googleMaps": {}}]
    assert request.body["toolConfig"] == {"retrievalConfig": {"latLng": {"latitude": 1.5, "longitude": 2.0}}}
    assert request.warnings == []


def test_streamed_function_arguments_are_requested_from_vertex_streams_only() -> None:
    params = _params(
        tools=[WEATHER.model_dump(by_alias=True)],
        providerOptions={"google": {"streamFunctionCallArguments": True}},
    )
    on_vertex = build_request("gemini-3-pro-preview", params, streaming=True, vertex=True)
    assert on_vertex.body["toolConfig"] == {"functionCallingConfig": {"streamFunctionCallArguments": True}}
    assert on_vertex.warnings == []
    assert "toolConfig" not in build_request("gemini-3-pro-preview", params, vertex=True).body
    on_gemini_api = build_request("gemini-3-pro-preview", params, streaming=True)
    assert "toolConfig" not in on_gemini_api.body
    assert [w.type for w in on_gemini_api.warnings] == ["other"]
    assert "only supported on the Vertex AI API" in (on_gemini_api.warnings[0].message or "")


def test_vertex_hosts_are_recognised() -> None:
    vertex = GoogleLanguageModel(
        "gemini-3-pro-preview", base_url="https://us-central1-aiplatform.googleapis.com/v1/x"
    )
    assert vertex._is_vertex()
    assert not GoogleLanguageModel("gemini-3-pro-preview")._is_vertex()


def test_vertex_rag_store_outside_vertex_warns() -> None:
    request = build_request("gemini-2.5-flash", _params(tools=[tools.vertex_rag_store("corpus")]))
    assert [w.type for w in request.warnings] == ["other"]


# --- response mapping -----------------------------------------------------------------------------

SERVER_PARTS = [
    {
        "toolCall": {"toolType": "GOOGLE_SEARCH_WEB", "args": {"queries": ["news today"]}, "id": "srv-1"},
        "thoughtSignature": "sig-1",
    },
    {"toolResponse": {"toolType": "GOOGLE_SEARCH_WEB", "response": {"results": 2}, "id": "srv-1"}},
    {"functionCall": {"id": "fc-1", "name": "weather", "args": {"city": "Paris"}}},
]


def test_server_tool_invocations_become_provider_executed_calls_and_results() -> None:
    body = GenerateContentResponse.model_validate(response_body(SERVER_PARTS))
    result = map_response(body, warnings=[], generate_id=_ids())
    call, outcome, function_call = result.content
    assert isinstance(call, ToolCallContent) and isinstance(outcome, ToolResultContent)
    assert (call.tool_call_id, call.tool_name, json.loads(call.input), call.provider_executed) == (
        "srv-1",
        "server:GOOGLE_SEARCH_WEB",
        {"queries": ["news today"]},
        True,
    )
    assert call.provider_metadata == {
        "google": {
            "thoughtSignature": "sig-1",
            "serverToolCallId": "srv-1",
            "serverToolType": "GOOGLE_SEARCH_WEB",
        }
    }
    assert (outcome.tool_call_id, outcome.result, outcome.provider_executed) == (
        "srv-1",
        {"results": 2},
        True,
    )
    assert outcome.provider_metadata == {
        "google": {"serverToolCallId": "srv-1", "serverToolType": "GOOGLE_SEARCH_WEB"}
    }
    assert isinstance(function_call, ToolCallContent) and not function_call.provider_executed
    assert result.finish_reason == "tool-calls"


def test_grounding_gives_sources_and_metadata_and_only_server_calls_finish_with_stop() -> None:
    parts = [{"toolCall": {"toolType": "GOOGLE_SEARCH_WEB", "id": "s"}}, {"text": "It rained."}]
    body = GenerateContentResponse.model_validate(response_body(parts, groundingMetadata=GROUNDING))
    result = map_response(body, warnings=[], generate_id=_ids())
    sources = [part for part in result.content if isinstance(part, SourceContent)]
    assert [(s.url, s.title) for s in sources] == [
        ("https://news.example/a", "A"),
        ("https://news.example/b", "B"),
    ]
    assert result.provider_metadata is not None
    assert result.provider_metadata["google"]["groundingMetadata"] == GROUNDING
    assert result.finish_reason == "stop"


def test_stream_emits_server_calls_results_and_sources_once() -> None:
    mapper = GoogleStreamMapper(warnings=[], generate_id=_ids())
    first = GenerateContentResponse.model_validate(
        {
            "candidates": [{"content": {"parts": SERVER_PARTS[:2]}, "groundingMetadata": GROUNDING}],
            "responseId": "r",
        }
    )
    last = GenerateContentResponse.model_validate(
        response_body([{"text": "Done."}], groundingMetadata=GROUNDING)
    )
    parts = [*mapper.start(), *mapper.feed(first), *mapper.feed(last), *mapper.finish()]
    kinds = [part.type for part in parts]
    assert kinds == [
        "stream-start",
        "response-metadata",
        "source",
        "source",
        "tool-call",
        "tool-result",
        "text-start",
        "text-delta",
        "text-end",
        "finish",
    ]
    finish = parts[-1]
    assert finish.finish_reason == "stop"  # type: ignore[union-attr]
    assert finish.provider_metadata["google"]["groundingMetadata"] == GROUNDING  # type: ignore[union-attr]


def test_code_execution_streams_as_a_provider_executed_call_and_result() -> None:
    mapper = GoogleStreamMapper(warnings=[], generate_id=_ids())
    code = {"executableCode": {"language": "PYTHON", "code": "print(2)"}}
    outcome = {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "2\n"}}
    parts = [
        *mapper.feed(GenerateContentResponse.model_validate(response_body([code, outcome]))),
        *mapper.finish(),
    ]
    call, result = parts[1], parts[2]
    assert isinstance(call, ToolCallContent) and isinstance(result, ToolResultContent)
    assert (call.tool_name, json.loads(call.input), call.provider_executed) == (
        "code_execution",
        {"language": "PYTHON", "code": "print(2)"},
        True,
    )
    assert (result.tool_call_id, result.result) == (
        call.tool_call_id,
        {"outcome": "OUTCOME_OK", "output": "2\n"},
    )


# --- replay: the next step sends provider-executed parts back as Gemini sent them -----------------


def test_server_tool_parts_and_code_execution_round_trip_into_the_next_request() -> None:
    code = {"executableCode": {"language": "PYTHON", "code": "print(2)"}}
    outcome = {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "2\n"}}
    body = GenerateContentResponse.model_validate(
        response_body([*SERVER_PARTS[:2], code, outcome, {"text": "2"}])
    )
    step = map_response(body, warnings=[], generate_id=_ids())
    messages = [*CallParams.model_validate({"prompt": PROMPT}).prompt, *to_response_messages(step)]
    contents = convert_to_google_messages(messages, is_gemini3=True).contents
    assert contents[1] == {
        "role": "model",
        "parts": [
            {
                "toolCall": {
                    "toolType": "GOOGLE_SEARCH_WEB",
                    "args": {"queries": ["news today"]},
                    "id": "srv-1",
                },
                "thoughtSignature": "sig-1",
            },
            {"toolResponse": {"toolType": "GOOGLE_SEARCH_WEB", "response": {"results": 2}, "id": "srv-1"}},
            {"executableCode": {"language": "PYTHON", "code": "print(2)"}},
            {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "2\n"}},
            {"text": "2"},
        ],
    }


def test_a_server_tool_result_in_a_tool_message_joins_the_model_turn() -> None:
    metadata = {"google": {"serverToolCallId": "srv-1", "serverToolType": "URL_CONTEXT"}}
    messages = CallParams.model_validate(
        {
            "prompt": [
                *PROMPT,
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "tool-call",
                            "toolCallId": "srv-1",
                            "toolName": "server:URL_CONTEXT",
                            "input": {},
                            "providerOptions": metadata,
                        }
                    ],
                },
                {
                    "role": "tool",
                    "content": [
                        {
                            "type": "tool-result",
                            "toolCallId": "srv-1",
                            "toolName": "server:URL_CONTEXT",
                            "output": {"type": "json", "value": {"ok": True}},
                            "providerOptions": metadata,
                        }
                    ],
                },
            ]
        }
    ).prompt
    contents = convert_to_google_messages(messages, is_gemini3=True).contents
    assert len(contents) == 2
    assert contents[1]["parts"][1] == {
        "toolResponse": {"toolType": "URL_CONTEXT", "response": {"ok": True}, "id": "srv-1"}
    }


async def test_google_search_over_the_wire_in_a_multi_step_call() -> None:
    """A search-grounded step with a function call, then the answer: the second request replays the
    server tool call and result with their ids and signature."""
    first = response_body(SERVER_PARTS, groundingMetadata=GROUNDING)
    second = response_body([{"text": "Rainy in Paris."}])
    with LoopbackServer() as server:
        server.enqueue(JsonReply(first), JsonReply(second))
        model = GoogleLanguageModel("gemini-3-pro-preview", api_key="k", base_url=server.base_url)
        result = await generate_text(
            model,
            prompt="Weather news for Paris?",
            tools={"google_search": tools.google_search(), "weather": _weather_tool()},
            max_steps=2,
        )
        sent = [request.json() for request in server.requests]
    assert result.text == "Rainy in Paris."
    assert sent[0]["tools"][0] == {"googleSearch": {}}
    replayed = sent[1]["contents"][1]["parts"]
    assert replayed[0]["toolCall"]["id"] == "srv-1" and replayed[0]["thoughtSignature"] == "sig-1"
    assert replayed[1]["toolResponse"] == {
        "toolType": "GOOGLE_SEARCH_WEB",
        "response": {"results": 2},
        "id": "srv-1",
    }
    assert sent[1]["contents"][2]["parts"][0]["functionResponse"]["name"] == "weather"
    first_step_sources = [part for part in result.steps[0].content if isinstance(part, SourceContent)]
    assert [source.url for source in first_step_sources] == [
        "https://news.example/a",
        "https://news.example/b",
    ]


def _weather_tool() -> Any:
    from pipeline.tools import tool

    @tool
    def weather(city: str) -> str:
        """The weather in a city."""
        return f"Rain in {city}"

    return weather
