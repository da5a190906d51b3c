"""providers/anthropic/convert_messages.py: normalized prompt to Anthropic system blocks and messages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pipeline.errors import InvalidArgumentError, InvalidPromptError, UnsupportedFunctionalityError
from pipeline.prompt import messages_adapter
from providers.anthropic.cache_control import CacheBreakpoints
from providers.anthropic.convert_messages import convert_to_anthropic_prompt, resolve_media_type

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PDF = b"%PDF-1.7\n"
EPHEMERAL = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}


def convert(messages: list[dict[str, Any]], **kwargs: Any) -> Any:
    return convert_to_anthropic_prompt(messages_adapter.validate_python(messages), **kwargs)


def user(*parts: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(parts), **fields}


def text(value: str, **fields: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **fields}


def tool_result(call_id: str, output: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"type": "tool-result", "toolCallId": call_id, "toolName": "t", "output": output, **fields}


def test_leading_system_messages_become_top_level_system_blocks() -> None:
    result = convert(
        [{"role": "system", "content": "a"}, {"role": "system", "content": "b"}, user(text("hi"))]
    )
    assert result.system == [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert result.messages == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert result.betas == []


def test_a_system_message_after_the_first_block_is_hoisted_when_there_is_no_system_yet() -> None:
    result = convert([user(text("hi")), {"role": "system", "content": "late"}])
    assert result.system == [{"type": "text", "text": "late"}]
    assert result.betas == []


def test_user_and_tool_messages_merge_into_one_user_message() -> None:
    result = convert(
        [
            user(text("q")),
            {
                "role": "assistant",
                "content": [{"type": "tool-call", "toolCallId": "c1", "toolName": "t", "input": {}}],
            },
            {"role": "tool", "content": [tool_result("c1", {"type": "text", "value": "r"})]},
            user(text("next")),
        ]
    )
    assert [message["role"] for message in result.messages] == ["user", "assistant", "user"]
    assert result.messages[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "c1", "content": "r"},
        {"type": "text", "text": "next"},
    ]


def test_consecutive_assistant_messages_merge_and_only_the_final_text_is_trimmed() -> None:
    result = convert(
        [
            user(text("q")),
            {"role": "assistant", "content": [text("one  ")]},
            {"role": "assistant", "content": [text("two  ")]},
        ]
    )
    assert result.messages[1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "one  "}, {"type": "text", "text": "two"}],
    }


def test_assistant_text_is_not_trimmed_when_a_user_message_follows() -> None:
    result = convert([{"role": "assistant", "content": [text("keep  ")]}, user(text("q"))])
    assert result.messages[0]["content"] == [{"type": "text", "text": "keep  "}]


def test_images_are_sent_as_base64_or_url_sources() -> None:
    result = convert(
        [
            user(
                {"type": "file", "data": PNG, "mediaType": "image/png"},
                {"type": "file", "data": httpx.URL("https://example.com/a.jpg"), "mediaType": "image"},
            )
        ]
    )
    assert result.messages[0]["content"] == [
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAAAAAAAAA=="},
        },
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
    ]


def test_pdf_documents_add_the_pdfs_beta_and_carry_title_context_and_citations() -> None:
    options = {"anthropic": {"context": "ctx", "citations": {"enabled": True}}}
    result = convert(
        [
            user(
                {
                    "type": "file",
                    "data": PDF,
                    "mediaType": "application/pdf",
                    "filename": "r.pdf",
                    "providerOptions": options,
                }
            )
        ]
    )
    assert result.messages[0]["content"] == [
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjcK"},
            "title": "r.pdf",
            "context": "ctx",
            "citations": {"enabled": True},
        }
    ]
    assert result.betas == ["pdfs-2024-09-25"]


def test_text_plain_files_become_text_documents_and_urls_stay_urls() -> None:
    result = convert(
        [
            user(
                {"type": "file", "data": "héllo".encode(), "mediaType": "text/plain"},
                {"type": "file", "data": httpx.URL("https://example.com/a.txt"), "mediaType": "text/plain"},
            )
        ]
    )
    assert result.messages[0]["content"] == [
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "héllo"}},
        {"type": "document", "source": {"type": "url", "url": "https://example.com/a.txt"}},
    ]


def test_audio_files_are_unsupported() -> None:
    with pytest.raises(UnsupportedFunctionalityError, match="media type: audio/wav"):
        convert([user({"type": "file", "data": b"RIFF", "mediaType": "audio/wav"})])


def test_file_data_that_was_not_normalized_is_rejected_with_its_path() -> None:
    with pytest.raises(InvalidPromptError, match=r"messages\[0\]\.content\[0\]"):
        convert([user({"type": "file", "data": "aGVsbG8=", "mediaType": "image/png"})])


@pytest.mark.parametrize(
    ("media_type", "data", "expected"),
    [
        ("image/png", b"anything", "image/png"),
        ("image", PNG, "image/png"),
        ("image/*", b"\xff\xd8\xff\xe0", "image/jpeg"),
        ("image", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("application", PDF, "application/pdf"),
        ("image", httpx.URL("https://example.com/x"), "image"),
        ("image", b"unknown", "image"),
    ],
)
def test_resolve_media_type_sniffs_only_incomplete_types(media_type: str, data: Any, expected: str) -> None:
    assert resolve_media_type(media_type, data) == expected


def test_tool_results_map_every_output_type() -> None:
    result = convert(
        [
            {
                "role": "tool",
                "content": [
                    tool_result("a", {"type": "text", "value": "plain"}),
                    tool_result("b", {"type": "json", "value": {"x": [1, "é"]}}),
                    tool_result("c", {"type": "error-text", "value": "boom"}),
                    tool_result("d", {"type": "error-json", "value": {"code": 1}}),
                    tool_result("e", {"type": "execution-denied"}),
                    tool_result("f", {"type": "execution-denied", "reason": "no"}),
                ],
            }
        ]
    )
    assert result.messages[0]["content"] == [
        {"type": "tool_result", "tool_use_id": "a", "content": "plain"},
        {"type": "tool_result", "tool_use_id": "b", "content": '{"x":[1,"é"]}'},
        {"type": "tool_result", "tool_use_id": "c", "content": "boom", "is_error": True},
        {"type": "tool_result", "tool_use_id": "d", "content": '{"code":1}', "is_error": True},
        {"type": "tool_result", "tool_use_id": "e", "content": "Tool call execution denied."},
        {"type": "tool_result", "tool_use_id": "f", "content": "no"},
    ]


def test_multi_part_tool_results_carry_text_images_and_documents() -> None:
    output = {
        "type": "content",
        "value": [
            {"type": "text", "text": "see"},
            {"type": "media", "data": PNG, "mediaType": "image/png"},
            {"type": "media", "data": PDF, "mediaType": "application/pdf"},
            {"type": "media", "data": httpx.URL("https://example.com/i.png"), "mediaType": "image/png"},
            {"type": "media", "data": b"RIFF", "mediaType": "audio/wav"},
        ],
    }
    result = convert([{"role": "tool", "content": [tool_result("m", output)]}])
    assert result.messages[0]["content"][0]["content"] == [
        {"type": "text", "text": "see"},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAAAAAAAAA=="},
        },
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjcK"},
        },
        {"type": "image", "source": {"type": "url", "url": "https://example.com/i.png"}},
    ]
    assert result.betas == ["pdfs-2024-09-25"]
    assert [w.message for w in result.warnings] == [
        "unsupported tool content part type: media with media type: audio/wav"
    ]


def test_tool_calls_wrap_non_object_input_and_move_after_text_within_a_segment() -> None:
    result = convert(
        [
            {
                "role": "assistant",
                "content": [
                    {"type": "tool-call", "toolCallId": "c1", "toolName": "t", "input": "raw"},
                    text("after"),
                    {
                        "type": "reasoning",
                        "text": "think",
                        "providerOptions": {"anthropic": {"signature": "s"}},
                    },
                    {"type": "tool-call", "toolCallId": "c2", "toolName": "t", "input": {"a": 1}},
                ],
            },
            user(text("q")),
        ]
    )
    assert result.messages[0]["content"] == [
        {"type": "text", "text": "after"},
        {"type": "tool_use", "id": "c1", "name": "t", "input": {"rawInvalidInput": "raw"}},
        {"type": "thinking", "thinking": "think", "signature": "s"},
        {"type": "tool_use", "id": "c2", "name": "t", "input": {"a": 1}},
    ]


def test_redacted_reasoning_becomes_redacted_thinking() -> None:
    part = {"type": "reasoning", "text": "", "providerOptions": {"anthropic": {"redactedData": "abc"}}}
    result = convert([{"role": "assistant", "content": [part]}])
    assert result.messages[0]["content"] == [{"type": "redacted_thinking", "data": "abc"}]


def test_provider_executed_calls_and_assistant_files_are_not_sent() -> None:
    result = convert(
        [
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool-call",
                        "toolCallId": "s",
                        "toolName": "web",
                        "input": {},
                        "providerExecuted": True,
                    },
                    tool_result("s", {"type": "json", "value": {}}),
                    {"type": "file", "data": PNG, "mediaType": "image/png"},
                    text("done"),
                ],
            }
        ]
    )
    assert result.messages[0]["content"] == [{"type": "text", "text": "done"}]
    assert [w.message for w in result.warnings] == [
        "provider executed tool call for tool web is not supported",
        "provider executed tool result for tool t is not supported",
    ]


def test_cache_control_comes_from_part_then_output_then_message_last_part() -> None:
    result = convert(
        [
            {
                "role": "tool",
                "content": [
                    tool_result("a", {"type": "json", "value": 1, "providerOptions": EPHEMERAL}),
                    tool_result("b", {"type": "json", "value": 2}),
                ],
                "providerOptions": {"anthropic": {"cache_control": {"type": "ephemeral", "ttl": "1h"}}},
            }
        ]
    )
    assert [block.get("cache_control") for block in result.messages[0]["content"]] == [
        {"type": "ephemeral"},
        {"type": "ephemeral", "ttl": "1h"},
    ]


def test_breakpoints_beyond_four_are_dropped_with_a_warning_shared_with_the_caller() -> None:
    cache = CacheBreakpoints()
    cache.count = 3  # e.g. three tool definitions already took breakpoints
    result = convert(
        [user(text("a", providerOptions=EPHEMERAL), text("b", providerOptions=EPHEMERAL))], cache=cache
    )
    assert [block.get("cache_control") for block in result.messages[0]["content"]] == [
        {"type": "ephemeral"},
        None,
    ]
    assert (
        cache.warnings[0].details
        == "Maximum 4 cache breakpoints exceeded (found 5). This breakpoint will be ignored."
    )


def test_invalid_part_options_raise_invalid_argument() -> None:
    part = {
        "type": "file",
        "data": PDF,
        "mediaType": "application/pdf",
        "providerOptions": {"anthropic": {"title": 3}},
    }
    with pytest.raises(InvalidArgumentError, match="invalid anthropic provider options"):
        convert([user(part)])
