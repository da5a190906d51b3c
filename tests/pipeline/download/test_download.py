"""download_attachments, is_url_supported and DownloadMiddleware with custom download functions."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from middleware.download import DownloadMiddleware
from pipeline.chain import wrap_model
from pipeline.download import (
    DownloadedFile,
    DownloadRequest,
    download_attachments,
    is_url_supported,
    resolve_downloaded_media_type,
)
from pipeline.errors import DownloadError, InvalidArgumentError
from pipeline.params import CallParams
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    FilePart,
    MediaItem,
    Message,
    TextItem,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.testing import MockLanguageModel

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PDF = b"%PDF-1.7\n"


def parts(message: Message) -> list[Any]:
    assert isinstance(message.content, list)
    return list(message.content)


def url_part(url: str, media_type: str, **extra: object) -> FilePart:
    return FilePart(data=httpx.URL(url), media_type=media_type, **extra)


class RecordingDownload:
    """A download function that answers from a table and records each call's requests."""

    def __init__(self, files: dict[str, DownloadedFile | None]) -> None:
        self.files = files
        self.calls: list[list[DownloadRequest]] = []

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        self.calls.append(requests)
        return [None if r.is_url_supported_by_model else self.files.get(str(r.url)) for r in requests]


@pytest.mark.parametrize(
    ("url", "media_type", "supported", "expected"),
    [
        ("https://example.com/a.png", "image/png", {"image/*": [r"^https://"]}, True),
        ("https://example.com/a.png", "image", {"image/*": [r"^https://"]}, True),
        ("https://example.com/a.pdf", "application/pdf", {"image/*": [r"^https://"]}, False),
        ("https://EXAMPLE.com/A.pdf", "APPLICATION/PDF", {"application/pdf": [r"example\.com/a\.pdf"]}, True),
        ("http://example.com/a.png", "image/png", {"*": [r"^https://"]}, False),
        ("https://x.com/v.mp4", "video/mp4", {"*/*": [r"x\.com"]}, True),
        ("https://x.com/a.txt", "text/plain", {"text/plain": []}, False),
        ("https://x.com/a.txt", None, {"*": [r".*"]}, False),
        ("https://x.com/a.txt", "text/plain", {}, False),
    ],
)
def test_is_url_supported(
    url: str, media_type: str | None, supported: dict[str, list[str]], expected: bool
) -> None:
    patterns = {key: [re.compile(p) for p in values] for key, values in supported.items()}
    assert is_url_supported(url, media_type, patterns) is expected


@pytest.mark.parametrize(
    ("declared", "data", "served", "expected"),
    [
        ("image/jpeg", PNG, "image/png", "image/jpeg"),
        ("image", PNG, "application/octet-stream", "image/png"),
        ("image", b"\x00\x01", "image/webp; charset=binary", "image/webp"),
        ("application/octet-stream", PDF, None, "application/pdf"),
        ("application/octet-stream", b"plain", "text/plain; charset=utf-8", "text/plain"),
        ("application/octet-stream", b"plain", "application/octet-stream", "application/octet-stream"),
        ("image", b"\x00\x01", None, "image"),
        ("image", b"\x00\x01", "application/octet-stream", "image"),
    ],
)
def test_downloaded_media_type_prefers_declared_then_sniffed_then_served(
    declared: str, data: bytes, served: str | None, expected: str
) -> None:
    assert resolve_downloaded_media_type(declared, DownloadedFile(data, served)) == expected


async def test_params_without_url_attachments_are_returned_as_is_without_calling_download() -> None:
    download = RecordingDownload({})
    inline = FilePart(data=PNG, media_type="image/png")
    params = CallParams(prompt=[UserMessage(content=[TextPart(text="hi"), inline])])
    assert await download_attachments(params, {}, download=download) is params
    assert download.calls == []


async def test_unsupported_urls_are_replaced_by_bytes_and_supported_ones_pass_through() -> None:
    supported = {"image/*": [re.compile(r"^https://")]}
    params = CallParams(
        prompt=[
            UserMessage(
                content=[
                    TextPart(text="Compare"),
                    url_part("https://cdn.example/cat.png", "image"),
                    url_part("http://files.example/doc.pdf", "application/pdf", filename="doc.pdf"),
                ]
            )
        ]
    )
    download = RecordingDownload({"http://files.example/doc.pdf": DownloadedFile(PDF, "application/pdf")})
    result = await download_attachments(params, supported, download=download)

    assert download.calls == [
        [
            DownloadRequest(httpx.URL("https://cdn.example/cat.png"), True),
            DownloadRequest(httpx.URL("http://files.example/doc.pdf"), False),
        ]
    ]
    text, image, pdf = parts(result.prompt[0])
    assert text is parts(params.prompt[0])[0]
    assert image == url_part("https://cdn.example/cat.png", "image")
    assert pdf == FilePart(data=PDF, media_type="application/pdf", filename="doc.pdf")
    assert isinstance(parts(params.prompt[0])[2].data, httpx.URL)


