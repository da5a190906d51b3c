"""A ``chat.completion`` response → :class:`pipeline.result.GenerateResult` (pure)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pipeline._base import ProviderMetadata
from pipeline.result import (
    CallWarning,
    Content,
    GenerateResult,
    ReasoningContent,
    RequestMetadata,
    ResponseMetadata,
    SourceContent,
    TextContent,
    ToolCallContent,
)

from .map_finish_reason import map_openai_finish_reason
from .map_usage import convert_openai_usage
from .wire import ChatResponse, ChatUsage, Logprobs, UrlCitationAnnotation

__all__ = [
    "map_chat_response",
    "new_id",
    "prediction_metadata",
    "response_timestamp",
    "service_tier_metadata",
    "source_from_annotation",
]


def new_id() -> str:
    """A fresh id for tool calls and sources the server left unnamed."""
    return uuid.uuid4().hex[:16]


def response_timestamp(created: float | None) -> datetime | None:
    """``created`` (Unix seconds) as a UTC datetime; 0 (Azure placeholder chunks) and a value no date
    can hold count as absent."""
    try:
        return datetime.fromtimestamp(created, tz=UTC) if created else None
    except (OverflowError, OSError, ValueError):
        return None


def source_from_annotation(annotation: UrlCitationAnnotation, source_id: str) -> SourceContent:
    return SourceContent(
        source_type="url", id=source_id, url=annotation.url_citation.url, title=annotation.url_citation.title
    )


def prediction_metadata(
    usage: ChatUsage | None, logprobs: Logprobs | None, provider: str = "openai"
) -> dict[str, Any]:
    """The provider-metadata entries the AI SDK's package for ``provider`` reports.

    OpenAI and generic servers: accepted / rejected prediction tokens and logprobs, when sent.
    DeepSeek: prompt cache hit / miss tokens. Groq and xAI: none (xAI's service tier is added from
    the response by :func:`service_tier_metadata`).
    """
    if provider in ("groq", "xai"):
        return {}
    if provider == "deepseek":
        if usage is None:
            return {}
        counts = {
            "promptCacheHitTokens": usage.prompt_cache_hit_tokens,
            "promptCacheMissTokens": usage.prompt_cache_miss_tokens,
        }
        return {key: value for key, value in counts.items() if value is not None}
    metadata: dict[str, Any] = {}
    details = usage.completion_tokens_details if usage else None
    if details is not None and details.accepted_prediction_tokens is not None:
        metadata["acceptedPredictionTokens"] = details.accepted_prediction_tokens
    if details is not None and details.rejected_prediction_tokens is not None:
        metadata["rejectedPredictionTokens"] = details.rejected_prediction_tokens
    if logprobs is not None and logprobs.content is not None:
        metadata["logprobs"] = logprobs.content
    return metadata


def service_tier_metadata(service_tier: str | None, provider: str) -> dict[str, Any]:
    """xAI reports the service tier that served the call."""
    return {"serviceTier": service_tier} if provider == "xai" and service_tier is not None else {}


def map_chat_response(
    response: ChatResponse,
    *,
    request_body: Any,
    headers: Mapping[str, str] | None = None,
    warnings: list[CallWarning] | None = None,
    metadata_key: str = "openai",
    generate_id: Callable[[], str] = new_id,
) -> GenerateResult:
    """Reasoning and text (if non-empty), tool calls (``input`` stays the JSON text), URL citations, usage,
    metadata. Reasoning is read from ``reasoning_content`` (DeepSeek, xAI) or ``reasoning`` (Groq)."""
    choice = response.choices[0] if response.choices else None
    message = choice.message if choice else None
    content: list[Content] = []
    if message is not None:
        reasoning = message.reasoning_content or message.reasoning
        if reasoning:
            content.append(ReasoningContent(text=reasoning))
        if message.content:
            content.append(TextContent(text=message.content))
        content.extend(
            ToolCallContent(
                tool_call_id=call.id or generate_id(),
                tool_name=call.function.name,
                input=call.function.arguments,
            )
            for call in message.tool_calls or []
        )
        content.extend(
            source_from_annotation(annotation, generate_id()) for annotation in message.annotations or []
        )
    raw_finish = choice.finish_reason if choice else None
    provider_metadata: ProviderMetadata = {
        metadata_key: {
            **prediction_metadata(response.usage, choice.logprobs if choice else None, metadata_key),
            **service_tier_metadata(response.service_tier, metadata_key),
        }
    }
    return GenerateResult(
        content=content,
        finish_reason=map_openai_finish_reason(raw_finish),
        raw_finish_reason=raw_finish,
        usage=convert_openai_usage(response.usage, metadata_key),
        warnings=list(warnings or []),
        request=RequestMetadata(body=request_body),
        response=ResponseMetadata(
            id=response.id or None,
            timestamp=response_timestamp(response.created),
            model_id=response.model or None,
            headers=dict(headers) if headers is not None else None,
        ),
        provider_metadata=provider_metadata,
    )
