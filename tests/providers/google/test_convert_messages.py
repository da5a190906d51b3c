"""convert_to_google_messages: normalized prompt -> systemInstruction + contents."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.prompt import Message, messages_adapter
from providers.google.convert_messages import SKIP_THOUGHT_SIGNATURE_VALIDATOR, convert_to_google_messages

PNG = b"\x89PNG\r\n\x1a\n"
PNG_B64 = base64.b64encode(PNG).decode()


def prompt(*messages: dict[str, Any]) -> list[Message]:
    return messages_adapter.validate_python(list(messages))


def test_system_messages_become_system_instruction_parts() -> None:
    converted = convert_to_google_messages(
        prompt({"role": "system", "content": "Be brief."}, {"role": "system", "content": "Be kind."})
    )
    assert converted.system_instruction == {"parts": [{"text": "Be brief."}, {"text": "Be kind."}]}
    assert converted.contents == []


def test_system_message_after_user_message_is_rejected() -> None:
    with pytest.raises(UnsupportedFunctionalityError, match="only supported at the beginning"):
        convert_to_google_messages(
            prompt(
                {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                {"role": "system", "content": "late"},
            )
        )


def test_gemma_models_get_system_text_prepended_to_first_user_message() -> None:
    converted = convert_to_google_messages(
        prompt(
            {"role": "system", "content": "A"},
            {"role": "system", "content": "B"},
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        ),
        is_gemma=True,
    )
    assert converted.system_instruction is None
    assert converted.contents[0]["parts"] == [{"text": "A\n\nB\n\n"}, {"text": "Hi"}]


def test_user_text_bytes_and_url_parts() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Look"},
                    {"type": "file", "data": PNG, "mediaType": "image/png"},
                    {
                        "type": "file",
                        "data": httpx.URL("https://www.youtube.com/watch?v=abc"),
                        "mediaType": "video/mp4",
                    },
                ],
            }
        )
    )
    assert converted.contents == [
        {
            "role": "user",
            "parts": [
                {"text": "Look"},
                {"inlineData": {"mimeType": "image/png", "data": PNG_B64}},
                {"fileData": {"mimeType": "video/mp4", "fileUri": "https://www.youtube.com/watch?v=abc"}},
            ],
        }
    ]


def test_url_file_with_only_a_top_level_media_type_is_rejected() -> None:
    with pytest.raises(UnsupportedFunctionalityError, match='"image" must specify a subtype'):
        convert_to_google_messages(
            prompt(
                {
                    "role": "user",
                    "content": [
                        {"type": "file", "data": httpx.URL("https://x.test/a"), "mediaType": "image"}
                    ],
                }
            )
        )


def test_unnormalized_image_part_is_an_invalid_prompt_with_its_path() -> None:
    with pytest.raises(InvalidPromptError) as caught:
        convert_to_google_messages(
            prompt({"role": "user", "content": [{"type": "image", "image": PNG, "mediaType": "image/png"}]})
        )
    assert caught.value.path == "messages[0].content[0]"


def test_assistant_text_reasoning_and_tool_calls_become_model_parts() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "reasoning",
                        "text": "thinking",
                        "providerOptions": {"google": {"thoughtSignature": "sig1"}},
                    },
                    {"type": "reasoning", "text": ""},
                    {"type": "text", "text": "Answer"},
                    {"type": "text", "text": ""},
                    {
                        "type": "tool-call",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "input": {"city": "Paris"},
                    },
                ],
            }
        )
    )
    assert converted.contents == [
        {
            "role": "model",
            "parts": [
                {"text": "thinking", "thought": True, "thoughtSignature": "sig1"},
                {"text": "Answer"},
                {"functionCall": {"id": "c1", "name": "weather", "args": {"city": "Paris"}}},
            ],
        }
    ]
    assert converted.warnings == []


def test_assistant_generated_file_is_sent_inline_and_url_file_is_rejected() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "file",
                        "data": PNG,
                        "mediaType": "image/png",
                        "providerOptions": {"google": {"thought": True}},
                    }
                ],
            }
        )
    )
    assert converted.contents[0]["parts"] == [
        {"inlineData": {"mimeType": "image/png", "data": PNG_B64}, "thought": True}
    ]
    with pytest.raises(UnsupportedFunctionalityError, match="assistant messages"):
        convert_to_google_messages(
            prompt(
                {
                    "role": "assistant",
                    "content": [
                        {"type": "file", "data": httpx.URL("https://x.test/a.png"), "mediaType": "image/png"}
                    ],
                }
            )
        )


def test_gemini3_tool_call_without_signature_gets_the_skip_sentinel_and_a_warning() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "assistant",
                "content": [
                    {"type": "tool-call", "toolCallId": "a", "toolName": "one", "input": {}},
                    {"type": "tool-call", "toolCallId": "b", "toolName": "two", "input": {}},
                ],
            }
        ),
        is_gemini3=True,
    )
    parts = converted.contents[0]["parts"]
    assert [part["thoughtSignature"] for part in parts] == [SKIP_THOUGHT_SIGNATURE_VALIDATOR] * 2
    assert len(converted.warnings) == 1
    assert converted.warnings[0].type == "other"
    assert "`one`, `two`" in (converted.warnings[0].message or "")


def test_gemini3_parallel_calls_after_a_signed_call_need_no_sentinel() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool-call",
                        "toolCallId": "a",
                        "toolName": "one",
                        "input": {},
                        "providerOptions": {"google": {"thoughtSignature": "real"}},
                    },
                    {"type": "tool-call", "toolCallId": "b", "toolName": "two", "input": {}},
                ],
            }
        ),
        is_gemini3=True,
    )
    parts = converted.contents[0]["parts"]
    assert parts[0]["thoughtSignature"] == "real"
    assert "thoughtSignature" not in parts[1]
    assert converted.warnings == []


@pytest.mark.parametrize(
    ("output", "content"),
    [
        ({"type": "text", "value": "sunny"}, "sunny"),
        ({"type": "json", "value": {"temp": 21}}, {"temp": 21}),
        ({"type": "error-text", "value": "failed"}, "failed"),
        ({"type": "error-json", "value": {"code": 1}}, {"code": 1}),
        ({"type": "execution-denied"}, "Tool call execution denied."),
        ({"type": "execution-denied", "reason": "user said no"}, "user said no"),
    ],
)
def test_tool_results_become_function_responses(output: dict[str, Any], content: Any) -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "tool",
                "content": [
                    {"type": "tool-result", "toolCallId": "c1", "toolName": "weather", "output": output}
                ],
            }
        )
    )
    assert converted.contents == [
        {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "id": "c1",
                        "name": "weather",
                        "response": {"name": "weather", "content": content},
                    }
                }
            ],
        }
    ]


def multi_part_result(*items: dict[str, Any]) -> list[Message]:
    return prompt(
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c1",
                    "toolName": "shot",
                    "output": {"type": "content", "value": list(items)},
                }
            ],
        }
    )


def test_multi_part_tool_result_on_gemini3_carries_media_in_function_response_parts() -> None:
    converted = convert_to_google_messages(
        multi_part_result(
            {"type": "text", "text": "Here"},
            {"type": "media", "data": PNG, "mediaType": "image/png"},
            {"type": "text", "text": "done"},
            {"type": "media", "data": httpx.URL("https://x.test/a.png"), "mediaType": "image/png"},
        )
    )
    response = converted.contents[0]["parts"][0]["functionResponse"]
    assert response["parts"] == [{"inlineData": {"mimeType": "image/png", "data": PNG_B64}}]
    assert response["response"]["content"] == (
        'Here\ndone\n{"type":"media","data":"https://x.test/a.png","mediaType":"image/png"}'
    )


def test_media_only_tool_result_on_gemini3_reports_success_text() -> None:
    converted = convert_to_google_messages(
        multi_part_result({"type": "media", "data": PNG, "mediaType": "image/png"})
    )
    response = converted.contents[0]["parts"][0]["functionResponse"]
    assert response["response"]["content"] == "Tool executed successfully."


def test_multi_part_tool_result_on_older_models_sends_separate_inline_parts() -> None:
    converted = convert_to_google_messages(
        multi_part_result(
            {"type": "text", "text": "Here"},
            {"type": "media", "data": PNG, "mediaType": "image/png"},
            {"type": "media", "data": b"%PDF-1.4", "mediaType": "application/pdf"},
        ),
        supports_function_response_parts=False,
    )
    assert converted.contents[0]["parts"] == [
        {"functionResponse": {"id": "c1", "name": "shot", "response": {"name": "shot", "content": "Here"}}},
        {"inlineData": {"mimeType": "image/png", "data": PNG_B64}},
        {"text": "Tool executed successfully and returned this image as a response"},
        {"inlineData": {"mimeType": "application/pdf", "data": base64.b64encode(b"%PDF-1.4").decode()}},
        {"text": "Tool executed successfully and returned this file as a response"},
    ]


def test_provider_executed_tool_results_in_assistant_messages_are_not_replayed() -> None:
    converted = convert_to_google_messages(
        prompt(
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "ok"},
                    {
                        "type": "tool-result",
                        "toolCallId": "s1",
                        "toolName": "search",
                        "output": {"type": "json", "value": {}},
                    },
                ],
            }
        )
    )
    assert converted.contents[0]["parts"] == [{"text": "ok"}]
