"""The gateway request body: the AI SDK's model call options as JSON (pure)."""

from __future__ import annotations

import base64

from pipeline.generate import prepare_call
from pipeline.params import ProviderTool
from pipeline.tools import tool
from providers.gateway.request import build_request_body, model_headers

PNG = b"\x89PNG\r\n\x1a\n-image-"


@tool
def weather(city: str) -> str:
    """Weather in a city."""
    return city


def test_the_chat_prompt_is_sent_as_the_interface_prompt_with_settings_in_camel_case() -> None:
    params = prepare_call(
        system="You are a helpful chatbot.",
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
            {"role": "user", "content": [{"type": "text", "text": "I need help with my computer."}]},
        ],
        max_output_tokens=1024,
        temperature=0.3,
        stop_sequences=["END"],
    )

    body = build_request_body(params)

    assert body == {
        "prompt": [
            {"role": "system", "content": "You are a helpful chatbot."},
            {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
            {"role": "user", "content": [{"type": "text", "text": "I need help with my computer."}]},
        ],
        "maxOutputTokens": 1024,
        "temperature": 0.3,
        "stopSequences": ["END"],
    }


def test_files_are_tagged_data_or_url_and_tool_results_keep_their_media_as_file_items() -> None:
    params = prepare_call(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": PNG, "mediaType": "image/png"},
                    {"type": "file", "data": "https://example.com/a.pdf", "mediaType": "application/pdf"},
                ],
            },
            {
                "role": "assistant",
                "content": [{"type": "tool-call", "toolCallId": "c1", "toolName": "shot", "input": {"q": 1}}],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c1",
                        "toolName": "shot",
                        "output": {
                            "type": "content",
                            "value": [
                                {"type": "text", "text": "here"},
                                {
                                    "type": "media",
                                    "data": base64.b64encode(PNG).decode(),
                                    "mediaType": "image/png",
                                },
                            ],
                        },
                    }
                ],
            },
        ]
    )

    prompt = build_request_body(params)["prompt"]

    image, pdf = prompt[0]["content"]
    assert image == {
        "type": "file",
        "mediaType": "image/png",
        "data": {"type": "data", "data": base64.b64encode(PNG).decode()},
    }
    assert pdf["data"] == {"type": "url", "url": "https://example.com/a.pdf"}
    assert prompt[1]["content"][0] == {
        "type": "tool-call",
        "toolCallId": "c1",
        "toolName": "shot",
        "input": {"q": 1},
    }
    assert prompt[2]["content"][0]["output"]["value"] == [
        {"type": "text", "text": "here"},
        {
            "type": "file",
            "data": {"type": "data", "data": base64.b64encode(PNG).decode()},
            "mediaType": "image/png",
        },
    ]


def test_tools_tool_choice_and_provider_options_pass_through_without_the_library_controls() -> None:
    search = ProviderTool(id="anthropic.web_search_20250305", name="web_search", args={"maxUses": 2})
    params = prepare_call(
        prompt="hi",
        tools=[weather, search],
        tool_choice={"type": "tool", "toolName": "weather"},
        provider_options={"anthropic": {"thinking": {"type": "enabled"}}, "modelpipe": {"cache": "bypass"}},
        headers={"x-trace": "1"},
    )

    body = build_request_body(params)

    assert body["tools"][0]["type"] == "function"
    assert body["tools"][0]["name"] == "weather"
    assert body["tools"][0]["inputSchema"]["properties"] == {"city": {"title": "City", "type": "string"}}
    assert body["tools"][1] == {
        "type": "provider",
        "id": "anthropic.web_search_20250305",
        "name": "web_search",
        "args": {"maxUses": 2},
    }
    assert body["toolChoice"] == {"type": "tool", "toolName": "weather"}
    assert body["providerOptions"] == {"anthropic": {"thinking": {"type": "enabled"}}}
    assert "headers" not in body


def test_a_plain_tool_choice_becomes_a_tagged_object() -> None:
    params = prepare_call(prompt="hi", tools=[weather], tool_choice="required")
    assert build_request_body(params)["toolChoice"] == {"type": "required"}


def test_model_headers_name_the_model_and_the_interface_version() -> None:
    assert model_headers("anthropic/claude-sonnet-4-5", streaming=True) == {
        "ai-language-model-specification-version": "4",
        "ai-language-model-id": "anthropic/claude-sonnet-4-5",
        "ai-language-model-streaming": "true",
    }


def test_references_reasoning_files_and_file_items_keep_their_tagged_data() -> None:
    params = prepare_call(
        messages=[
            {
                "role": "user",
                "content": [{"type": "file", "data": {"openai": "file-1"}, "mediaType": "application/pdf"}],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning-file", "data": PNG, "mediaType": "image/png"},
                    {"type": "custom", "kind": "anthropic.compaction"},
                    {"type": "tool-call", "toolCallId": "c1", "toolName": "shot", "input": {}},
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c1",
                        "toolName": "shot",
                        "output": {
                            "type": "content",
                            "value": [
                                {"type": "file", "data": "https://example.com/x.png", "mediaType": "image"}
                            ],
                        },
                    }
                ],
            },
        ]
    )

    prompt = build_request_body(params)["prompt"]

    assert prompt[0]["content"][0]["data"] == {"type": "reference", "reference": {"openai": "file-1"}}
    reasoning_file, custom, _ = prompt[1]["content"]
    assert reasoning_file["data"] == {"type": "data", "data": base64.b64encode(PNG).decode()}
    assert custom == {"type": "custom", "kind": "anthropic.compaction"}
    assert prompt[2]["content"][0]["output"]["value"] == [
        {"type": "file", "data": {"type": "url", "url": "https://example.com/x.png"}, "mediaType": "image"}
    ]
