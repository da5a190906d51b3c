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

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal
from urllib.parse import ParseResult, SplitResult

import httpx
from pydantic import BeforeValidator, Field, PlainSerializer, TypeAdapter

from ._base import JSONValue, ProviderOptions, Record

__all__ = [
    "AssistantContentPart",
    "AssistantMessage",
    "ContentOutput",
    "DataContent",
    "ErrorJsonOutput",
    "ErrorTextOutput",
    "ExecutionDeniedOutput",
    "FilePart",
    "ImagePart",
    "JsonOutput",
    "MediaItem",
    "Message",
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


def _coerce_data(value: Any) -> Any:
    """Accept every binary / URL form the prompt spec lists, in Python terms."""
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, ParseResult | SplitResult):
        return httpx.URL(value.geturl())
    return value


def _serialize_data(value: str | bytes | httpx.URL) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


DataContent = Annotated[
    str | bytes | httpx.URL,
    BeforeValidator(_coerce_data),
    PlainSerializer(_serialize_data, when_used="json"),
]
"""Image or file data: base64 text, a ``data:`` URL, an http(s) URL string, bytes, or a URL object."""


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
    data: DataContent
    media_type: str
    filename: str | None = None


class ReasoningPart(_Part):
    """Reasoning text from an earlier assistant turn."""

    type: Literal["reasoning"] = "reasoning"
    text: str


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


ContentItem = Annotated[TextItem | MediaItem, Field(discriminator="type")]


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
    TextPart | FilePart | ReasoningPart | ToolCallPart | ToolResultPart | ToolApprovalRequestPart,
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

messages_adapter: TypeAdapter[list[Message]] = TypeAdapter(list[Message])
"""Validates a list of message dicts (either key spelling) into message models."""
