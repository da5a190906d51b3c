"""Normalize a standardized prompt into the shape middleware and providers receive.

:func:`normalize_prompt` is pure (apart from a warning for orphan tool results) and idempotent.
Its output satisfies these invariants:

* user and assistant ``content`` is always a list; there are no ``ImagePart`` s (they become files);
* every file's (and tool-result media / file item's, and reasoning file's) ``data`` is ``bytes``, an
  http(s) ``httpx.URL`` or a :class:`~pipeline.prompt.ProviderReference` — base64 text and ``data:``
  URLs are decoded;
* ``media_type`` is a full type (``image/png``), or a top-level type (``image``) only for URLs and
  provider references whose type is unknown;
* empty user text parts are dropped, and empty assistant text parts without provider options;
* consecutive tool messages are merged and tool messages left empty are removed;
* tool approval requests are removed, and approval responses unless for a provider-executed tool;
* every client tool call has a tool result (or an approval response) before the next user or system
  message;
* tool call ids are unique among tool calls and among tool results;
* every value can be sent as JSON (see :mod:`pipeline.sendable`), and inline data is within the
  attachment limits (see :mod:`pipeline.attachment_limits`).
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from collections.abc import Sequence
from typing import Final
from urllib.parse import unquote, unquote_to_bytes

import httpx

from .attachment_limits import AttachmentLimits, current_attachment_limits
from .errors import (
    InvalidDataContentError,
    InvalidPromptError,
    MissingToolResultsError,
    UnsupportedFunctionalityError,
)
from .media_type import detect_media_type, get_top_level_media_type, is_full_media_type
from .merge import merge_objects
from .prompt import (
    AssistantContentPart,
    AssistantMessage,
    ContentOutput,
    FileItem,
    FilePart,
    ImagePart,
    MediaItem,
    Message,
    ProviderReference,
    ReasoningFilePart,
    SystemMessage,
    TextPart,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolContentPart,
    ToolMessage,
    ToolResultPart,
    UserContentPart,
    UserMessage,
)
from .sendable import find_unsendable_model

__all__ = ["OrphanToolResultWarning", "normalize_prompt"]

_Data = bytes | httpx.URL | ProviderReference
"""Normalized file data: inline bytes, an http(s) URL, or a reference to a file uploaded to providers."""

_URL_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WHITESPACE: Final = re.compile(r"\s+")
_ASCII_WHITESPACE: Final = " \t\n\r\x0b\x0c"
_BAD_BASE64: Final = "Invalid data content. Content string is not a base64-encoded media."
_MAX_PORT: Final = 65535
_MAX_SHOWN = 40


class OrphanToolResultWarning(UserWarning):
    """A tool result answers no tool call of the prompt (most providers refuse such a request)."""


def normalize_prompt(
    messages: Sequence[Message],
    *,
    limits: AttachmentLimits | None = None,
    paths: Sequence[str] | None = None,
) -> list[Message]:
    """The normalized form of standardized messages (see the module docstring for the invariants).

    Raises :class:`InvalidPromptError` for a value that cannot be sent (see :mod:`pipeline.sendable`)
    and for a tool call id used twice, :class:`InvalidDataContentError` for undecodable file data, a
    malformed URL or inline data over ``limits`` (by default :func:`current_attachment_limits`),
    :class:`MissingToolResultsError` for a client tool call without a result, and
    :class:`UnsupportedFunctionalityError` for inline data whose media type lacks a subtype that
    cannot be sniffed. A tool result that answers no earlier tool call is kept (with an
    :class:`OrphanToolResultWarning` if the prompt has other tool calls). Error paths index
    ``messages`` as given (``prompt[2].content[0].data``), leading system messages included, unless
    ``paths`` says where each message came from (``messages[2]``: see
    :func:`~pipeline.standardize.standardize_prompt_with_paths`).
    """
    paths = [f"prompt[{index}]" for index in range(len(messages))] if paths is None else list(paths)
    for message, path in zip(messages, paths, strict=True):
        problem = find_unsendable_model(message, path)
        if problem is not None:
            raise InvalidPromptError(problem.reason, path=problem.path)
    orphans = _check_tool_call_ids(messages, paths)
    answered_by_approval = _tool_calls_with_approval_responses(messages)
    budget = _InlineBudget(current_attachment_limits() if limits is None else limits)
    converted = [
        _normalize_message(message, path, budget) for message, path in zip(messages, paths, strict=True)
    ]
    _check_tool_results(converted, paths, answered_by_approval)
    merged = [
        message
        for message in _merge_tool_messages(converted)
        if not (isinstance(message, ToolMessage) and not message.content)
    ]
    for orphan in orphans:  # only for a prompt that is otherwise accepted
        warnings.warn(orphan, OrphanToolResultWarning, stacklevel=2)
    return merged


class _InlineBudget:
    """The inline bytes the prompt may still hold: per file and for the whole call."""

    __slots__ = ("limits", "used")

    def __init__(self, limits: AttachmentLimits) -> None:
        self.limits = limits
        self.used = 0

    def check(self, size: int, path: str) -> None:
        """Raise if a file of ``size`` bytes (exact, or an upper bound before decoding) is over a limit."""
        limits = self.limits
        if size > limits.max_file_bytes:
            raise InvalidDataContentError(
                f"inline file of {size} bytes is larger than the per-file limit of {limits.max_file_bytes} "
                "bytes (see pipeline.attachment_limits)",
                path=path,
            )
        if self.used + size > limits.max_call_bytes:
            raise InvalidDataContentError(
                f"inline files of this call exceed the per-call limit of {limits.max_call_bytes} bytes "
                "(see pipeline.attachment_limits)",
                path=path,
            )

    def take(self, data: bytes, path: str) -> bytes:
        """Count ``data`` against the limits (raising if it does not fit) and return it."""
        self.check(len(data), path)
        self.used += len(data)
        return data


def _normalize_message(message: Message, path: str, budget: _InlineBudget) -> Message:
    if isinstance(message, SystemMessage):
        return message
    if isinstance(message, UserMessage):
        user_parts = [TextPart(text=message.content)] if isinstance(message.content, str) else message.content
        user_content = [
            _normalize_user_part(part, f"{path}.content[{index}]", budget)
            for index, part in enumerate(user_parts)
            if not (isinstance(part, TextPart) and part.text == "")
        ]
        return _with_content(message, user_content)
    if isinstance(message, AssistantMessage):
        parts = [TextPart(text=message.content)] if isinstance(message.content, str) else message.content
        assistant_content = [
            _normalize_assistant_part(part, f"{path}.content[{index}]", budget)
            for index, part in enumerate(parts)
            if not (isinstance(part, TextPart) and part.text == "" and part.provider_options is None)
            and not isinstance(part, ToolApprovalRequestPart)
        ]
        return _with_content(message, assistant_content)
    tool_content = [
        _normalize_tool_part(part, f"{path}.content[{index}]", budget)
        for index, part in enumerate(message.content)
        if not (isinstance(part, ToolApprovalResponsePart) and not part.provider_executed)
    ]
    return _with_content(message, tool_content)


def _normalize_tool_part(part: ToolContentPart, path: str, budget: _InlineBudget) -> ToolContentPart:
    """A tool result normalized; a (provider-executed) approval response as providers receive it."""
    if isinstance(part, ToolApprovalResponsePart):
        return part if part.provider_executed is None else part.model_copy(update={"provider_executed": None})
    return _normalize_tool_result(part, path, budget)


def _with_content(
    message: UserMessage | AssistantMessage | ToolMessage, content: Sequence[object]
) -> Message:
    """``message`` with ``content``; the same object when nothing changed (saves copies of long prompts)."""
    old = message.content
    if (
        not isinstance(old, str)
        and len(old) == len(content)
        and all(a is b for a, b in zip(old, content, strict=True))
    ):
        return message
    return message.model_copy(update={"content": list(content)})


def _normalize_user_part(part: UserContentPart, path: str, budget: _InlineBudget) -> UserContentPart:
    if isinstance(part, TextPart):
        return part
    if isinstance(part, ImagePart):
        return _image_to_file(part, path, budget)
    data, data_url_type = _resolve_data(part.data, f"{path}.data", budget)
    media_type = _user_media_type(data, data_url_type or part.media_type)
    return part.model_copy(update={"data": data, "media_type": media_type})


def _image_to_file(part: ImagePart, path: str, budget: _InlineBudget) -> FilePart:
    data, data_url_type = _resolve_data(part.image, f"{path}.image", budget)
    declared = data_url_type or part.media_type
    if declared is None and isinstance(data, bytes):
        declared = detect_media_type(data, "image")
    media_type = _user_media_type(data, declared or "image")
    return FilePart(data=data, media_type=media_type, provider_options=part.provider_options)


def _normalize_assistant_part(
    part: AssistantContentPart, path: str, budget: _InlineBudget
) -> AssistantContentPart:
    if isinstance(part, FilePart | ReasoningFilePart):
        data, data_url_type = _resolve_data(part.data, f"{path}.data", budget)
        media_type = _full_media_type(data, data_url_type or part.media_type)
        return part.model_copy(update={"data": data, "media_type": media_type})
    if isinstance(part, ToolResultPart):
        return _normalize_tool_result(part, path, budget)
    return part


def _normalize_tool_result(part: ToolResultPart, path: str, budget: _InlineBudget) -> ToolResultPart:
    if not isinstance(part.output, ContentOutput):
        return part
    items = [
        _normalize_media_item(item, f"{path}.output.value[{index}]", budget)
        if isinstance(item, MediaItem | FileItem)
        else item
        for index, item in enumerate(part.output.value)
    ]
    return part.model_copy(update={"output": part.output.model_copy(update={"value": items})})


def _normalize_media_item(
    item: MediaItem | FileItem, path: str, budget: _InlineBudget
) -> MediaItem | FileItem:
    data, data_url_type = _resolve_data(item.data, f"{path}.data", budget)
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
    if is_full_media_type(media_type) or not isinstance(data, bytes):
        return media_type
    detected = detect_media_type(data, get_top_level_media_type(media_type))
    if detected is None:
        shown = _shown(media_type)
        raise UnsupportedFunctionalityError(
            f"file of media type {shown} without subtype",
            f"file of media type {shown} must specify subtype since it could not be auto-detected",
        )
    return detected


def _resolve_data(
    data: str | bytes | httpx.URL | ProviderReference, path: str, budget: _InlineBudget
) -> tuple[_Data, str | None]:
    """Decoded data (counted against ``budget``) and, for a ``data:`` URL, the media type it declares."""
    if isinstance(data, bytes):
        return budget.take(data, path), None
    if isinstance(data, ProviderReference):
        return data, None
    if isinstance(data, httpx.URL):
        return _resolve_url(data, path, budget)
    if _URL_SCHEME.match(data) is None:
        return _decode_base64(data, path, budget), None
    if data[:5].lower() == "data:":
        return _split_data_url(data, path, budget)
    try:
        url = httpx.URL(data)
    except (httpx.InvalidURL, UnicodeError):  # UnicodeError: idna.IDNAError for a bad host
        raise InvalidDataContentError(f"invalid URL (str of length {len(data)})", path=path) from None
    return _resolve_url(url, path, budget)


def _resolve_url(url: httpx.URL, path: str, budget: _InlineBudget) -> tuple[_Data, str | None]:
    if url.scheme == "data":
        return _split_data_url(str(url), path, budget)
    if url.scheme not in ("http", "https"):
        raise InvalidDataContentError(
            f"URL scheme {_shown(url.scheme)} is not supported; use bytes, base64 text, a data: URL "
            "or an http(s) URL",
            path=path,
        )
    try:
        host = url.host  # decoded on access: an invalid IDNA label raises idna.IDNAError here
    except UnicodeError:
        raise InvalidDataContentError(
            "URL host is not a valid internationalized domain name (IDNA)", path=path
        ) from None
    if not host:
        raise InvalidDataContentError("URL has no host", path=path)
    if url.port is not None and not 0 < url.port <= _MAX_PORT:
        raise InvalidDataContentError(f"URL port {url.port} is out of range (1 to {_MAX_PORT})", path=path)
    return url, None


def _split_data_url(text: str, path: str, budget: _InlineBudget) -> tuple[bytes, str]:
    """``data:<type>[;base64],<payload>`` as (bytes, type); non-base64 payloads are percent-decoded."""
    header, comma, payload = text.partition(",")
    media_type, *parameters = header[len("data:") :].split(";")
    media_type = media_type.strip()
    if not comma or not media_type or not payload:
        raise InvalidDataContentError(
            f"Invalid data URL format in content (str of length {len(text)})", path=path
        )
    if any(parameter.strip().lower() == "base64" for parameter in parameters):
        budget.check(len(payload) // 4, path)  # a lower bound: "%2B" is one base64 character
        return _decode_base64(unquote(payload), path, budget), media_type
    budget.check(len(payload) // 3, path)  # every byte takes one to three characters ("%41")
    return budget.take(unquote_to_bytes(payload), path), media_type


def _decode_base64(text: str, path: str, budget: _InlineBudget) -> bytes:
    """Standard or URL-safe base64, padding optional, whitespace ignored; the size is checked first."""
    budget.check(_base64_size(text), path)
    compact = _WHITESPACE.sub("", text).replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDataContentError(_BAD_BASE64, path=path) from None
    return budget.take(data, path)


def _base64_size(text: str) -> int:
    """The size of the bytes base64 ``text`` decodes to, from its length alone (3 bytes per 4 characters).

    Whitespace and trailing padding are not counted.
    """
    skipped = sum(text.count(character) for character in _ASCII_WHITESPACE)
    end = len(text)
    while end and text[end - 1] in _ASCII_WHITESPACE + "=":
        skipped += text[end - 1] == "="
        end -= 1
    return (len(text) - skipped) * 3 // 4


def _merge_tool_messages(messages: list[Message]) -> list[Message]:
    """Merge runs of tool messages; an earlier message's options move onto its last part.

    Each run is merged in one pass over its parts (linear in the prompt size).
    """
    merged: list[Message] = []
    run: list[ToolMessage] = []
    for message in messages:
        if isinstance(message, ToolMessage):
            run.append(message)
            continue
        merged.extend(_merged_run(run))
        run = []
        merged.append(message)
    merged.extend(_merged_run(run))
    return merged


def _merged_run(run: list[ToolMessage]) -> list[Message]:
    """One tool message for a run of consecutive ones (a run of one is kept as is)."""
    if len(run) < 2:
        return list(run)
    content: list[ToolContentPart] = []
    for message in run[:-1]:
        content.extend(message.content)
        if content and message.provider_options is not None:
            last = content[-1]
            options = merge_objects(message.provider_options, last.provider_options)
            content[-1] = last.model_copy(update={"provider_options": options})
    content.extend(run[-1].content)
    return [ToolMessage(content=content, provider_options=run[-1].provider_options)]


def _check_tool_call_ids(messages: Sequence[Message], paths: list[str]) -> list[str]:
    """Tool call ids are unique among calls and among results; returns the warnings for orphan results.

    A result whose id no earlier tool call has is an orphan. It is accepted: a prompt may begin in the
    middle of a conversation with tool results (as the prompt spec's multi-modal example does). When
    the prompt does hold earlier tool calls, the id is likely mistyped, so it gets a warning.
    """
    calls: dict[str, tuple[str, int]] = {}
    results: dict[str, tuple[str, int]] = {}
    orphans: list[str] = []
    for message, path in zip(messages, paths, strict=True):
        if isinstance(message, SystemMessage | UserMessage) or isinstance(message.content, str):
            continue
        for index, part in enumerate(message.content):
            if isinstance(part, ToolCallPart):
                _claim(calls, part.tool_call_id, (path, index), "tool call")
            elif isinstance(part, ToolResultPart):
                _claim(results, part.tool_call_id, (path, index), "tool result")
                if calls and part.tool_call_id not in calls:
                    orphans.append(
                        f"{path}.content[{index}]: tool result for tool call id {_shown(part.tool_call_id)}, "
                        "which no earlier tool call has (most providers refuse such a request)"
                    )
    return orphans


def _claim(seen: dict[str, tuple[str, int]], tool_call_id: str, where: tuple[str, int], kind: str) -> None:
    first = seen.setdefault(tool_call_id, where)
    if first is not where:
        raise InvalidPromptError(
            f"duplicate tool call id {_shown(tool_call_id)}: the {kind} at {first[0]}.content[{first[1]}] "
            "has it too",
            path=f"{where[0]}.content[{where[1]}]",
        )


def _tool_calls_with_approval_responses(messages: Sequence[Message]) -> set[str]:
    """The ids of tool calls whose approval request has a response (the loop runs or denies them)."""
    answered = {
        part.approval_id
        for message in messages
        if isinstance(message, ToolMessage)
        for part in message.content
        if isinstance(part, ToolApprovalResponsePart)
    }
    if not answered:  # the usual prompt: no assistant message needs to be read for requests
        return set()
    return {
        part.tool_call_id
        for message in messages
        if isinstance(message, AssistantMessage) and not isinstance(message.content, str)
        for part in message.content
        if isinstance(part, ToolApprovalRequestPart) and part.approval_id in answered
    }


def _check_tool_results(messages: Sequence[Message], paths: list[str], answered: set[str]) -> None:
    """Every client tool call needs a result (or an approval response, in ``answered``) before the next
    user / system message and at the end; the error's path is the first unanswered call's
    (``messages[1].content[0]``)."""
    pending: dict[str, str] = {}
    for message, path in zip(messages, paths, strict=True):
        if isinstance(message, AssistantMessage):
            for index, part in enumerate(message.content):
                if (
                    isinstance(part, ToolCallPart)
                    and part.provider_executed is not True
                    and part.tool_call_id not in answered
                ):
                    pending[part.tool_call_id] = f"{path}.content[{index}]"
        elif isinstance(message, ToolMessage):
            for result in message.content:
                if isinstance(result, ToolResultPart):
                    pending.pop(result.tool_call_id, None)
        elif pending:
            break
    if pending:
        raise MissingToolResultsError(list(pending), path=next(iter(pending.values())))


def _shown(name: str) -> str:
    return repr(name) if len(name) <= _MAX_SHOWN and name.isprintable() else f"<str of length {len(name)}>"
