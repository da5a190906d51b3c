"""A Responses API response body → GenerateResult (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pipeline.result import (
    CallWarning,
    Content,
    CustomContent,
    GenerateResult,
    ReasoningContent,
    RequestMetadata,
    ResponseMetadata,
    TextContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
)

from ..map_response import new_id, response_timestamp
from .map_output import (
    code_interpreter_input,
    computer_input,
    dumps,
    expand_parallel_call,
    file_search_result,
    map_finish_reason,
    map_usage,
    mcp_result,
    patch_operation,
    reasoning_metadata,
    shell_action,
    shell_result,
    source_from_annotation,
    web_search_result,
)
from .request import ResponsesRequest

__all__ = ["OutputMapper", "map_responses_response", "response_metadata"]


def response_metadata(response: Mapping[str, Any], key: str, extra: Mapping[str, Any] = {}) -> dict[str, Any]:
    """The call's provider metadata: ``responseId``, ``serviceTier``, ``reasoningContext``, logprobs."""
    metadata: dict[str, Any] = {"responseId": response.get("id"), **extra}
    if isinstance(response.get("service_tier"), str):
        metadata["serviceTier"] = response["service_tier"]
    context = (response.get("reasoning") or {}).get("context")
    if context is not None:
        metadata["reasoningContext"] = context
    return {key: metadata}


