"""The OpenAI Responses API terminal (``POST <base_url>/responses``): the only HTTP module of this package."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import httpx
from pydantic import ValidationError

from pipeline.errors import APICallError
from pipeline.model import CallType, EndpointIdentity, SupportedUrls
from pipeline.params import CallParams
from pipeline.result import GenerateResult, RequestMetadata, ResponseMetadata
from pipeline.stream import StreamResult
from providers._http import HttpClient, post_json, post_sse
from providers._settings import ConnectionSettings
from providers._stream import StreamCall, open_stream

from ..connection import IMAGE_URLS, OPENAI, ChatEndpoint, OpenAIConnection
from ..error_mapping import parse_openai_error
from ..map_response import new_id
from .map_response import map_responses_response
from .map_stream import ResponsesStreamMapper
from .options import parse_responses_options
from .request import ResponsesRequest, build_responses_body
from .wire import ResponsesBody

__all__ = ["RESPONSES_URLS", "OpenAIResponsesLanguageModel"]

RESPONSES_URLS: SupportedUrls = {**IMAGE_URLS, "application/pdf": IMAGE_URLS["image/*"]}
"""Images and PDFs by http(s) URL: what the Responses API fetches itself."""


class OpenAIResponsesLanguageModel:
    """A Responses API model: ``POST <base_url>/responses``, JSON or server-sent events.

    Settings as :class:`~providers.openai.model.OpenAIChatLanguageModel` (key, base URL, organization,
    project, headers, HTTP client). Provider options are read from ``providerOptions.openai`` with the AI
    SDK's names (``previousResponseId``, ``instructions``, ``reasoningEffort``, ``reasoningSummary``,
    ``include``, ``store``, ``serviceTier``, ``truncation``, ``metadata``, ``parallelToolCalls``,
    ``user``, ``logprobs``, ...). Provider tools are made by :mod:`providers.openai.tools`.
    ``generate_id`` names the sources and approval calls the server leaves unnamed.
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
        generate_id: Callable[[], str] = new_id,
    ) -> None:
        self._model_id = model_id
        self._generate_id = generate_id
        self._endpoint = endpoint
        settings = ConnectionSettings.from_arguments(api_key, base_url, headers, http, http_client, transport)
        self._connection = OpenAIConnection(endpoint, settings, organization, project)

    def __repr__(self) -> str:
        return f"OpenAIResponsesLanguageModel(provider={self.provider!r}, model_id={self._model_id!r})"

    @property
    def provider(self) -> str:
        return f"{self._endpoint.name}.responses"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def supported_urls(self) -> SupportedUrls:
        """Images and PDFs by URL are fetched by OpenAI itself, but only at its own base URL (elsewhere a
        server inside the user's network would fetch a private URL for the caller, so it gets none)."""
        if self._endpoint.supported_urls is not None:
            return self._endpoint.supported_urls
        return RESPONSES_URLS if self._connection.at_default_url(self.base_url) else {}

    @property
    def base_url(self) -> str:
        return self._connection.base_url

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (what a cache key must separate); no raw key inside."""
        return self._connection.identity(self.provider)

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """A terminal sends ``params`` as given."""
        return params

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """One non-streaming call. A 200 answer that reports an error raises :class:`APICallError`."""
        request = self._request(params)
        url, headers = self._connection.target("/responses", params.headers)
        response = await post_json(
            self._client(), url, headers=headers, body=request.body, parse_error=parse_openai_error
        )
        try:
            body = ResponsesBody.model_validate(response.value)
        except ValidationError as error:
            raise response.unexpected(
                "responses API response", error, url=url, request_body=request.body
            ) from error
        if body.error is not None or body.output is None:
            raise _failed_response(body, url, request, response.headers)
        try:
            return map_responses_response(
                response.value,
                request,
                key=self._endpoint.name,
                headers=response.headers,
                generate_id=self._generate_id,
            )
        except (
            ValueError,
            TypeError,
            LookupError,
            AttributeError,
        ) as error:  # a nested item of the wrong shape
            raise response.unexpected(
                "responses API response", error, url=url, request_body=request.body
            ) from error

    async def do_stream(self, params: CallParams) -> StreamResult:
        """One streaming call. An error event before any output raises here (so it can be retried)."""
        request = self._request(params)
        body = {**request.body, "stream": True}
        url, headers = self._connection.target("/responses", params.headers)
        stream = await post_sse(
            self._client(), url, headers=headers, body=body, parse_error=parse_openai_error
        )
        mapper = ResponsesStreamMapper(request, key=self._endpoint.name, generate_id=self._generate_id)
        parts = await open_stream(
            mapper, stream, StreamCall(url, body, stream.headers), include_raw=params.include_raw_chunks
        )
        return StreamResult(
            stream=parts,
            request=RequestMetadata(body=body),
            response=ResponseMetadata(headers=stream.headers),
        )

    def _request(self, params: CallParams) -> ResponsesRequest:
        keys = ("openai",) if self._endpoint.name == "openai" else ("openai", self._endpoint.name)
        options = parse_responses_options(params.provider_options, keys)
        return build_responses_body(self._model_id, params, options, options_key=self._endpoint.name)

    def _client(self) -> HttpClient:
        return self._connection.settings.http_or_shared()


def _failed_response(
    body: ResponsesBody, url: str, request: ResponsesRequest, headers: Mapping[str, str]
) -> APICallError:
    """The error for a 200 answer with ``error`` set (400, not retryable) or without ``output`` (500)."""
    raw = json.dumps(body.model_dump(exclude_unset=True))
    if body.error is not None:
        message = body.error.get("message")
        return APICallError(
            message if isinstance(message, str) else "Responses API call failed",
            url=url,
            request_body=request.body,
            status_code=400,
            response_headers=headers,
            response_body=raw,
            is_retryable=False,
            data={"error": body.error},
        )
    reason = (body.incomplete_details or {}).get("reason")
    return APICallError(
        f"Responses API returned no output ({reason})" if reason else "Responses API returned no output",
        url=url,
        request_body=request.body,
        status_code=500,
        response_headers=headers,
        response_body=raw,
        is_retryable=False,
    )
