"""Normalized prompt → OpenAI chat-completions ``messages`` (pure; returns warnings too)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

import httpx

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.media_type import get_top_level_media_type
from pipeline.prompt import (
    AssistantMessage,
    ContentOutput,
    CustomPart,
    ErrorJsonOutput,
    ErrorTextOutput,
    ExecutionDeniedOutput,
    FilePart,
    ImagePart,
    JsonOutput,
    Message,
    ProviderReference,
    ReasoningFilePart,
    ReasoningPart,
    SystemMessage,
    TextOutput,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import CallWarning

from .capabilities import SystemMessageMode
from .media import resolve_full_media_type

__all__ = ["WireMessage", "convert_to_openai_chat_messages", "tool_result_text"]

WireMessage = dict[str, Any]
"""One chat-completions message, exactly as sent (``content: None`` is a literal JSON null)."""

_AUDIO_FORMATS = {"audio/wav": "wav", "audio/mp3": "mp3", "audio/mpeg": "mp3"}


def convert_to_openai_chat_messages(
    prompt: Sequence[Message], system_message_mode: SystemMessageMode = "system"
) -> tuple[list[WireMessage], list[CallWarning]]:
    """Translate a normalized prompt; unsupported content raises UnsupportedFunctionalityError."""
    messages: list[WireMessage] = []
    warnings: list[CallWarning] = []
    for index, message in enumerate(prompt):
        match message:
            case SystemMessage():
                if system_message_mode == "remove":
                    warnings.append(
                        CallWarning(type="other", message="system messages are removed for this model")
                    )
                else:
                    messages.append(
                        {
                            "role": system_message_mode,
                            "content": _text_content(message.content, message.provider_options),
                        }
                    )
            case UserMessage():
                messages.append(_user_message(message, index))
            case AssistantMessage():
                messages.append(_assistant_message(message))
            case ToolMessage():
                messages.extend(  # approval responses are not sent in chat completions
                    _tool_message(part) for part in message.content if isinstance(part, ToolResultPart)
                )
    return messages, warnings


def _cache_breakpoint(provider_options: ProviderOptions | None) -> Any:
    return ((provider_options or {}).get("openai") or {}).get("promptCacheBreakpoint")


def _text_content(text: str, provider_options: ProviderOptions | None) -> str | list[dict[str, Any]]:
    """Plain text, or a one-block array when the text carries a prompt-cache breakpoint."""
    breakpoint_ = _cache_breakpoint(provider_options)
    if breakpoint_ is None:
        return text
    return [{"type": "text", "text": text, "prompt_cache_breakpoint": breakpoint_}]


def _with_breakpoint(block: dict[str, Any], provider_options: ProviderOptions | None) -> dict[str, Any]:
    breakpoint_ = _cache_breakpoint(provider_options)
    return block if breakpoint_ is None else {**block, "prompt_cache_breakpoint": breakpoint_}


def _user_message(message: UserMessage, message_index: int) -> WireMessage:
    content = message.content
    if isinstance(content, str):
        return {"role": "user", "content": content}
    if (
        len(content) == 1
        and isinstance(content[0], TextPart)
        and _cache_breakpoint(content[0].provider_options) is None
    ):
        return {"role": "user", "content": content[0].text}
    blocks: list[dict[str, Any]] = []
    for part_index, part in enumerate(content):
        match part:
            case TextPart():
                block: dict[str, Any] = {"type": "text", "text": part.text}
            case FilePart():
                block = _file_block(part, part_index)
            case ImagePart():
                raise InvalidPromptError(
                    "image parts must be normalized to file parts before reaching the provider",
                    path=f"messages[{message_index}].content[{part_index}]",
                )
        blocks.append(_with_breakpoint(block, part.provider_options))
    return {"role": "user", "content": blocks}


def _file_block(part: FilePart, part_index: int) -> dict[str, Any]:
    data = part.data
    if isinstance(data, str):
        raise InvalidPromptError("file data must be normalized to bytes or a URL")
    if isinstance(data, ProviderReference):  # a file uploaded to OpenAI's file store, whatever its type
        return {"type": "file", "file": {"file_id": data.for_provider("openai")}}
    top_level = get_top_level_media_type(part.media_type)
    if top_level == "image":
        image_url: dict[str, Any] = {
            "url": str(data)
            if isinstance(data, httpx.URL)
            else _data_url(resolve_full_media_type(part.media_type, data), data)
        }
        detail = ((part.provider_options or {}).get("openai") or {}).get("imageDetail")
        if detail is not None:
            image_url["detail"] = detail
        return {"type": "image_url", "image_url": image_url}
    if top_level == "audio":
        if isinstance(data, httpx.URL):
            raise UnsupportedFunctionalityError("audio file parts with URLs")
        media_type = resolve_full_media_type(part.media_type, data)
        audio_format = _AUDIO_FORMATS.get(media_type)
        if audio_format is None:
            raise UnsupportedFunctionalityError(f"audio content parts with media type {media_type}")
        return {"type": "input_audio", "input_audio": {"data": _base64(data), "format": audio_format}}
    media_type = resolve_full_media_type(part.media_type, data)
    if media_type != "application/pdf":
        raise UnsupportedFunctionalityError(f"file part media type {media_type}")
    if isinstance(data, httpx.URL):
        raise UnsupportedFunctionalityError("PDF file parts with URLs")
    return {
        "type": "file",
        "file": {
            "filename": part.filename or f"part-{part_index}.pdf",
            "file_data": _data_url("application/pdf", data),
        },
    }


def _assistant_message(message: AssistantMessage) -> WireMessage:
    content = message.content
    if isinstance(content, str):
        return {"role": "assistant", "content": content}
    text_blocks: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    has_breakpoint = False
    for part in content:
        match part:
            case TextPart():
                text_blocks.append(
                    _with_breakpoint({"type": "text", "text": part.text}, part.provider_options)
                )
                has_breakpoint = has_breakpoint or _cache_breakpoint(part.provider_options) is not None
            case ToolCallPart():
                tool_calls.append(
                    {
                        "id": part.tool_call_id,
                        "type": "function",
                        "function": {
                            "name": part.tool_name,
                            "arguments": _json_text({} if part.input is None else part.input),
                        },
                    }
                )
            case ReasoningPart() | ReasoningFilePart() | CustomPart() | FilePart() | ToolResultPart():
                pass  # the chat API has no place for these in an assistant turn
    text = "".join(block["text"] for block in text_blocks)
    wire: WireMessage = {
        "role": "assistant",
        "content": text_blocks if has_breakpoint else ((text or None) if tool_calls else text),
    }
    if tool_calls:
        wire["tool_calls"] = tool_calls
    return wire


def tool_result_text(part: ToolResultPart) -> str:
    """The text a tool result is sent as: text as is, everything else as compact JSON."""
    output = part.output
    match output:
        case TextOutput() | ErrorTextOutput():
            return output.value
        case ExecutionDeniedOutput():
            return output.reason or "Tool call execution denied."
        case JsonOutput() | ErrorJsonOutput():
            return _json_text(output.value)
        case ContentOutput():
            return _json_text([item.to_json_dict() for item in output.value])


def _tool_message(part: ToolResultPart) -> WireMessage:
    output = part.output
    if isinstance(output, ContentOutput):
        breakpoints = (_cache_breakpoint(item.provider_options) for item in output.value)
        breakpoint_ = next((found for found in breakpoints if found is not None), None)
    else:
        breakpoint_ = _cache_breakpoint(output.provider_options)
    if breakpoint_ is None:
        breakpoint_ = _cache_breakpoint(part.provider_options)
    text = tool_result_text(part)
    content: Any = (
        text
        if breakpoint_ is None
        else [{"type": "text", "text": text, "prompt_cache_breakpoint": breakpoint_}]
    )
    return {"role": "tool", "tool_call_id": part.tool_call_id, "content": content}


def _json_text(value: Any) -> str:
    """JSON as JavaScript's ``JSON.stringify`` writes it (compact, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{_base64(data)}"
