from typing import Any

import httpx
import pytest

from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.prompt import messages_adapter
from providers.openai.capabilities import SystemMessageMode
from providers.openai.convert_messages import convert_to_openai_chat_messages

PNG = bytes.fromhex("89504e470d0a1a0a")
WAV = b"RIFF\x00\x00\x00\x00WAVEfmt "


def convert(messages: list[dict[str, Any]], mode: SystemMessageMode = "system") -> list[dict[str, Any]]:
    converted, _ = convert_to_openai_chat_messages(messages_adapter.validate_python(messages), mode)
    return converted


def user(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(parts)}


def test_system_role_follows_the_mode() -> None:
    system = [{"role": "system", "content": "Be brief."}]
    assert convert(system) == [{"role": "system", "content": "Be brief."}]
    assert convert(system, "developer") == [{"role": "developer", "content": "Be brief."}]


def test_removed_system_message_gives_a_warning() -> None:
    converted, warnings = convert_to_openai_chat_messages(
        messages_adapter.validate_python([{"role": "system", "content": "x"}]), "remove"
    )
    assert converted == []
    assert [w.message for w in warnings] == ["system messages are removed for this model"]


def test_single_text_part_becomes_a_string() -> None:
    assert convert([user({"type": "text", "text": "Hi"})]) == [{"role": "user", "content": "Hi"}]


def test_image_by_url_and_bytes_with_detail() -> None:
    converted = convert(
        [
            user(
                {"type": "text", "text": "Compare"},
                {"type": "file", "mediaType": "image", "data": httpx.URL("https://x.test/a.png")},
                {
                    "type": "file",
                    "mediaType": "image/png",
                    "data": PNG,
                    "providerOptions": {"openai": {"imageDetail": "high"}},
                },
            )
        ]
    )
    assert converted[0]["content"] == [
        {"type": "text", "text": "Compare"},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}},
    ]


def test_image_without_subtype_is_sniffed_from_bytes() -> None:
    converted = convert([user({"type": "file", "mediaType": "image/*", "data": PNG})])
    assert converted[0]["content"][0]["image_url"]["url"].startswith("data:image/png;base64,")


@pytest.mark.parametrize(("media_type", "wire_format"), [("audio/wav", "wav"), ("audio/mpeg", "mp3")])
def test_inline_audio_becomes_input_audio(media_type: str, wire_format: str) -> None:
    converted = convert([user({"type": "file", "mediaType": media_type, "data": b"\x01\x02"})])
    assert converted[0]["content"] == [
        {"type": "input_audio", "input_audio": {"data": "AQI=", "format": wire_format}}
    ]


def test_audio_subtype_is_sniffed_when_missing() -> None:
    converted = convert([user({"type": "file", "mediaType": "audio", "data": WAV})])
    assert converted[0]["content"][0]["input_audio"]["format"] == "wav"


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"mediaType": "audio/wav", "data": httpx.URL("https://x.test/a.wav")}, "audio file parts with URLs"),
        ({"mediaType": "audio/ogg", "data": b"x"}, "audio content parts with media type audio/ogg"),
        (
            {"mediaType": "application/pdf", "data": httpx.URL("https://x.test/a.pdf")},
            "PDF file parts with URLs",
        ),
        ({"mediaType": "text/plain", "data": b"hi"}, "file part media type text/plain"),
        ({"mediaType": "application", "data": b"nothing known"}, "could not be auto-detected"),
    ],
)
def test_unsupported_files_raise(part: dict[str, Any], message: str) -> None:
    with pytest.raises(UnsupportedFunctionalityError, match=message):
        convert([user({"type": "file", **part})])


def test_pdf_is_sent_inline_with_a_filename() -> None:
    converted = convert(
        [
            user(
                {"type": "text", "text": "Summarize"},
                {"type": "file", "mediaType": "application/pdf", "data": b"%PDF-1.4"},
            )
        ]
    )
    assert converted[0]["content"][1] == {
        "type": "file",
        "file": {"filename": "part-1.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQ="},
    }


def test_image_parts_must_be_normalized_first() -> None:
    with pytest.raises(InvalidPromptError, match="normalized"):
        convert([user({"type": "image", "image": PNG})])


def test_assistant_text_and_tool_calls() -> None:
    converted = convert(
        [
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "hmm"},
                    {"type": "text", "text": "Let me "},
                    {"type": "text", "text": "check."},
                    {
                        "type": "tool-call",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "input": {"city": "Zürich"},
                    },
                ],
            }
        ]
    )
    assert converted == [
        {
            "role": "assistant",
            "content": "Let me check.",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city":"Zürich"}'},
                }
            ],
        }
    ]


def test_assistant_with_only_tool_calls_has_null_content() -> None:
    converted = convert(
        [
            {
                "role": "assistant",
                "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "t", "input": {}}],
            }
        ]
    )
    assert converted[0]["content"] is None


def test_each_tool_result_becomes_its_own_message() -> None:
    converted = convert(
        [
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "a",
                        "toolName": "t",
                        "output": {"type": "text", "value": "sunny"},
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "b",
                        "toolName": "t",
                        "output": {"type": "json", "value": {"t": 21}},
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "c",
                        "toolName": "t",
                        "output": {"type": "error-text", "value": "oops"},
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "d",
                        "toolName": "t",
                        "output": {"type": "execution-denied"},
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "e",
                        "toolName": "t",
                        "output": {
                            "type": "content",
                            "value": [
                                {"type": "text", "text": "chart"},
                                {"type": "media", "data": b"\x01", "mediaType": "image/png"},
                            ],
                        },
                    },
                ],
            }
        ]
    )
    assert converted == [
        {"role": "tool", "tool_call_id": "a", "content": "sunny"},
        {"role": "tool", "tool_call_id": "b", "content": '{"t":21}'},
        {"role": "tool", "tool_call_id": "c", "content": "oops"},
        {"role": "tool", "tool_call_id": "d", "content": "Tool call execution denied."},
        {
            "role": "tool",
            "tool_call_id": "e",
            "content": '[{"type":"text","text":"chart"},'
            '{"type":"media","data":"AQ==","mediaType":"image/png"}]',
        },
    ]


def test_prompt_cache_breakpoint_turns_content_into_blocks() -> None:
    breakpoint_ = {"openai": {"promptCacheBreakpoint": {"mode": "explicit"}}}
    converted = convert(
        [
            {"role": "system", "content": "Long rules", "providerOptions": breakpoint_},
            user({"type": "text", "text": "Hi", "providerOptions": breakpoint_}),
        ]
    )
    mark = {"mode": "explicit"}
    assert converted == [
        {
            "role": "system",
            "content": [{"type": "text", "text": "Long rules", "prompt_cache_breakpoint": mark}],
        },
        {"role": "user", "content": [{"type": "text", "text": "Hi", "prompt_cache_breakpoint": mark}]},
    ]
