"""An answer to an MCP approval request goes back as ``mcp_approval_response`` (the AI SDK's mapping)."""

from __future__ import annotations

from pipeline.prompt import ToolApprovalResponsePart, ToolMessage, UserMessage
from providers.openai.responses.convert_input import InputSettings, convert_to_responses_input

ANSWERS = ToolMessage(
    content=[
        ToolApprovalResponsePart(approval_id="mcpr_1", approved=True),
        ToolApprovalResponsePart(approval_id="mcpr_1", approved=True),  # the same answer twice: sent once
        ToolApprovalResponsePart(approval_id="mcpr_2", approved=False, reason="no"),
    ]
)


def test_each_answer_is_sent_once_after_a_reference_to_its_request() -> None:
    items, _ = convert_to_responses_input([UserMessage(content="go"), ANSWERS], InputSettings(store=True))

    assert items[1:] == [
        {"type": "item_reference", "id": "mcpr_1"},
        {"type": "mcp_approval_response", "approval_request_id": "mcpr_1", "approve": True},
        {"type": "item_reference", "id": "mcpr_2"},
        {"type": "mcp_approval_response", "approval_request_id": "mcpr_2", "approve": False},
    ]


def test_without_stored_items_only_the_answers_are_sent() -> None:
    items, _ = convert_to_responses_input(
        [UserMessage(content="go"), ANSWERS], InputSettings(store=True, has_previous_response_id=True)
    )

    assert [item["type"] for item in items[1:]] == ["mcp_approval_response", "mcp_approval_response"]
