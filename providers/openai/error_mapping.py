"""OpenAI error bodies → messages and :class:`APICallError` (HTTP errors and in-stream error events)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from pipeline.errors import APICallError

from .wire import ErrorEnvelope

__all__ = ["parse_openai_error", "stream_error_status", "stream_error_to_api_error"]

_KEYWORD_STATUS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("insufficient_quota", "rate_limit"), 429),
    (("authentication",), 401),
    (("permission",), 403),
    (("not_found",), 404),
    (("invalid", "bad_request", "context_length"), 400),
    (("overload",), 503),
    (("timeout",), 504),
)


def parse_openai_error(status_code: int, body: str) -> tuple[str, Any]:
    """The message and parsed data of an HTTP error body (``{"error": {"message": ...}}``).

    A body in another shape gives the status phrase as the message and no data.
    """
    try:
        envelope = ErrorEnvelope.model_validate_json(body)
    except ValidationError:
        return _status_phrase(status_code), None
    return envelope.error.message, envelope.model_dump(exclude_unset=True)


def stream_error_status(error: Mapping[str, Any]) -> int:
    """The HTTP status an in-stream error stands for: an HTTP-like ``code``, else keywords, else 500."""
    code = error.get("code")
    if isinstance(code, str) and re.fullmatch(r"\d{3}", code):
        code = int(code)
    if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
        return code
    discriminator = " ".join(
        str(value) for value in (error.get("code"), error.get("type")) if isinstance(value, str | int)
    ).lower()
    for keywords, status in _KEYWORD_STATUS:
        if any(keyword in discriminator for keyword in keywords):
            return status
    return 500


def stream_error_to_api_error(
    error: Any, *, url: str, request_body: Any, headers: Mapping[str, str] | None
) -> APICallError:
    """The error to raise for an error event (its ``error`` member) that arrived before any output.

    Raised from ``do_stream`` rather than yielded, so the caller can retry the call.
    """
    details: Mapping[str, Any] = error if isinstance(error, Mapping) else {}
    message = details.get("message")
    if not isinstance(message, str):
        message, details = "OpenAI stream failed before any output was generated", {}
    return APICallError(
        message,
        url=url,
        request_body=request_body,
        status_code=stream_error_status(details),
        response_headers=headers,
        response_body=json.dumps(error),
        data=error,
    )


def _status_phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return f"HTTP {status_code}"
