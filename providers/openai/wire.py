"""Pydantic models of the chat-completions wire format (responses, stream chunks, errors).

Only the fields the terminal reads are declared; unknown fields are kept (``extra="allow"``) and
``null`` is accepted wherever OpenAI-compatible servers are known to send it.
"""

from __future__ import annotations

from typing import Any, Literal

from pipeline._base import WireModel

__all__ = [
    "ChatChoice",
    "ChatChunk",
    "ChatChunkChoice",
    "ChatDelta",
    "ChatMessage",
    "ChatResponse",
    "ChatUsage",
    "CompletionTokensDetails",
    "ErrorBody",
    "ErrorEnvelope",
    "FunctionCall",
    "FunctionCallDelta",
    "Logprobs",
    "PromptTokensDetails",
    "ToolCall",
    "ToolCallDelta",
    "UrlCitation",
    "UrlCitationAnnotation",
]


class PromptTokensDetails(WireModel):
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None


class CompletionTokensDetails(WireModel):
    reasoning_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class ChatUsage(WireModel):
    prompt_tokens: int | None = None
    prompt_cache_hit_tokens: int | None = None
    """DeepSeek's count of cached prompt tokens (its ``prompt_tokens_details`` is absent)."""
    prompt_cache_miss_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None


class FunctionCall(WireModel):
    name: str
    arguments: str


class ToolCall(WireModel):
    id: str | None = None
    type: Literal["function"] = "function"
    function: FunctionCall


class UrlCitation(WireModel):
    url: str
    title: str | None = None
    start_index: int | None = None
    end_index: int | None = None


class UrlCitationAnnotation(WireModel):
    type: Literal["url_citation"]
    url_citation: UrlCitation


class Logprobs(WireModel):
    content: list[dict[str, Any]] | None = None


class ChatMessage(WireModel):
    role: str | None = None
    content: str | None = None
    reasoning_content: str | None = None
    """Reasoning text as DeepSeek, xAI and most compatible servers send it."""
    reasoning: str | None = None
    """Reasoning text as Groq (and servers of ``gpt-oss``) send it."""
    tool_calls: list[ToolCall] | None = None
    annotations: list[UrlCitationAnnotation] | None = None


class ChatChoice(WireModel):
    index: int = 0
    message: ChatMessage
    logprobs: Logprobs | None = None
    finish_reason: str | None = None


class ChatResponse(WireModel):
    """A ``chat.completion`` object (the body of a non-streaming reply)."""

    id: str | None = None
    created: float | None = None
    model: str | None = None
    choices: list[ChatChoice]
    usage: ChatUsage | None = None
    service_tier: str | None = None


class FunctionCallDelta(WireModel):
    name: str | None = None
    arguments: str | None = None


class ToolCallDelta(WireModel):
    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: FunctionCallDelta | None = None


class ChatDelta(WireModel):
    role: str | None = None
    content: str | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    tool_calls: list[ToolCallDelta] | None = None
    annotations: list[UrlCitationAnnotation] | None = None


class ChatChunkChoice(WireModel):
    index: int = 0
    delta: ChatDelta | None = None
    logprobs: Logprobs | None = None
    finish_reason: str | None = None


class ChatChunk(WireModel):
    """One ``chat.completion.chunk`` of a stream."""

    id: str | None = None
    created: float | None = None
    model: str | None = None
    choices: list[ChatChunkChoice] = []
    usage: ChatUsage | None = None
    service_tier: str | None = None


class ErrorBody(WireModel):
    message: str
    type: str | None = None
    param: Any = None
    code: str | int | None = None


class ErrorEnvelope(WireModel):
    """``{"error": {...}}``: an HTTP error body, or an error event inside a stream."""

    error: ErrorBody
