"""CallParams -> the AI Gateway's request body (pure): the AI SDK's language-model call options as JSON.

The gateway speaks the AI SDK's own model interface (``LanguageModelV4``): the body is the call options
with camelCase names, file data as ``{"type": "data", "data": <base64>}`` or ``{"type": "url", "url"}``,
and tool choice as ``{"type": "auto"}``. Our records already use that vocabulary, so this module only
rewrites what differs: file data, tool-result media items, tool choice, and what must not be sent.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx

from pipeline import control
from pipeline.params import CallParams, ToolChoice, ToolChoiceTool
from pipeline.prompt import (
    FileItem,
    FilePart,
    MediaItem,
    Message,
    ProviderReference,
    ReasoningFilePart,
    ToolResultPart,
)

__all__ = ["SPECIFICATION_VERSION", "build_request_body", "file_data", "model_headers"]

SPECIFICATION_VERSION = "4"
"""The AI SDK model interface version the body follows (``LanguageModelV4``)."""

_NOT_SENT = frozenset({"prompt", "headers", "toolChoice", "providerOptions", "includeRawChunks"})
"""Keys of ``CallParams`` that are rewritten below, or sent as HTTP headers instead of in the body."""


def build_request_body(params: CallParams) -> dict[str, Any]:
    """The JSON body of one call (generate and stream send the same body).

    Call headers go out as HTTP headers only, not repeated in the body (the AI SDK copies them into
    both; a credential header should not travel twice). The library's own control options
    (``providerOptions.modelpipe``) stay here.
    """
    settings = params.model_dump(mode="json", exclude_none=True, exclude={"prompt"})
    body: dict[str, Any] = {key: value for key, value in settings.items() if key not in _NOT_SENT}
    body["prompt"] = [_message(message) for message in params.prompt]
    if params.tool_choice is not None:
        body["toolChoice"] = _tool_choice(params.tool_choice)
    provider_options = {
        name: value for name, value in (params.provider_options or {}).items() if name != control.NAMESPACE
    }
    if provider_options:
        body["providerOptions"] = provider_options
    if params.include_raw_chunks:
        body["includeRawChunks"] = True
    return body


def model_headers(model_id: str, *, streaming: bool) -> dict[str, str]:
    """The headers that name the model and the interface version (the gateway routes on them)."""
    return {
        "ai-language-model-specification-version": SPECIFICATION_VERSION,
        "ai-language-model-id": model_id,
        "ai-language-model-streaming": "true" if streaming else "false",
    }


def file_data(data: bytes | str | httpx.URL | ProviderReference) -> dict[str, Any]:
    """File data in the interface's tagged form: inline bytes as base64, a URL, or a provider reference
    (the gateway resolves it for the provider behind it)."""
    if isinstance(data, bytes):
        return {"type": "data", "data": base64.b64encode(data).decode("ascii")}
    if isinstance(data, httpx.URL):
        return {"type": "url", "url": str(data)}
    if isinstance(data, ProviderReference):
        return {"type": "reference", "reference": data.reference}
    return {"type": "data", "data": data}  # already base64 text


def _message(message: Message) -> dict[str, Any]:
    wire = message.model_dump(mode="json", exclude_none=True)
    if isinstance(message.content, str):
        return wire
    wire["content"] = [
        _part(part, dumped) for part, dumped in zip(message.content, wire["content"], strict=True)
    ]
    return wire


def _part(part: Any, dumped: dict[str, Any]) -> dict[str, Any]:
    if isinstance(part, FilePart | ReasoningFilePart):
        return {**dumped, "data": file_data(part.data)}
    if isinstance(part, ToolResultPart) and part.output.type == "content":
        items = [
            _media_item(item)
            if isinstance(item, MediaItem)
            else {**wire_item, "data": file_data(item.data)}
            if isinstance(item, FileItem)
            else wire_item
            for item, wire_item in zip(part.output.value, dumped["output"]["value"], strict=True)
        ]
        return {**dumped, "output": {**dumped["output"], "value": items}}
    return dumped


def _media_item(item: MediaItem) -> dict[str, Any]:
    """Our ``media`` tool-result item is the interface's ``file`` item."""
    wire: dict[str, Any] = {"type": "file", "data": file_data(item.data), "mediaType": item.media_type}
    if item.provider_options is not None:
        wire["providerOptions"] = item.provider_options
    return wire


def _tool_choice(choice: ToolChoice) -> dict[str, str]:
    if isinstance(choice, ToolChoiceTool):
        return {"type": "tool", "toolName": choice.tool_name}
    return {"type": choice}
