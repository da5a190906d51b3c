"""Attachment downloading: URLs the model cannot fetch itself become bytes before the call.

Candidates are file parts of user messages and media items of ``content`` tool results (in tool and
assistant messages) whose data is an ``httpx.URL``. Each is matched against the model's
``supported_urls``; all candidates go, in prompt order, to one download function (the AI SDK's
contract), which returns the downloaded file or ``None`` (pass the URL through) per position.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import TypeGuard

import httpx

from ..errors import DownloadError, InvalidArgumentError
from ..media_type import detect_media_type, get_top_level_media_type, is_full_media_type
from ..model import SupportedUrls
from ..params import CallParams
from ..prompt import (
    AssistantMessage,
    ContentOutput,
    FileItem,
    FilePart,
    MediaItem,
    Message,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from ..redact import redact_url
from .types import DownloadedFile, DownloadFunction, DownloadRequest

__all__ = [
    "download_attachments",
    "is_url_supported",
    "resolve_downloaded_media_type",
]

_UNKNOWN_MEDIA_TYPES = frozenset({"application/octet-stream", "binary/octet-stream"})

Attachment = FilePart | MediaItem | FileItem


def is_url_supported(url: str, media_type: str | None, supported_urls: SupportedUrls) -> bool:
    """Whether the model fetches ``url`` of ``media_type`` by itself (the AI SDK's ``isUrlSupported``).

    Keys ``*`` and ``*/*`` match every media type; ``image/*`` matches ``image/...`` and the bare
    top-level type ``image``; other keys match media types they are a prefix of. Patterns are
    searched in the lower-cased URL. No media type means not supported.
    """
    if media_type is None:
        return False
    url = url.lower()
    media_type = media_type.lower()
    for key, patterns in supported_urls.items():
        if _media_type_matches(key.lower(), media_type) and any(p.search(url) for p in patterns):
            return True
    return False


def _media_type_matches(key: str, media_type: str) -> bool:
    if key in ("*", "*/*"):
        return True
    if key.endswith("/*"):
        top_level = key[:-2]
        return media_type == top_level or media_type.startswith(f"{top_level}/")
    return media_type.startswith(key)


def resolve_downloaded_media_type(declared: str, downloaded: DownloadedFile) -> str:
    """The media type of a downloaded attachment.

    A full type the prompt declared wins (``application/octet-stream`` counts as unknown), then
    sniffing the bytes (within the declared top-level type, if any), then the server's
    ``Content-Type`` without parameters (unless it is octet-stream), then whatever was declared.
    """
    declared = declared.lower()
    if is_full_media_type(declared) and declared not in _UNKNOWN_MEDIA_TYPES:
        return declared
    top_level = None if is_full_media_type(declared) else get_top_level_media_type(declared)
    sniffed = detect_media_type(downloaded.data, top_level)
    if sniffed is not None:
        return sniffed
    served = (downloaded.media_type or "").partition(";")[0].strip().lower()
    return served if served and served not in _UNKNOWN_MEDIA_TYPES else declared


async def download_attachments(
    params: CallParams, supported_urls: SupportedUrls, *, download: DownloadFunction | None = None
) -> CallParams:
    """``params`` with every attachment URL the model cannot take replaced by the downloaded bytes.

    ``download`` defaults to a :class:`SafeDownloader`. Without URL attachments, ``params`` is
    returned as is, and the download function is not called.
    """
    attachments = list(_url_attachments(params.prompt))
    if not attachments:
        return params
    requests = [
        DownloadRequest(
            url=httpx.URL(str(item.data)),
            is_url_supported_by_model=is_url_supported(str(item.data), item.media_type, supported_urls),
        )
        for item in attachments
    ]
    results = await (download or _default_downloader())(requests)
    if len(results) != len(requests):
        raise InvalidArgumentError(
            "download", f"returned {len(results)} results for {len(requests)} requests (one per request)"
        )
    if all(result is None for result in results):
        return params
    swaps = iter(results)

    def swap(item: Attachment) -> Attachment:
        downloaded = next(swaps)
        return item if downloaded is None else _replaced(item, downloaded)

    return params.model_copy(update={"prompt": [_rewrite_message(m, swap) for m in params.prompt]})


@functools.cache
def _default_downloader() -> DownloadFunction:
    """The shared :class:`SafeDownloader`, made (and its module imported) with the first download."""
    from .safe_download import SafeDownloader

    return SafeDownloader()


def _replaced(item: Attachment, downloaded: DownloadedFile) -> Attachment:
    """The attachment holding the downloaded bytes.

    A part declared only by kind (``image``) refuses content of another kind (an HTML error page).
    """
    media_type = resolve_downloaded_media_type(item.media_type, downloaded)
    declared_kind = get_top_level_media_type(item.media_type.lower())
    if not is_full_media_type(item.media_type) and get_top_level_media_type(media_type) != declared_kind:
        raise DownloadError(
            redact_url(str(item.data)),
            cause=f"expected {declared_kind} content but the server sent {media_type}",
        )
    return item.model_copy(update={"data": downloaded.data, "media_type": media_type})


def _is_url_attachment(item: object) -> TypeGuard[Attachment]:
    return isinstance(item, FilePart | MediaItem | FileItem) and isinstance(item.data, httpx.URL)


def _url_attachments(prompt: list[Message]) -> Iterator[Attachment]:
    """Attachments whose data is a URL, in prompt order (the order :func:`_rewrite_message` visits)."""
    for message in prompt:
        if isinstance(message, UserMessage) and isinstance(message.content, list):
            yield from (part for part in message.content if _is_url_attachment(part))
        elif isinstance(message, ToolMessage | AssistantMessage) and isinstance(message.content, list):
            for part in message.content:
                if isinstance(part, ToolResultPart) and isinstance(part.output, ContentOutput):
                    yield from (item for item in part.output.value if _is_url_attachment(item))


def _rewrite_message(message: Message, swap: Callable[[Attachment], Attachment]) -> Message:
    """``message`` with each URL attachment passed through ``swap`` (same object when unchanged)."""
    if isinstance(message, UserMessage) and isinstance(message.content, list):
        content = [swap(part) if _is_url_attachment(part) else part for part in message.content]
        return _with_content(message, content)
    if isinstance(message, ToolMessage | AssistantMessage) and isinstance(message.content, list):
        parts = [_rewrite_tool_result(part, swap) for part in message.content]
        return _with_content(message, parts)
    return message


def _rewrite_tool_result(part: object, swap: Callable[[Attachment], Attachment]) -> object:
    if not (isinstance(part, ToolResultPart) and isinstance(part.output, ContentOutput)):
        return part
    items = [swap(item) if _is_url_attachment(item) else item for item in part.output.value]
    if _unchanged(items, part.output.value):
        return part
    return part.model_copy(update={"output": part.output.model_copy(update={"value": items})})


def _with_content(message: Message, content: Sequence[object]) -> Message:
    if _unchanged(content, message.content):
        return message
    return message.model_copy(update={"content": list(content)})


def _unchanged(new: Sequence[object], old: Sequence[object] | str) -> bool:
    return all(a is b for a, b in zip(new, old, strict=True))
