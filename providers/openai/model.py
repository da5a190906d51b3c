"""The OpenAI chat-completions terminal, also used for OpenAI-compatible servers (the only HTTP module)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import ValidationError

from pipeline.model import CallType, EndpointIdentity, SupportedUrls
from pipeline.params import CallParams
from pipeline.result import CallWarning, GenerateResult, RequestMetadata, ResponseMetadata
from pipeline.stream import StreamResult
from providers._http import HttpClient, post_json, post_sse
from providers._settings import ConnectionSettings
from providers._stream import StreamCall, open_stream

from .connection import IMAGE_URLS, OPENAI, ChatEndpoint, OpenAIConnection
from .error_mapping import parse_openai_error
from .map_response import map_chat_response
from .map_stream import ChatStreamMapper
from .options import parse_openai_options
from .request import build_chat_body, stream_body
from .wire import ChatResponse

__all__ = ["IMAGE_URLS", "OPENAI", "ChatEndpoint", "OpenAIChatLanguageModel", "OpenAIConnection"]


class OpenAIChatLanguageModel:
    """A chat-completions model (``POST <base_url>/chat/completions``).

    Settings not given are read from the environment at call time (``OPENAI_API_KEY``,
    ``OPENAI_BASE_URL`` for OpenAI). The key is sent as ``Authorization: Bearer``; it never appears
    in errors, reprs or request metadata. The model never retries; callers do.
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
        organization: str | None = None,
        project: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        endpoint: ChatEndpoint = OPENAI,
    ) -> None:
        self._model_id = model_id
        self._endpoint = endpoint
        settings = ConnectionSettings.from_arguments(api_key, base_url, headers, http, http_client, transport)
        self._connection = OpenAIConnection(endpoint, settings, organization, project)

    def __repr__(self) -> str:
        return f"OpenAIChatLanguageModel(provider={self.provider!r}, model_id={self._model_id!r})"

    @property
    def provider(self) -> str:
        return f"{self._endpoint.name}.chat"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def supported_urls(self) -> SupportedUrls:
        """The attachment URLs the server fetches itself; the others are downloaded safely and sent inline.

        The endpoint's own list when it declares one. Otherwise OpenAI's (images by http(s) URL), but only
        at the endpoint's default base URL: pointed elsewhere (``base_url=`` or ``OPENAI_BASE_URL``, e.g. a
        local vLLM or a proxy), a server inside the user's network would fetch a private URL for the
        caller, so it is handed none.
        """
        if self._endpoint.supported_urls is not None:
            return self._endpoint.supported_urls
        return IMAGE_URLS if self._connection.at_default_url(self.base_url) else {}

    @property
    def base_url(self) -> str:
        """The API base URL this call would use (argument, then environment, then default)."""
        return self._connection.base_url

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (what a cache key must separate); no raw key inside."""
        return self._connection.identity(self.provider)

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """A terminal sends ``params`` as given."""
        return params

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """One non-streaming call."""
        body, warnings = self._body(params)
        url, headers = self._target(params)
        response = await post_json(
            self._client(), url, headers=headers, body=body, parse_error=parse_openai_error
        )
        try:
            chat = ChatResponse.model_validate(response.value)
        except ValidationError as error:
            raise response.unexpected(
                "chat completion response", error, url=url, request_body=body
            ) from error
        return map_chat_response(
            chat,
            request_body=body,
            headers=response.headers,
            warnings=warnings,
            metadata_key=self._endpoint.name,
        )

    async def do_stream(self, params: CallParams) -> StreamResult:
        """One streaming call. An error event before any output raises here (so it can be retried)."""
        args, warnings = self._body(params)
        body = stream_body(args)
        url, headers = self._target(params)
        stream = await post_sse(
            self._client(), url, headers=headers, body=body, parse_error=parse_openai_error
        )
        mapper = ChatStreamMapper(warnings=warnings, metadata_key=self._endpoint.name)
        parts = await open_stream(
            mapper, stream, StreamCall(url, body, stream.headers), include_raw=params.include_raw_chunks
        )
        return StreamResult(
            stream=parts,
            request=RequestMetadata(body=body),
            response=ResponseMetadata(headers=stream.headers),
        )

    def _body(self, params: CallParams) -> tuple[dict[str, Any], list[CallWarning]]:
        keys = ("openai",) if self._endpoint.name == "openai" else ("openai", self._endpoint.name)
        return build_chat_body(self._model_id, params, parse_openai_options(params.provider_options, keys))

    def _target(self, params: CallParams) -> tuple[str, dict[str, str]]:
        return self._connection.target("/chat/completions", params.headers)

    def _client(self) -> HttpClient:
        return self._connection.settings.http_or_shared()
