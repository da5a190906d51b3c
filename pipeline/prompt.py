"""Prompt messages and parts: the AI SDK's ``ModelMessage`` vocabulary as pydantic models.

Users may pass these models, or plain dicts in AI SDK shape (camelCase keys such as ``toolCallId``,
``mediaType``, ``providerOptions``) or in snake_case; both validate to the same models.

Two levels use the same classes:

* **user level** (what callers write): content may be a string, images may be ``ImagePart``, data may
  be base64 text, a ``data:`` URL, bytes or a URL;
* **normalized level** (what middleware and providers see, produced by
  :func:`pipeline.normalize.normalize_prompt`): the system prompt is a leading ``SystemMessage``,
  user and assistant content are always lists, there are no ``ImagePart`` s, and every file's ``data``
  is either ``bytes`` or an ``httpx.URL`` with a ``media_type`` set.
"""

import base64
import functools
import mimetypes
import warnings
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import ParseResult, SplitResult

import httpx
from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, TypeAdapter, field_validator

from ._base import JSONValue, ProviderOptions, Record
from .errors import NoSuchProviderReferenceError

__all__ = [
    "AssistantContentPart",
    "AssistantMessage",
    "ContentItem",
    "ContentOutput",
    "CustomItem",
    "CustomPart",
    "DataContent",
    "ErrorJsonOutput",
    "ErrorTextOutput",
    "ExecutionDeniedOutput",
    "FileData",
    "FileItem",
    "FilePart",
    "ImagePart",
    "JsonOutput",
    "MediaItem",
    "Message",
    "PromptDeprecationWarning",
    "ProviderReference",
    "ReasoningFilePart",
    "ReasoningPart",
    "SystemMessage",
    "TextItem",
    "TextOutput",
    "TextPart",
    "ToolApprovalRequestPart",
    "ToolApprovalResponsePart",
    "ToolCallPart",
    "ToolContentPart",
    "ToolMessage",
    "ToolResultOutput",
    "ToolResultPart",
    "UserContentPart",
    "UserMessage",
    "messages_adapter",
]


class PromptDeprecationWarning(FutureWarning):
    """A prompt uses a form the AI SDK deprecated (e.g. a ``file-url`` tool-result item); it still works."""


class ProviderReference(Record):
    """A file uploaded to providers' file stores: provider name -> that provider's file id.

    Given as file data in a prompt (``{"openai": "file-abc", "anthropic": "file_011"}``), it is sent as a
    reference (``file_id``, a ``file`` source, a ``fileUri``) instead of the bytes; upload once with
    :func:`pipeline.files.upload_file` and reference many times. A provider missing from the mapping
    cannot use it (:class:`~pipeline.errors.NoSuchProviderReferenceError`).
    """

    type: Literal["reference"] = "reference"
    reference: dict[str, str]

    @field_validator("reference")
    @classmethod
    def _not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("a provider reference names at least one provider")
        return value

    def __or__(self, other: "ProviderReference") -> "ProviderReference":
        """Both references in one (``other`` wins for a provider in both): upload to several providers,
        then reference the file once in a prompt that any of them may answer."""
        return ProviderReference(reference={**self.reference, **other.reference})

    def for_provider(self, provider: str) -> str:
        """The file id for ``provider``; :class:`~pipeline.errors.NoSuchProviderReferenceError` if absent."""
        file_id = self.reference.get(provider)
        if file_id is None:
            raise NoSuchProviderReferenceError(provider, list(self.reference))
        return file_id


def _coerce_data(value: Any) -> Any:
    """Accept every binary / URL form the prompt spec lists, in Python terms."""
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, ParseResult | SplitResult):
        return httpx.URL(value.geturl())
    return value


def _coerce_file_data(value: Any) -> Any:
    """:func:`_coerce_data`, and a mapping as a provider reference (``{"openai": "file-abc"}``) or one of
    the AI SDK's tagged forms (``{"type": "data" | "url" | "reference", ...}``) our JSON dumps also use."""
    if isinstance(value, Mapping):
        match value.get("type"):
            case "data":
                return _coerce_data(value.get("data"))
            case "url":
                url = value.get("url")
                return url if isinstance(url, httpx.URL) else httpx.URL(str(url))
            case "reference":
                return ProviderReference.model_validate(value)
        return ProviderReference(reference=dict(value))
    return _coerce_data(value)


def _serialize_data(value: str | bytes | httpx.URL | ProviderReference) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, ProviderReference):
        return {"type": "reference", "reference": value.reference}
    return str(value)


DataContent = Annotated[
    str | bytes | httpx.URL,
    BeforeValidator(_coerce_data),
    PlainSerializer(_serialize_data, when_used="json"),
]
"""Image or media data: base64 text, a ``data:`` URL, an http(s) URL string, bytes, or a URL object."""

FileData = Annotated[
    str | bytes | httpx.URL | ProviderReference,
    BeforeValidator(_coerce_file_data),
    PlainSerializer(_serialize_data, when_used="json"),
]
"""File data: any :data:`DataContent` form, or a :class:`ProviderReference` to an uploaded file."""


