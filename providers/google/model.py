"""The Gemini terminal: GoogleLanguageModel (with embedding.py, the only Google modules doing HTTP)."""

from __future__ import annotations

import http
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

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

from .capabilities import model_capabilities
from .map_response import map_response
from .map_stream import GoogleStreamMapper
from .request_body import build_request
from .wire import GenerateContentResponse, GoogleErrorBody

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "HTTPS_MEDIA_TYPES",
    "GoogleLanguageModel",
    "google_request_headers",
    "new_response_id",
    "parse_google_error",
]

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"
API_KEY_ENV = "GOOGLE_GENERATIVE_AI_API_KEY"
BASE_URL_ENV = "GOOGLE_GENERATIVE_AI_BASE_URL"
PROVIDER_NAME = "google.generative-ai"

HTTPS_MEDIA_TYPES = (
    "text/html",
    "text/plain",
    "text/csv",
    "application/json",
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/bmp",
    "video/mp4",
    "video/mpeg",
    "video/quicktime",
    "video/webm",
)
"""Media types that Gemini models other than 2.0 fetch from public https URLs by themselves."""

_YOUTUBE_URLS = (
    re.compile(r"^https://(?:www\.)?youtube\.com/watch\?v=[\w-]+(?:&[\w=&.-]*)?$"),
    re.compile(r"^https://youtu\.be/[\w-]+(?:\?[\w=&.-]*)?$"),
)
_HTTPS_URL = re.compile(r"^https://")


def parse_google_error(status: int, body: str) -> tuple[str, Any]:
    """``{"error": {"code", "message", "status"}}`` -> (message, data); other bodies -> the status phrase."""
    try:
        parsed = GoogleErrorBody.model_validate_json(body)
    except ValidationError:
        return _status_phrase(status), None
    return parsed.error.message, parsed.model_dump(exclude_none=True)


def _status_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def google_request_headers(
    settings: ConnectionSettings, call_headers: Mapping[str, str] | None
) -> dict[str, str]:
    """``x-goog-api-key`` (``InvalidArgumentError`` if there is none), the settings' headers, the call's."""
    api_key = settings.api_key_or_env(API_KEY_ENV)
    if not api_key:
        raise missing_api_key_error("Google Generative AI", API_KEY_ENV)
    return {"x-goog-api-key": api_key, **settings.headers, **(call_headers or {})}


def new_response_id() -> str:
    """A random id for responses that arrive without one."""
    return secrets.token_hex(8)


class GoogleLanguageModel:
    """A Gemini model behind ``<base>/models/<id>:generateContent`` (and ``:streamGenerateContent``).

    ``api_key`` (else ``GOOGLE_GENERATIVE_AI_API_KEY``) is sent only in the ``x-goog-api-key`` header;
    ``base_url`` (else ``GOOGLE_GENERATIVE_AI_BASE_URL``, else the public endpoint). Environment
    variables are read at call time. Never retries: that is the caller's job.
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
        generate_id: Callable[[], str] = new_response_id,
    ) -> None:
        self._model_id = model_id
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, http, http_client, transport
        )
        self._generate_id = generate_id

    def __repr__(self) -> str:
        return f"GoogleLanguageModel(model_id={self._model_id!r}, base_url={redact_url(self.base_url)!r})"

    @property
    def provider(self) -> str:
        return PROVIDER_NAME

    @property
    def model_id(self) -> str:
        return self._model_id

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

    @property
    def supported_urls(self) -> SupportedUrls:
        """Files API URLs and YouTube videos for every model; https URLs of common document, image
        and video types for Gemini models other than 2.0."""
        files_api = re.compile("^" + re.escape(self.base_url.lower()) + "/files/.*$")
        urls: dict[str, list[re.Pattern[str]]] = {"*": [files_api, *_YOUTUBE_URLS]}
        if model_capabilities(self._model_id).fetches_https_media:
            urls.update({media_type: [_HTTPS_URL] for media_type in HTTPS_MEDIA_TYPES})
        return urls

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """One ``generateContent`` call."""
        headers = self._request_headers(params)
        request = build_request(self._model_id, params, vertex=self._is_vertex())
        url = f"{self.base_url}/{self._model_path()}:generateContent"
        answer = await post_json(
            self._http_client(), url, headers=headers, body=request.body, parse_error=parse_google_error
        )
        try:
            response = GenerateContentResponse.model_validate(answer.value)
        except ValidationError as exc:
            raise answer.unexpected("JSON response", exc, url=url, request_body=request.body) from exc
        result = map_response(response, warnings=request.warnings, generate_id=self._generate_id)
        completed: GenerateResult = result.model_copy(
            update={
                "request": RequestMetadata(body=request.body),
                "response": result.response.model_copy(
                    update={
                        "timestamp": datetime.now(UTC),
                        "model_id": result.response.model_id or self._model_id,
                        "headers": answer.headers,
                        "body": answer.value,
                    }
                ),
            }
        )
        return completed

    async def do_stream(self, params: CallParams) -> StreamResult:
        """One ``streamGenerateContent?alt=sse`` call.

        An ``{"error": ...}`` event before any output raises :class:`~pipeline.errors.APICallError` here
        (so the caller may retry); later error events become error parts with finish reason ``error``.
        A stream that breaks off or ends before a ``finishReason`` raises
        :class:`~pipeline.errors.IncompleteStreamError`.
        """
        headers = self._request_headers(params)
        request = build_request(self._model_id, params, streaming=True, vertex=self._is_vertex())
        url = f"{self.base_url}/{self._model_path()}:streamGenerateContent?alt=sse"
        stream = await post_sse(
            self._http_client(), url, headers=headers, body=request.body, parse_error=parse_google_error
        )
        timestamp = datetime.now(UTC)
        mapper = GoogleStreamMapper(
            warnings=request.warnings, generate_id=self._generate_id, timestamp=timestamp, url=url
        )
        call = StreamCall(url, request.body, stream.headers)
        parts = await open_stream(mapper, stream, call, include_raw=params.include_raw_chunks)
        return StreamResult(
            stream=parts,
            request=RequestMetadata(body=request.body),
            response=ResponseMetadata(timestamp=timestamp, model_id=self._model_id, headers=stream.headers),
        )

    def _is_vertex(self) -> bool:
        """Whether calls go to Vertex AI (a ``*aiplatform.googleapis.com`` host), which streams
        function-call arguments on request."""
        host = httpx.URL(self.base_url).host
        return host == "aiplatform.googleapis.com" or host.endswith("-aiplatform.googleapis.com")

    def _model_path(self) -> str:
        return self._model_id if "/" in self._model_id else f"models/{self._model_id}"

    def _http_client(self) -> HttpClient:
        return self._settings.http_or_shared()

    def _request_headers(self, params: CallParams) -> dict[str, str]:
        return google_request_headers(self._settings, params.headers)
