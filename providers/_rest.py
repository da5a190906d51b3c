"""REST calls beside the model endpoints (batches, cached contents): any method, JSON or raw answers.

A thin layer over :func:`providers._http.send_raw`, so these calls get what model calls get: header
checks, credential headers registered for redaction, the response size cap, the provider's parsed error
message with status, retryability and ``Retry-After``, and the provider's pooled client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pipeline.errors import InvalidResponseError

from ._http import ErrorParser, HttpClient, Method, _encode_body, send_raw
from ._multipart import multipart_form

__all__ = ["request_bytes", "request_json"]


async def request_bytes(
    http: HttpClient,
    method: Method,
    url: str,
    *,
    headers: Mapping[str, str],
    parse_error: ErrorParser,
    json_body: Any = None,
    file: tuple[str, bytes, str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> bytes:
    """``method`` ``url`` and the answer's body; a JSON body, or a multipart form of ``fields`` and one
    ``file`` (``(filename, bytes, media type)``)."""
    content, content_type = b"", "application/json"
    if file is not None:
        filename, data, media_type = file
        content, content_type = multipart_form(
            dict(fields or {}), file=data, filename=filename, media_type=media_type
        )
    elif json_body is not None:
        content = _encode_body(json_body)
    answer = await send_raw(
        http,
        url,
        method=method,
        headers=headers,
        content=content,
        content_type=content_type,
        parse_error=parse_error,
    )
    return answer.body


async def request_json(
    http: HttpClient,
    method: Method,
    url: str,
    *,
    headers: Mapping[str, str],
    parse_error: ErrorParser,
    json_body: Any = None,
    file: tuple[str, bytes, str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> Any:
    """Like :func:`request_bytes`, the answer decoded as JSON (an empty body is ``None``)."""
    raw = await request_bytes(
        http,
        method,
        url,
        headers=headers,
        parse_error=parse_error,
        json_body=json_body,
        file=file,
        fields=fields,
    )
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidResponseError(
            "Invalid JSON response",
            url=url,
            status_code=200,
            response_body=raw[:2048].decode("utf-8", "replace"),
        ) from exc
