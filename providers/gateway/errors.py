"""The AI Gateway's error shapes (pure): ``{"error": {"message", "type", ...}, "generationId"}``.

The gateway names each failure with a ``type`` (``authentication_error``, ``invalid_request_error``,
``rate_limit_exceeded``, ``model_not_found``, ``internal_server_error``, ``forbidden``, ...). Errors stay
:class:`~pipeline.errors.APICallError` s, so the library's retry rule (429 / 5xx) applies as to every
provider (the AI SDK's ``GatewayError.isRetryable`` uses the same statuses); the parsed body, with
``type`` and ``generationId``, is the error's ``data``, and the message ends with ``[<generationId>]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pipeline.errors import APICallError

__all__ = ["in_band_error", "parse_error_body"]

_STATUS_OF_TYPE = {
    "authentication_error": 401,
    "forbidden": 403,
    "invalid_request_error": 400,
    "model_not_found": 404,
    "not_found": 404,
    "rate_limit_exceeded": 429,
    "internal_server_error": 500,
    "failed_dependency": 424,
}
"""For an error inside a stream, which carries no HTTP status of its own."""

_AUTHENTICATION_HINT = (
    "AI Gateway authentication failed: invalid API key or token. Check AI_GATEWAY_API_KEY "
    "(create a key in the Vercel dashboard under AI Gateway > API keys)."
)


def parse_error_body(status: int, body: str) -> tuple[str, Any]:
    """Message and data of an error response; a body of another shape keeps the HTTP status as message."""
    try:
        value = json.loads(body)
    except ValueError:
        return f"HTTP {status}", None
    error = value.get("error") if isinstance(value, Mapping) else None
    if not isinstance(error, Mapping) or not isinstance(error.get("message"), str):
        return f"Invalid error response format: HTTP {status}", value
    message = _AUTHENTICATION_HINT if error.get("type") == "authentication_error" else error["message"]
    generation_id = value.get("generationId")
    if isinstance(generation_id, str) and generation_id:
        message = f"{message} [{generation_id}]"  # as the AI SDK does: the id support asks for
    return message, value


def in_band_error(error: Any, *, url: str) -> APICallError:
    """An error part of a stream (a message string or an error object) as an :class:`APICallError`."""
    if isinstance(error, Mapping):
        message = error.get("message")
        status = error.get("statusCode")
        if not isinstance(status, int) or isinstance(status, bool):
            status = _STATUS_OF_TYPE.get(str(error.get("type")), 500)
        return APICallError(
            message if isinstance(message, str) else "The gateway reported an error",
            url=url,
            status_code=status,
            data={"error": dict(error)},
        )
    return APICallError(str(error), url=url, status_code=500, data={"error": error})
