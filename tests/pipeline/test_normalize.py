"""normalize_prompt: the normalized invariants, data decoding, media types, tool messages, idempotence."""

from __future__ import annotations

import base64
import itertools
from typing import Any
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import generate_text
from pipeline.attachment_limits import AttachmentLimits, MiB, attachment_limits
from pipeline.errors import (
    InvalidDataContentError,
    InvalidPromptError,
    MissingToolResultsError,
    UnsupportedFunctionalityError,
)
from pipeline.normalize import OrphanToolResultWarning, normalize_prompt
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    FilePart,
    ImagePart,
    JsonOutput,
    MediaItem,
    Message,
    ReasoningPart,
    SystemMessage,
    TextItem,
    TextOutput,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.standardize import standardize_prompt
from pipeline.testing import MockLanguageModel

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
JPEG = bytes.fromhex("ffd8ffe000104a464946")
PDF = b"%PDF-1.7\n%\xe2\xe3"
URL = httpx.URL("https://example.com/cat.png")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _user_parts(*parts: Any) -> list[Any]:
    message = normalize_prompt([UserMessage(content=list(parts))])[0]
    assert isinstance(message.content, list)
    return message.content


def _one_file(part: Any) -> FilePart:
    content = _user_parts(part)
    assert len(content) == 1 and isinstance(content[0], FilePart)
    return content[0]


def _call(call_id: str, *, provider_executed: bool | None = None) -> ToolCallPart:
    return ToolCallPart(tool_call_id=call_id, tool_name="t", input={}, provider_executed=provider_executed)


def _result(call_id: str, **options: Any) -> ToolResultPart:
    return ToolResultPart(tool_call_id=call_id, tool_name="t", output=TextOutput(value="ok"), **options)


# --- content shapes -------------------------------------------------------------------------------


def test_string_content_becomes_a_text_part_list() -> None:
    normalized = normalize_prompt(
        [SystemMessage(content="S"), UserMessage(content="U"), AssistantMessage(content="A")]
    )
    assert normalized == [
        SystemMessage(content="S"),
        UserMessage(content=[TextPart(text="U")]),
        AssistantMessage(content=[TextPart(text="A")]),
    ]


def test_empty_user_text_parts_are_dropped_even_with_provider_options() -> None:
    parts = [TextPart(text=""), TextPart(text="", provider_options={"x": {"y": 1}}), TextPart(text="kept")]
    assert _user_parts(*parts) == [TextPart(text="kept")]
    assert normalize_prompt([UserMessage(content="")]) == [UserMessage(content=[])]


def test_empty_assistant_text_is_dropped_unless_it_carries_provider_options() -> None:
    marked = TextPart(text="", provider_options={"anthropic": {"signature": "s"}})
    message = AssistantMessage(content=[TextPart(text=""), marked, ReasoningPart(text="")])
    assert normalize_prompt([message]) == [AssistantMessage(content=[marked, ReasoningPart(text="")])]
    assert normalize_prompt([AssistantMessage(content="")]) == [AssistantMessage(content=[])]


def test_provider_options_are_kept_at_message_and_part_level() -> None:
    message = UserMessage(
        content=[TextPart(text="a", provider_options={"openai": {"imageDetail": "low"}})],
        provider_options={"anthropic": {"cacheControl": {"type": "ephemeral"}}},
    )
    assert normalize_prompt([message]) == [message]


# --- data forms and media types ------------------------------------------------------------------


def test_image_part_becomes_a_file_with_its_declared_media_type() -> None:
    file = _one_file(ImagePart(image=PNG, media_type="image/png", provider_options={"o": {"k": 1}}))
    assert file == FilePart(data=PNG, media_type="image/png", provider_options={"o": {"k": 1}})


def test_image_without_media_type_is_sniffed_from_bytes() -> None:
    assert _one_file(ImagePart(image=_b64(JPEG))).media_type == "image/jpeg"


def test_image_url_without_media_type_gets_top_level_image() -> None:
    assert _one_file(ImagePart(image="https://example.com/cat")) == FilePart(
        data=URL.copy_with(path="/cat"), media_type="image"
    )


