"""Tool approval, as in the AI SDK: hold tool calls back for the user's answer, and resume from it.

A :class:`~pipeline.tools.Tool` with ``needs_approval`` is not run when the model calls it: the step
gets a ``tool-approval-request`` (:class:`~pipeline.result.ToolApprovalRequestContent`) and the loop
stops. The caller sends the conversation back with a tool message holding ``tool-approval-response``
parts; the next call runs the approved tools and tells the model about the denied ones (an
``execution-denied`` tool result with the reason) before its first step.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import InvalidPromptError, InvalidToolInputError
from .prompt import (
    AssistantMessage,
    ExecutionDeniedOutput,
    Message,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolContentPart,
    ToolMessage,
    ToolResultPart,
)
from .response_messages import tool_output
from .result import ToolApprovalRequestContent, ToolCallContent, ToolResultContent
from .stream import ToolOutputDeniedPart
from .tools import ToolSet, execute_tool_calls, parse_tool_input

__all__ = [
    "Approval",
    "CollectedApprovals",
    "InvalidToolApprovalError",
    "ResumedApprovals",
    "ToolCallNotFoundForApprovalError",
    "approval_requests",
    "collect_tool_approvals",
    "new_approval_id",
    "resume_approvals",
]


class InvalidToolApprovalError(InvalidPromptError):
    """A tool approval response answers no tool approval request of the conversation."""

    def __init__(self, approval_id: str) -> None:
        self.approval_id = approval_id
        super().__init__(
            f"tool approval response references unknown approval id {approval_id!r}: no matching "
            "tool-approval-request in the assistant messages"
        )


class ToolCallNotFoundForApprovalError(InvalidPromptError):
    """A tool approval request names a tool call the conversation does not have."""

    def __init__(self, tool_call_id: str, approval_id: str) -> None:
        self.tool_call_id = tool_call_id
        self.approval_id = approval_id
        super().__init__(f"tool call {tool_call_id!r} not found for approval request {approval_id!r}")


@dataclass(frozen=True)
class Approval:
    """One answered approval: the request, the user's response and the tool call it is about."""

    request: ToolApprovalRequestPart
    response: ToolApprovalResponsePart
    tool_call: ToolCallPart
    has_result: bool = False
    """A denial whose ``execution-denied`` result the conversation already holds (as ``useChat`` sends)."""


@dataclass(frozen=True)
class CollectedApprovals:
    """The answered approvals of a conversation's last (tool) message still to act on."""

    approved: list[Approval] = field(default_factory=list)
    denied: list[Approval] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.approved or self.denied)


@dataclass(frozen=True)
class ResumedApprovals:
    """What acting on the approvals produced: stream parts to emit, and the tool message for the prompt."""

    parts: list[ToolResultContent | ToolOutputDeniedPart]
    message: ToolMessage | None


def new_approval_id() -> str:
    """A fresh, unguessable approval id."""
    return f"approval-{secrets.token_hex(8)}"


def collect_tool_approvals(messages: Sequence[Message]) -> CollectedApprovals:
    """The approval responses of the last message (when it is a tool message), matched to their
    requests and tool calls (the AI SDK's ``collectToolApprovals``).

    A response whose call already has a result in that message is skipped, unless it is a denial
    and the result an ``execution-denied`` one (``has_result``). Raises
    :class:`InvalidToolApprovalError` for a response without a request and
    :class:`ToolCallNotFoundForApprovalError` for a request without its tool call.
    """
    if not messages or not isinstance(messages[-1], ToolMessage):
        return CollectedApprovals()
    last = messages[-1]
    if not any(isinstance(part, ToolApprovalResponsePart) for part in last.content):
        return CollectedApprovals()  # the usual tool message: results only, nothing to match
    tool_calls: dict[str, ToolCallPart] = {}
    requests: dict[str, ToolApprovalRequestPart] = {}
    for message in messages:
        if isinstance(message, AssistantMessage) and not isinstance(message.content, str):
            for part in message.content:
                if isinstance(part, ToolCallPart):
                    tool_calls[part.tool_call_id] = part
                elif isinstance(part, ToolApprovalRequestPart):
                    requests[part.approval_id] = part
    results = {part.tool_call_id: part for part in last.content if isinstance(part, ToolResultPart)}
    collected = CollectedApprovals()
    for response in last.content:
        if not isinstance(response, ToolApprovalResponsePart):
            continue
        request = requests.get(response.approval_id)
        if request is None:
            raise InvalidToolApprovalError(response.approval_id)
        existing = results.get(request.tool_call_id)
        if existing is not None and (response.approved or existing.output.type != "execution-denied"):
            continue  # already answered in this message
        tool_call = tool_calls.get(request.tool_call_id)
        if tool_call is None:
            raise ToolCallNotFoundForApprovalError(request.tool_call_id, request.approval_id)
        approval = Approval(request, response, tool_call, has_result=existing is not None)
        (collected.approved if response.approved else collected.denied).append(approval)
    return collected


async def approval_requests(
    calls: Sequence[ToolCallContent], tools: ToolSet
) -> list[ToolApprovalRequestContent]:
    """An approval request for each call whose tool needs approval for that input.

    Calls of unknown tools or with invalid input get none: they become error results as usual.
    """
    requests: list[ToolApprovalRequestContent] = []
    for call in calls:
        tool_def = tools.tools.get(call.tool_name)
        if tool_def is None or tool_def.needs_approval is False:
            continue  # the usual tool: its input is parsed once, when it runs
        try:
            arguments = parse_tool_input(tool_def, call.input)
        except InvalidToolInputError:
            continue
        if await tool_def.requires_approval(arguments):
            requests.append(
                ToolApprovalRequestContent(approval_id=new_approval_id(), tool_call_id=call.tool_call_id)
            )
    return requests


async def resume_approvals(collected: CollectedApprovals, tools: ToolSet) -> ResumedApprovals:
    """Run the approved client tool calls and deny the denied ones (``execution-denied`` results).

    Approvals of provider-executed tools are left to the provider (their responses stay in the prompt).
    """
    if not collected:
        return ResumedApprovals(parts=[], message=None)
    approved = [
        approval.tool_call for approval in collected.approved if not approval.tool_call.provider_executed
    ]
    calls = [
        ToolCallContent(
            tool_call_id=call.tool_call_id, tool_name=call.tool_name, input=json.dumps(call.input)
        )
        for call in approved
    ]
    results = [result for result in await execute_tool_calls(calls, tools) if result is not None]
    content: list[ToolContentPart] = [
        ToolResultPart(tool_call_id=r.tool_call_id, tool_name=r.tool_name, output=tool_output(r))
        for r in results
    ]
    parts: list[ToolResultContent | ToolOutputDeniedPart] = list(results)
    for approval in collected.denied:
        call = approval.tool_call
        parts.append(ToolOutputDeniedPart(tool_call_id=call.tool_call_id, tool_name=call.tool_name))
        if approval.has_result:
            continue
        options = (
            {"openai": {"approvalId": approval.response.approval_id}} if call.provider_executed else None
        )
        content.append(
            ToolResultPart(
                tool_call_id=call.tool_call_id,
                tool_name=call.tool_name,
                output=ExecutionDeniedOutput(reason=approval.response.reason, provider_options=options),
            )
        )
    return ResumedApprovals(parts=parts, message=ToolMessage(content=content) if content else None)
