"""Pydantic models of Gemini responses, stream chunks and error bodies (tolerant of extra fields)."""

from __future__ import annotations

from typing import Any

from pipeline._base import WireModel

__all__ = [
    "Candidate",
    "CodeExecutionResult",
    "Content",
    "ExecutableCode",
    "FunctionCall",
    "GenerateContentResponse",
    "GoogleError",
    "GoogleErrorBody",
    "InlineData",
    "Part",
    "PartialArg",
    "PromptFeedback",
    "ServerToolCall",
    "ServerToolResponse",
    "UsageMetadata",
]


class PartialArg(WireModel):
    """One streamed piece of a function call's arguments (Vertex AI ``streamFunctionCallArguments``)."""

    jsonPath: str
    stringValue: str | None = None
    numberValue: int | float | None = None
    boolValue: bool | None = None
    nullValue: Any = None
    willContinue: bool | None = None


class FunctionCall(WireModel):
    id: str | None = None
    name: str | None = None
    args: Any = None
    partialArgs: list[PartialArg] | None = None
    willContinue: bool | None = None


class ServerToolCall(WireModel):
    """A call of one of Gemini's own tools, reported when tools are combined (``toolCall``)."""

    toolType: str
    id: str | None = None
    args: Any = None


class ServerToolResponse(WireModel):
    """The result of a :class:`ServerToolCall` (``toolResponse``)."""

    toolType: str
    id: str | None = None
    response: Any = None


class InlineData(WireModel):
    mimeType: str
    data: str


class ExecutableCode(WireModel):
    language: str | None = None
    code: str | None = None


class CodeExecutionResult(WireModel):
    outcome: str | None = None
    output: str | None = None


class Part(WireModel):
    """One response part; exactly one of its content fields is set."""

    text: str | None = None
    thought: bool | None = None
    thoughtSignature: str | None = None
    functionCall: FunctionCall | None = None
    inlineData: InlineData | None = None
    executableCode: ExecutableCode | None = None
    codeExecutionResult: CodeExecutionResult | None = None
    toolCall: ServerToolCall | None = None
    toolResponse: ServerToolResponse | None = None


class Content(WireModel):
    role: str | None = None
    parts: list[Part] | None = None


class Candidate(WireModel):
    content: Content | None = None
    finishReason: str | None = None
    finishMessage: str | None = None
    safetyRatings: list[dict[str, Any]] | None = None
    groundingMetadata: dict[str, Any] | None = None
    urlContextMetadata: dict[str, Any] | None = None


class UsageMetadata(WireModel):
    promptTokenCount: int | None = None
    candidatesTokenCount: int | None = None
    totalTokenCount: int | None = None
    cachedContentTokenCount: int | None = None
    thoughtsTokenCount: int | None = None
    toolUsePromptTokenCount: int | None = None
    serviceTier: str | None = None


class PromptFeedback(WireModel):
    blockReason: str | None = None
    safetyRatings: list[dict[str, Any]] | None = None


class GenerateContentResponse(WireModel):
    """A ``generateContent`` response, and also one ``streamGenerateContent`` SSE chunk."""

    responseId: str | None = None
    modelVersion: str | None = None
    candidates: list[Candidate] | None = None
    usageMetadata: UsageMetadata | None = None
    promptFeedback: PromptFeedback | None = None


class GoogleError(WireModel):
    code: int | None = None
    message: str
    status: str | None = None
    details: list[Any] | None = None


class GoogleErrorBody(WireModel):
    """``{"error": {"code", "message", "status"}}``: an HTTP error body or an in-stream error event."""

    error: GoogleError
