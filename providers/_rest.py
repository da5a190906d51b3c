"""REST calls beside the model endpoints (batches, files, cached contents): any method, JSON or raw answers.

Failures raise the same :class:`~pipeline.errors.APICallError` as model calls (status, retryability,
``Retry-After``, the provider's parsed error message), through the provider's pooled client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from pipeline.errors import APICallError, InvalidResponseError

from ._http import ErrorParser, HttpClient, _describe, _encode_body, _endpoint_url, _status_error

__all__ = ["request_bytes", "request_json"]


async def request_bytes(
    http: HttpClient,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    parse_error: ErrorParser,
    json_body: Any = None,
    content: bytes | None = None,
    files: Mapping[str, Any] | None = None,
    data: Mapping[str, str] | None = None,
) -> bytes:
    """``method`` ``url`` and the answer's body; a JSON body, raw ``content`` or a multipart form."""
    client = http.client()
    body = _encode_body(json_body) if json_body is not None else content
    sent_headers = dict(headers)
    if json_body is not None:
        sent_headers["content-type"] = "application/json"
    try:
        request = client.build_request(
            method, _endpoint_url(url), headers=sent_headers, content=body, files=files, data=data
        )
        response = await client.send(request, stream=True)
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise APICallError(f"Invalid API URL: {_describe(exc)}", url=url, is_retryable=False) from exc
    except httpx.TransportError as exc:
        raise APICallError(f"Cannot connect to API: {_describe(exc)}", url=url, is_retryable=True) from exc
    try:
        if not response.is_success:
            raise await _status_error(response, url, json_body, parse_error)
        try:
            return await response.aread()
        except httpx.TransportError as exc:
            raise APICallError(
                f"Cannot read API response: {_describe(exc)}", url=url, is_retryable=True
            ) from exc
    finally:
        await response.aclose()


async def request_json(
    http: HttpClient,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    parse_error: ErrorParser,
    json_body: Any = None,
    files: Mapping[str, Any] | None = None,
    data: Mapping[str, str] | None = None,
) -> Any:
    """Like :func:`request_bytes`, the answer decoded as JSON (an empty body is ``None``)."""
    raw = await request_bytes(
        http,
        method,
        url,
        headers=headers,
        parse_error=parse_error,
        json_body=json_body,
        files=files,
        data=data,
    )
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise InvalidResponseError("Invalid JSON response", url=url, content_type=None) from exc
