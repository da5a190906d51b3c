"""A ``generateContent`` response -> GenerateResult content, finish reason, usage, metadata (pure).

:class:`PartMapper` maps one content part and is shared with the stream mapper, so a part means the same
in generate and stream results.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from pipeline._base import ProviderMetadata
from pipeline.result import (
    CallWarning,
    Content,
    FileContent,
    GenerateResult,
    ReasoningContent,
    ResponseMetadata,
    TextContent,
    ToolCallContent,
    ToolResultContent,
)

from .convert_messages import CODE_EXECUTION_TOOL
from .convert_usage import convert_google_usage
from .map_finish_reason import map_google_finish_reason
from .sources import extract_sources
from .wire import Candidate, CodeExecutionResult, GenerateContentResponse, InlineData, Part, UsageMetadata

__all__ = [
    "CODE_EXECUTION_TOOL",
    "PartMapper",
    "code_execution_result",
    "file_content",
    "google_metadata",
    "json_text",
    "map_response",
    "signature_metadata",
    "tool_input",
]


def map_response(
    response: GenerateContentResponse,
    *,
    warnings: list[CallWarning],
    generate_id: Callable[[], str],
) -> GenerateResult:
    """Map the first candidate's parts in order, then its grounding sources.

    The response id is kept; ``modelVersion`` is not the model id (as in the AI SDK, the terminal
    reports the model it called).

    A prompt blocked before any candidate finished maps to ``content-filter`` with the block
    reason as the raw finish reason.
    """
    candidate = response.candidates[0] if response.candidates else None
    block_reason = response.promptFeedback.blockReason if response.promptFeedback else None
    finish_raw = candidate.finishReason if candidate else None
    prompt_blocked = finish_raw is None and block_reason is not None

    parts = PartMapper(generate_id)
    content: list[Content] = []
    for part in (candidate.content.parts if candidate and candidate.content else None) or []:
        item = parts.content(part)
        if isinstance(item, TextContent | ReasoningContent) and not item.text:
            if item.provider_metadata is not None and content:  # a signature for the part before
                content[-1] = content[-1].model_copy(update={"provider_metadata": item.provider_metadata})
        elif item is not None:
            content.append(item)
    if candidate is not None:
        content.extend(extract_sources(candidate.groundingMetadata, generate_id))

    has_client_tool_calls = any(
        isinstance(item, ToolCallContent) and not item.provider_executed for item in content
    )
    return GenerateResult(
        content=content,
        finish_reason=(
            "content-filter"
            if prompt_blocked
            else map_google_finish_reason(finish_raw, has_client_tool_calls=has_client_tool_calls)
        ),
        raw_finish_reason=finish_raw or block_reason,
        usage=convert_google_usage(response.usageMetadata),
        warnings=warnings,
        response=ResponseMetadata(id=response.responseId),
        provider_metadata=google_metadata(response, candidate, response.usageMetadata),
    )


class PartMapper:
    """Gemini content parts -> result content, one part at a time (one instance per response or stream:
    a code execution result refers to the executable code part before it, possibly in an earlier chunk).
    """

    def __init__(self, generate_id: Callable[[], str]) -> None:
        self._generate_id = generate_id
        self._last_code_call_id: str | None = None
        self._last_server_call_id: str | None = None

    def content(self, part: Part) -> Content | None:
        """The content one part stands for (text may be empty); ``None`` for parts that map to nothing."""
        if part.executableCode is not None and part.executableCode.code:
            self._last_code_call_id = self._generate_id()
            return ToolCallContent(
                tool_call_id=self._last_code_call_id,
                tool_name=CODE_EXECUTION_TOOL,
                input=json_text(part.executableCode.model_dump(exclude_none=True)),
                provider_executed=True,
            )
        if part.codeExecutionResult is not None:
            if self._last_code_call_id is None:
                return None
            return code_execution_result(part.codeExecutionResult, self._last_code_call_id)
        if part.text is not None:
            kind = ReasoningContent if part.thought else TextContent
            return kind(text=part.text, provider_metadata=signature_metadata(part))
        if part.functionCall is not None and part.functionCall.name is not None:
            return ToolCallContent(
                tool_call_id=part.functionCall.id or self._generate_id(),
                tool_name=part.functionCall.name,
                input=tool_input(part.functionCall.args),
                provider_metadata=signature_metadata(part),
            )
        if part.inlineData is not None:
            return file_content(part.inlineData, part)
        if part.toolCall is not None:
            call_id = part.toolCall.id or self._generate_id()
            self._last_server_call_id = call_id
            return ToolCallContent(
                tool_call_id=call_id,
                tool_name=f"server:{part.toolCall.toolType}",
                input=json_text(part.toolCall.args if part.toolCall.args is not None else {}),
                provider_executed=True,
                provider_metadata=_server_tool_metadata(part, call_id, part.toolCall.toolType),
            )
        if part.toolResponse is not None:
            call_id = self._last_server_call_id or part.toolResponse.id or self._generate_id()
            self._last_server_call_id = None
            response = part.toolResponse.response
            return ToolResultContent(
                tool_call_id=call_id,
                tool_name=f"server:{part.toolResponse.toolType}",
                result=response if response is not None else {},
                provider_executed=True,
                provider_metadata=_server_tool_metadata(part, call_id, part.toolResponse.toolType),
            )
        return None


def _server_tool_metadata(part: Part, call_id: str, tool_type: str) -> ProviderMetadata:
    """What a server tool call or result needs to be replayed: its id, type and thought signature."""
    signature = {"thoughtSignature": part.thoughtSignature} if part.thoughtSignature else {}
    return {"google": {**signature, "serverToolCallId": call_id, "serverToolType": tool_type}}


def tool_input(args: Any) -> str:
    """A function call's arguments as JSON text: ``{}`` when absent, a string as it came."""
    if args is None:
        return "{}"
    return args if isinstance(args, str) else json_text(args)