def test_sniffed_image_type_beats_a_wrong_image_declaration() -> None:
    assert _one_file(ImagePart(image=JPEG, media_type="image/png")).media_type == "image/jpeg"
    # The AI SDK's "should prefer detected mediaType" case: data:image/png;base64,/9j/3Q== is a JPEG.
    assert _one_file(FilePart(data="data:image/png;base64,/9j/3Q==", media_type="image/png")) == (
        FilePart(data=b"\xff\xd8\xff\xdd", media_type="image/jpeg")
    )


def test_declared_non_image_types_are_not_overridden_by_image_sniffing() -> None:
    # "BM..." is the BMP signature, but a text file that happens to start with it stays text.
    assert _one_file(FilePart(data=b"BMW models", media_type="text/plain")).media_type == "text/plain"


def test_data_url_media_type_overrides_the_declared_one() -> None:
    file = _one_file(FilePart(data=f"data:application/pdf;base64,{_b64(PDF)}", media_type="text/plain"))
    assert file == FilePart(data=PDF, media_type="application/pdf")


def test_data_url_without_base64_flag_is_percent_decoded() -> None:
    assert (
        _one_file(FilePart(data="data:text/plain,hello%20world", media_type="text/plain")).data
        == b"hello world"
    )


def test_data_url_given_as_url_object_is_split_too() -> None:
    file = _one_file(FilePart(data=httpx.URL(f"data:image/png;base64,{_b64(PNG)}"), media_type="image"))
    assert file == FilePart(data=PNG, media_type="image/png")


def test_base64_variants_decode() -> None:
    urlsafe = base64.urlsafe_b64encode(b"\xfb\xff\xfe").decode()
    assert _one_file(FilePart(data=urlsafe, media_type="application/octet-stream")).data == b"\xfb\xff\xfe"
    unpadded = _b64(b"ab").rstrip("=")
    assert _one_file(FilePart(data=unpadded, media_type="application/octet-stream")).data == b"ab"
    wrapped = _b64(PDF * 10)
    wrapped = "\n".join(wrapped[i : i + 20] for i in range(0, len(wrapped), 20))
    assert _one_file(FilePart(data=wrapped, media_type="application/pdf")).data == PDF * 10


def test_http_url_strings_and_objects_become_httpx_urls() -> None:
    assert _one_file(FilePart(data="https://example.com/cat.png", media_type="image/png")).data == URL
    assert _one_file(FilePart(data=URL, media_type="image/png")).data == URL


@pytest.mark.parametrize(
    ("data", "path_end", "reason"),
    [
        ("not base64!", ".data", "Invalid data content. Content string is not a base64-encoded media."),
        ("abcde", ".data", "Invalid data content. Content string is not a base64-encoded media."),
        (
            "data:image/png;base64,%%%",
            ".data",
            "Invalid data content. Content string is not a base64-encoded media.",
        ),
        ("data:;base64,AAAA", ".data", "Invalid data URL format in content (str of length 17)"),
        ("data:image/png;base64,", ".data", "Invalid data URL format in content (str of length 22)"),
        ("data:image/png;base64", ".data", "Invalid data URL format in content (str of length 21)"),
        (
            "ftp://example.com/a.png",
            ".data",
            "URL scheme 'ftp' is not supported; use bytes, base64 text, a data: URL or an http(s) URL",
        ),
        (
            "file:///etc/passwd",
            ".data",
            "URL scheme 'file' is not supported; use bytes, base64 text, a data: URL or an http(s) URL",
        ),
        (
            httpx.URL("file:///etc/passwd"),
            ".data",
            "URL scheme 'file' is not supported; use bytes, base64 text, a data: URL or an http(s) URL",
        ),
        ("https://", ".data", "URL has no host"),
    ],
)
def test_bad_data_raises_invalid_data_content_error_with_path(data: Any, path_end: str, reason: str) -> None:
    with pytest.raises(InvalidDataContentError) as caught:
        normalize_prompt(
            [
                UserMessage(content="x"),
                UserMessage(content=[TextPart(text="a"), FilePart(data=data, media_type="image/png")]),
            ]
        )
    assert caught.value.path == f"prompt[1].content[1]{path_end}"
    assert caught.value.reason == reason


def test_bad_image_data_names_the_image_field() -> None:
    with pytest.raises(InvalidDataContentError) as caught:
        normalize_prompt([UserMessage(content=[ImagePart(image="@@@")])])
    assert caught.value.path == "prompt[0].content[0].image"