class _Part(Record):
    provider_options: ProviderOptions | None = None


class TextPart(_Part):
    """Text in a user or assistant message."""

    type: Literal["text"] = "text"
    text: str


class ImagePart(_Part):
    """An image in a user message (normalization turns it into a :class:`FilePart`)."""

    type: Literal["image"] = "image"
    image: DataContent
    media_type: str | None = None


class FilePart(_Part):
    """A file (PDF, audio, image, ...) in a user message, or a model-generated file in an assistant one."""

    type: Literal["file"] = "file"
    data: FileData
    media_type: str
    filename: str | None = None


class ReasoningPart(_Part):
    """Reasoning text from an earlier assistant turn."""

    type: Literal["reasoning"] = "reasoning"
    text: str


class ReasoningFilePart(_Part):
    """A file the model produced while reasoning (e.g. an image), sent back in a later turn."""

    type: Literal["reasoning-file"] = "reasoning-file"
    data: DataContent
    media_type: str


class CustomPart(_Part):
    """Provider-specific assistant content (``kind`` is ``"<provider>.<kind>"``), kept and passed on to
    the provider that knows it; others leave it out with a warning."""

    type: Literal["custom"] = "custom"
    kind: str

    @field_validator("kind")
    @classmethod
    def _provider_kind(cls, value: str) -> str:
        provider, dot, kind = value.partition(".")
        if not (provider and dot and kind):
            raise ValueError("kind must look like '<provider>.<kind>', e.g. 'anthropic.compaction'")
        return value


class ToolCallPart(_Part):
    """A tool call made by the assistant; ``input`` is the parsed JSON arguments."""

    type: Literal["tool-call"] = "tool-call"
    tool_call_id: str
    tool_name: str
    input: JSONValue
    provider_executed: bool | None = None


class TextOutput(Record):
    type: Literal["text"] = "text"
    value: str
    provider_options: ProviderOptions | None = None


class JsonOutput(Record):
    type: Literal["json"] = "json"
    value: JSONValue
    provider_options: ProviderOptions | None = None


class ErrorTextOutput(Record):
    type: Literal["error-text"] = "error-text"
    value: str
    provider_options: ProviderOptions | None = None


class ErrorJsonOutput(Record):
    type: Literal["error-json"] = "error-json"
    value: JSONValue
    provider_options: ProviderOptions | None = None


class ExecutionDeniedOutput(Record):
    type: Literal["execution-denied"] = "execution-denied"
    reason: str | None = None
    provider_options: ProviderOptions | None = None


class TextItem(Record):
    """Text inside a multi-part (``content``) tool result."""

    type: Literal["text"] = "text"
    text: str
    provider_options: ProviderOptions | None = None


class MediaItem(Record):
    """Media (image, PDF, ...) inside a multi-part (``content``) tool result."""

    type: Literal["media"] = "media"
    data: DataContent
    media_type: str
    provider_options: ProviderOptions | None = None


class FileItem(Record):
    """A file inside a multi-part tool result: bytes, base64, a URL or a provider reference, with its
    media type (a top-level type such as ``image`` is enough for a URL or a reference)."""

    type: Literal["file"] = "file"
    data: FileData
    media_type: str
    filename: str | None = None
    provider_options: ProviderOptions | None = None


class CustomItem(Record):
    """Provider-specific content inside a multi-part tool result, carried in ``provider_options``."""

    type: Literal["custom"] = "custom"
    provider_options: ProviderOptions | None = None


_DEPRECATED_ITEMS = {
    "file-data": ("data", None),
    "image-data": ("data", None),
    "file-url": ("url", None),
    "image-url": ("url", "image"),
    "file-id": ("reference", "application"),
    "image-file-id": ("reference", "image"),
    "file-reference": ("reference", "application"),
    "image-file-reference": ("reference", "image"),
}
"""The AI SDK's older tool-result item types: (the file data form they hold, their fixed media type)."""


@functools.cache
def _url_media_types() -> mimetypes.MimeTypes:
    """Media types by file extension from Python's own table only (no system files: the same everywhere).

    Built on first use: making one reads the system's tables into :mod:`mimetypes` (about 7 ms of import).
    """
    return mimetypes.MimeTypes(filenames=())


