"""Server-tool blocks of a response to tool-call / tool-result parts (pure; generate and stream).

``server_tool_use`` and ``mcp_tool_use`` become tool calls with ``provider_executed=True``; the
``*_tool_result`` blocks become their tool results (also ``provider_executed=True``, so the next step
sends them back in the assistant message), web search results also become url sources. Tool names
are the caller's (see :class:`ToolNameMapping`); code execution's sub-tools (bash, text editor) and
programmatic tool calls are all ``code_execution`` calls with a ``type`` in their input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.result import SourceContent, ToolCallContent, ToolResultContent

from .citations import CitationDocument, new_source_id
from .provider_tools import ToolNameMapping

__all__ = [
    "CODE_EXECUTION_SUB_TOOLS",
    "SERVER_TOOL_RESULT_BLOCKS",
    "ResultPart",
    "ServerToolState",
    "caller_metadata",
    "server_tool_call",
    "server_tool_call_name",
    "server_tool_result",
    "tool_call_input",
]

CODE_EXECUTION_SUB_TOOLS = ("bash_code_execution", "text_editor_code_execution")
_NAMED_SERVER_TOOLS = ("web_search", "web_fetch", "code_execution", *CODE_EXECUTION_SUB_TOOLS)
_TOOL_SEARCH = ("tool_search_tool_regex", "tool_search_tool_bm25")

SERVER_TOOL_RESULT_BLOCKS = (
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "tool_search_tool_result",
    "advisor_tool_result",
    "mcp_tool_result",
)


ResultPart = ToolResultContent | SourceContent
"""What a server tool result block becomes."""


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def caller_metadata(block: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """``{"anthropic": {"caller": {"type", "toolId"}}}`` for a block called by code (or directly)."""
    caller = block.get("caller")
    if not isinstance(caller, dict):
        return None
    info: dict[str, Any] = {"type": caller.get("type")}
    if caller.get("tool_id") is not None:
        info["toolId"] = caller["tool_id"]
    return {"anthropic": {"caller": info}}


@dataclass
class ServerToolState:
    """What one response's mapping remembers between blocks: the tool names, which tool search each
    call used, the MCP calls (their results repeat name and metadata), and the documents that
    ``web_fetch`` results add for later citations."""

    names: ToolNameMapping
    documents: list[CitationDocument]
    new_id: Callable[[], str] = new_source_id
    tool_search_calls: dict[str, str] = field(default_factory=dict)
    mcp_calls: dict[str, ToolCallContent] = field(default_factory=dict)

    def mcp_call(self, block: dict[str, Any]) -> ToolCallContent:
        """The tool call of an ``mcp_tool_use`` block (remembered for its result)."""
        call = ToolCallContent(
            tool_call_id=str(block.get("id")),
            tool_name=str(block.get("name")),
            input=_json(block.get("input") if block.get("input") is not None else {}),
            provider_executed=True,
            provider_metadata={"anthropic": {"type": "mcp-tool-use", "serverName": block.get("server_name")}},
        )
        self.mcp_calls[call.tool_call_id] = call
        return call


def server_tool_call_name(block: dict[str, Any], state: ServerToolState) -> tuple[str, str] | None:
    """``(caller's tool name, Anthropic tool name)`` of a ``server_tool_use`` block; ``None`` when the
    tool is not one this library maps. Code execution sub-tools are ``code_execution``."""
    name = str(block.get("name"))
    if name in _NAMED_SERVER_TOOLS:
        provider_name = "code_execution" if name in CODE_EXECUTION_SUB_TOOLS else name
    elif name in _TOOL_SEARCH:
        state.tool_search_calls[str(block.get("id"))] = name
        provider_name = name
    elif name == "advisor":
        provider_name = name
    else:
        return None
    return state.names.to_custom(provider_name), provider_name


def tool_call_input(name: str, value: Any) -> Any:
    """The input as the caller sees it: code execution sub-tool calls carry their ``type``, and code
    execution calls with only ``code`` are ``programmatic-tool-call``s."""
    if name in CODE_EXECUTION_SUB_TOOLS:
        return {"type": name, **(value or {})}
    if name == "code_execution" and isinstance(value, dict) and "code" in value and "type" not in value:
        return {"type": "programmatic-tool-call", **value}
    return value


def server_tool_call(block: dict[str, Any], state: ServerToolState) -> ToolCallContent | None:
    """The provider-executed tool call of a complete ``server_tool_use`` block."""
    names = server_tool_call_name(block, state)
    if names is None:
        return None
    custom, _ = names
    name = str(block.get("name"))
    value = {} if name == "advisor" and block.get("input") is None else block.get("input")
    return ToolCallContent(
        tool_call_id=str(block.get("id")),
        tool_name=custom,
        input=_json(tool_call_input(name, value)),
        provider_executed=True,
        provider_metadata=caller_metadata(block),
    )


def _result(
    block: dict[str, Any],
    state: ServerToolState,
    provider_name: str,
    result: Any,
    *,
    is_error: bool = False,
    with_caller: bool = False,
) -> ToolResultContent:
    return ToolResultContent(
        tool_call_id=str(block.get("tool_use_id")),
        tool_name=state.names.to_custom(provider_name),
        result=result,
        is_error=True if is_error else None,
        provider_executed=True,
        provider_metadata=caller_metadata(block) if with_caller else None,
    )


def _web_search_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    content = block.get("content")
    if not isinstance(content, list):
        error = {"type": "web_search_tool_result_error", "errorCode": (content or {}).get("error_code")}
        return [_result(block, state, "web_search", error, is_error=True, with_caller=True)]
    results = [
        {
            "url": item.get("url"),
            "title": item.get("title"),
            "pageAge": item.get("page_age"),
            "encryptedContent": item.get("encrypted_content"),
            "type": item.get("type"),
        }
        for item in content
    ]
    sources: list[ResultPart] = [
        SourceContent(
            source_type="url",
            id=state.new_id(),
            url=item.get("url"),
            title=item.get("title"),
            provider_metadata={"anthropic": {"pageAge": item.get("page_age")}},
        )
        for item in content
    ]
    return [_result(block, state, "web_search", results, with_caller=True), *sources]


def _web_fetch_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    content = block.get("content") or {}
    if content.get("type") == "web_fetch_tool_result_error":
        error = {"type": "web_fetch_tool_result_error", "errorCode": content.get("error_code")}
        return [_result(block, state, "web_fetch", error, is_error=True, with_caller=True)]
    if content.get("type") != "web_fetch_result":
        return []
    document = content.get("content") or {}
    source = document.get("source") or {}
    state.documents.append(
        CitationDocument(
            title=document.get("title") or content.get("url") or "",
            filename=None,
            media_type=str(source.get("media_type")),
        )
    )
    result = {
        "type": "web_fetch_result",
        "url": content.get("url"),
        "retrievedAt": content.get("retrieved_at"),
        "content": {
            "type": document.get("type"),
            "title": document.get("title"),
            "citations": document.get("citations"),
            "source": {
                "type": source.get("type"),
                "mediaType": source.get("media_type"),
                "data": source.get("data"),
            },
        },
    }
    return [_result(block, state, "web_fetch", result, with_caller=True)]


def _code_execution_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    content = block.get("content") or {}
    kind = content.get("type")
    if kind == "code_execution_result":
        result = {
            "type": kind,
            "stdout": content.get("stdout"),
            "stderr": content.get("stderr"),
            "return_code": content.get("return_code"),
            "content": content.get("content") or [],
        }
    elif kind == "encrypted_code_execution_result":
        result = {
            "type": kind,
            "encrypted_stdout": content.get("encrypted_stdout"),
            "stderr": content.get("stderr"),
            "return_code": content.get("return_code"),
            "content": content.get("content") or [],
        }
    elif kind == "code_execution_tool_result_error":
        error = {"type": kind, "errorCode": content.get("error_code")}
        return [_result(block, state, "code_execution", error, is_error=True)]
    else:
        return []
    return [_result(block, state, "code_execution", result)]


def _tool_search_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    tool_use_id = str(block.get("tool_use_id"))
    provider_name = state.tool_search_calls.get(tool_use_id)
    if provider_name is None:
        bm25 = state.names.has("tool_search_tool_bm25")
        provider_name = "tool_search_tool_bm25" if bm25 else "tool_search_tool_regex"
    content = block.get("content") or {}
    if content.get("type") == "tool_search_tool_search_result":
        references = [
            {"type": ref.get("type"), "toolName": ref.get("tool_name")}
            for ref in content.get("tool_references") or []
        ]
        return [_result(block, state, provider_name, references)]
    error = {"type": "tool_search_tool_result_error", "errorCode": content.get("error_code")}
    return [_result(block, state, provider_name, error, is_error=True)]


def _advisor_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    content = block.get("content") or {}
    kind = content.get("type")
    stop = {"stopReason": content["stop_reason"]} if content.get("stop_reason") is not None else {}
    if kind == "advisor_result":
        return [_result(block, state, "advisor", {"type": kind, "text": content.get("text"), **stop})]
    if kind == "advisor_redacted_result":
        result = {"type": kind, "encryptedContent": content.get("encrypted_content"), **stop}
        return [_result(block, state, "advisor", result)]
    error = {"type": "advisor_tool_result_error", "errorCode": content.get("error_code")}
    return [_result(block, state, "advisor", error, is_error=True)]


def _mcp_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    tool_use_id = str(block.get("tool_use_id"))
    call = state.mcp_calls.get(tool_use_id)
    return [
        ToolResultContent(
            tool_call_id=tool_use_id,
            tool_name=call.tool_name if call is not None else "",
            result=block.get("content"),
            is_error=block.get("is_error"),
            provider_executed=True,
            provider_metadata=call.provider_metadata if call is not None else None,
        )
    ]


def server_tool_result(block: dict[str, Any], state: ServerToolState) -> list[ResultPart]:
    """The parts of one ``*_tool_result`` block (a tool result, plus sources for web search)."""
    match block.get("type"):
        case "web_search_tool_result":
            return _web_search_result(block, state)
        case "web_fetch_tool_result":
            return _web_fetch_result(block, state)
        case "code_execution_tool_result":
            return _code_execution_result(block, state)
        case "bash_code_execution_tool_result" | "text_editor_code_execution_tool_result":
            return [_result(block, state, "code_execution", block.get("content"))]
        case "tool_search_tool_result":
            return _tool_search_result(block, state)
        case "advisor_tool_result":
            return _advisor_result(block, state)
        case "mcp_tool_result":
            return _mcp_result(block, state)
    return []
