"""Prompt models: AI-SDK JSON validates verbatim in either key spelling, dumps round-trip, every data form."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlparse, urlsplit

import httpx
import pytest

from pipeline.normalize import normalize_prompt
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    FilePart,
    ImagePart,
    JsonOutput,
    MediaItem,
    Message,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
    messages_adapter,
)
from pipeline.standardize import standardize_prompt

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
PNG_BASE64 = base64.b64encode(PNG).decode()

AI_SDK_MESSAGES: list[dict[str, Any]] = [
    {
        "role": "system",
        "content": "Be brief.",
        "providerOptions": {"anthropic": {"cacheControl": {"type": "ephemeral"}}},
    },
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is this?", "providerOptions": {"openai": {"imageDetail": "low"}}},
            {"type": "image", "image": PNG_BASE64, "mediaType": "image/png"},
            {
                "type": "file",
                "data": "https://example.com/a.pdf",
                "mediaType": "application/pdf",
                "filename": "a.pdf",
            },
        ],
    },
    {
        "role": "assistant",
        "content": [
            {"type": "reasoning", "text": "Looking."},
            {
                "type": "tool-call",
                "toolCallId": "call_1",
                "toolName": "lookup",
                "input": {"q": "cat"},
                "providerExecuted": False,
            },
        ],
    },
    {
        "role": "tool",
        "content": [
            {
                "type": "tool-result",
                "toolCallId": "call_1",
                "toolName": "lookup",
                "output": {
                    "type": "content",
                    "value": [
                        {"type": "text", "text": "A cat."},
                        {"type": "media", "data": PNG_BASE64, "mediaType": "image/png"},
                    ],
                },
            }
        ],
    },
]


def _snake(value: Any) -> Any:
    """The same JSON with snake_case keys (except inside provider options, which are user data)."""
    names = {
        "providerOptions": "provider_options",
        "mediaType": "media_type",
        "toolCallId": "tool_call_id",
        "toolName": "tool_name",
        "providerExecuted": "provider_executed",
    }
    if isinstance(value, list):
        return [_snake(item) for item in value]
    if isinstance(value, dict):
        return {
            names.get(key, key): (item if key == "providerOptions" else _snake(item))
            for key, item in value.items()
        }
    return value


def test_ai_sdk_camel_case_json_validates_verbatim() -> None:
    messages = messages_adapter.validate_python(AI_SDK_MESSAGES)
    assert [message.role for message in messages] == ["system", "user", "assistant", "tool"]
    user = messages[1]
    assert isinstance(user, UserMessage) and isinstance(user.content, list)
    image = user.content[1]
    assert isinstance(image, ImagePart) and image.media_type == "image/png"
    call = messages[2].content[1]
    assert (
        isinstance(call, ToolCallPart) and call.tool_call_id == "call_1" and call.provider_executed is False
    )
    assert messages[0].provider_options == {"anthropic": {"cacheControl": {"type": "ephemeral"}}}


def test_snake_case_json_validates_to_the_same_models() -> None:
    assert messages_adapter.validate_python(_snake(AI_SDK_MESSAGES)) == messages_adapter.validate_python(
        AI_SDK_MESSAGES
    )


def test_dump_by_alias_round_trips() -> None:
    messages = messages_adapter.validate_python(AI_SDK_MESSAGES)
    dumped = messages_adapter.dump_python(messages, by_alias=True, exclude_none=True)
    assert dumped == AI_SDK_MESSAGES
    assert messages_adapter.validate_python(dumped) == messages


def test_json_dump_round_trips_normalized_bytes_as_base64() -> None:
    normalized = normalize_prompt(messages_adapter.validate_python(AI_SDK_MESSAGES))
    json_text = messages_adapter.dump_json(normalized, exclude_none=True)
    assert PNG_BASE64.encode() in json_text
    reloaded = messages_adapter.validate_json(json_text)
    # JSON cannot tell bytes from base64 text or URL objects from strings: normalizing again restores them.
    assert normalize_prompt(reloaded) == normalized


def test_tool_result_model_dump_uses_ai_sdk_names() -> None:
    part = ToolResultPart(tool_call_id="c", tool_name="t", output=JsonOutput(value={"a": 1}))
    assert part.to_json_dict() == {
        "type": "tool-result",
        "toolCallId": "c",
        "toolName": "t",
        "output": {"type": "json", "value": {"a": 1}},
    }


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG_BASE64, id="base64-str"),
        pytest.param(f"data:image/png;base64,{PNG_BASE64}", id="data-url"),
        pytest.param(PNG, id="bytes"),
        pytest.param(bytearray(PNG), id="bytearray"),
        pytest.param(memoryview(PNG), id="memoryview"),
    ],
)
def test_every_inline_data_form_normalizes_to_the_same_bytes(data: Any) -> None:
    for part in ({"type": "image", "image": data}, {"type": "file", "data": data, "mediaType": "image/png"}):
        messages = normalize_prompt(standardize_prompt(messages=[{"role": "user", "content": [part]}]))
        file = messages[0].content[0]
        assert isinstance(file, FilePart)
        assert file.data == PNG and type(file.data) is bytes
        assert file.media_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("https://example.com/cat.png", id="http-url-str"),
        pytest.param(httpx.URL("https://example.com/cat.png"), id="httpx-url"),
        pytest.param(urlparse("https://example.com/cat.png"), id="urlparse-result"),
        pytest.param(urlsplit("https://example.com/cat.png"), id="urlsplit-result"),
    ],
)
def test_every_url_form_normalizes_to_an_httpx_url(data: Any) -> None:
    for part in ({"type": "image", "image": data}, {"type": "file", "data": data, "mediaType": "image/png"}):
        messages = normalize_prompt(standardize_prompt(messages=[{"role": "user", "content": [part]}]))
        file = messages[0].content[0]
        assert isinstance(file, FilePart)
        assert file.data == httpx.URL("https://example.com/cat.png")
    image = normalize_prompt(
        standardize_prompt(messages=[{"role": "user", "content": [{"type": "image", "image": data}]}])
    )
    assert image[0].content == [FilePart(data=httpx.URL("https://example.com/cat.png"), media_type="image")]


def test_models_built_in_python_validate_like_dicts() -> None:
    built: list[Message] = [
        UserMessage(content=[ImagePart(image=PNG)]),
        AssistantMessage(content=[ToolCallPart(tool_call_id="c", tool_name="t", input={})]),
        ToolMessage(
            content=[
                ToolResultPart(
                    tool_call_id="c",
                    tool_name="t",
                    output=ContentOutput(value=[MediaItem(data=PNG, media_type="image/png")]),
                )
            ]
        ),
    ]
    assert messages_adapter.validate_python(messages_adapter.dump_python(built)) == built
