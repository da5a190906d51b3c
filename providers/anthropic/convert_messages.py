"""Normalized prompt to Anthropic ``system`` blocks and ``messages`` (pure, plus warnings and betas).

Messages are grouped into blocks: consecutive system messages; consecutive assistant messages
(merged into one assistant message); consecutive user and tool messages (merged into one user
message, tool results become ``tool_result`` blocks).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.prompt import (
    AssistantMessage,
    ContentItem,
    ContentOutput,
    CustomItem,
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
    TextItem,
    TextOutput,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultOutput,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import CallWarning

from .cache_control import CacheBreakpoints
from .convert_server_tools import ServerToolReplay, wire_caller
from .options import parse_file_part_options, parse_reasoning_options
from .provider_tools import ToolNameMapping

__all__ = [
    "BETA_FILES_API",
    "BETA_MID_CONVERSATION_SYSTEM",
    "BETA_PDFS",
    "AnthropicPrompt",
    "convert_to_anthropic_prompt",
    "resolve_media_type",
]

BETA_PDFS = "pdfs-2024-09-25"
BETA_FILES_API = "files-api-2025-04-14"
BETA_MID_CONVERSATION_SYSTEM = "mid-conversation-system-2026-04-07"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"%PDF", "application/pdf"),
)


@dataclass
class AnthropicPrompt:
    """The converted prompt: top-level ``system`` blocks (or ``None``), ``messages``, betas, warnings."""

    system: list[dict[str, Any]] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    betas: list[str] = field(default_factory=list)
    warnings: list[CallWarning] = field(default_factory=list)

    def add_beta(self, beta: str) -> None:
        if beta not in self.betas:
            self.betas.append(beta)

    def warn(self, message: str) -> None:
        self.warnings.append(CallWarning(type="other", message=message))


def resolve_media_type(media_type: str, data: bytes | httpx.URL) -> str:
    """A full media type: as given when complete, else sniffed from the bytes (``image`` -> ``image/png``)."""
    if "/" in media_type and not media_type.endswith("/*"):
        return media_type
    if isinstance(data, bytes):
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return "image/webp"
        for signature, sniffed in _SIGNATURES:
            if data.startswith(signature):
                return sniffed
    return media_type


def _top_level(media_type: str) -> str:
    return media_type.split("/", 1)[0]


def _file_data(data: object, path: str) -> bytes | httpx.URL:
    if isinstance(data, bytes | httpx.URL):
        return data
    raise InvalidPromptError("file data must be bytes or a URL; normalize the prompt first", path=path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _source(data: bytes | httpx.URL, media_type: str) -> dict[str, Any]:
    if isinstance(data, httpx.URL):
        return {"type": "url", "url": str(data)}
    return {"type": "base64", "media_type": media_type, "data": _b64(data)}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _with_cache(block: dict[str, Any], cache_control: dict[str, Any] | None) -> dict[str, Any]:
    if cache_control is not None:
        block["cache_control"] = cache_control
    return block


def _document(source: dict[str, Any], part: FilePart, cache_control: dict[str, Any] | None) -> dict[str, Any]:
    options = parse_file_part_options(part.provider_options)
    block: dict[str, Any] = {"type": "document", "source": source}
    title = options.title if options.title is not None else part.filename
    if title is not None:
        block["title"] = title
    if options.context:
        block["context"] = options.context
    if (options.citations or {}).get("enabled"):
        block["citations"] = {"enabled": True}
    return _with_cache(block, cache_control)


def _user_file_block(
    part: FilePart, cache_control: dict[str, Any] | None, prompt: AnthropicPrompt, path: str
) -> dict[str, Any]:
    if isinstance(part.data, ProviderReference):  # a file in Anthropic's file store (Files API beta)
        prompt.add_beta(BETA_FILES_API)
        source = {"type": "file", "file_id": part.data.for_provider("anthropic")}
        if _top_level(part.media_type) == "image":
            return _with_cache({"type": "image", "source": source}, cache_control)
        return _with_cache({"type": "document", "source": source}, cache_control)
    data = _file_data(part.data, path)
    media_type = resolve_media_type(part.media_type, data)
    top_level = _top_level(media_type)
    if top_level == "image":
        return _with_cache({"type": "image", "source": _source(data, media_type)}, cache_control)
    if media_type == "application/pdf":
        prompt.add_beta(BETA_PDFS)
        return _document(_source(data, "application/pdf"), part, cache_control)
    if media_type == "text/plain":
        source = (
            {"type": "url", "url": str(data)}
            if isinstance(data, httpx.URL)
            else {"type": "text", "media_type": "text/plain", "data": data.decode("utf-8")}
        )
        return _document(source, part, cache_control)
    raise UnsupportedFunctionalityError(f"media type: {part.media_type}")


def _tool_content_item(item: ContentItem, prompt: AnthropicPrompt) -> dict[str, Any] | None:
    if isinstance(item, TextItem):
        return {"type": "text", "text": item.text}
    if isinstance(item, CustomItem):
        return _custom_tool_content(item, prompt)
    data = item.data
    if isinstance(data, httpx.URL):
        kind = "image" if _top_level(item.media_type) == "image" else "document"
        return {"type": kind, "source": {"type": "url", "url": str(data)}}
    if isinstance(data, bytes):
        media_type = resolve_media_type(item.media_type, data)
        if _top_level(media_type) == "image":
            return {"type": "image", "source": _source(data, media_type)}
        if media_type == "application/pdf":
            prompt.add_beta(BETA_PDFS)
            return {"type": "document", "source": _source(data, "application/pdf")}
        prompt.warn(f"unsupported tool content part type: {item.type} with media type: {item.media_type}")
        return None
    kind = "reference" if isinstance(data, ProviderReference) else "text"
    prompt.warn(f"unsupported tool content part type: {item.type} with data type: {kind}")
    return None


def _custom_tool_content(item: CustomItem, prompt: AnthropicPrompt) -> dict[str, Any] | None:
    """A ``custom`` item Anthropic knows: a tool reference (``{"type": "tool-reference", "toolName"}``)."""
    options = (item.provider_options or {}).get("anthropic") or {}
    if options.get("type") == "tool-reference" and isinstance(options.get("toolName"), str):
        return {"type": "tool_reference", "tool_name": options["toolName"]}
    prompt.warn("unsupported custom tool content part")
    return None


def _tool_result_content(output: ToolResultOutput, prompt: AnthropicPrompt) -> str | list[dict[str, Any]]:
    match output:
        case TextOutput() | ErrorTextOutput():
            return output.value
        case ExecutionDeniedOutput():
            return output.reason if output.reason is not None else "Tool call execution denied."
        case JsonOutput() | ErrorJsonOutput():
            return _json(output.value)
        case ContentOutput():
            items = [_tool_content_item(item, prompt) for item in output.value]
            return [item for item in items if item is not None]


def _output_options(output: ToolResultOutput) -> ProviderOptions | None:
    if output.provider_options is not None:
        return output.provider_options
    if isinstance(output, ContentOutput):
        return next((item.provider_options for item in output.value if item.provider_options), None)
    return None


def _convert_user_block(
    messages: list[tuple[int, UserMessage | ToolMessage]], cache: CacheBreakpoints, prompt: AnthropicPrompt
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for index, message in messages:
        parts = message.content if isinstance(message.content, list) else [TextPart(text=message.content)]
        for j, part in enumerate(parts):
            path = f"messages[{index}].content[{j}]"
            is_last = j == len(parts) - 1
            context = "tool result" if isinstance(part, ToolResultPart) else "user message"
            cache_control = cache.take(part.provider_options, context=f"{context} part")
            if cache_control is None and isinstance(part, ToolResultPart):
                cache_control = cache.take(_output_options(part.output), context="tool result output")
            if cache_control is None and is_last:
                cache_control = cache.take(message.provider_options, context=f"{context} message")
            match part:
                case TextPart():
                    content.append(_with_cache({"type": "text", "text": part.text}, cache_control))
                case FilePart():
                    content.append(_user_file_block(part, cache_control, prompt, path))
                case ToolResultPart():
                    block: dict[str, Any] = {
                        "type": "tool_result",
                        "tool_use_id": part.tool_call_id,
                        "content": _tool_result_content(part.output, prompt),
                    }
                    if isinstance(part.output, ErrorTextOutput | ErrorJsonOutput):
                        block["is_error"] = True
                    content.append(_with_cache(block, cache_control))
                case ImagePart():
                    raise InvalidPromptError("image parts must be normalized to file parts", path=path)
    return {"role": "user", "content": content}


def _tool_use_input(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"rawInvalidInput": value}


def _reasoning_block(
    part: ReasoningPart, send_reasoning: bool, cache: CacheBreakpoints, prompt: AnthropicPrompt
) -> dict[str, Any] | None:
    if not send_reasoning:
        prompt.warn("sending reasoning content is disabled for this model")
        return None
    metadata = parse_reasoning_options(part.provider_options)
    if metadata is not None and metadata.signature is not None:
        cache.take(part.provider_options, context="thinking block", can_cache=False)
        return {"type": "thinking", "thinking": part.text, "signature": metadata.signature}
    if metadata is not None and metadata.redacted_data is not None:
        cache.take(part.provider_options, context="redacted thinking block", can_cache=False)
        return {"type": "redacted_thinking", "data": metadata.redacted_data}
    prompt.warn("unsupported reasoning metadata")
    return None


def _move_tool_use_to_segment_ends(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Within each run between thinking blocks, put ``tool_use`` blocks after the other blocks."""
    result: list[dict[str, Any]] = []
    segment: list[dict[str, Any]] = []

    def flush() -> None:
        result.extend(block for block in segment if block["type"] != "tool_use")
        result.extend(block for block in segment if block["type"] == "tool_use")
        segment.clear()

    for block in content:
        if block["type"] in ("thinking", "redacted_thinking"):
            flush()
            result.append(block)
        else:
            segment.append(block)
    flush()
    return result