def test_invalid_data_messages_do_not_echo_the_payload() -> None:
    with pytest.raises(InvalidDataContentError) as caught:
        normalize_prompt(
            [UserMessage(content=[FilePart(data="data:;base64," + "SECRET" * 20, media_type="a/b")])]
        )
    assert "SECRET" not in str(caught.value)


def test_partial_media_type_is_completed_by_sniffing_inline_data() -> None:
    assert _one_file(FilePart(data=PDF, media_type="application")).media_type == "application/pdf"
    assert _one_file(FilePart(data=b"\xff\xfb\x90\x64", media_type="audio/*")).media_type == "audio/mpeg"


def test_partial_media_type_is_kept_for_urls() -> None:
    assert _one_file(FilePart(data=URL, media_type="image")).media_type == "image"


def test_inline_data_with_an_undetectable_partial_media_type_is_unsupported() -> None:
    with pytest.raises(UnsupportedFunctionalityError) as caught:
        normalize_prompt([UserMessage(content=[FilePart(data=b"plain words", media_type="text")])])
    assert (
        str(caught.value)
        == "file of media type 'text' must specify subtype since it could not be auto-detected"
    )


def test_assistant_files_are_decoded_without_image_sniffing() -> None:
    message = AssistantMessage(content=[FilePart(data=_b64(JPEG), media_type="image/png", filename="x.png")])
    assert normalize_prompt([message]) == [
        AssistantMessage(content=[FilePart(data=JPEG, media_type="image/png", filename="x.png")])
    ]


def test_tool_result_media_items_are_decoded() -> None:
    output = ContentOutput(
        value=[
            TextItem(text="see"),
            MediaItem(data=f"data:image/png;base64,{_b64(PNG)}", media_type="image/jpeg"),
        ]
    )
    message = ToolMessage(content=[ToolResultPart(tool_call_id="c", tool_name="t", output=output)])
    normalized = normalize_prompt([AssistantMessage(content=[_call("c")]), message])[1]
    assert isinstance(normalized, ToolMessage)
    assert normalized.content[0].output == ContentOutput(
        value=[TextItem(text="see"), MediaItem(data=PNG, media_type="image/png")]
    )


def test_provider_executed_tool_results_in_assistant_messages_are_decoded() -> None:
    output = ContentOutput(value=[MediaItem(data=_b64(PDF), media_type="application/pdf")])
    message = AssistantMessage(
        content=[
            _call("p", provider_executed=True),
            ToolResultPart(tool_call_id="p", tool_name="t", output=output),
        ]
    )
    normalized = normalize_prompt([message])[0]
    result = normalized.content[1]
    assert isinstance(result, ToolResultPart) and isinstance(result.output, ContentOutput)
    assert result.output.value[0] == MediaItem(data=PDF, media_type="application/pdf")


# --- tool messages --------------------------------------------------------------------------------


def test_consecutive_tool_messages_are_merged_and_options_move_to_the_last_part() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("a"), _call("b"), _call("c")]),
        ToolMessage(
            content=[_result("a"), _result("b", provider_options={"p": {"part": 1, "shared": "part"}})],
            provider_options={"p": {"message": 1, "shared": "message"}},
        ),
        ToolMessage(content=[_result("c")], provider_options={"q": {"later": True}}),
    ]
    merged = normalize_prompt(prompt)
    assert merged[1:] == [
        ToolMessage(
            content=[
                _result("a"),
                _result("b", provider_options={"p": {"message": 1, "part": 1, "shared": "part"}}),
                _result("c"),
            ],
            provider_options={"q": {"later": True}},
        )
    ]


def test_tool_messages_left_empty_are_removed() -> None:
    prompt: list[Message] = [
        UserMessage(content="hi"),
        ToolMessage(content=[]),
        AssistantMessage(content="yo"),
    ]
    assert normalize_prompt(prompt) == [
        UserMessage(content=[TextPart(text="hi")]),
        AssistantMessage(content=[TextPart(text="yo")]),
    ]


def test_missing_tool_result_before_the_next_user_message_raises() -> None:
    prompt: list[Message] = [AssistantMessage(content=[_call("call_1")]), UserMessage(content="next")]
    with pytest.raises(MissingToolResultsError) as caught:
        normalize_prompt(prompt)
    assert caught.value.tool_call_ids == ["call_1"]
    assert "Tool result is missing for tool call call_1." in str(caught.value)


