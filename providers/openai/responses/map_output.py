"""Pieces shared by the response and stream mappers: output items of provider tools, annotations as
sources, usage and finish reason (pure)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pipeline.result import FinishReason, SourceContent, ToolCallContent, Usage

__all__ = [
    "code_interpreter_input",
    "computer_input",
    "dumps",
    "expand_parallel_call",
    "file_search_result",
    "is_parallel_wrapper",
    "map_finish_reason",
    "map_usage",
    "mcp_result",
    "patch_operation",
    "reasoning_metadata",
    "shell_action",
    "shell_result",
    "source_from_annotation",
    "web_search_result",
]


def dumps(value: Any) -> str:
    """JSON text as JavaScript's ``JSON.stringify`` writes it (compact, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def patch_operation(operation: dict[str, Any] | None) -> dict[str, Any]:
    """An ``apply_patch_call`` operation with its documented keys in their order (type, path, diff)."""
    return _pick(operation or {}, ("type", "path", "diff"))


def shell_action(action: dict[str, Any] | None) -> dict[str, Any]:
    """A ``local_shell_call`` action with its documented keys, in their order."""
    return _pick(action or {}, ("type", "command", "timeout_ms", "user", "working_directory", "env"))


def _pick(value: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: value[key] for key in keys if key in value}


def is_parallel_wrapper(name: str, function_names: frozenset[str]) -> bool:
    """Whether a function call named ``name`` is OpenAI's internal ``parallel`` wrapper (undeclared)."""
    return name == "parallel" and "parallel" not in function_names


def expand_parallel_call(
    call_id: str, name: str, arguments: str, item_id: str, function_names: frozenset[str], key: str
) -> list[ToolCallContent] | None:
    """The calls inside a ``parallel`` wrapper (``{"tool_uses": [{"recipient_name": "functions.x",
    "parameters": {...}}]}``), each ``<call id>_<index>`` with the wrapper in its metadata; ``None`` when
    the wrapper is not that, or names a tool the call did not declare."""
    if not is_parallel_wrapper(name, function_names):
        return None
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return None
    uses = parsed.get("tool_uses") if isinstance(parsed, dict) else None
    if not isinstance(uses, list) or not uses:
        return None
    calls: list[ToolCallContent] = []
    for index, use in enumerate(uses):
        recipient = use.get("recipient_name") if isinstance(use, dict) else None
        parameters = use.get("parameters") if isinstance(use, dict) else None
        if (
            not isinstance(recipient, str)
            or not recipient.startswith("functions.")
            or not isinstance(parameters, dict)
        ):
            return None
        tool_name = recipient.removeprefix("functions.")
        if tool_name not in function_names:
            return None
        wrapper = {
            "itemId": item_id,
            "toolCallId": call_id,
            "toolName": name,
            "input": arguments,
            "index": index,
            "count": len(uses),
        }
        calls.append(
            ToolCallContent(
                tool_call_id=f"{call_id}_{index}",
                tool_name=tool_name,
                input=dumps(parameters),
                provider_metadata={key: {"parallelToolCall": wrapper}},
            )
        )
    return calls


def map_finish_reason(reason: str | None, *, has_function_call: bool) -> FinishReason:
    """``incomplete_details.reason`` → the unified finish reason (client tool calls: ``tool-calls``)."""
    if reason is None:
        return "tool-calls" if has_function_call else "stop"
    if reason == "max_output_tokens":
        return "length"
    if reason == "content_filter":
        return "content-filter"
    return "tool-calls" if has_function_call else "other"


def map_usage(usage: dict[str, Any] | None) -> Usage:
    """Responses usage → :class:`Usage` (cached input tokens and reasoning output tokens split out)."""
    if usage is None:
        return Usage()
    input_tokens = usage.get("input_tokens")
    output_tokens = usage.get("output_tokens")
    cached = (usage.get("input_tokens_details") or {}).get("cached_tokens") or 0
    cache_write = (usage.get("input_tokens_details") or {}).get("cache_write_tokens")
    reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens") or 0
    return Usage.of(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        no_cache_tokens=None if input_tokens is None else input_tokens - cached - (cache_write or 0),
        cache_read_tokens=cached,
        cache_write_tokens=cache_write,
        text_tokens=None if output_tokens is None else output_tokens - reasoning,
        reasoning_tokens=reasoning,
        raw=usage,
    )


def reasoning_metadata(key: str, item_id: str, encrypted: Any) -> dict[str, Any]:
    """``{key: {itemId, reasoningEncryptedContent}}``: what a reasoning item is sent back by."""
    return {key: {"itemId": item_id, "reasoningEncryptedContent": encrypted}}