def _convert_assistant_block(
    messages: list[AssistantMessage],
    *,
    is_last_block: bool,
    send_reasoning: bool,
    cache: CacheBreakpoints,
    prompt: AnthropicPrompt,
    tool_names: ToolNameMapping,
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    replay = ServerToolReplay(tool_names)
    for m, message in enumerate(messages):
        parts = message.content if isinstance(message.content, list) else [TextPart(text=message.content)]
        for k, part in enumerate(parts):
            is_last_part = k == len(parts) - 1
            cache_control = cache.take(part.provider_options, context="assistant message part")
            if cache_control is None and is_last_part:
                cache_control = cache.take(message.provider_options, context="assistant message")
            match part:
                case TextPart():
                    text_options = (part.provider_options or {}).get("anthropic") or {}
                    if text_options.get("type") == "compaction":
                        content.append(
                            _with_cache({"type": "compaction", "content": part.text}, cache_control)
                        )
                        continue
                    trim = is_last_block and m == len(messages) - 1 and is_last_part
                    block: dict[str, Any] = {"type": "text", "text": part.text.strip() if trim else part.text}
                    citations = text_options.get("citations")
                    if citations is not None:
                        block["citations"] = citations
                    content.append(_with_cache(block, cache_control))
                case ReasoningPart():
                    reasoning = _reasoning_block(part, send_reasoning, cache, prompt)
                    if reasoning is not None:
                        content.append(reasoning)
                case ToolCallPart() if part.provider_executed:
                    server_block = replay.tool_call(part)
                    if server_block is not None:
                        content.append(_with_cache(server_block, cache_control))
                case ToolCallPart():
                    tool_use = {
                        "type": "tool_use",
                        "id": part.tool_call_id,
                        "name": part.tool_name,
                        "input": _tool_use_input(part.input),
                    }
                    caller = wire_caller(part.provider_options)
                    if caller is not None:
                        tool_use["caller"] = caller
                    content.append(_with_cache(tool_use, cache_control))
                case ToolResultPart():
                    result_block = replay.tool_result(part)
                    if result_block is not None:
                        content.append(_with_cache(result_block, cache_control))
                case FilePart():
                    pass  # Anthropic has no assistant file blocks; generated files are not sent back
                case ReasoningFilePart() | CustomPart():
                    prompt.warn(f"unsupported assistant content part type: {part.type}")
    for warning in replay.warnings:
        prompt.warn(warning)
    return {"role": "assistant", "content": _move_tool_use_to_segment_ends(content)}


def _convert_system_block(
    messages: list[SystemMessage], *, first: bool, cache: CacheBreakpoints, prompt: AnthropicPrompt
) -> None:
    blocks = [
        _with_cache(
            {"type": "text", "text": message.content},
            cache.take(message.provider_options, context="system message"),
        )
        for message in messages
    ]
    if first or prompt.system is None:
        prompt.system = blocks
    else:
        prompt.messages.append({"role": "system", "content": blocks})
        prompt.add_beta(BETA_MID_CONVERSATION_SYSTEM)


def _group(prompt: list[Message]) -> list[tuple[str, list[tuple[int, Message]]]]:
    groups: list[tuple[str, list[tuple[int, Message]]]] = []
    for index, message in enumerate(prompt):
        kind = "user" if message.role == "tool" else message.role
        if not groups or groups[-1][0] != kind:
            groups.append((kind, []))
        groups[-1][1].append((index, message))
    return groups


def convert_to_anthropic_prompt(
    prompt: list[Message],
    *,
    send_reasoning: bool = True,
    cache: CacheBreakpoints | None = None,
    tool_names: ToolNameMapping | None = None,
) -> AnthropicPrompt:
    """Convert a normalized prompt. Cache breakpoints are counted (and warned about) in ``cache``;
    provider-executed tool calls are named for Anthropic as in ``tool_names``.

    Raises ``UnsupportedFunctionalityError`` for media Anthropic cannot take (``media type: X``).
    """
    breakpoints = cache if cache is not None else CacheBreakpoints()
    result = AnthropicPrompt()
    groups = _group(prompt)
    for g, (kind, members) in enumerate(groups):
        messages = [message for _, message in members]
        if kind == "system":
            systems = [m for m in messages if isinstance(m, SystemMessage)]
            _convert_system_block(systems, first=g == 0, cache=breakpoints, prompt=result)
        elif kind == "assistant":
            assistants = [m for m in messages if isinstance(m, AssistantMessage)]
            result.messages.append(
                _convert_assistant_block(
                    assistants,
                    is_last_block=g == len(groups) - 1,
                    send_reasoning=send_reasoning,
                    cache=breakpoints,
                    prompt=result,
                    tool_names=tool_names or ToolNameMapping({}),
                )
            )
        else:
            users = [(i, m) for i, m in members if isinstance(m, UserMessage | ToolMessage)]
            result.messages.append(_convert_user_block(users, breakpoints, result))
    return result
