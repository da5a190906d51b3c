"""Provider file references, file / custom tool-result items and reasoning files on each provider's wire."""

from __future__ import annotations

import pytest

from pipeline.errors import NoSuchProviderReferenceError
from pipeline.generate import prepare_call
from pipeline.prompt import Message
from providers.anthropic.convert_messages import BETA_FILES_API, convert_to_anthropic_prompt
from providers.google.convert_messages import convert_to_google_messages
from providers.openai.convert_messages import convert_to_openai_chat_messages
from providers.openai.responses.convert_input import InputSettings, convert_to_responses_input

REFERENCE = {
    "openai": "file-abc",
    "anthropic": "file_011",
    "google": "https://generativelanguage.googleapis.com/v1beta/files/x1",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _prompt(messages: list[dict[str, object]]) -> list[Message]:
    return prepare_call(messages=messages).prompt


def _files(reference: dict[str, str]) -> list[Message]:
    return _prompt(
        [
            {
                "role": "user",
                "content": [
                    {"type": "file", "data": reference, "mediaType": "application/pdf"},
                    {"type": "file", "data": reference, "mediaType": "image/png"},
                ],
            }
        ]
    )


def test_openai_chat_sends_the_file_id() -> None:
    messages, _ = convert_to_openai_chat_messages(_files(REFERENCE))
    assert messages[0]["content"] == [
        {"type": "file", "file": {"file_id": "file-abc"}},
        {"type": "file", "file": {"file_id": "file-abc"}},
    ]


def test_anthropic_sends_file_sources_with_the_files_beta() -> None:
    prompt = convert_to_anthropic_prompt(_files(REFERENCE))
    assert prompt.messages[0]["content"] == [
        {"type": "document", "source": {"type": "file", "file_id": "file_011"}},
        {"type": "image", "source": {"type": "file", "file_id": "file_011"}},
    ]
    assert BETA_FILES_API in prompt.betas


def test_google_sends_the_file_uri() -> None:
    prompt = convert_to_google_messages(_files(REFERENCE))
    assert prompt.contents[0]["parts"] == [
        {"fileData": {"mimeType": "application/pdf", "fileUri": REFERENCE["google"]}},
        {"fileData": {"mimeType": "image/png", "fileUri": REFERENCE["google"]}},
    ]


@pytest.mark.parametrize(
    "convert",
    [
        lambda prompt: convert_to_openai_chat_messages(prompt),
        lambda prompt: convert_to_anthropic_prompt(prompt),
        lambda prompt: convert_to_google_messages(prompt),
    ],
    ids=["openai", "anthropic", "google"],
)
def test_a_reference_without_the_providers_id_is_a_typed_error(convert: object) -> None:
    with pytest.raises(NoSuchProviderReferenceError, match="Available providers: other"):
        convert(_files({"other": "id-1"}))  # type: ignore[operator]


def _tool_items(*items: dict[str, object]) -> list[Message]:
    return _prompt(
        [
            {
                "role": "assistant",
                "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "shot", "input": {}}],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c",
                        "toolName": "shot",
                        "output": {"type": "content", "value": list(items)},
                    }
                ],
            },
        ]
    )


def test_anthropic_maps_file_items_and_the_tool_reference_custom_item() -> None:
    prompt = convert_to_anthropic_prompt(
        _tool_items(
            {"type": "file", "data": PNG, "mediaType": "image/png"},
            {
                "type": "file",
                "data": {"type": "url", "url": "https://example.com/a.pdf"},
                "mediaType": "application/pdf",
            },
            {
                "type": "custom",
                "providerOptions": {"anthropic": {"type": "tool-reference", "toolName": "search"}},
            },
            {"type": "custom", "providerOptions": {"other": {}}},
        )
    )
    result = prompt.messages[1]["content"][0]
    assert [item["type"] for item in result["content"]] == ["image", "document", "tool_reference"]
    assert result["content"][2] == {"type": "tool_reference", "tool_name": "search"}
    assert [w.message for w in prompt.warnings] == ["unsupported custom tool content part"]


def test_google_sends_file_items_inline_and_reasoning_files_as_thoughts() -> None:
    prompt = convert_to_google_messages(
        _tool_items(
            {"type": "text", "text": "here"}, {"type": "file", "data": PNG, "mediaType": "image/png"}
        ),
        supports_function_response_parts=True,
    )
    response = prompt.contents[1]["parts"][0]["functionResponse"]
    assert response["response"]["content"] == "here"
    assert response["parts"][0]["inlineData"]["mimeType"] == "image/png"

    thoughts = convert_to_google_messages(
        _prompt(
            [
                {"role": "user", "content": "draw"},
                {
                    "role": "assistant",
                    "content": [{"type": "reasoning-file", "data": PNG, "mediaType": "image/png"}],
                },
            ]
        )
    )
    (part,) = thoughts.contents[1]["parts"]
    assert part["thought"] is True and part["inlineData"]["mimeType"] == "image/png"


def test_anthropic_and_openai_leave_out_assistant_parts_they_cannot_send() -> None:
    prompt = _prompt(
        [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "ok"},
                    {"type": "custom", "kind": "acme.note"},
                    {"type": "reasoning-file", "data": PNG, "mediaType": "image/png"},
                ],
            },
        ]
    )
    anthropic = convert_to_anthropic_prompt(prompt)
    openai_messages, _ = convert_to_openai_chat_messages(prompt)

    assert anthropic.messages[1]["content"] == [{"type": "text", "text": "ok"}]
    assert [w.message for w in anthropic.warnings] == [
        "unsupported assistant content part type: custom",
        "unsupported assistant content part type: reasoning-file",
    ]
    assert openai_messages[1] == {"role": "assistant", "content": "ok"}


def test_openai_responses_sends_the_file_id_for_parts_and_tool_result_items() -> None:
    items, _ = convert_to_responses_input(_files(REFERENCE), InputSettings())
    assert items[0]["content"] == [
        {"type": "input_file", "file_id": "file-abc"},
        {"type": "input_image", "file_id": "file-abc"},
    ]
    tool_items, _ = convert_to_responses_input(
        _tool_items({"type": "file", "data": {"openai": "file-img"}, "mediaType": "image"}), InputSettings()
    )
    output = next(item for item in tool_items if item.get("type") == "function_call_output")
    assert output["output"] == [{"type": "input_image", "file_id": "file-img"}]
