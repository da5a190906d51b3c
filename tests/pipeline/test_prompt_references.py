"""Provider file references, reasoning files, custom parts and the newer tool-result items."""

from __future__ import annotations

import warnings

import httpx
import pytest

from pipeline.errors import InvalidPromptError, NoSuchProviderReferenceError
from pipeline.generate import generate_text, prepare_call
from pipeline.prompt import (
    CustomItem,
    CustomPart,
    FileItem,
    FilePart,
    PromptDeprecationWarning,
    ProviderReference,
    ReasoningFilePart,
    messages_adapter,
)
from pipeline.testing import MockLanguageModel

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _user_file(data: object, media_type: str = "application/pdf") -> list[dict[str, object]]:
    return [{"role": "user", "content": [{"type": "file", "data": data, "mediaType": media_type}]}]


@pytest.mark.parametrize(
    "data",
    [
        {"openai": "file-abc", "google": "files/x"},
        {"type": "reference", "reference": {"openai": "file-abc", "google": "files/x"}},
    ],
    ids=["mapping", "tagged"],
)
def test_a_mapping_as_file_data_is_a_provider_reference(data: object) -> None:
    (message,) = prepare_call(messages=_user_file(data)).prompt
    part = message.content[0]  # type: ignore[index]

    assert isinstance(part, FilePart)
    assert part.data == ProviderReference(reference={"openai": "file-abc", "google": "files/x"})
    assert part.data.for_provider("google") == "files/x"
    assert part.to_json_dict()["data"] == {
        "type": "reference",
        "reference": {"openai": "file-abc", "google": "files/x"},
    }


def test_a_reference_keeps_a_top_level_media_type_and_is_never_sniffed_or_downloaded() -> None:
    (message,) = prepare_call(messages=_user_file({"anthropic": "file_011"}, "image")).prompt
    part = message.content[0]  # type: ignore[index]
    assert isinstance(part, FilePart) and part.media_type == "image"


async def test_a_reference_reaches_the_model_as_given() -> None:
    model = MockLanguageModel()
    await generate_text(model, messages=_user_file({"mock": "file-1"}))  # type: ignore[arg-type]

    sent = model.generate_calls[0].prompt[0].content[0]  # type: ignore[index]
    assert isinstance(sent, FilePart) and sent.data == ProviderReference(reference={"mock": "file-1"})


@pytest.mark.parametrize(
    ("data", "problem"),
    [({}, "at least one provider"), ({"openai": 7}, "string")],
    ids=["empty", "not-a-file-id"],
)
def test_a_malformed_reference_is_an_invalid_prompt_naming_the_part(data: object, problem: str) -> None:
    with pytest.raises(InvalidPromptError) as raised:
        prepare_call(messages=_user_file(data))
    assert "messages[0].content[0]" in str(raised.value)
    assert problem in str(raised.value)


def test_a_missing_provider_names_the_ones_that_are_there() -> None:
    reference = ProviderReference(reference={"anthropic": "file_1", "google": "files/2"})
    with pytest.raises(
        NoSuchProviderReferenceError, match=r"'openai'\. Available providers: anthropic, google"
    ):
        reference.for_provider("openai")


def test_reasoning_files_and_custom_parts_are_assistant_content() -> None:
    prompt = prepare_call(
        messages=[
            {"role": "user", "content": "draw"},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning-file", "data": PNG, "mediaType": "image/png"},
                    {
                        "type": "custom",
                        "kind": "anthropic.compaction",
                        "providerOptions": {"anthropic": {"x": 1}},
                    },
                ],
            },
        ]
    ).prompt
    reasoning_file, custom = prompt[1].content  # type: ignore[misc]
    assert isinstance(reasoning_file, ReasoningFilePart) and reasoning_file.data == PNG
    assert isinstance(custom, CustomPart) and custom.kind == "anthropic.compaction"

    with pytest.raises(InvalidPromptError, match=r"'<provider>\.<kind>'"):
        prepare_call(messages=[{"role": "assistant", "content": [{"type": "custom", "kind": "compaction"}]}])


def _tool_result(*items: dict[str, object]) -> list[dict[str, object]]:
    return [
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "t", "input": {}}],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c",
                    "toolName": "t",
                    "output": {"type": "content", "value": list(items)},
                }
            ],
        },
    ]


def test_file_and_custom_tool_result_items_are_normalized_like_files() -> None:
    prompt = prepare_call(
        messages=_tool_result(
            {
                "type": "file",
                "data": {"type": "url", "url": "https://example.com/a.pdf"},
                "mediaType": "application/pdf",
            },
            {"type": "file", "data": PNG, "mediaType": "image"},
            {"type": "file", "data": {"google": "files/9"}, "mediaType": "video"},
            {"type": "custom", "providerOptions": {"anthropic": {"type": "tool-reference", "toolName": "t"}}},
        )
    ).prompt
    url_item, bytes_item, reference_item, custom_item = prompt[1].content[0].output.value  # type: ignore[union-attr]

    assert isinstance(url_item, FileItem) and url_item.data == httpx.URL("https://example.com/a.pdf")
    assert isinstance(bytes_item, FileItem) and bytes_item.media_type == "image/png"  # sniffed
    assert isinstance(reference_item, FileItem) and reference_item.media_type == "video"
    assert isinstance(custom_item, CustomItem)


def test_a_deprecated_item_is_read_as_a_file_item_with_one_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (message,) = messages_adapter.validate_python(
            [
                {
                    "role": "tool",
                    "content": [
                        {
                            "type": "tool-result",
                            "toolCallId": "c",
                            "toolName": "t",
                            "output": {
                                "type": "content",
                                "value": [
                                    {"type": "image-data", "data": "iVBORw==", "mediaType": "image/png"}
                                ],
                            },
                        }
                    ],
                }
            ]
        )
    (item,) = message.content[0].output.value  # type: ignore[union-attr]
    assert isinstance(item, FileItem) and item.media_type == "image/png"
    assert [w.category for w in caught] == [PromptDeprecationWarning]
    assert '"image-data" type for tool result content is deprecated' in str(caught[0].message)


def test_a_deprecated_file_id_without_its_provider_is_refused_with_advice() -> None:
    with pytest.raises(InvalidPromptError, match="does not say which provider"):
        prepare_call(messages=_tool_result({"type": "file-id", "fileId": "file-abc"}))
