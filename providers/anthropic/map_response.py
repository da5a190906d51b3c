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
from .map_usage import convert_usage
from .request import JSON_RESPONSE_TOOL_NAME
from .wire import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock, WireMessage, WireUsage

__all__ = ["anthropic_metadata", "compact_json", "map_response"]


def compact_json(value: Any) -> str:
    """JSON text as JavaScript's ``JSON.stringify`` writes it (no spaces, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _iterations(usage: WireUsage) -> list[dict[str, Any]] | None:
    if not usage.iterations:
        return None
    mapped = []
    for item in usage.iterations:
        entry: dict[str, Any] = {
            "type": item.get("type"),
            "inputTokens": item.get("input_tokens"),
            "outputTokens": item.get("output_tokens"),
        }
        if item.get("model") is not None:
            entry["model"] = item["model"]
        if item.get("cache_creation_input_tokens"):
            entry["cacheCreationInputTokens"] = item["cache_creation_input_tokens"]
        if item.get("cache_read_input_tokens"):
            entry["cacheReadInputTokens"] = item["cache_read_input_tokens"]
        mapped.append(entry)
    return mapped


def _container(container: dict[str, Any] | None) -> dict[str, Any] | None:
    if not container:
        return None
    skills = container.get("skills")
    return {
        "expiresAt": container.get("expires_at"),
        "id": container.get("id"),
        "skills": [
            {"type": skill.get("type"), "skillId": skill.get("skill_id"), "version": skill.get("version")}
            for skill in skills
        ]
        if skills
        else None,
    }


def anthropic_metadata(
    *,
    raw_usage: dict[str, Any] | None,
    usage: WireUsage,
    stop_sequence: str | None,
    container: dict[str, Any] | None,
    context_management: dict[str, Any] | None,
) -> dict[str, dict[str, Any]]:
    """``provider_metadata`` of a finished message: raw usage, stop sequence, iterations, container."""
    return {
        "anthropic": {
            "usage": raw_usage,
            "stopSequence": stop_sequence,
            "iterations": _iterations(usage),
            "container": _container(container),
            "contextManagement": context_management,
        }
    }


def _text_content(block: TextBlock, documents: list[CitationDocument]) -> list[Content]:
    citations = block.citations or []
    web = [citation for citation in citations if citation.get("type") == "web_search_result_location"]
    text = TextContent(text=block.text, provider_metadata={"anthropic": {"citations": web}} if web else None)
    sources = [citation_source(citation, documents) for citation in citations]
    return [text, *(source for source in sources if source is not None)]


def map_response(
    value: Any, *, uses_json_response_tool: bool, citation_documents: list[CitationDocument] | None = None
) -> GenerateResult:
    """Content, finish reason, usage, response id / model and provider metadata of a response body.

    When the synthetic ``json`` tool was used for ``response_format``, its input becomes the text.
    Citations become source parts after their text (documents are looked up in ``citation_documents``).
    """
    message = WireMessage.model_validate(value)
    content: list[Content] = []
    json_from_tool = False
    for block in message.blocks():
        match block:
            case TextBlock():
                if not uses_json_response_tool:
                    content.extend(_text_content(block, citation_documents or []))
            case ThinkingBlock():
                metadata = {"anthropic": {"signature": block.signature}} if block.signature else None
                content.append(ReasoningContent(text=block.thinking, provider_metadata=metadata))
            case RedactedThinkingBlock():
                content.append(
                    ReasoningContent(text="", provider_metadata={"anthropic": {"redactedData": block.data}})
                )
            case ToolUseBlock() if uses_json_response_tool and block.name == JSON_RESPONSE_TOOL_NAME:
                json_from_tool = True
                content.append(TextContent(text=compact_json(block.input)))
            case ToolUseBlock():
                content.append(
                    ToolCallContent(
                        tool_call_id=block.id,
                        tool_name=block.name,
                        input=compact_json(block.input if block.input is not None else {}),
                    )
                )
            case _:
                pass  # server-tool and other block types are not mapped
    raw_usage = value.get("usage") if isinstance(value, dict) else None
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
            container=message.container,
            context_management=message.context_management,
        ),
    )
