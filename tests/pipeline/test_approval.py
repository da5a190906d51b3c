"""Tool approval in generate_text / stream_text: the loop stops with a request, the next call resumes."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import generate_text, stream_text, tool
from pipeline.approval import InvalidToolApprovalError, ToolCallNotFoundForApprovalError
from pipeline.prompt import (
    AssistantMessage,
    ExecutionDeniedOutput,
    JsonOutput,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.result import GenerateResult, ToolApprovalRequestContent, ToolCallContent, ToolResultContent
from pipeline.stream import FinishPart, StreamStartPart, ToolOutputDeniedPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

ran: list[dict[str, Any]] = []


@tool(needs_approval=True)
def delete_file(path: str) -> dict[str, Any]:
    """Delete a file."""
    ran.append({"path": path})
    return {"deleted": path}


@tool(needs_approval=lambda amount: amount > 100)
def pay(amount: int) -> str:
    """Pay an amount."""
    return f"paid {amount}"


def _calls(*calls: tuple[str, str, str]) -> GenerateResult:
    return GenerateResult(
        content=[ToolCallContent(tool_call_id=i, tool_name=n, input=a) for i, n, a in calls],
        finish_reason="tool-calls",
    )


@pytest.fixture(autouse=True)
def _reset() -> None:
    ran.clear()


async def test_tool_needing_approval_stops_the_loop_with_a_request() -> None:
    model = MockLanguageModel(generate=[_calls(("c1", "delete_file", '{"path": "a.txt"}')), text_result("x")])
    result = await generate_text(model, prompt="delete a.txt", tools=[delete_file], max_steps=5)
    assert len(model.generate_calls) == 1 and ran == []
    (request,) = [part for part in result.steps[-1].content if isinstance(part, ToolApprovalRequestContent)]
    assert request.tool_call_id == "c1" and request.approval_id.startswith("approval-")
    assistant = result.response_messages[0]
    assert isinstance(assistant, AssistantMessage) and not isinstance(assistant.content, str)
    assert assistant.content[-1] == ToolApprovalRequestPart(
        approval_id=request.approval_id, tool_call_id="c1"
    )


async def test_approval_function_of_the_input_decides_per_call() -> None:
    model = MockLanguageModel(
        generate=[
            _calls(("small", "pay", '{"amount": 5}'), ("big", "pay", '{"amount": 500}')),
            text_result("x"),
        ]
    )
    result = await generate_text(model, prompt="pay", tools=[pay], max_steps=5)
    content = result.steps[-1].content
    assert [p.tool_call_id for p in content if isinstance(p, ToolApprovalRequestContent)] == ["big"]
    assert [(p.tool_call_id, p.result) for p in content if isinstance(p, ToolResultContent)] == [
        ("small", "paid 5")
    ]
    assert len(model.generate_calls) == 1  # the held-back call stops the loop


def _conversation(approved: bool, reason: str | None = None) -> list[Any]:
    return [
        UserMessage(content="delete a.txt"),
        AssistantMessage(
            content=[
                {
                    "type": "tool-call",
                    "toolCallId": "c1",
                    "toolName": "delete_file",
                    "input": {"path": "a.txt"},
                },
                ToolApprovalRequestPart(approval_id="ap1", tool_call_id="c1"),
            ]
        ),
        ToolMessage(content=[ToolApprovalResponsePart(approval_id="ap1", approved=approved, reason=reason)]),
    ]


async def test_approved_call_runs_before_the_first_step_and_its_result_reaches_the_model() -> None:
    model = MockLanguageModel(generate=text_result("Deleted."))
    result = await generate_text(model, messages=_conversation(True), tools=[delete_file], max_steps=3)
    assert ran == [{"path": "a.txt"}]
    sent = model.generate_calls[0].prompt
    assert [m.role for m in sent] == ["user", "assistant", "tool"]
    assert sent[2].content == [
        ToolResultPart(
            tool_call_id="c1", tool_name="delete_file", output=JsonOutput(value={"deleted": "a.txt"})
        )
    ]
    assert all(p.type != "tool-approval-request" for p in sent[1].content)  # type: ignore[union-attr]
    assert result.text == "Deleted."
    assert result.response_messages[0] == sent[2]


async def test_denied_call_is_reported_to_the_model_with_the_reason() -> None:
    model = MockLanguageModel(generate=text_result("OK, I will not."))
    await generate_text(model, messages=_conversation(False, "too risky"), tools=[delete_file])
    assert ran == []
    (tool_message,) = [m for m in model.generate_calls[0].prompt if m.role == "tool"]
    assert tool_message.content == [
        ToolResultPart(
            tool_call_id="c1", tool_name="delete_file", output=ExecutionDeniedOutput(reason="too risky")
        )
    ]


async def test_stream_emits_the_resumed_results_first_and_keeps_them_out_of_the_steps() -> None:
    model = MockLanguageModel(stream=text_stream_parts(["Done"]))
    async with stream_text(model, messages=_conversation(False, "no"), tools=[delete_file]) as result:
        parts = [part async for part in result.full_stream]
    assert parts[0] == ToolOutputDeniedPart(tool_call_id="c1", tool_name="delete_file")
    assert isinstance(parts[1], StreamStartPart) and isinstance(parts[-1], FinishPart)
    final = await result.result()
    assert len(final.steps) == 1 and final.text == "Done"
    assert [m.role for m in final.response_messages] == ["tool", "assistant"]

    ran.clear()
    model = MockLanguageModel(stream=text_stream_parts(["Done"]))
    async with stream_text(model, messages=_conversation(True), tools=[delete_file]) as result:
        parts = [part async for part in result.full_stream]
    assert parts[0] == ToolResultContent(
        tool_call_id="c1", tool_name="delete_file", result={"deleted": "a.txt"}
    )
    assert ran == [{"path": "a.txt"}]
    final = await result.result()
    assert len(final.steps) == 1 and final.tool_results == []  # the resumed result is not a step's
    assert [part.type for part in final.steps[0].content] == ["text"]


async def test_stream_step_with_a_tool_needing_approval_ends_with_the_request() -> None:
    calls = [
        StreamStartPart(),
        ToolCallContent(tool_call_id="c1", tool_name="delete_file", input='{"path":"b"}'),
    ]
    model = MockLanguageModel(
        stream=[[*calls, FinishPart(finish_reason="tool-calls")], text_stream_parts(["x"])]
    )
    async with stream_text(model, prompt="go", tools=[delete_file], max_steps=4) as result:
        types = [part.type async for part in result.full_stream]
    assert types == ["stream-start", "tool-call", "tool-approval-request", "finish"]
    assert len(model.stream_calls) == 1


async def test_malformed_approval_responses_are_typed_errors_before_any_call() -> None:
    model = MockLanguageModel()
    unknown = [
        *_conversation(True)[:2],
        ToolMessage(content=[ToolApprovalResponsePart(approval_id="x", approved=True)]),
    ]
    with pytest.raises(InvalidToolApprovalError, match="'x'"):
        await generate_text(model, messages=unknown, tools=[delete_file])
    no_call = [
        UserMessage(content="hi"),
        AssistantMessage(content=[ToolApprovalRequestPart(approval_id="ap1", tool_call_id="ghost")]),
        ToolMessage(content=[ToolApprovalResponsePart(approval_id="ap1", approved=True)]),
    ]
    with pytest.raises(ToolCallNotFoundForApprovalError, match="ghost"):
        await generate_text(model, messages=no_call, tools=[delete_file])
    assert model.calls == []
