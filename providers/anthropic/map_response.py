"""A complete Anthropic ``message`` response to a :class:`GenerateResult` (pure)."""

from __future__ import annotations

import json
from typing import Any

from pipeline.result import (
    Content,
    GenerateResult,
    ReasoningContent,
    ResponseMetadata,
    TextContent,
    ToolCallContent,
)

from .citations import CitationDocument, citation_source
from .map_finish_reason import map_stop_reason
from .map_usage import convert_usage, reported_usage
from .message_metadata import anthropic_metadata, container_metadata, context_management, stop_details
from .provider_tools import ToolNameMapping
from .request import JSON_RESPONSE_TOOL_NAME
from .server_tools import (
    SERVER_TOOL_RESULT_BLOCKS,
    ServerToolState,
    caller_metadata,
    server_tool_call,
    server_tool_result,
)
from .wire import (
    CompactionBlock,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    WireMessage,
    parse_block,
)

__all__ = ["COMPACTION_METADATA", "compact_json", "map_response"]

COMPACTION_METADATA = {"anthropic": {"type": "compaction"}}
"""Marks a text part that is a compaction summary (sent back as a ``compaction`` block)."""


def compact_json(value: Any) -> str:
    """JSON text as JavaScript's ``JSON.stringify`` writes it (no spaces, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _text_content(block: TextBlock, documents: list[CitationDocument]) -> list[Content]:
    citations = block.citations or []
    web = [citation for citation in citations if citation.get("type") == "web_search_result_location"]
    text = TextContent(text=block.text, provider_metadata={"anthropic": {"citations": web}} if web else None)
    sources = [citation_source(citation, documents) for citation in citations]
    return [text, *(source for source in sources if source is not None)]


def _tool_use(block: ToolUseBlock, raw: dict[str, Any]) -> ToolCallContent:
    return ToolCallContent(
        tool_call_id=block.id,
        tool_name=block.name,
        input=compact_json(block.input if block.input is not None else {}),
        provider_metadata=caller_metadata(raw),
    )


def map_response(
    value: Any,
    *,
    uses_json_response_tool: bool,
    citation_documents: list[CitationDocument] | None = None,
    tool_names: ToolNameMapping | None = None,
) -> GenerateResult:
    """Content, finish reason, usage, response id / model and provider metadata of a response body.

    When the synthetic ``json`` tool was used for ``response_format``, its input becomes the text.
    Citations become source parts after their text (documents are looked up in ``citation_documents``,
    then in the pages ``web_fetch`` returned). Server tools become provider-executed tool calls and
    results named as in ``tool_names``.
    """
    message = WireMessage.model_validate(value)
    state = ServerToolState(names=tool_names or ToolNameMapping({}), documents=list(citation_documents or []))
    content: list[Content] = []
    json_from_tool = False
    for raw in message.content:
        block = parse_block(raw)
        kind = raw.get("type")
        match block:
            case TextBlock():
                if not uses_json_response_tool:
                    content.extend(_text_content(block, state.documents))
            case ThinkingBlock():
                metadata = {"anthropic": {"signature": block.signature}} if block.signature else None
                content.append(ReasoningContent(text=block.thinking, provider_metadata=metadata))
            case RedactedThinkingBlock():
                content.append(
                    ReasoningContent(text="", provider_metadata={"anthropic": {"redactedData": block.data}})
                )
            case CompactionBlock():
                content.append(TextContent(text=block.content, provider_metadata=COMPACTION_METADATA))
            case ToolUseBlock() if uses_json_response_tool and block.name == JSON_RESPONSE_TOOL_NAME:
                json_from_tool = True
                content.append(TextContent(text=compact_json(block.input)))
            case ToolUseBlock():
                content.append(_tool_use(block, raw))
            case _ if kind == "server_tool_use":
                call = server_tool_call(raw, state)
                if call is not None:
                    content.append(call)
            case _ if kind == "mcp_tool_use":
                content.append(state.mcp_call(raw))
            case _ if kind in SERVER_TOOL_RESULT_BLOCKS:
                content.extend(server_tool_result(raw, state))
            case _:
                pass  # e.g. ``fallback`` markers: the hop shows in usage iterations
    raw_usage = reported_usage(value.get("usage")) if isinstance(value, dict) else None
    return GenerateResult(
        content=content,
        finish_reason=map_stop_reason(message.stop_reason, json_response_tool=json_from_tool),
        raw_finish_reason=message.stop_reason,
        usage=convert_usage(message.usage, raw_usage),
        response=ResponseMetadata(id=message.id, model_id=message.model),
        provider_metadata=anthropic_metadata(
            raw_usage=raw_usage,
            usage=message.usage,
            stop_sequence=message.stop_sequence,
            container=container_metadata(message.container),
            context_management=context_management(message.context_management),
            stop_details=stop_details(message.stop_details),
        ),
    )