class OutputMapper:
    """Output items → content parts, with the call's tool names (one per call)."""

    def __init__(self, request: ResponsesRequest, key: str, generate_id: Callable[[], str] = new_id) -> None:
        self.request = request
        self.approvals: dict[str, str] = dict(request.approval_tool_call_ids)
        self.key = key
        self.generate_id = generate_id
        self.has_function_call = False
        self.hosted_searches: list[str] = []
        self.logprobs: list[Any] = []

    @property
    def web_search_name(self) -> str:
        return self.request.web_search_tool_name or self.request.names.custom_name("web_search")

    def tool_name(self, wire_name: str) -> str:
        return self.request.names.custom_name(wire_name)

    def item_metadata(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {self.key: {"itemId": item.get("id", "")}}

    def item(self, item: Mapping[str, Any]) -> list[Content]:
        """The content of one complete output item (an unknown item type gives none)."""
        handler = getattr(self, f"_item_{item.get('type')}", None)
        return handler(item) if handler is not None else []

    def provider_call(
        self, call_id: str, wire_name: str, tool_input: str, result: Any, **extra: Any
    ) -> list[Content]:
        name = self.tool_name(wire_name)
        return [
            ToolCallContent(tool_call_id=call_id, tool_name=name, input=tool_input, provider_executed=True),
            ToolResultContent(
                tool_call_id=call_id, tool_name=name, result=result, provider_executed=True, **extra
            ),
        ]

    def _item_reasoning(self, item: Mapping[str, Any]) -> list[Content]:
        summaries = item.get("summary") or [{"type": "summary_text", "text": ""}]
        metadata = reasoning_metadata(self.key, item.get("id", ""), item.get("encrypted_content"))
        return [
            ReasoningContent(text=summary.get("text", ""), provider_metadata=metadata)
            for summary in summaries
        ]

    def _item_message(self, item: Mapping[str, Any]) -> list[Content]:
        content: list[Content] = []
        for part in item.get("content") or []:
            if part.get("type") != "output_text":
                continue
            if self.request.logprobs and part.get("logprobs"):
                self.logprobs.append(part["logprobs"])
            annotations = part.get("annotations") or []
            metadata: dict[str, Any] = {"itemId": item.get("id", "")}
            if item.get("phase") is not None:
                metadata["phase"] = item["phase"]
            if annotations:
                metadata["annotations"] = annotations
            content.append(TextContent(text=part.get("text", ""), provider_metadata={self.key: metadata}))
            for annotation in annotations:
                source = source_from_annotation(annotation, self.key, self.generate_id)
                if source is not None:
                    content.append(source)
        return content

    def _item_function_call(self, item: Mapping[str, Any]) -> list[Content]:
        self.has_function_call = True
        expanded = expand_parallel_call(
            item.get("call_id", ""),
            item.get("name", ""),
            item.get("arguments", ""),
            item.get("id", ""),
            self.request.function_names,
            self.key,
        )
        if expanded is not None:
            return list(expanded)
        metadata: dict[str, Any] = {"itemId": item.get("id", "")}
        if item.get("namespace") is not None:
            metadata["namespace"] = item["namespace"]
        caller = item.get("caller")
        if caller is not None:
            metadata["caller"] = (
                {"type": "program", "callerId": caller.get("caller_id")}
                if caller.get("type") == "program"
                else caller
            )
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=item.get("name"),
                input=item.get("arguments", ""),
                provider_metadata={self.key: metadata},
            )
        ]

    def _item_custom_tool_call(self, item: Mapping[str, Any]) -> list[Content]:
        self.has_function_call = True
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name(item.get("name", "")),
                input=dumps(item.get("input")),
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_program(self, item: Mapping[str, Any]) -> list[Content]:
        """Code OpenAI runs to call the caller's tools (programmatic tool calling)."""
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id", ""),
                tool_name=self.tool_name("programmatic_tool_calling"),
                input=dumps({"code": item.get("code"), "fingerprint": item.get("fingerprint")}),
                provider_executed=True,
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_program_output(self, item: Mapping[str, Any]) -> list[Content]:
        return [
            ToolResultContent(
                tool_call_id=item.get("call_id", ""),
                tool_name=self.tool_name("programmatic_tool_calling"),
                result={"result": item.get("result"), "status": item.get("status")},
                provider_executed=True,
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_tool_search_call(self, item: Mapping[str, Any]) -> list[Content]:
        """A tool search: run by OpenAI (``execution: server``) or asked of the caller."""
        hosted = item.get("execution") == "server"
        call_id = item.get("call_id") or item.get("id", "")
        if hosted:
            self.hosted_searches.append(call_id)
        return [
            ToolCallContent(
                tool_call_id=call_id,
                tool_name=self.tool_name("tool_search"),
                input=dumps({"arguments": item.get("arguments"), "call_id": item.get("call_id")}),
                provider_executed=True if hosted else None,
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_tool_search_output(self, item: Mapping[str, Any]) -> list[Content]:
        call_id = item.get("call_id") or (
            self.hosted_searches.pop(0) if self.hosted_searches else item.get("id", "")
        )
        return [
            ToolResultContent(
                tool_call_id=call_id,
                tool_name=self.tool_name("tool_search"),
                result={"tools": item.get("tools")},
                provider_executed=True if item.get("execution", "server") == "server" else None,
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_web_search_call(self, item: Mapping[str, Any]) -> list[Content]:
        name = self.web_search_name
        return [
            ToolCallContent(
                tool_call_id=item.get("id", ""), tool_name=name, input="{}", provider_executed=True
            ),
            ToolResultContent(
                tool_call_id=item.get("id", ""),
                tool_name=name,
                result=web_search_result(item.get("action")),
                provider_executed=True,
            ),
        ]

    def _item_file_search_call(self, item: Mapping[str, Any]) -> list[Content]:
        return self.provider_call(item.get("id", ""), "file_search", "{}", file_search_result(dict(item)))

    def _item_code_interpreter_call(self, item: Mapping[str, Any]) -> list[Content]:
        tool_input = code_interpreter_input(item.get("code"), item.get("container_id"))
        return self.provider_call(
            item.get("id", ""), "code_interpreter", tool_input, {"outputs": item.get("outputs")}
        )

    def _item_image_generation_call(self, item: Mapping[str, Any]) -> list[Content]:
        return self.provider_call(
            item.get("id", ""), "image_generation", "{}", {"result": item.get("result")}
        )

    def _item_local_shell_call(self, item: Mapping[str, Any]) -> list[Content]:
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name("local_shell"),
                input=dumps({"action": shell_action(item.get("action"))}),
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_shell_call(self, item: Mapping[str, Any]) -> list[Content]:
        commands = (item.get("action") or {}).get("commands")
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name("shell"),
                input=dumps({"action": {"commands": commands}}),
                provider_executed=True if self.request.shell_provider_executed else None,
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_shell_call_output(self, item: Mapping[str, Any]) -> list[Content]:
        return [
            ToolResultContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name("shell"),
                result=shell_result(dict(item)),
                provider_executed=True if self.request.shell_provider_executed else None,
            )
        ]

    def _item_apply_patch_call(self, item: Mapping[str, Any]) -> list[Content]:
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name("apply_patch"),
                input=dumps(
                    {"callId": item.get("call_id"), "operation": patch_operation(item.get("operation"))}
                ),
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_computer_call(self, item: Mapping[str, Any]) -> list[Content]:
        if item.get("call_id") is None:
            return self.provider_call(
                item.get("id", ""),
                "computer_use",
                "",
                {"type": "computer_use_tool_result", "status": item.get("status")},
            )
        self.has_function_call = True
        return [
            ToolCallContent(
                tool_call_id=item.get("call_id"),
                tool_name=self.tool_name("computer"),
                input=computer_input(dict(item)),
                provider_metadata=self.item_metadata(item),
            )
        ]

    def _item_mcp_call(self, item: Mapping[str, Any]) -> list[Content]:
        approval = item.get("approval_request_id")
        call_id = (
            self.approvals.get(approval, item.get("id", "")) if approval is not None else item.get("id", "")
        )
        name = f"mcp.{item.get('name')}"
        return [
            ToolCallContent(
                tool_call_id=call_id, tool_name=name, input=item.get("arguments", ""), provider_executed=True
            ),
            ToolResultContent(
                tool_call_id=call_id,
                tool_name=name,
                result=mcp_result(dict(item)),
                provider_executed=True,
                provider_metadata=self.item_metadata(item),
            ),
        ]

    def _item_mcp_approval_request(self, item: Mapping[str, Any]) -> list[Content]:
        """An MCP call waiting for the caller's approval: the call (under an id of ours) and the request."""
        approval = item.get("approval_request_id") or item.get("id", "")
        call_id = self.generate_id()
        self.approvals[approval] = call_id
        return [
            ToolCallContent(
                tool_call_id=call_id,
                tool_name=f"mcp.{item.get('name')}",
                input=item.get("arguments", ""),
                provider_executed=True,
            ),
            ToolApprovalRequestContent(approval_id=approval, tool_call_id=call_id),
        ]

    def _item_compaction(self, item: Mapping[str, Any]) -> list[Content]:
        """Server-side compaction of the conversation: kept (encrypted) to send back."""
        metadata = {
            "type": "compaction",
            "itemId": item.get("id", ""),
            "encryptedContent": item.get("encrypted_content"),
        }
        return [CustomContent(kind="openai.compaction", provider_metadata={self.key: metadata})]


def map_responses_response(
    response: Mapping[str, Any],
    request: ResponsesRequest,
    *,
    key: str = "openai",
    headers: Mapping[str, str] | None = None,
    warnings: list[CallWarning] | None = None,
    generate_id: Callable[[], str] = new_id,
) -> GenerateResult:
    """The result of a complete response (``output`` present, ``error`` absent: the caller checks)."""
    mapper = OutputMapper(request, key, generate_id)
    content: list[Content] = []
    for item in response.get("output") or []:
        content += mapper.item(item)
    reason = (response.get("incomplete_details") or {}).get("reason")
    created = response.get("created_at")
    extra = {"logprobs": mapper.logprobs} if mapper.logprobs else {}
    return GenerateResult(
        content=content,
        finish_reason=map_finish_reason(reason, has_function_call=mapper.has_function_call),
        raw_finish_reason=reason,
        usage=map_usage(response.get("usage")),
        warnings=list(warnings if warnings is not None else request.warnings),
        request=RequestMetadata(body=request.body),
        response=ResponseMetadata(
            id=response.get("id"),
            timestamp=response_timestamp(created) if isinstance(created, int | float) else None,
            model_id=response.get("model"),
            headers=dict(headers) if headers is not None else None,
            body=dict(response),
        ),
        provider_metadata=response_metadata(response, key, extra),
    )