def web_search_result(action: dict[str, Any] | None) -> dict[str, Any]:
    """A ``web_search_call``'s action as the AI SDK's web search tool result."""
    if action is None:
        return {}
    kind = action.get("type")
    if kind == "search":
        search: dict[str, Any] = {"type": "search"}
        if action.get("query") is not None:
            search["query"] = action["query"]
        if action.get("queries") is not None:
            search["queries"] = action["queries"]
        result: dict[str, Any] = {"action": search}
        if action.get("sources") is not None:
            result["sources"] = action["sources"]
        return result
    if kind == "open_page":
        return {"action": {"type": "openPage", "url": action.get("url")}}
    if kind == "find_in_page":
        return {"action": {"type": "findInPage", "url": action.get("url"), "pattern": action.get("pattern")}}
    return {}


def file_search_result(item: dict[str, Any]) -> dict[str, Any]:
    results = item.get("results")
    return {
        "queries": item.get("queries"),
        "results": [
            {
                "attributes": result.get("attributes"),
                "fileId": result.get("file_id"),
                "filename": result.get("filename"),
                "score": result.get("score"),
                "text": result.get("text"),
            }
            for result in results
        ]
        if results is not None
        else None,
    }


def code_interpreter_input(code: Any, container_id: Any) -> str:
    return dumps({"code": code, "containerId": container_id})


def mcp_result(item: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "call",
        "serverLabel": item.get("server_label"),
        "name": item.get("name"),
        "arguments": item.get("arguments"),
    }
    if item.get("output") is not None:
        result["output"] = item["output"]
    if item.get("error") is not None:
        result["error"] = item["error"]
    return result


def shell_result(item: dict[str, Any]) -> dict[str, Any]:
    output = []
    for entry in item.get("output") or []:
        outcome = entry.get("outcome") or {}
        output.append(
            {
                "stdout": entry.get("stdout"),
                "stderr": entry.get("stderr"),
                "outcome": {"type": "exit", "exitCode": outcome.get("exit_code")}
                if outcome.get("type") == "exit"
                else {"type": "timeout"},
            }
        )
    return {"output": output}


def computer_input(item: dict[str, Any]) -> str:
    actions = item.get("actions")
    if actions is None:
        actions = [item["action"]] if item.get("action") is not None else []
    checks = [
        {
            "id": check.get("id"),
            **{key: check[key] for key in ("code", "message") if check.get(key) is not None},
        }
        for check in item.get("pending_safety_checks") or []
    ]
    return dumps(
        {
            "actions": [_computer_action(action) for action in actions],
            "pendingSafetyChecks": checks,
            "status": item.get("status"),
        }
    )


def _computer_action(action: dict[str, Any]) -> dict[str, Any]:
    kind = action.get("type")
    keys = {"keys": action["keys"]} if action.get("keys") is not None else {}
    if kind == "click":
        return {
            "type": "click",
            "button": action.get("button"),
            "x": action.get("x"),
            "y": action.get("y"),
            **keys,
        }
    if kind in ("double_click", "move"):
        return {"type": kind, "x": action.get("x"), "y": action.get("y"), **keys}
    if kind == "drag":
        return {"type": "drag", "path": action.get("path"), **keys}
    if kind == "scroll":
        return {
            "type": "scroll",
            "x": action.get("x"),
            "y": action.get("y"),
            "scrollX": action.get("scroll_x"),
            "scrollY": action.get("scroll_y"),
            **keys,
        }
    return action


def source_from_annotation(
    annotation: dict[str, Any], key: str, generate_id: Callable[[], str]
) -> SourceContent | None:
    """A citation annotation as a source part (url, file, container file or file path); others: ``None``."""
    kind = annotation.get("type")
    if kind == "url_citation":
        return SourceContent(
            source_type="url", id=generate_id(), url=annotation.get("url"), title=annotation.get("title")
        )
    if kind == "file_citation":
        filename = annotation.get("filename")
        return SourceContent(
            source_type="document",
            id=generate_id(),
            media_type="text/plain",
            title=filename,
            filename=filename,
            provider_metadata={
                key: {"type": kind, "fileId": annotation.get("file_id"), "index": annotation.get("index")}
            },
        )
    if kind == "container_file_citation":
        filename = annotation.get("filename")
        return SourceContent(
            source_type="document",
            id=generate_id(),
            media_type="text/plain",
            title=filename,
            filename=filename,
            provider_metadata={
                key: {
                    "type": kind,
                    "fileId": annotation.get("file_id"),
                    "containerId": annotation.get("container_id"),
                }
            },
        )
    if kind == "file_path":
        file_id = annotation.get("file_id")
        return SourceContent(
            source_type="document",
            id=generate_id(),
            media_type="application/octet-stream",
            title=file_id,
            filename=file_id,
            provider_metadata={key: {"type": kind, "fileId": file_id, "index": annotation.get("index")}},
        )
    return None