def test_a_missing_tool_result_is_located_at_the_first_unanswered_call() -> None:
    prompt: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(content=[TextPart(text="calling"), _call("a"), _call("b")]),
        ToolMessage(content=[_result("a")]),
        UserMessage(content="next"),
    ]
    with pytest.raises(MissingToolResultsError) as caught:
        normalize_prompt(prompt)
    assert caught.value.path == "prompt[1].content[2]"
    assert caught.value.tool_call_ids == ["b"]
    with pytest.raises(MissingToolResultsError) as caught:
        normalize_prompt(prompt, paths=["system", "messages[0]", "messages[1]", "messages[2]"])
    assert str(caught.value).startswith("Invalid prompt: messages[0].content[2]: Tool result is missing")


def test_missing_tool_results_at_the_end_list_every_id() -> None:
    prompt: list[Message] = [AssistantMessage(content=[_call("a"), _call("b")]), ToolMessage(content=[])]
    with pytest.raises(MissingToolResultsError, match=r"Tool results are missing for tool calls a, b\."):
        normalize_prompt(prompt)


def test_missing_tool_result_before_a_system_message_raises() -> None:
    with pytest.raises(MissingToolResultsError):
        normalize_prompt([AssistantMessage(content=[_call("a")]), SystemMessage(content="s")])


def test_provider_executed_calls_need_no_tool_message() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("p", provider_executed=True)]),
        UserMessage(content="x"),
    ]
    assert len(normalize_prompt(prompt)) == 2


def test_answered_tool_calls_pass() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("a")]),
        ToolMessage(content=[_result("a")]),
        UserMessage(content="thanks"),
    ]
    assert len(normalize_prompt(prompt)) == 3


def test_a_long_run_of_tool_messages_merges_into_one_in_order() -> None:
    count = 20_000
    prompt: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(content=[_call(f"c{index}") for index in range(count)]),
        *(
            ToolMessage(content=[_result(f"c{index}")], provider_options={"p": {"index": index}})
            for index in range(count)
        ),
    ]
    merged = normalize_prompt(prompt)
    assert len(merged) == 3
    tool = merged[2]
    assert isinstance(tool, ToolMessage)
    assert [part.tool_call_id for part in tool.content] == [f"c{index}" for index in range(count)]
    # each earlier message's options moved onto its part; the last message keeps its own
    assert [part.provider_options for part in tool.content[:3]] == [
        {"p": {"index": index}} for index in range(3)
    ]
    assert tool.content[-1].provider_options is None
    assert tool.provider_options == {"p": {"index": count - 1}}


def test_duplicate_tool_call_ids_are_refused_naming_both_positions() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("a")]),
        ToolMessage(content=[_result("a")]),
        AssistantMessage(content=[TextPart(text="again"), _call("a")]),
        ToolMessage(content=[_result("a")]),
    ]
    with pytest.raises(InvalidPromptError) as caught:
        normalize_prompt(prompt)
    assert caught.value.path == "prompt[2].content[1]"
    assert "duplicate tool call id 'a'" in str(caught.value)
    assert "prompt[0].content[0]" in str(caught.value)


def test_duplicate_tool_result_ids_are_refused() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("a")]),
        ToolMessage(content=[_result("a"), _result("a")]),
    ]
    with pytest.raises(InvalidPromptError, match=r"the tool result at prompt\[1\]\.content\[0\]") as caught:
        normalize_prompt(prompt)
    assert caught.value.path == "prompt[1].content[1]"


def test_a_provider_executed_call_and_its_result_share_an_id() -> None:
    part = ToolResultPart(tool_call_id="srv", tool_name="search", output=TextOutput(value="found"))
    prompt: list[Message] = [AssistantMessage(content=[_call("srv", provider_executed=True), part])]
    assert normalize_prompt(prompt) == prompt


def test_tool_results_opening_the_prompt_are_kept_without_a_warning() -> None:
    """The prompt spec's multi-modal example: a tool message whose calls come before the excerpt."""
    prompt: list[Message] = [ToolMessage(content=[_result("11344"), _result("12345")])]
    assert normalize_prompt(prompt) == prompt


