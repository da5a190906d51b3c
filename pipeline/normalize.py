"""Normalize a standardized prompt into the shape middleware and providers receive.

:func:`normalize_prompt` is pure and idempotent. Its output satisfies these invariants:

* user and assistant ``content`` is always a list; there are no ``ImagePart`` s (they become files);
* every file's (and tool-result media item's) ``data`` is ``bytes`` or an http(s) ``httpx.URL`` —
  base64 text and ``data:`` URLs are decoded;
* ``media_type`` is a full type (``image/png``), or a top-level type (``image``) only for URLs whose
  type is unknown;
* empty user text parts are dropped, and empty assistant text parts without provider options;
* consecutive tool messages are merged and tool messages left empty are removed;
* every client tool call has a tool result before the next user or system message.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Final
from urllib.parse import unquote, unquote_to_bytes

import httpx

from .errors import InvalidDataContentError, MissingToolResultsError, UnsupportedFunctionalityError
from .media_type import detect_media_type, get_top_level_media_type, is_full_media_type
from .merge import merge_objects
from .prompt import (
    AssistantContentPart,
    AssistantMessage,
    ContentOutput,
    FilePart,
    ImagePart,
    MediaItem,
    Message,
    SystemMessage,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserContentPart,
    UserMessage,
)

__all__ = ["normalize_prompt"]

_Data = bytes | httpx.URL
"""Normalized file data: inline bytes or an http(s) URL."""

_URL_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WHITESPACE: Final = re.compile(r"\s+")
_BAD_BASE64: Final = "Invalid data content. Content string is not a base64-encoded media."
_MAX_SHOWN = 40


def normalize_prompt(messages: Sequence[Message]) -> list[Message]:
    """The normalized form of standardized messages (see the module docstring for the invariants).

    Raises :class:`InvalidDataContentError` for undecodable file data, :class:`MissingToolResultsError`
    for a client tool call without a result, and :class:`UnsupportedFunctionalityError` for inline data
    whose media type lacks a subtype that cannot be sniffed. Error paths index ``messages`` as given
    (``prompt[2].content[0].data``), leading system messages included.
    """
    converted = [_normalize_message(message, f"prompt[{index}]") for index, message in enumerate(messages)]
    merged = [
        message
        for message in _merge_tool_messages(converted)
        if not (isinstance(message, ToolMessage) and not message.content)
    ]
    _check_tool_results(merged)
    return merged


def _normalize_message(message: Message, path: str) -> Message:
    if isinstance(message, SystemMessage):
        return message
    if isinstance(message, UserMessage):
        user_parts = [TextPart(text=message.content)] if isinstance(message.content, str) else message.content
        user_content = [
            _normalize_user_part(part, f"{path}.content[{index}]")
            for index, part in enumerate(user_parts)
            if not (isinstance(part, TextPart) and part.text == "")
        ]
        return message.model_copy(update={"content": user_content})
    if isinstance(message, AssistantMessage):
        parts = [TextPart(text=message.content)] if isinstance(message.content, str) else message.content
        assistant_content = [
            _normalize_assistant_part(part, f"{path}.content[{index}]")
            for index, part in enumerate(parts)
            if not (isinstance(part, TextPart) and part.text == "" and part.provider_options is None)
        ]
        return message.model_copy(update={"content": assistant_content})
    tool_content = [
        _normalize_tool_result(part, f"{path}.content[{index}]") for index, part in enumerate(message.content)
    ]
    return message.model_copy(update={"content": tool_content})


def _normalize_user_part(part: UserContentPart, path: str) -> UserContentPart:
    if isinstance(part, TextPart):
        return part
    if isinstance(part, ImagePart):
        return _image_to_file(part, path)
    data, data_url_type = _resolve_data(part.data, f"{path}.data")
    media_type = _user_media_type(data, data_url_type or part.media_type)
    return part.model_copy(update={"data": data, "media_type": media_type})


def _image_to_file(part: ImagePart, path: str) -> FilePart:
    data, data_url_type = _resolve_data(part.image, f"{path}.image")
    declared = data_url_type or part.media_type
    if declared is None and isinstance(data, bytes):
        declared = detect_media_type(data, "image")
    media_type = _user_media_type(data, declared or "image")
    return FilePart(data=data, media_type=media_type, provider_options=part.provider_options)


def _normalize_assistant_part(part: AssistantContentPart, path: str) -> AssistantContentPart:
    if isinstance(part, FilePart):
        data, data_url_type = _resolve_data(part.data, f"{path}.data")
        media_type = _full_media_type(data, data_url_type or part.media_type)
        return part.model_copy(update={"data": data, "media_type": media_type})
    if isinstance(part, ToolResultPart):
        return _normalize_tool_result(part, path)
    return part


def _normalize_tool_result(part: ToolResultPart, path: str) -> ToolResultPart:
    if not isinstance(part.output, ContentOutput):
        return part
    items = [
        _normalize_media_item(item, f"{path}.output.value[{index}]") if isinstance(item, MediaItem) else item
        for index, item in enumerate(part.output.value)
    ]
    return part.model_copy(update={"output": part.output.model_copy(update={"value": items})})


def _normalize_media_item(item: MediaItem, path: str) -> MediaItem:
    data, data_url_type = _resolve_data(item.data, f"{path}.data")
    media_type = _user_media_type(data, data_url_type or item.media_type)
    return item.model_copy(update={"data": data, "media_type": media_type})


def _user_media_type(data: _Data, media_type: str) -> str:
    """A user file's media type: sniffed image types win over an image (or partial) declaration."""
    declared_image = get_top_level_media_type(media_type) == "image" or not is_full_media_type(media_type)
    if isinstance(data, bytes) and declared_image:
        media_type = detect_media_type(data, "image") or media_type
    return _full_media_type(data, media_type)


