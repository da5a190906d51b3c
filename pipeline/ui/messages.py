"""``convert_to_model_messages``: the ``UIMessage`` list ``useChat`` posts, as prompt messages.

Follows the AI SDK's ``convertToModelMessages``: an assistant message is split at its ``step-start``
parts; each block becomes an assistant message (text, reasoning, files, tool calls, approval
requests) followed by a tool message (results, approval responses). Sources, ``data-*`` parts (unless
``convert_data_part`` turns them into text or file parts) and the AI SDK's ``custom`` /
``reasoning-file`` parts, which this library's prompt does not model, are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from .._base import JSONValue
from ..errors import InvalidPromptError
from ..prompt import (
    AssistantContentPart,
    AssistantMessage,
    ErrorJsonOutput,
    ErrorTextOutput,
    ExecutionDeniedOutput,
    FilePart,
    JsonOutput,
    Message,
    ReasoningPart,
    SystemMessage,
    TextOutput,
    TextPart,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolContentPart,
    ToolMessage,
    ToolResultOutput,
    ToolResultPart,
    UserContentPart,
    UserMessage,
)

__all__ = ["DataPartConverter", "InvalidUIMessageError", "convert_to_model_messages"]

DataPartConverter = Callable[[Mapping[str, Any]], TextPart | FilePart | None]
"""Turns a ``data-*`` UI part into a text or file prompt part (``None``: leave it out)."""

_TOOL_STATES: Final = frozenset(
    {
        "input-streaming",
        "input-available",
        "approval-requested",
        "approval-responded",
        "output-available",
        "output-error",
        "output-denied",
    }
)
_SKIPPED: Final = frozenset({"source-url", "source-document", "custom", "reasoning-file"})
_MAX_SHOWN = 40


class InvalidUIMessageError(InvalidPromptError):
    """A UI message (as ``useChat`` posts it) is malformed; ``path`` names the element
    (``messages[1].parts[0].toolCallId``)."""


def _shown(value: object) -> str:
    if isinstance(value, str) and len(value) <= _MAX_SHOWN and value.isprintable():
        return repr(value)
    return f"{type(value).__name__}" + (f" of length {len(value)}" if isinstance(value, str | list) else "")


def _field(
    part: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: str, *, required: bool = True
) -> Any:
    value = part.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        got = "missing" if key not in part else _shown(value)
        raise InvalidUIMessageError(f"'{key}' must be a {wanted}, got {got}", path=path)
    return value


def convert_to_model_messages(
    messages: Any,
    *,
    ignore_incomplete_tool_calls: bool = False,
    convert_data_part: DataPartConverter | None = None,
) -> list[Message]:
    """Prompt messages for ``messages``, the ``UIMessage`` list (dicts) that ``useChat`` sends.

    ``ignore_incomplete_tool_calls`` leaves out tool parts that have neither a result nor an approval
    answer (e.g. after the user stopped a stream mid tool call). Raises :class:`InvalidUIMessageError`
    naming the bad element for malformed input.
    """
    if not isinstance(messages, list | tuple):
        raise InvalidUIMessageError(
            f"messages must be a list of UI messages, got {_shown(messages)}", path="messages"
        )
    converted: list[Message] = []
    for index, message in enumerate(messages):
        path = f"messages[{index}]"
        if not isinstance(message, Mapping):
            raise InvalidUIMessageError(f"a UI message must be an object, got {_shown(message)}", path=path)
        role = message.get("role")
        parts = message.get("parts")
        if not isinstance(parts, list):
            raise InvalidUIMessageError(f"'parts' must be a list, got {_shown(parts)}", path=f"{path}.parts")
        for part_index, part in enumerate(parts):
            if not isinstance(part, Mapping) or not isinstance(part.get("type"), str):
                raise InvalidUIMessageError(
                    f"a part must be an object with a string 'type', got {_shown(part)}",
                    path=f"{path}.parts[{part_index}]",
                )
        if role == "system":
            converted.append(_system(parts, path))
        elif role == "user":
            converted.append(_user(parts, path, convert_data_part))
        elif role == "assistant":
            converted.extend(_assistant(parts, path, convert_data_part, ignore_incomplete_tool_calls))
        else:
            raise InvalidUIMessageError(
                f"role must be 'system', 'user' or 'assistant', got {_shown(role)}", path=f"{path}.role"
            )
    return converted


def _system(parts: list[Mapping[str, Any]], path: str) -> SystemMessage:
    texts = [part for part in parts if part["type"] == "text"]
    options: dict[str, Any] = {}
    for index, part in enumerate(texts):
        _field(part, "text", str, f"{path}.parts[{index}].text")
        options.update(part.get("providerMetadata") or {})
    return SystemMessage(content="".join(part["text"] for part in texts), provider_options=options or None)


def _text(part: Mapping[str, Any], path: str) -> TextPart:
    return TextPart(
        text=_field(part, "text", str, f"{path}.text"), provider_options=part.get("providerMetadata")
    )


def _file(part: Mapping[str, Any], path: str) -> FilePart:
    return FilePart(
        data=_field(part, "url", str, f"{path}.url"),
        media_type=_field(part, "mediaType", str, f"{path}.mediaType"),
        filename=_field(part, "filename", str, f"{path}.filename", required=False),
        provider_options=part.get("providerMetadata"),
    )


def _user(
    parts: list[Mapping[str, Any]], path: str, convert_data_part: DataPartConverter | None
) -> UserMessage:
    content: list[UserContentPart] = []
    for index, part in enumerate(parts):
        part_path = f"{path}.parts[{index}]"
        if part["type"] == "text":
            content.append(_text(part, part_path))
        elif part["type"] == "file":
            content.append(_file(part, part_path))
        elif part["type"].startswith("data-") and convert_data_part is not None:
            data_part = convert_data_part(part)
            if data_part is not None:
                content.append(data_part)
    return UserMessage(content=content)


def _is_tool(part: Mapping[str, Any]) -> bool:
    kind: str = part["type"]
    return kind.startswith("tool-") or kind == "dynamic-tool"


def _is_complete(part: Mapping[str, Any]) -> bool:
    state = part.get("state")
    return bool(
        state in ("approval-responded", "output-error", "output-denied")
        or (state == "output-available" and part.get("preliminary") is not True)
    )


def _assistant(
    parts: list[Mapping[str, Any]],
    path: str,
    convert_data_part: DataPartConverter | None,
    ignore_incomplete: bool,
) -> list[Message]:
    messages: list[Message] = []
    block: list[tuple[Mapping[str, Any], str]] = []
    for index, part in enumerate(parts):
        if part["type"] == "step-start":
            messages.extend(_assistant_block(block, convert_data_part))
            block = []
        elif not (ignore_incomplete and _is_tool(part) and not _is_complete(part)):
            block.append((part, f"{path}.parts[{index}]"))
    messages.extend(_assistant_block(block, convert_data_part))
    return messages


class _ToolPart:
    """A validated tool UI part (``tool-<name>`` or ``dynamic-tool``)."""

    def __init__(self, part: Mapping[str, Any], path: str) -> None:
        self.part = part
        self.path = path
        self.name = (
            _field(part, "toolName", str, f"{path}.toolName")
            if part["type"] == "dynamic-tool"
            else part["type"][len("tool-") :]
        )
        self.call_id: str = _field(part, "toolCallId", str, f"{path}.toolCallId")
        self.state = part.get("state")
        if self.state not in _TOOL_STATES:
            raise InvalidUIMessageError(f"unknown tool part state {_shown(self.state)}", path=f"{path}.state")
        self.provider_executed: bool | None = _field(
            part, "providerExecuted", bool, f"{path}.providerExecuted", required=False
        )
        approval = part.get("approval")
        if approval is not None and not isinstance(approval, Mapping):
            raise InvalidUIMessageError(
                f"'approval' must be an object, got {_shown(approval)}", path=f"{path}.approval"
            )
        self.approval: Mapping[str, Any] | None = approval
        if approval is not None:
            _field(approval, "id", str, f"{path}.approval.id")
            _field(approval, "approved", bool, f"{path}.approval.approved", required=False)
            _field(approval, "reason", str, f"{path}.approval.reason", required=False)
        self.options = part.get("callProviderMetadata")

    def input(self) -> JSONValue:
        value = self.part.get("input")
        if value is None and self.state == "output-error":
            value = self.part.get("rawInput")
        return value if value is not None else {}

    def output(self, error_mode: str) -> ToolResultOutput:
        """The result as the model reads it (the AI SDK's ``createToolModelOutput`` without a tool)."""
        if self.state == "output-error":
            text = _field(self.part, "errorText", str, f"{self.path}.errorText")
            return ErrorJsonOutput(value=text) if error_mode == "json" else ErrorTextOutput(value=text)
        value = self.part.get("output")
        return TextOutput(value=value) if isinstance(value, str) else JsonOutput(value=value)


def _assistant_block(
    block: list[tuple[Mapping[str, Any], str]], convert_data_part: DataPartConverter | None
) -> list[Message]:
    if not block:
        return []
    content: list[AssistantContentPart] = []
    tools: list[_ToolPart] = []
    for part, path in block:
        kind = part["type"]
        if kind == "text":
            content.append(_text(part, path))
        elif kind == "reasoning":
            content.append(
                ReasoningPart(
                    text=_field(part, "text", str, f"{path}.text"),
                    provider_options=part.get("providerMetadata"),
                )
            )
        elif kind == "file":
            content.append(_file(part, path))
        elif _is_tool(part):
            tool = _ToolPart(part, path)
            tools.append(tool)
            if tool.state == "input-streaming":
                continue
            content.append(
                ToolCallPart(
                    tool_call_id=tool.call_id,
                    tool_name=tool.name,
                    input=tool.input(),
                    provider_executed=tool.provider_executed,
                    provider_options=tool.options,
                )
            )
            if tool.approval is not None:
                content.append(
                    ToolApprovalRequestPart(approval_id=tool.approval["id"], tool_call_id=tool.call_id)
                )
            if tool.provider_executed and tool.state in ("output-available", "output-error"):
                content.append(
                    ToolResultPart(
                        tool_call_id=tool.call_id,
                        tool_name=tool.name,
                        output=tool.output("json"),
                        provider_options=part.get("resultProviderMetadata") or tool.options,
                    )
                )
        elif kind.startswith("data-"):
            data_part = convert_data_part(part) if convert_data_part is not None else None
            if data_part is not None:
                content.append(data_part)
        elif kind not in _SKIPPED:
            raise InvalidUIMessageError(f"unknown part type {_shown(kind)}", path=f"{path}.type")
    messages: list[Message] = [AssistantMessage(content=content)] if content else []
    tool_content = [
        item
        for tool in tools
        if not tool.provider_executed
        or (tool.approval is not None and tool.approval.get("approved") is not None)
        for item in _tool_message_parts(tool)
    ]
    if tool_content:
        messages.append(ToolMessage(content=tool_content))
    return messages


def _tool_message_parts(tool: _ToolPart) -> list[ToolContentPart]:
    parts: list[ToolContentPart] = []
    approval = tool.approval
    if approval is not None and approval.get("approved") is not None:
        parts.append(
            ToolApprovalResponsePart(
                approval_id=approval["id"],
                approved=approval["approved"],
                reason=approval.get("reason"),
                provider_executed=tool.provider_executed,
            )
        )
        if tool.state == "approval-responded" and approval["approved"] is False:
            parts.append(
                ToolResultPart(
                    tool_call_id=tool.call_id,
                    tool_name=tool.name,
                    output=ExecutionDeniedOutput(reason=approval.get("reason")),
                    provider_options=tool.options,
                )
            )
    if tool.provider_executed:
        return parts
    if tool.state == "output-denied":
        reason = (approval or {}).get("reason") or "Tool call execution denied."
        parts.append(
            ToolResultPart(
                tool_call_id=tool.call_id,
                tool_name=tool.name,
                output=ErrorTextOutput(value=reason),
                provider_options=tool.options,
            )
        )
    elif tool.state in ("output-available", "output-error"):
        parts.append(
            ToolResultPart(
                tool_call_id=tool.call_id,
                tool_name=tool.name,
                output=tool.output("text"),
                provider_options=tool.options,
            )
        )
    return parts
