"""convert_to_model_messages: the UIMessage list useChat posts, as prompt messages (AI SDK semantics)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.normalize import normalize_prompt
from pipeline.prompt import (
    AssistantMessage,
    ErrorTextOutput,
    ExecutionDeniedOutput,
    FilePart,
    JsonOutput,
    ReasoningPart,
    SystemMessage,
    TextOutput,
    TextPart,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.ui import InvalidUIMessageError, convert_to_model_messages


def _tool(state: str, **fields: Any) -> dict[str, Any]:
    return {"type": "tool-weather", "toolCallId": "c1", "state": state, "input": {"city": "Paris"}, **fields}


def test_system_user_text_and_files() -> None:
    messages = [
        {
            "id": "s",
            "role": "system",
            "parts": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief"}],
        },
        {
            "id": "u",
            "role": "user",
            "parts": [
                {"type": "text", "text": "What is this?"},
                {
                    "type": "file",
                    "mediaType": "image/png",
                    "url": "data:image/png;base64,iVBORw==",
                    "filename": "a.png",
                },
                {"type": "data-ignored", "data": 1},
            ],
        },
    ]
    assert convert_to_model_messages(messages) == [
        SystemMessage(content="Be brief"),
        UserMessage(
            content=[
                TextPart(text="What is this?"),
                FilePart(data="data:image/png;base64,iVBORw==", media_type="image/png", filename="a.png"),
            ]
        ),
    ]


def test_assistant_steps_reasoning_and_tool_results_split_into_messages() -> None:
    message = {
        "id": "a",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {"type": "reasoning", "text": "Let me look.", "state": "done"},
            _tool("output-available", output={"temperature": 21}),
            {"type": "step-start"},
            {"type": "text", "text": "It is 21.", "state": "done"},
            {"type": "source-url", "sourceId": "s", "url": "https://example.com"},
        ],
    }
    assert convert_to_model_messages([message]) == [
        AssistantMessage(
            content=[
                ReasoningPart(text="Let me look."),
                ToolCallPart(tool_call_id="c1", tool_name="weather", input={"city": "Paris"}),
            ]
        ),
        ToolMessage(
            content=[
                ToolResultPart(
                    tool_call_id="c1", tool_name="weather", output=JsonOutput(value={"temperature": 21})
                )
            ]
        ),
        AssistantMessage(content=[TextPart(text="It is 21.")]),
    ]


def test_tool_errors_and_text_outputs() -> None:
    (_, tool_message) = convert_to_model_messages(
        [{"role": "assistant", "parts": [_tool("output-error", errorText="boom")]}]
    )
    assert tool_message.content[0].output == ErrorTextOutput(value="boom")  # type: ignore[union-attr]
    (_, tool_message) = convert_to_model_messages(
        [{"role": "assistant", "parts": [_tool("output-available", output="sunny")]}]
    )
    assert tool_message.content[0].output == TextOutput(value="sunny")  # type: ignore[union-attr]


def test_approval_requests_and_responses_round_trip() -> None:
    approved = _tool("approval-responded", approval={"id": "ap1", "approved": True})
    denied = {
        **_tool("approval-responded", approval={"id": "ap2", "approved": False, "reason": "no"}),
        "toolCallId": "c2",
    }
    converted = convert_to_model_messages([{"role": "assistant", "parts": [approved, denied]}])
    assert converted == [
        AssistantMessage(
            content=[
                ToolCallPart(tool_call_id="c1", tool_name="weather", input={"city": "Paris"}),
                ToolApprovalRequestPart(approval_id="ap1", tool_call_id="c1"),
                ToolCallPart(tool_call_id="c2", tool_name="weather", input={"city": "Paris"}),
                ToolApprovalRequestPart(approval_id="ap2", tool_call_id="c2"),
            ]
        ),
        ToolMessage(
            content=[
                ToolApprovalResponsePart(approval_id="ap1", approved=True),
                ToolApprovalResponsePart(approval_id="ap2", approved=False, reason="no"),
                ToolResultPart(
                    tool_call_id="c2", tool_name="weather", output=ExecutionDeniedOutput(reason="no")
                ),
            ]
        ),
    ]
    normalize_prompt(converted)  # the approved call needs no result: the loop runs it


def test_ignore_incomplete_tool_calls_drops_calls_without_an_answer() -> None:
    parts = [_tool("input-available"), {"type": "text", "text": "stopped"}]
    assert convert_to_model_messages(
        [{"role": "assistant", "parts": parts}], ignore_incomplete_tool_calls=True
    ) == [AssistantMessage(content=[TextPart(text="stopped")])]
    with pytest.raises(Exception, match="Tool result is missing"):
        normalize_prompt(convert_to_model_messages([{"role": "assistant", "parts": parts}]))


def test_data_parts_go_through_the_converter() -> None:
    def convert(part: Any) -> TextPart | None:
        return TextPart(text=f"weather: {part['data']}") if part["type"] == "data-weather" else None

    (message,) = convert_to_model_messages(
        [{"role": "user", "parts": [{"type": "data-weather", "data": "sunny"}]}], convert_data_part=convert
    )
    assert message == UserMessage(content=[TextPart(text="weather: sunny")])


@pytest.mark.parametrize(
    ("messages", "path", "reason"),
    [
        ({"role": "user"}, "messages", "messages must be a list of UI messages, got dict"),
        (["hi"], "messages[0]", "a UI message must be an object, got 'hi'"),
        ([{"role": "user", "parts": "hi"}], "messages[0].parts", "'parts' must be a list, got 'hi'"),
        ([{"role": "tool", "parts": []}], "messages[0].role", "role must be 'system', 'user' or 'assistant'"),
        ([{"role": "user", "parts": [{"text": "x"}]}], "messages[0].parts[0]", "a string 'type'"),
        (
            [{"role": "user", "parts": [{"type": "text"}]}],
            "messages[0].parts[0].text",
            "'text' must be a str, got missing",
        ),
        (
            [{"role": "assistant", "parts": [{"type": "tool-x", "state": "done", "toolCallId": "c"}]}],
            "messages[0].parts[0].state",
            "unknown tool part state 'done'",
        ),
        (
            [
                {
                    "role": "assistant",
                    "parts": [{"type": "tool-x", "state": "input-available", "toolCallId": 3}],
                }
            ],
            "messages[0].parts[0].toolCallId",
            "'toolCallId' must be a str, got int",
        ),
        (
            [{"role": "assistant", "parts": [_tool("approval-requested", approval={"approved": True})]}],
            "messages[0].parts[0].approval.id",
            "'id' must be a str",
        ),
        (
            [{"role": "assistant", "parts": [{"type": "bogus"}]}],
            "messages[0].parts[0].type",
            "unknown part type 'bogus'",
        ),
    ],
)
def test_malformed_ui_messages_raise_a_typed_error_naming_the_element(
    messages: Any, path: str, reason: str
) -> None:
    with pytest.raises(InvalidUIMessageError) as caught:
        convert_to_model_messages(messages)
    assert caught.value.path == path
    assert reason in caught.value.reason
