"""The messages a step adds to the conversation: the assistant's turn and the tool results."""

from __future__ import annotations

import json
from typing import Any

from .prompt import (
    AssistantContentPart,
    AssistantMessage,
    ErrorJsonOutput,
    ErrorTextOutput,
    FilePart,
    JsonOutput,
    Message,
    ReasoningPart,
    TextOutput,
    TextPart,
    ToolApprovalRequestPart,
    ToolCallPart,
    ToolContentPart,
    ToolMessage,
    ToolResultOutput,
    ToolResultPart,
)
from .result import (
    CustomContent,
    FileContent,
    GenerateResult,
    ReasoningContent,
    SourceContent,
    TextContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
)

__all__ = ["to_response_messages", "tool_output"]


def tool_output(result: ToolResultContent) -> ToolResultOutput:
    """The prompt-level output of a tool result (text or JSON, error or not), or the tool's own."""
    if result.output is not None:
        return result.output
    if result.is_error:
        if isinstance(result.result, str):
            return ErrorTextOutput(value=result.result)
        return ErrorJsonOutput(value=result.result)
    if isinstance(result.result, str):
        return TextOutput(value=result.result)
    return JsonOutput(value=result.result)


def _parse_input(raw: str) -> Any:
    try:
        return json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        return raw


def to_response_messages(step: GenerateResult) -> list[Message]:
    """An assistant message with the step's output and, when client tools ran, a tool message.

    Provider metadata of parts (e.g. reasoning signatures) is carried as their provider options, so
    the next step can send them back.
    """
    assistant_parts: list[AssistantContentPart] = []
    tool_parts: list[ToolContentPart] = []
    for part in step.content:
        options = part.provider_metadata
        match part:
            case TextContent():
                if part.text:
                    assistant_parts.append(TextPart(text=part.text, provider_options=options))
            case ReasoningContent():
                assistant_parts.append(ReasoningPart(text=part.text, provider_options=options))
            case FileContent():
                assistant_parts.append(
                    FilePart(data=part.data, media_type=part.media_type, provider_options=options)
                )
            case ToolCallContent():
                assistant_parts.append(
                    ToolCallPart(
                        tool_call_id=part.tool_call_id,
                        tool_name=part.tool_name,
                        input=_parse_input(part.input),
                        provider_executed=part.provider_executed,
                        provider_options=options,
                    )
                )
            case ToolResultContent():
                result_part = ToolResultPart(
                    tool_call_id=part.tool_call_id,
                    tool_name=part.tool_name,
                    output=tool_output(part),
                    provider_options=options,
                )
                (assistant_parts if part.provider_executed else tool_parts).append(result_part)
            case ToolApprovalRequestContent():
                assistant_parts.append(
                    ToolApprovalRequestPart(approval_id=part.approval_id, tool_call_id=part.tool_call_id)
                )
            case SourceContent() | CustomContent():
                pass
    messages: list[Message] = []
    if assistant_parts:
        messages.append(AssistantMessage(content=assistant_parts))
    if tool_parts:
        messages.append(ToolMessage(content=tool_parts))
    return messages
