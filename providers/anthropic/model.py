"""The Anthropic Messages terminal: the only module of this package that does HTTP."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
from pydantic import ValidationError

from pipeline.model import CallType, EndpointIdentity, SupportedUrls
from pipeline.params import CallParams
from pipeline.redact import redact_url
from pipeline.result import GenerateResult, RequestMetadata, ResponseMetadata
from pipeline.stream import StreamResult
from providers._credentials import missing_api_key_error
from providers._http import HttpClient, post_json, post_sse
from providers._settings import ConnectionSettings
from providers._stream import StreamCall, open_stream

from .citations import citation_documents
from .map_response import map_response
from .map_stream import AnthropicStreamMapper, stream_error_status
from .request import AnthropicRequest, build_request
from .wire import parse_error_body

if TYPE_CHECKING:
    from .files import AnthropicFiles

__all__ = [
    "ANTHROPIC_VERSION",
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "AnthropicMessagesModel",
    "AnthropicProvider",
    "stream_error_status",
]

DEFAULT_BASE_URL = "https://api.anthropic.com/v1"
API_KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"
ANTHROPIC_VERSION = "2023-06-01"

_ANY_HTTP_URL = re.compile(r"^https?://.*$")
_SUPPORTED_URLS: SupportedUrls = {"image/*": [_ANY_HTTP_URL], "application/pdf": [_ANY_HTTP_URL]}


def _betas_from_header(value: str | None) -> list[str]:
    return [beta.strip() for beta in (value or "").lower().split(",") if beta.strip()]


def _response_timestamp(headers: Mapping[str, str]) -> datetime | None:
    """The server's ``Date`` header as a UTC datetime (Anthropic bodies carry no creation time)."""
    value = headers.get("date")
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


class AnthropicMessagesModel:
    """A Claude model behind the Messages API (``POST <base_url>/messages``).

    Settings not given are read from the environment at call time: ``ANTHROPIC_API_KEY``,
    ``ANTHROPIC_BASE_URL`` (default ``https://api.anthropic.com/v1``). The key is required for the
    public endpoint (a missing key raises ``InvalidArgumentError`` before any I/O); it is sent only in
    the ``x-api-key`` header and never appears in errors, reprs or request metadata.
    HTTP: at most one of ``http=`` (a :class:`~providers._http.HttpClient`
    shared with other models), ``http_client=`` (your ``httpx.AsyncClient``, used as is) or ``transport=``
    (an httpx transport under pooled clients of its own); none: the process-wide pooled client.
    """

    def __init__(
        self,
        model_id: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._model_id = model_id
        lowercase_headers = {name.lower(): value for name, value in (headers or {}).items()}
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, lowercase_headers, http, http_client, transport
        )

    def __repr__(self) -> str:
        return f"AnthropicMessagesModel({self._model_id!r}, base_url={redact_url(self.base_url)!r})"

    @property
    def provider(self) -> str:
        return "anthropic.messages"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def supported_urls(self) -> SupportedUrls:
        """Images and PDFs by http(s) URL: Anthropic fetches them itself."""
        return _SUPPORTED_URLS

    @property
    def base_url(self) -> str:
        """The API base URL in effect (argument, then environment, then the public endpoint)."""
        return self._settings.base_url_or(BASE_URL_ENV, DEFAULT_BASE_URL)

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (what a cache key must separate); no raw key inside."""
        return self._settings.endpoint_identity(self.provider, self.base_url, API_KEY_ENV)

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """A terminal sends ``params`` as given."""
        return params

    def _endpoint(self, params: CallParams, request: AnthropicRequest) -> tuple[str, dict[str, str]]:
        base_url = self.base_url
        api_key = self._settings.api_key_or_env(API_KEY_ENV)
        if not api_key and base_url == DEFAULT_BASE_URL:
            raise missing_api_key_error("Anthropic", API_KEY_ENV)
        call_headers = {name.lower(): value for name, value in (params.headers or {}).items()}
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if api_key:
            headers["x-api-key"] = api_key
        headers.update(self._settings.headers)
        headers.update(call_headers)
        betas: list[str] = []
        user_betas = [
            *_betas_from_header(self._settings.headers.get("anthropic-beta")),
            *_betas_from_header(call_headers.get("anthropic-beta")),
        ]
        for beta in [*request.betas, *user_betas]:
            if beta not in betas:
                betas.append(beta)
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
        return f"{base_url}/messages", headers

    def _client(self) -> HttpClient:
        return self._settings.http_or_shared()

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """One non-streaming call."""
        request = build_request(self._model_id, params, stream=False)
        url, headers = self._endpoint(params, request)
        response = await post_json(
            self._client(), url, headers=headers, body=request.body, parse_error=parse_error_body
        )
        try:
            result = map_response(
                response.value,
                uses_json_response_tool=request.uses_json_response_tool,
                citation_documents=citation_documents(params.prompt),
                tool_names=request.tool_names,
            )
        except ValidationError as error:
            raise response.unexpected("JSON response", error, url=url, request_body=request.body) from error
        return result.model_copy(
            update={
                "warnings": request.warnings,
                "request": RequestMetadata(body=request.body),
                "response": result.response.model_copy(
                    update={
                        "headers": response.headers,
                        "timestamp": _response_timestamp(response.headers),
                        "body": response.value,
                    }
                ),
            }
        )

    async def do_stream(self, params: CallParams) -> StreamResult:
        """One streaming call.

        An ``error`` event before any output (even after ``message_start``) raises :class:`APICallError`
        here, so the caller can retry (``overloaded_error`` is status 529 and retryable). Later errors
        arrive as ``error`` parts; a stream that ends without ``message_stop`` raises
        ``IncompleteStreamError``.
        """
        request = build_request(self._model_id, params, stream=True)
        url, headers = self._endpoint(params, request)
        event_stream = await post_sse(
            self._client(), url, headers=headers, body=request.body, parse_error=parse_error_body
        )
        mapper = AnthropicStreamMapper(
            warnings=request.warnings,
            uses_json_response_tool=request.uses_json_response_tool,
            citation_documents=citation_documents(params.prompt),
            tool_names=request.tool_names,
        )
        call = StreamCall(url, request.body, event_stream.headers)
        parts = await open_stream(mapper, event_stream, call, include_raw=params.include_raw_chunks)
        return StreamResult(
            stream=parts,
            request=RequestMetadata(body=request.body),
            response=ResponseMetadata(
                headers=event_stream.headers, timestamp=_response_timestamp(event_stream.headers)
            ),
        )


class AnthropicProvider:
    """Makes Anthropic models sharing one configuration: ``provider("claude-sonnet-4-5")``.

    Settings are those of :class:`AnthropicMessagesModel`; unset ones are read from the environment
    at call time. HTTP: at most one of ``http=`` (a :class:`~providers._http.HttpClient`
    shared with other models), ``http_client=`` (your ``httpx.AsyncClient``, used as is) or ``transport=``
    (an httpx transport under pooled clients of its own); none: the process-wide pooled client.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, http, http_client, transport
        )

    def __repr__(self) -> str:
        base_url = self._settings.base_url
        return f"AnthropicProvider(base_url={redact_url(base_url) if base_url else None!r})"

    def messages(self, model_id: str) -> AnthropicMessagesModel:
        """A Messages API model."""
        return AnthropicMessagesModel(model_id, **self._settings.as_arguments())

    chat = messages
    __call__ = messages

    def files(self) -> AnthropicFiles:
        """The Files API with this provider's settings (see :func:`pipeline.files.upload_file`)."""
        from .files import AnthropicFiles  # imported on use: most callers never upload

        return AnthropicFiles(self._settings)