def test_a_tool_result_for_an_unknown_id_after_other_calls_is_kept_with_a_warning() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("a")]),
        ToolMessage(content=[_result("a"), _result("zz")]),
    ]
    with pytest.warns(OrphanToolResultWarning, match=r"prompt\[1\]\.content\[1\]: .*'zz'"):
        merged = normalize_prompt(prompt)
    assert merged == prompt


def test_a_prompt_that_fails_anyway_gets_no_orphan_warning() -> None:
    prompt: list[Message] = [
        AssistantMessage(content=[_call("12246")]),
        ToolMessage(content=[_result("12335")]),
    ]
    with pytest.raises(MissingToolResultsError):
        normalize_prompt(prompt)  # filterwarnings=error: a warning would fail this test first


# --- values that cannot be sent -------------------------------------------------------------------


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("message", "path", "reason"),
    [
        (UserMessage(content="lone \ud800"), "prompt[0].content", "lone surrogate"),
        (
            UserMessage(content=[TextPart(text="ok"), TextPart(text="\udc00")]),
            "prompt[0].content[1].text",
            "surrogate",
        ),
        (SystemMessage(content="sys \udfff"), "prompt[0].content", "surrogate"),
        (
            AssistantMessage(content=[ToolCallPart(tool_call_id="c", tool_name="t", input={"s": {1, 2}})]),
            "prompt[0].content[0].input.s",
            "set is not a JSON value",
        ),
        (
            AssistantMessage(
                content=[ToolCallPart(tool_call_id="c", tool_name="t", input={"n": float("nan")})]
            ),
            "prompt[0].content[0].input.n",
            "nan is not a finite number",
        ),
        (
            ToolMessage(
                content=[ToolResultPart(tool_call_id="c", tool_name="t", output=JsonOutput(value=[b"raw"]))]
            ),
            "prompt[0].content[0].output.value[0]",
            "bytes is not a JSON value",
        ),
        (
            UserMessage(content="hi", provider_options={"openai": {"x": float("inf")}}),
            "prompt[0].provider_options.openai.x",
            "inf is not a finite number",
        ),
        (
            AssistantMessage(content=[ToolCallPart(tool_call_id="c", tool_name="t", input=_deep(5000))]),
            "prompt[0].content[0].input.a.a",
            "nested more than 256 levels deep",
        ),
    ],
)
def test_values_that_cannot_be_sent_are_refused_by_path(message: Message, path: str, reason: str) -> None:
    with pytest.raises(InvalidPromptError) as caught:
        normalize_prompt([message])
    assert caught.value.path is not None and caught.value.path.startswith(path)
    assert reason in str(caught.value)


async def test_unsendable_prompts_fail_before_the_model_is_called() -> None:
    model = MockLanguageModel()
    messages: list[dict[str, Any]] = [
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "t", "input": {"s": {1}}}],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c",
                    "toolName": "t",
                    "output": {"type": "text", "value": "ok"},
                }
            ],
        },
    ]
    with pytest.raises(InvalidPromptError, match=r"messages|prompt\[0\]\.content\[0\]\.input\.s"):
        await generate_text(model, messages=messages)
    with pytest.raises(InvalidPromptError, match="surrogate"):
        await generate_text(model, prompt="bad \ud800 text")
    assert model.calls == []


# --- attachment URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://xn--a.com/cat.png", "internationalized domain name"),
        (httpx.URL("https://xn--a.com/cat.png"), "internationalized domain name"),
        ("https://example.com:99999/cat.png", "port 99999 is out of range"),
        ("https://example.com:0/cat.png", "port 0 is out of range"),
    ],
)
def test_malformed_attachment_urls_are_typed_errors_naming_the_part(
    url: str | httpx.URL, reason: str
) -> None:
    with pytest.raises(InvalidDataContentError, match=reason) as caught:
        normalize_prompt([UserMessage(content=[ImagePart(image=url)])])
    assert caught.value.path == "prompt[0].content[0].image"


# --- inline attachment limits --------------------------------------------------------------------

SMALL = AttachmentLimits(max_file_bytes=1000, max_call_bytes=2500)


def _png(size: int) -> bytes:
    return PNG + b"\0" * (size - len(PNG))