async def test_media_items_in_tool_and_assistant_tool_results_are_downloaded_in_prompt_order() -> None:
    def result_part(call_id: str, url: str) -> ToolResultPart:
        media = MediaItem(data=httpx.URL(url), media_type="image")
        output = ContentOutput(value=[TextItem(text="see"), media])
        return ToolResultPart(tool_call_id=call_id, tool_name="shot", output=output)

    params = CallParams(
        prompt=[
            AssistantMessage(content=[ToolCallPart(tool_call_id="1", tool_name="shot", input={})]),
            ToolMessage(content=[result_part("1", "https://a.example/1")]),
            AssistantMessage(content=[result_part("2", "https://a.example/2")]),
        ]
    )
    download = RecordingDownload(
        {
            "https://a.example/1": DownloadedFile(PNG, None),
            "https://a.example/2": DownloadedFile(b"x", "image/gif"),
        }
    )
    result = await download_attachments(params, {}, download=download)

    assert [str(r.url) for r in download.calls[0]] == ["https://a.example/1", "https://a.example/2"]
    assert result.prompt[0] is params.prompt[0]
    first = parts(result.prompt[1])[0].output.value
    second = parts(result.prompt[2])[0].output.value
    assert first == [TextItem(text="see"), MediaItem(data=PNG, media_type="image/png")]
    assert second == [TextItem(text="see"), MediaItem(data=b"x", media_type="image/gif")]


@pytest.mark.parametrize(
    ("declared", "served", "data", "refused"),
    [
        ("image", "text/html", b"<html>login</html>", True),
        ("image", "text/html", PNG, False),
        ("image/png", "text/html", b"<html></html>", False),
        ("application/octet-stream", "image/png", b"\x00", False),
    ],
)
async def test_content_of_another_kind_than_a_kind_only_declaration_is_refused(
    declared: str, served: str, data: bytes, refused: bool
) -> None:
    params = CallParams(prompt=[UserMessage(content=[url_part("https://a.example/x?sig=s3cret", declared)])])

    async def serve(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        return [DownloadedFile(data, served)]

    if refused:
        expected = "expected image content but the server sent text/html"
        with pytest.raises(DownloadError, match=expected) as raised:
            await download_attachments(params, {}, download=serve)
        assert raised.value.url == "https://a.example/x"
    else:
        assert parts((await download_attachments(params, {}, download=serve)).prompt[0])[0].data == data


async def test_custom_download_may_pass_any_url_through_by_returning_none() -> None:
    params = CallParams(prompt=[UserMessage(content=[url_part("https://a.example/x.png", "image/png")])])

    async def decline(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        return [None for _ in requests]

    assert await download_attachments(params, {}, download=decline) is params


async def test_the_same_url_twice_is_answered_position_by_position() -> None:
    twice = [url_part("https://a.example/x", "image"), url_part("https://a.example/x", "image")]
    params = CallParams(prompt=[UserMessage(content=twice)])

    async def first_only(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        return [DownloadedFile(PNG, None), None]

    result = await download_attachments(params, {}, download=first_only)
    first, second = parts(result.prompt[0])
    assert first == FilePart(data=PNG, media_type="image/png")
    assert second == url_part("https://a.example/x", "image")


async def test_a_download_function_answering_the_wrong_number_of_results_is_an_error() -> None:
    params = CallParams(prompt=[UserMessage(content=[url_part("https://a.example/x", "image")])])

    async def too_few(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        return []

    with pytest.raises(InvalidArgumentError, match="0 results for 1 requests"):
        await download_attachments(params, {}, download=too_few)


async def test_download_errors_propagate() -> None:
    params = CallParams(prompt=[UserMessage(content=[url_part("https://a.example/x", "image")])])

    async def failing(requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        raise DownloadError("https://a.example/x", status_code=500, status_text="Internal Server Error")

    with pytest.raises(DownloadError, match="500 Internal Server Error"):
        await download_attachments(params, {}, download=failing)


async def test_middleware_uses_the_inner_models_supported_urls() -> None:
    model = MockLanguageModel(supported_urls={"application/pdf": [re.compile(r"^https://")]})
    download = RecordingDownload({"https://a.example/img": DownloadedFile(PNG, "image/png")})
    wrapped = wrap_model(model, DownloadMiddleware(download))
    params = CallParams(
        prompt=[
            UserMessage(
                content=[
                    url_part("https://a.example/doc", "application/pdf"),
                    url_part("https://a.example/img", "image"),
                ]
            )
        ]
    )
    await wrapped.do_stream(params)

    seen = parts(model.stream_calls[0].prompt[0])
    assert seen == [
        url_part("https://a.example/doc", "application/pdf"),
        FilePart(data=PNG, media_type="image/png"),
    ]
    assert [r.is_url_supported_by_model for r in download.calls[0]] == [True, False]


def test_a_declared_octet_stream_is_unknown_a_written_decision() -> None:
    """Decision (AI SDK parity): the AI SDK keeps a declared ``application/octet-stream`` for a downloaded
    file. We read it as "type unknown" and take the sniffed type, then the server's: providers refuse
    octet-stream for images and PDFs, so keeping it would turn a good download into a failed call."""
    assert resolve_downloaded_media_type("application/octet-stream", DownloadedFile(PNG, None)) == "image/png"
    served = DownloadedFile(b"plain", "text/plain")
    assert resolve_downloaded_media_type("application/octet-stream", served) == "text/plain"