def _upgraded_item(item: Any) -> Any:
    """A deprecated tool-result item as a ``file`` item, with the AI SDK's deprecation message."""
    kind = item.get("type") if isinstance(item, Mapping) else None
    if not isinstance(kind, str) or kind not in _DEPRECATED_ITEMS:
        return item
    form, fixed_media_type = _DEPRECATED_ITEMS[kind]
    upgraded: dict[str, Any] = {"type": "file", "providerOptions": item.get("providerOptions")}
    if form == "data":
        upgraded |= {
            "data": item.get("data"),
            "mediaType": item.get("mediaType"),
            "filename": item.get("filename"),
        }
        advice = "Use the \"file\" type with mediaType and { type: 'data', data } instead."
    elif form == "url":
        upgraded["data"] = httpx.URL(str(item.get("url")))
        advice = (
            "Use the \"file\" type with mediaType 'image' (or a specific image/* subtype) and "
            "{ type: 'url', url } instead."
            if fixed_media_type
            else "Use the \"file\" type with mediaType and { type: 'url', url } instead."
        )
        upgraded["mediaType"] = fixed_media_type or item.get("mediaType")
    else:
        upgraded["data"] = ProviderReference(reference=_reference_of(item, kind))
        upgraded["mediaType"] = fixed_media_type
        advice = "Use the \"file\" type with mediaType and { type: 'reference', reference } instead."
    message = f'The "{kind}" type for tool result content is deprecated. {advice}'
    if kind == "file-url" and not item.get("mediaType"):
        inferred = _url_media_types().guess_type(str(item.get("url")), strict=True)[0]
        upgraded["mediaType"] = inferred or "application/octet-stream"
        found = (
            f"Inferred media type '{inferred}' from URL."
            if inferred
            else "Unable to infer media type from URL. Defaulting to 'application/octet-stream'."
        )
        message = (
            f'The "file-url" tool result content part with URL "{item.get("url")}" is missing a '
            f'"mediaType". {found} {message}'
        )
    warnings.warn(
        f'Deprecated: ""tool-result" content of type "{kind}"". {message}',
        PromptDeprecationWarning,
        stacklevel=2,
    )
    return {key: value for key, value in upgraded.items() if value is not None}


def _reference_of(item: Mapping[str, Any], kind: str) -> Any:
    reference = item.get("providerReference", item.get("fileId"))
    if isinstance(reference, str):
        raise ValueError(
            f"a {kind!r} item with a plain file id does not say which provider it belongs to; "
            'use a "file" item with data={"<provider>": "<file id>"}'
        )
    return reference


ContentItem = Annotated[
    Annotated[TextItem | MediaItem | FileItem | CustomItem, Field(discriminator="type")],
    BeforeValidator(_upgraded_item),
]
"""An item of a multi-part tool result; the AI SDK's deprecated item types are read as ``file`` items."""


class ContentOutput(Record):
    """A multi-part, multi-modal tool result (text and media items)."""

    type: Literal["content"] = "content"
    value: list[ContentItem]
    provider_options: ProviderOptions | None = None


ToolResultOutput = Annotated[
    TextOutput | JsonOutput | ErrorTextOutput | ErrorJsonOutput | ExecutionDeniedOutput | ContentOutput,
    Field(discriminator="type"),
]


class ToolResultPart(_Part):
    """The result of a tool call, matched to it by ``tool_call_id``."""

    type: Literal["tool-result"] = "tool-result"
    tool_call_id: str
    tool_name: str
    output: ToolResultOutput


class ToolApprovalRequestPart(_Part):
    """The loop asked the user to approve tool call ``tool_call_id`` (answered by a
    :class:`ToolApprovalResponsePart` with the same ``approval_id`` in the next tool message)."""

    type: Literal["tool-approval-request"] = "tool-approval-request"
    approval_id: str
    tool_call_id: str


class ToolApprovalResponsePart(_Part):
    """The user's answer to an approval request: approved, or denied (with an optional ``reason``)."""

    type: Literal["tool-approval-response"] = "tool-approval-response"
    approval_id: str
    approved: bool
    reason: str | None = None
    provider_executed: bool | None = None


UserContentPart = Annotated[TextPart | ImagePart | FilePart, Field(discriminator="type")]
AssistantContentPart = Annotated[
    TextPart
    | FilePart
    | ReasoningPart
    | ReasoningFilePart
    | CustomPart
    | ToolCallPart
    | ToolResultPart
    | ToolApprovalRequestPart,
    Field(discriminator="type"),
]
ToolContentPart = Annotated[ToolResultPart | ToolApprovalResponsePart, Field(discriminator="type")]


class SystemMessage(Record):
    role: Literal["system"] = "system"
    content: str
    provider_options: ProviderOptions | None = None


class UserMessage(Record):
    role: Literal["user"] = "user"
    content: str | list[UserContentPart]
    provider_options: ProviderOptions | None = None


class AssistantMessage(Record):
    role: Literal["assistant"] = "assistant"
    content: str | list[AssistantContentPart]
    provider_options: ProviderOptions | None = None


class ToolMessage(Record):
    role: Literal["tool"] = "tool"
    content: list[ToolContentPart]
    provider_options: ProviderOptions | None = None


Message = Annotated[SystemMessage | UserMessage | AssistantMessage | ToolMessage, Field(discriminator="role")]
"""One prompt message, discriminated on ``role``."""

messages_adapter: TypeAdapter[list[Message]] = TypeAdapter(list[Message], config=ConfigDict(defer_build=True))
"""Validates a list of message dicts (either key spelling) into message models (built on first use, not
at import)."""