@pytest.mark.parametrize(
    "form",
    [
        lambda data: data,
        _b64,
        lambda data: base64.encodebytes(data).decode(),  # MIME base64: a newline every 76 characters
        lambda data: base64.urlsafe_b64encode(data).decode().rstrip("="),
        lambda data: f"data:image/png;base64,{_b64(data)}",
        lambda data: "data:image/png," + quote_from_bytes(data),
    ],
    ids=["bytes", "base64", "mime-base64", "urlsafe-unpadded", "data-url-base64", "data-url-percent"],
)
def test_inline_files_up_to_the_per_file_limit_pass_and_one_byte_more_fails(form: Any) -> None:
    exact = FilePart(data=form(_png(1000)), media_type="image/png")
    assert normalize_prompt([UserMessage(content=[exact])], limits=SMALL)[0].content[0].data == _png(1000)  # type: ignore[union-attr]
    over = FilePart(data=form(_png(1001)), media_type="image/png")
    with pytest.raises(
        InvalidDataContentError, match="larger than the per-file limit of 1000 bytes"
    ) as caught:
        normalize_prompt([UserMessage(content=[over])], limits=SMALL)
    assert caught.value.path == "prompt[0].content[0].data"


def test_oversized_base64_is_refused_from_its_length_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_decoding(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("decoded an oversized payload")

    monkeypatch.setattr("pipeline.normalize.base64.b64decode", no_decoding)
    big = "A" * (28 * 1024 * 1024)  # 21 MiB once decoded, over the 20 MiB default
    for data in (big, f"data:image/png;base64,{big}"):
        with pytest.raises(InvalidDataContentError, match="per-file limit of 20971520 bytes"):
            normalize_prompt([UserMessage(content=[ImagePart(image=data)])])


def test_inline_files_of_one_call_share_the_per_call_limit() -> None:
    image = ImagePart(image=_png(900))
    item = MediaItem(data=_b64(_png(900)), media_type="image/png")
    result = ToolResultPart(tool_call_id="c", tool_name="t", output=ContentOutput(value=[item]))
    prompt: list[Message] = [
        UserMessage(content=[image, image]),
        AssistantMessage(content=[_call("c")]),
        ToolMessage(content=[result]),
    ]
    with pytest.raises(InvalidDataContentError, match="per-call limit of 2500 bytes") as caught:
        normalize_prompt(prompt, limits=SMALL)
    assert caught.value.path == "prompt[2].content[0].output.value[0].data"
    assert len(normalize_prompt(prompt[:1], limits=SMALL)) == 1


def test_attachment_limits_set_for_a_block_apply_to_the_calls_inside_it() -> None:
    prompt: list[Message] = [UserMessage(content=[ImagePart(image=_png(30 * MiB))])]
    with pytest.raises(InvalidDataContentError, match="per-file limit"):
        normalize_prompt(prompt)
    with attachment_limits(max_file_bytes=40 * MiB):
        assert isinstance(normalize_prompt(prompt)[0].content[0], FilePart)  # type: ignore[index]
    with pytest.raises(InvalidDataContentError, match="per-file limit"):
        normalize_prompt(prompt)


# --- purity and idempotence ---------------------------------------------------------------------


def test_normalization_does_not_change_its_input() -> None:
    prompt: list[Message] = [UserMessage(content=[ImagePart(image=_b64(PNG))]), ToolMessage(content=[])]
    snapshot = [message.model_copy(deep=True) for message in prompt]
    normalize_prompt(prompt)
    assert prompt == snapshot


def test_normalizing_twice_changes_nothing() -> None:
    prompt = standardize_prompt(
        system="S",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": f"data:image/png;base64,{_b64(JPEG)}"},
                    {"type": "text", "text": ""},
                    {"type": "file", "data": "https://example.com/a", "mediaType": "image"},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "tool-call", "toolCallId": "a", "toolName": "t", "input": {}},
                    {"type": "tool-call", "toolCallId": "b", "toolName": "t", "input": {}},
                ],
            },
            {"role": "tool", "content": [_result("a").to_json_dict()], "providerOptions": {"x": {"y": 1}}},
            {"role": "tool", "content": [_result("b").to_json_dict()]},
            {"role": "assistant", "content": ""},
        ],
    )
    once = normalize_prompt(prompt)
    assert normalize_prompt(once) == once