def _full_media_type(data: _Data, media_type: str) -> str:
    """``media_type`` when full (or when the data is a URL); else the type sniffed from inline bytes."""
    if is_full_media_type(media_type) or isinstance(data, httpx.URL):
        return media_type
    detected = detect_media_type(data, get_top_level_media_type(media_type))
    if detected is None:
        shown = _shown(media_type)
        raise UnsupportedFunctionalityError(
            f"file of media type {shown} without subtype",
            f"file of media type {shown} must specify subtype since it could not be auto-detected",
        )
    return detected


def _resolve_data(data: str | bytes | httpx.URL, path: str) -> tuple[_Data, str | None]:
    """Decoded data and, for a ``data:`` URL, the media type it declares."""
    if isinstance(data, bytes):
        return data, None
    if isinstance(data, httpx.URL):
        return _resolve_url(data, path)
    if _URL_SCHEME.match(data) is None:
        return _decode_base64(data, path), None
    if data[:5].lower() == "data:":
        return _split_data_url(data, path)
    try:
        url = httpx.URL(data)
    except httpx.InvalidURL:
        raise InvalidDataContentError(f"invalid URL (str of length {len(data)})", path=path) from None
    return _resolve_url(url, path)


def _resolve_url(url: httpx.URL, path: str) -> tuple[_Data, str | None]:
    if url.scheme == "data":
        return _split_data_url(str(url), path)
    if url.scheme not in ("http", "https"):
        raise InvalidDataContentError(
            f"URL scheme {_shown(url.scheme)} is not supported; use bytes, base64 text, a data: URL "
            "or an http(s) URL",
            path=path,
        )
    if not url.host:
        raise InvalidDataContentError("URL has no host", path=path)
    return url, None


def _split_data_url(text: str, path: str) -> tuple[bytes, str]:
    """``data:<type>[;base64],<payload>`` as (bytes, type); non-base64 payloads are percent-decoded."""
    header, comma, payload = text.partition(",")
    media_type, *parameters = header[len("data:") :].split(";")
    media_type = media_type.strip()
    if not comma or not media_type or not payload:
        raise InvalidDataContentError(
            f"Invalid data URL format in content (str of length {len(text)})", path=path
        )
    if any(parameter.strip().lower() == "base64" for parameter in parameters):
        return _decode_base64(unquote(payload), path), media_type
    return unquote_to_bytes(payload), media_type


def _decode_base64(text: str, path: str) -> bytes:
    """Standard or URL-safe base64, padding optional, whitespace ignored."""
    compact = _WHITESPACE.sub("", text).replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDataContentError(_BAD_BASE64, path=path) from None


def _merge_tool_messages(messages: list[Message]) -> list[Message]:
    """Merge runs of tool messages; an earlier message's options move onto its last part."""
    merged: list[Message] = []
    for message in messages:
        previous = merged[-1] if merged else None
        if not (isinstance(message, ToolMessage) and isinstance(previous, ToolMessage)):
            merged.append(message)
            continue
        content = list(previous.content)
        if content and previous.provider_options is not None:
            last = content[-1]
            options = merge_objects(previous.provider_options, last.provider_options)
            content[-1] = last.model_copy(update={"provider_options": options})
        merged[-1] = ToolMessage(
            content=[*content, *message.content], provider_options=message.provider_options
        )
    return merged


def _check_tool_results(messages: list[Message]) -> None:
    """Every client tool call needs a result before the next user / system message and at the end."""
    pending: dict[str, None] = {}
    for message in messages:
        if isinstance(message, AssistantMessage):
            for part in message.content:
                if isinstance(part, ToolCallPart) and part.provider_executed is not True:
                    pending[part.tool_call_id] = None
        elif isinstance(message, ToolMessage):
            for result in message.content:
                pending.pop(result.tool_call_id, None)
        elif pending:
            raise MissingToolResultsError(list(pending))
    if pending:
        raise MissingToolResultsError(list(pending))


def _shown(name: str) -> str:
    return repr(name) if len(name) <= _MAX_SHOWN and name.isprintable() else f"<str of length {len(name)}>"
