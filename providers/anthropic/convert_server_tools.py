"""Provider-executed tool calls and results of earlier steps back to Anthropic blocks (pure).

The inverse of :mod:`.server_tools`: a tool-call part with ``provider_executed`` becomes a
``server_tool_use`` (or ``mcp_tool_use``) block, its result the matching ``*_tool_result`` block,
so a multi-step conversation sends back exactly what Anthropic returned.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline._base import ProviderOptions
from pipeline.prompt import ErrorJsonOutput, ErrorTextOutput, JsonOutput, ToolCallPart, ToolResultPart

from .provider_tools import ToolNameMapping
from .server_tools import CODE_EXECUTION_SUB_TOOLS

__all__ = ["ServerToolReplay", "wire_caller"]

_SERVER_TOOLS = (
    "code_execution",
    "web_fetch",
    "web_search",
    "tool_search_tool_regex",
    "tool_search_tool_bm25",
)


def wire_caller(provider_options: ProviderOptions | None) -> dict[str, Any] | None:
    """The ``caller`` of a tool call part (from its ``anthropic.caller`` metadata), on the wire."""
    caller = ((provider_options or {}).get("anthropic") or {}).get("caller")
    if not isinstance(caller, dict):
        return None
    kind = caller.get("type")
    if kind in ("code_execution_20250825", "code_execution_20260120") and caller.get("toolId"):
        return {"type": kind, "tool_id": caller["toolId"]}
    return {"type": "direct"} if kind == "direct" else None


def _with_caller(block: dict[str, Any], options: ProviderOptions | None) -> dict[str, Any]:
    caller = wire_caller(options)
    if caller is not None:
        block["caller"] = caller
    return block


def _error_code(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        code = value.get("errorCode")
        return str(code) if code is not None else None
    return None


class ServerToolReplay:
    """Converts the provider-executed parts of one assistant block (MCP calls are remembered so
    their results become ``mcp_tool_result`` blocks). ``warn`` collects what cannot be sent back."""

    def __init__(self, names: ToolNameMapping) -> None:
        self._names = names
        self._mcp_calls: set[str] = set()
        self.warnings: list[str] = []

    def tool_call(self, part: ToolCallPart) -> dict[str, Any] | None:
        """The ``server_tool_use`` / ``mcp_tool_use`` block of a provider-executed call."""
        metadata = (part.provider_options or {}).get("anthropic") or {}
        if metadata.get("type") == "mcp-tool-use":
            server_name = metadata.get("serverName")
            if not isinstance(server_name, str):
                self.warnings.append("mcp tool use server name is required and must be a string")
                return None
            self._mcp_calls.add(part.tool_call_id)
            return {
                "type": "mcp_tool_use",
                "id": part.tool_call_id,
                "name": part.tool_name,
                "input": part.input,
                "server_name": server_name,
            }
        provider_name = self._names.to_provider(part.tool_name)
        value = part.input
        if provider_name == "code_execution" and isinstance(value, dict):
            kind = value.get("type")
            if kind in CODE_EXECUTION_SUB_TOOLS or kind == "programmatic-tool-call":
                rest = {key: item for key, item in value.items() if key != "type"}
                name = str(kind) if kind in CODE_EXECUTION_SUB_TOOLS else "code_execution"
                return _with_caller(
                    {"type": "server_tool_use", "id": part.tool_call_id, "name": name, "input": rest},
                    part.provider_options,
                )
        if provider_name in _SERVER_TOOLS or provider_name == "advisor":
            block = {
                "type": "server_tool_use",
                "id": part.tool_call_id,
                "name": provider_name,
                "input": {} if provider_name == "advisor" else value,
            }
            return _with_caller(block, part.provider_options)
        self.warnings.append(f"provider executed tool call for tool {part.tool_name} is not supported")
        return None

    def tool_result(self, part: ToolResultPart) -> dict[str, Any] | None:
        """The ``*_tool_result`` block of a provider-executed result."""
        output = part.output
        if part.tool_call_id in self._mcp_calls:
            if not isinstance(output, JsonOutput | ErrorJsonOutput):
                self._unsupported_output(part)
                return None
            return {
                "type": "mcp_tool_result",
                "tool_use_id": part.tool_call_id,
                "is_error": isinstance(output, ErrorJsonOutput),
                "content": output.value,
            }
        provider_name = self._names.to_provider(part.tool_name)
        if provider_name == "code_execution":
            return self._code_execution_result(part)
        if provider_name in ("web_fetch", "web_search"):
            return self._web_result(part, provider_name)
        if provider_name in ("tool_search_tool_regex", "tool_search_tool_bm25"):
            if not isinstance(output, JsonOutput) or not isinstance(output.value, list):
                self._unsupported_output(part)
                return None
            references = [
                {"type": "tool_reference", "tool_name": ref.get("toolName")}
                for ref in output.value
                if isinstance(ref, dict)
            ]
            return {
                "type": "tool_search_tool_result",
                "tool_use_id": part.tool_call_id,
                "content": {"type": "tool_search_tool_search_result", "tool_references": references},
            }
        if provider_name == "advisor":
            return self._advisor_result(part)
        self.warnings.append(f"provider executed tool result for tool {part.tool_name} is not supported")
        return None

    def _unsupported_output(self, part: ToolResultPart) -> None:
        self.warnings.append(
            f"provider executed tool result output type {part.output.type} "
            f"for tool {part.tool_name} is not supported"
        )

    def _code_execution_result(self, part: ToolResultPart) -> dict[str, Any] | None:
        output = part.output
        block: dict[str, Any] = {"tool_use_id": part.tool_call_id}
        if isinstance(output, ErrorTextOutput | ErrorJsonOutput):
            value = output.value
            parsed = value if isinstance(value, dict) else None
            if isinstance(value, str):
                try:
                    parsed = json.loads(value)
                except ValueError:
                    parsed = None
            code = _error_code(value) or "unknown"
            if isinstance(parsed, dict) and parsed.get("type") == "code_execution_tool_result_error":
                return {
                    "type": "code_execution_tool_result",
                    **block,
                    "content": {"type": "code_execution_tool_result_error", "error_code": code},
                }
            return {
                "type": "bash_code_execution_tool_result",
                **block,
                "content": {"type": "bash_code_execution_tool_result_error", "error_code": code},
            }
        if not isinstance(output, JsonOutput):
            self._unsupported_output(part)
            return None
        value = output.value
        if not isinstance(value, dict) or not isinstance(value.get("type"), str):
            self.warnings.append(
                "provider executed tool result output value is not a valid code execution result "
                f"for tool {part.tool_name}"
            )
            return None
        kind = value["type"]
        if kind == "code_execution_result":
            content = {
                "type": kind,
                "stdout": value.get("stdout"),
                "stderr": value.get("stderr"),
                "return_code": value.get("return_code"),
                "content": value.get("content") or [],
            }
            return {"type": "code_execution_tool_result", **block, "content": content}
        if kind == "encrypted_code_execution_result":
            content = {
                "type": kind,
                "encrypted_stdout": value.get("encrypted_stdout"),
                "stderr": value.get("stderr"),
                "return_code": value.get("return_code"),
                "content": value.get("content") or [],
            }
            return {"type": "code_execution_tool_result", **block, "content": content}
        if kind.startswith("bash_code_execution"):
            return {"type": "bash_code_execution_tool_result", **block, "content": value}
        return {"type": "text_editor_code_execution_tool_result", **block, "content": value}

    def _web_result(self, part: ToolResultPart, provider_name: str) -> dict[str, Any] | None:
        output = part.output
        kind = f"{provider_name}_tool_result"
        if isinstance(output, ErrorJsonOutput):
            content: Any = {"type": f"{kind}_error", "error_code": _error_code(output.value) or "unavailable"}
        elif not isinstance(output, JsonOutput):
            self._unsupported_output(part)
            return None
        elif provider_name == "web_search":
            content = [
                {
                    "url": item.get("url"),
                    "title": item.get("title"),
                    "page_age": item.get("pageAge"),
                    "encrypted_content": item.get("encryptedContent"),
                    "type": item.get("type"),
                }
                for item in output.value or []
                if isinstance(item, dict)
            ]
        else:
            value = output.value if isinstance(output.value, dict) else {}
            document = value.get("content") or {}
            source = document.get("source") or {}
            wire_document: dict[str, Any] = {"type": "document", "title": document.get("title")}
            if document.get("citations") is not None:
                wire_document["citations"] = document["citations"]
            wire_document["source"] = {
                "type": source.get("type"),
                "media_type": source.get("mediaType"),
                "data": source.get("data"),
            }
            content = {
                "type": "web_fetch_result",
                "url": value.get("url"),
                "retrieved_at": value.get("retrievedAt"),
                "content": wire_document,
            }
        return _with_caller(
            {"type": kind, "tool_use_id": part.tool_call_id, "content": content}, part.provider_options
        )

    def _advisor_result(self, part: ToolResultPart) -> dict[str, Any] | None:
        output = part.output
        if not isinstance(output, JsonOutput | ErrorJsonOutput) or not isinstance(output.value, dict):
            self._unsupported_output(part)
            return None
        value = output.value
        stop = {"stop_reason": value["stopReason"]} if value.get("stopReason") is not None else {}
        kind = value.get("type")
        if kind == "advisor_result":
            content = {"type": kind, "text": value.get("text"), **stop}
        elif kind == "advisor_redacted_result":
            content = {"type": kind, "encrypted_content": value.get("encryptedContent"), **stop}
        else:
            content = {"type": "advisor_tool_result_error", "error_code": value.get("errorCode")}
        return {"type": "advisor_tool_result", "tool_use_id": part.tool_call_id, "content": content}