# Strategies pass camelCase keywords: hypothesis reads pydantic's alias-based __init__ signature.
_SAFE_TEXT = st.text(max_size=5)
_DATA = st.sampled_from(
    [
        PNG,
        JPEG,
        PDF,
        b"",
        b"BMP?",
        _b64(PNG),
        _b64(b"xyz"),
        f"data:image/png;base64,{_b64(JPEG)}",
        "data:text/plain,hi",
        "https://example.com/f",
        URL,
    ]
)
_FULL_TYPES = st.sampled_from(
    ["image/png", "image/jpeg", "application/pdf", "text/plain", "image", "application"]
)
_USER_PART = st.one_of(
    st.builds(TextPart, text=_SAFE_TEXT),
    st.builds(ImagePart, image=_DATA, mediaType=st.none() | _FULL_TYPES),
    st.builds(FilePart, data=_DATA, mediaType=_FULL_TYPES),
)
_OUTPUT = st.one_of(
    st.builds(TextOutput, value=_SAFE_TEXT),
    st.builds(JsonOutput, value=st.integers()),
    st.builds(
        ContentOutput,
        value=st.lists(
            st.one_of(
                st.builds(TextItem, text=_SAFE_TEXT), st.builds(MediaItem, data=_DATA, mediaType=_FULL_TYPES)
            ),
            max_size=2,
        ),
    ),
)
_OPTIONS = st.none() | st.dictionaries(
    st.sampled_from(["a", "b"]), st.dictionaries(st.sampled_from(["k", "l"]), st.integers()), max_size=2
)
_MESSAGE = st.one_of(
    st.builds(SystemMessage, content=_SAFE_TEXT, providerOptions=_OPTIONS),
    st.builds(UserMessage, content=_SAFE_TEXT | st.lists(_USER_PART, max_size=3), providerOptions=_OPTIONS),
    st.builds(
        AssistantMessage,
        providerOptions=_OPTIONS,
        content=_SAFE_TEXT
        | st.lists(
            st.one_of(
                st.builds(TextPart, text=_SAFE_TEXT, providerOptions=_OPTIONS),
                st.builds(ReasoningPart, text=_SAFE_TEXT),
                st.builds(
                    ToolCallPart,
                    toolCallId=st.sampled_from(["a", "b"]),
                    toolName=st.just("t"),
                    input=st.just({}),
                    providerExecuted=st.just(True),
                ),
            ),
            max_size=3,
        ),
    ),
    st.builds(
        ToolMessage,
        providerOptions=_OPTIONS,
        content=st.lists(
            st.builds(
                ToolResultPart,
                toolCallId=st.sampled_from(["a", "b"]),
                toolName=st.just("t"),
                output=_OUTPUT,
                providerOptions=_OPTIONS,
            ),
            max_size=2,
        ),
    ),
)


@pytest.mark.filterwarnings("ignore::pipeline.normalize.OrphanToolResultWarning")
@settings(max_examples=300, deadline=None)
@given(st.lists(_MESSAGE, max_size=6))
def test_normalization_is_idempotent_property(prompt: list[Message]) -> None:
    try:
        once = normalize_prompt(prompt)
    except (InvalidPromptError, UnsupportedFunctionalityError):  # bad data, duplicate tool call ids
        return
    assert normalize_prompt(once) == once
    for message in once:
        if isinstance(message, UserMessage | AssistantMessage):
            assert isinstance(message.content, list)
        if isinstance(message, UserMessage):
            assert all(not isinstance(part, ImagePart) for part in message.content)
            assert all(part.text for part in message.content if isinstance(part, TextPart))
        for part in message.content if isinstance(message.content, list) else []:
            if isinstance(part, FilePart):
                assert isinstance(part.data, bytes | httpx.URL)
                assert "/" in part.media_type or isinstance(part.data, httpx.URL)
    assert not any(
        isinstance(a, ToolMessage) and isinstance(b, ToolMessage) for a, b in itertools.pairwise(once)
    )


def test_a_percent_encoded_base64_data_url_is_measured_after_decoding() -> None:
    data = b"\xfb\xff\xbf" * 300  # 900 bytes whose base64 is all "+" and "/": "%2B" and "%2F" once quoted
    url = f"data:image/png;base64,{quote(base64.b64encode(data).decode(), safe='')}"
    [message] = normalize_prompt(
        [UserMessage(content=[FilePart(data=url, media_type="image/png")])], limits=SMALL
    )
    assert message.content[0].data == data  # type: ignore[union-attr]
