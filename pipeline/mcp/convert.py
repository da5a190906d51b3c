"""Pure translations between MCP's JSON shapes and modelpipe's prompt and tool-result types."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..prompt import (
    AssistantMessage,
    ContentOutput,
    FilePart,
    JsonOutput,
    MediaItem,
    Message,
    TextItem,
    TextPart,
    ToolResultOutput,
    UserMessage,
)

__all__ = ["error_text", "prompt_messages", "tool_model_output"]


def _content_item(part: Mapping[str, Any]) -> TextItem | MediaItem:
    """One MCP content block as a tool-result content item (unknown blocks as their JSON text)."""
    kind = part.get("type")
    if kind == "text" and isinstance(part.get("text"), str):
        return TextItem(text=part["text"])
    if kind in ("image", "audio") and isinstance(part.get("data"), str) and part.get("mimeType"):
        return MediaItem(data=part["data"], media_type=part["mimeType"])
    if kind == "resource" and isinstance(part.get("resource"), Mapping):
        resource = part["resource"]
        if isinstance(resource.get("text"), str):
            return TextItem(text=resource["text"])
        if isinstance(resource.get("blob"), str):
            return MediaItem(
                data=resource["blob"], media_type=resource.get("mimeType") or "application/octet-stream"
            )
    return TextItem(text=json.dumps(part, separators=(",", ":")))


def tool_model_output(result: Any) -> ToolResultOutput:
    """What the model is sent for an MCP ``CallToolResult`` (as JSON): its ``content`` blocks as
    multi-part content (text, images and audio as media, embedded resources by their text or
    blob), or the whole result as JSON when it has no content list (the AI SDK's ``mcpToModelOutput``)."""
    content = result.get("content") if isinstance(result, Mapping) else None
    if not isinstance(content, list):
        return JsonOutput(value=result)
    return ContentOutput(value=[_content_item(part) for part in content if isinstance(part, Mapping)])


def error_text(result: Mapping[str, Any]) -> str:
    """The text of an ``isError`` tool result (its text blocks joined), for the error the model sees."""
    content = result.get("content")
    parts = content if isinstance(content, list) else []
    texts = [
        part["text"] for part in parts if isinstance(part, Mapping) and isinstance(part.get("text"), str)
    ]
    return "\n".join(texts) or json.dumps(result, separators=(",", ":"))


def _prompt_part(content: Mapping[str, Any]) -> TextPart | FilePart:
    kind = content.get("type")
    if kind == "text" and isinstance(content.get("text"), str):
        return TextPart(text=content["text"])
    if kind in ("image", "audio") and isinstance(content.get("data"), str) and content.get("mimeType"):
        return FilePart(data=content["data"], media_type=content["mimeType"])
    item = _content_item(content)
    if isinstance(item, MediaItem):
        return FilePart(data=item.data, media_type=item.media_type)
    return TextPart(text=item.text)


def prompt_messages(messages: Sequence[Mapping[str, Any]]) -> list[Message]:
    """An MCP prompt's messages (``GetPromptResult.messages`` as JSON) as prompt messages.

    User messages keep text, images and files; assistant messages keep text (an assistant turn
    cannot hold an image in the prompt spec, so media there become files).
    """
    converted: list[Message] = []
    for message in messages:
        part = _prompt_part(message["content"])
        if message.get("role") == "assistant":
            converted.append(AssistantMessage(content=[part]))
        else:
            converted.append(UserMessage(content=[part]))
    return converted
