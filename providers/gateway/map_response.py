"""The AI Gateway's answers -> our records (pure): content, usage, finish reason, warnings, the result.

The gateway answers in the AI SDK's model interface (``LanguageModelV4``): a generate result is
``{content, finishReason: {unified, raw}, usage: {inputTokens: {...}, outputTokens: {...}}, warnings,
providerMetadata, response}``, and a stream is the same interface's stream parts as JSON. Content
types this library does not model yet (``reasoning-file``) are left out with a warning that names
them, never silently.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, cast, get_args

import httpx

from pipeline.result import (
    CallWarning,
    Content,
    CustomContent,
    FileContent,
    FinishReason,
    GenerateResult,
    InputTokenDetails,
    OutputTokenDetails,
    ReasoningContent,
    ResponseMetadata,
    SourceContent,
    TextContent,
    ToolApprovalRequestContent,
    ToolCallContent,
    ToolResultContent,
    Usage,
)

__all__ = [
    "content_part",
    "finish_reason",
    "map_response",
    "not_modelled_warning",
    "record_fields",
    "usage",
    "warnings",
]

_FINISH_REASONS = frozenset(get_args(FinishReason))

_CONTENT_RECORDS: dict[str, type[Content]] = {
    "text": TextContent,
    "reasoning": ReasoningContent,
    "tool-call": ToolCallContent,
    "tool-result": ToolResultContent,
    "source": SourceContent,
    "tool-approval-request": ToolApprovalRequestContent,
    "custom": CustomContent,
}


def map_response(body: Any) -> GenerateResult:
    """A generate answer as a :class:`GenerateResult` (``ValueError`` / ``TypeError`` for a wrong shape)."""
    if not isinstance(body, Mapping):
        raise TypeError("the gateway's answer is not a JSON object")
    content: list[Content] = []
    skipped: list[str] = []
    for item in body.get("content") or []:
        part = content_part(item)
        if part is None:
            skipped.append(str(item.get("type")))
        else:
            content.append(part)
    reason, raw_reason = finish_reason(body.get("finishReason"))
    response = body.get("response") or {}
    return GenerateResult(
        content=content,
        finish_reason=reason,
        raw_finish_reason=raw_reason,
        usage=usage(body.get("usage")),
        warnings=[*warnings(body.get("warnings")), *(not_modelled_warning(kind) for kind in skipped)],
        response=ResponseMetadata(
            id=response.get("id"), timestamp=response.get("timestamp"), model_id=response.get("modelId")
        ),
        provider_metadata=body.get("providerMetadata"),
    )


def content_part(item: Any) -> Content | None:
    """One content item as our content record; ``None`` for a type this library does not model."""
    if not isinstance(item, Mapping):
        raise TypeError("a content item is not a JSON object")
    kind = item.get("type")
    if kind == "file":
        return FileContent(
            media_type=item["mediaType"],
            data=_file_data(item["data"]),
            provider_metadata=item.get("providerMetadata"),
        )
    record = _CONTENT_RECORDS.get(str(kind))
    if record is None:
        return None
    fields = record_fields(record, item)
    if record is ToolResultContent:
        fields.setdefault("providerExecuted", True)  # a result in a model's answer was run by the provider
    return record.model_validate(fields)


def record_fields(record: type[Any], item: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of ``item`` that ``record`` has (the interface has some we do not keep, e.g. ``dynamic``)."""
    known = {field.alias or name for name, field in record.model_fields.items()}
    return {key: value for key, value in item.items() if key in known}


def finish_reason(value: Any) -> tuple[FinishReason, str | None]:
    """``{unified, raw}`` (or an older plain string) as ``(finish_reason, raw_finish_reason)``."""
    if isinstance(value, Mapping):
        unified, raw = value.get("unified"), value.get("raw")
    else:
        unified, raw = value, value
    reason = cast(FinishReason, unified) if unified in _FINISH_REASONS else "other"
    return reason, raw if isinstance(raw, str) else None


def usage(value: Any) -> Usage:
    """The interface's nested token counts as our :class:`Usage` (the total is input + output when both
    are known)."""
    if not isinstance(value, Mapping):
        return Usage()
    input_tokens = _counts(value.get("inputTokens"))
    output_tokens = _counts(value.get("outputTokens"))
    total_in, total_out = input_tokens.get("total"), output_tokens.get("total")
    return Usage(
        input_tokens=total_in,
        output_tokens=total_out,
        total_tokens=total_in + total_out if total_in is not None and total_out is not None else None,
        input_token_details=InputTokenDetails(
            no_cache_tokens=input_tokens.get("noCache"),
            cache_read_tokens=input_tokens.get("cacheRead"),
            cache_write_tokens=input_tokens.get("cacheWrite"),
        ),
        output_token_details=OutputTokenDetails(
            text_tokens=output_tokens.get("text"), reasoning_tokens=output_tokens.get("reasoning")
        ),
        raw=value.get("raw") if isinstance(value.get("raw"), Mapping) else None,
    )


def warnings(value: Any) -> list[CallWarning]:
    """The call warnings the gateway (or the provider behind it) reported."""
    return [CallWarning.model_validate(record_fields(CallWarning, item)) for item in value or []]


def not_modelled_warning(kind: str) -> CallWarning:
    """The warning for gateway content of a type this library does not model (left out of the result)."""
    return CallWarning(
        type="other", message=f"The gateway sent {kind!r} content, which this library does not model yet."
    )


def _counts(value: Any) -> dict[str, int | None]:
    if isinstance(value, int) and not isinstance(value, bool):  # an older flat count
        return {"total": value}
    if not isinstance(value, Mapping):
        return {}
    return {
        key: count for key, count in value.items() if isinstance(count, int) and not isinstance(count, bool)
    }


def _file_data(value: Any) -> bytes | httpx.URL:
    """``{"type": "data", "data": <base64>}``, ``{"type": "url", "url"}`` or plain base64 text."""
    if isinstance(value, Mapping):
        if value.get("type") == "url":
            return httpx.URL(str(value["url"]))
        value = value["data"]
    if not isinstance(value, str):
        raise TypeError("file data is neither base64 text nor a URL")
    return base64.b64decode(value, validate=True)