def code_execution_result(result: CodeExecutionResult, tool_call_id: str) -> ToolResultContent:
    """The result of Gemini's code execution tool, tied to the preceding executable code part."""
    return ToolResultContent(
        tool_call_id=tool_call_id,
        tool_name=CODE_EXECUTION_TOOL,
        result={"outcome": result.outcome, "output": result.output or ""},
        provider_executed=True,
    )


def file_content(inline: InlineData, part: Part) -> FileContent:
    """A generated file (inline base64 data decoded to bytes); thought files are marked in metadata."""
    metadata: dict[str, Any] = {}
    if part.thoughtSignature:
        metadata["thoughtSignature"] = part.thoughtSignature
    if part.thought:
        metadata["thought"] = True
    return FileContent(
        media_type=inline.mimeType,
        data=base64.b64decode(inline.data),
        provider_metadata={"google": metadata} if metadata else None,
    )


def signature_metadata(part: Part) -> ProviderMetadata | None:
    """``{"google": {"thoughtSignature": ...}}`` when the part carries one."""
    return {"google": {"thoughtSignature": part.thoughtSignature}} if part.thoughtSignature else None


def google_metadata(
    response: GenerateContentResponse, candidate: Candidate | None, usage: UsageMetadata | None
) -> ProviderMetadata:
    """The ``google`` provider metadata of a result: feedback, grounding, safety, usage."""
    return {
        "google": {
            "promptFeedback": _dump(response.promptFeedback),
            "groundingMetadata": candidate.groundingMetadata if candidate else None,
            "urlContextMetadata": candidate.urlContextMetadata if candidate else None,
            "safetyRatings": candidate.safetyRatings if candidate else None,
            "usageMetadata": _dump(usage),
            "finishMessage": candidate.finishMessage if candidate else None,
            "serviceTier": usage.serviceTier if usage else None,
        }
    }


def json_text(value: Any) -> str:
    """JSON text the way JavaScript's ``JSON.stringify`` writes it (compact, unescaped Unicode)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dump(model: Any) -> Any:
    return model.model_dump(exclude_none=True) if model is not None else None
