"""A ``generateContent`` response -> GenerateResult content, finish reason, usage, metadata (pure)."""

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

from .convert_usage import convert_google_usage
from .map_finish_reason import map_google_finish_reason
from .sources import extract_sources
from .wire import Candidate, CodeExecutionResult, GenerateContentResponse, InlineData, Part, UsageMetadata

__all__ = [
    "CODE_EXECUTION_TOOL",
    "code_execution_result",
    "file_content",
    "google_metadata",
    "json_text",
    "map_response",
    "signature_metadata",
]

CODE_EXECUTION_TOOL = "code_execution"


def map_response(
    response: GenerateContentResponse,
    *,
    warnings: list[CallWarning],
    generate_id: Callable[[], str],
) -> GenerateResult:
    """Map the first candidate's parts in order, then its grounding sources.

    A prompt blocked before any candidate finished maps to ``content-filter`` with the block
    reason as the raw finish reason.
    """
    candidate = response.candidates[0] if response.candidates else None
    block_reason = response.promptFeedback.blockReason if response.promptFeedback else None
    finish_raw = candidate.finishReason if candidate else None
    prompt_blocked = finish_raw is None and block_reason is not None

    content: list[Content] = []
    last_code_call_id: str | None = None
    parts = candidate.content.parts if candidate and candidate.content else None
    for part in parts or []:
        if part.executableCode is not None and part.executableCode.code:
            last_code_call_id = generate_id()
            content.append(
                ToolCallContent(
                    tool_call_id=last_code_call_id,
                    tool_name=CODE_EXECUTION_TOOL,
                    input=json_text(part.executableCode.model_dump(exclude_none=True)),
                    provider_executed=True,
                )
            )
        elif part.codeExecutionResult is not None and last_code_call_id is not None:
            content.append(code_execution_result(part.codeExecutionResult, last_code_call_id))
        elif part.text is not None:
            metadata = signature_metadata(part)
            if part.text:
                kind = ReasoningContent if part.thought else TextContent
                content.append(kind(text=part.text, provider_metadata=metadata))
            elif metadata is not None and content:
                content[-1] = content[-1].model_copy(update={"provider_metadata": metadata})
        elif part.functionCall is not None and part.functionCall.name is not None:
            content.append(
                ToolCallContent(
                    tool_call_id=part.functionCall.id or generate_id(),
                    tool_name=part.functionCall.name,
                    input=json_text(part.functionCall.args if part.functionCall.args is not None else {}),
                    provider_metadata=signature_metadata(part),
                )
            )
        elif part.inlineData is not None:
            content.append(file_content(part.inlineData, part))

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
        response=ResponseMetadata(id=response.responseId, model_id=response.modelVersion),
        provider_metadata=google_metadata(response, candidate, response.usageMetadata),
    )


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
        }
    }


def json_text(value: Any) -> str:
    """JSON text the way JavaScript's ``JSON.stringify`` writes it (compact, unescaped Unicode)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dump(model: Any) -> Any:
    return model.model_dump(exclude_none=True) if model is not None else None
