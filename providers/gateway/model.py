"""The Vercel AI Gateway terminal: one key, every provider's models (the only HTTP module of this package).

Language models post to ``<base_url>/language-model`` and embedding models to
``<base_url>/embedding-model``, with the model id (``openai/gpt-4o``, ``anthropic/claude-sonnet-4-5``) in
headers, as the AI SDK's ``@ai-sdk/gateway`` does. The key (argument, else ``AI_GATEWAY_API_KEY``) is
sent only as ``Authorization: Bearer``; Vercel's OIDC tokens are not looked up (pass one as
``api_key``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import httpx

from pipeline.embed import EmbeddingUsage, EmbedParams, EmbedResult
from pipeline.errors import TooManyEmbeddingValuesForCallError
from pipeline.model import CallType, EndpointIdentity, SupportedUrls
from pipeline.params import CallParams
from pipeline.redact import redact_url
from pipeline.result import GenerateResult, RequestMetadata, ResponseMetadata
from pipeline.stream import StreamResult
from providers._credentials import missing_api_key_error
from providers._http import HttpClient, post_json, post_sse
from providers._settings import ConnectionSettings
from providers._stream import StreamCall, open_stream

from .errors import parse_error_body
from .map_response import map_response, warnings
from .map_stream import GatewayStreamMapper
from .request import build_request_body, model_headers

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "PROTOCOL_VERSION",
    "GatewayEmbeddingModel",
    "GatewayLanguageModel",
    "GatewayProvider",
]

DEFAULT_BASE_URL = "https://ai-gateway.vercel.sh/v4/ai"
API_KEY_ENV = "AI_GATEWAY_API_KEY"
BASE_URL_ENV = "AI_GATEWAY_BASE_URL"
PROTOCOL_VERSION = "0.0.1"
"""The gateway protocol version the AI SDK announces in ``ai-gateway-protocol-version``."""

MAX_EMBEDDINGS_PER_CALL = 2048

_ANY_URL: SupportedUrls = {"*/*": [re.compile(r"^https?://.*$")]}
"""The gateway takes attachments by URL and lets the provider behind it fetch or inline them."""

_O11Y_HEADERS = {
    "VERCEL_DEPLOYMENT_ID": "ai-o11y-deployment-id",
    "VERCEL_ENV": "ai-o11y-environment",
    "VERCEL_REGION": "ai-o11y-region",
    "VERCEL_PROJECT_ID": "ai-o11y-project-id",
}
"""Deployment facts the gateway's observability reads, from the environment Vercel sets."""


class _GatewayConnection:
    """Base URL, key and headers of gateway calls, shared by the language and embedding models."""

    def __init__(self, settings: ConnectionSettings, team: str | None) -> None:
        self.settings = settings
        self.team = team

    @property
    def base_url(self) -> str:
        return self.settings.base_url_or(BASE_URL_ENV, DEFAULT_BASE_URL)

    def identity(self, provider: str) -> EndpointIdentity:
        return self.settings.endpoint_identity(provider, self.base_url, API_KEY_ENV, team=self.team)

    def headers(
        self, call_headers: Mapping[str, str] | None, model_headers: Mapping[str, str]
    ) -> dict[str, str]:
        """Auth and protocol headers, then constructor headers, call headers, model and o11y headers."""
        api_key = self.settings.api_key_or_env(API_KEY_ENV)
        if not api_key and self.base_url == DEFAULT_BASE_URL:
            raise missing_api_key_error("AI Gateway", API_KEY_ENV)
        headers = {"ai-gateway-protocol-version": PROTOCOL_VERSION}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
            headers["ai-gateway-auth-method"] = "api-key"
        if self.team is not None:
            headers["x-vercel-ai-gateway-team"] = self.team
        headers.update({name.lower(): value for name, value in self.settings.headers.items()})
        headers.update({name.lower(): value for name, value in (call_headers or {}).items()})
        headers.update(model_headers)
        headers.update({name: os.environ[env] for env, name in _O11Y_HEADERS.items() if os.environ.get(env)})
        return headers


class _GatewayModel:
    """What the gateway's language and embedding models share: the model id and the connection."""

    provider: str

    def __init__(
        self,
        model_id: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        team: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._model_id = model_id
        settings = ConnectionSettings.from_arguments(api_key, base_url, headers, http, http_client, transport)
        self._connection = _GatewayConnection(settings, team)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def base_url(self) -> str:
        """The gateway base URL in effect (argument, then environment, then the public endpoint)."""
        return self._connection.base_url

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (what a cache key must separate); no raw key inside."""
        return self._connection.identity(self.provider)


class GatewayLanguageModel(_GatewayModel):
    """A model behind the AI Gateway, named by its gateway id (``"openai/gpt-4o"``).

    Settings not given are read from the environment at call time: ``AI_GATEWAY_API_KEY``,
    ``AI_GATEWAY_BASE_URL`` (default ``https://ai-gateway.vercel.sh/v4/ai``). Provider options pass
    through to the provider behind the gateway (``provider_options={"anthropic": {...}}``), and
    ``provider_options={"gateway": {"order": [...], "only": [...]}}`` steers the gateway's routing.
    HTTP: at most one of ``http=``, ``http_client=`` or ``transport=`` (as for every provider).
    """

    def __repr__(self) -> str:
        return f"GatewayLanguageModel({self._model_id!r}, base_url={redact_url(self.base_url)!r})"

    provider = "gateway"

    @property
    def supported_urls(self) -> SupportedUrls:
        """Every http(s) URL: the gateway hands them to the provider behind it."""
        return _ANY_URL

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """A terminal sends ``params`` as given."""
        return params

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """One non-streaming call."""
        body = build_request_body(params)
        url = f"{self.base_url}/language-model"
        headers = self._connection.headers(params.headers, model_headers(self._model_id, streaming=False))
        response = await post_json(
            self._connection.settings.http_or_shared(),
            url,
            headers=headers,
            body=body,
            parse_error=parse_error_body,
        )
        try:
            result = map_response(response.value)
        except (ValueError, TypeError, LookupError) as error:
            raise response.unexpected("gateway response", error, url=url, request_body=body) from error
        return result.model_copy(
            update={
                "request": RequestMetadata(body=body),
                "response": result.response.model_copy(
                    update={"headers": response.headers, "body": response.value}
                ),
            }
        )

    async def do_stream(self, params: CallParams) -> StreamResult:
        """One streaming call; an error part before any output raises (retryable for 429 / 5xx)."""
        body = build_request_body(params)
        url = f"{self.base_url}/language-model"
        headers = self._connection.headers(params.headers, model_headers(self._model_id, streaming=True))
        event_stream = await post_sse(
            self._connection.settings.http_or_shared(),
            url,
            headers=headers,
            body=body,
            parse_error=parse_error_body,
        )
        mapper = GatewayStreamMapper(url=url, include_raw=params.include_raw_chunks)
        parts = await open_stream(mapper, event_stream, StreamCall(url, body, event_stream.headers))
        return StreamResult(
            stream=parts,
            request=RequestMetadata(body=body),
            response=ResponseMetadata(headers=event_stream.headers),
        )


class GatewayEmbeddingModel(_GatewayModel):
    """An embedding model behind the AI Gateway (``"openai/text-embedding-3-small"``); never retries."""

    max_embeddings_per_call: int | None = MAX_EMBEDDINGS_PER_CALL
    supports_parallel_calls = True

    def __repr__(self) -> str:
        return f"GatewayEmbeddingModel({self._model_id!r})"

    provider = "gateway.embedding"

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        """One ``/embedding-model`` call for ``params.values``."""
        if len(params.values) > MAX_EMBEDDINGS_PER_CALL:
            raise TooManyEmbeddingValuesForCallError(
                provider=self.provider,
                model_id=self._model_id,
                max_embeddings_per_call=MAX_EMBEDDINGS_PER_CALL,
                values=len(params.values),
            )
        body: dict[str, object] = {"values": params.values}
        if params.provider_options:
            body["providerOptions"] = params.provider_options
        url = f"{self._connection.base_url}/embedding-model"
        model = {"ai-embedding-model-specification-version": "4", "ai-model-id": self._model_id}
        headers = self._connection.headers(params.headers, model)
        answer = await post_json(
            self._connection.settings.http_or_shared(),
            url,
            headers=headers,
            body=body,
            parse_error=parse_error_body,
        )
        try:
            return _embed_result(answer.value, answer.headers)
        except (ValueError, TypeError, LookupError) as error:
            raise answer.unexpected(
                "gateway embedding response", error, url=url, request_body=body
            ) from error


def _embed_result(value: object, headers: Mapping[str, str]) -> EmbedResult:
    if not isinstance(value, Mapping):
        raise TypeError("the gateway's embedding answer is not a JSON object")
    usage = value.get("usage") or {}
    return EmbedResult(
        embeddings=value["embeddings"],
        usage=EmbeddingUsage(tokens=usage.get("tokens")),
        warnings=warnings(value.get("warnings")),
        response=ResponseMetadata(headers=dict(headers), body=value),
        provider_metadata=value.get("providerMetadata"),
    )


class GatewayProvider:
    """Makes gateway models sharing one configuration: ``gateway("anthropic/claude-sonnet-4-5")``.

    Settings are those of :class:`GatewayLanguageModel` (``team`` sets the ``x-vercel-ai-gateway-team``
    header); unset ones are read from the environment at call time.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        team: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, http, http_client, transport
        )
        self._team = team

    def __repr__(self) -> str:
        base_url = self._settings.base_url
        return f"GatewayProvider(base_url={redact_url(base_url) if base_url else None!r})"

    def language_model(self, model_id: str) -> GatewayLanguageModel:
        """A language model by gateway id (``"openai/gpt-4o"``)."""
        return GatewayLanguageModel(model_id, team=self._team, **self._settings.as_arguments())

    def embedding(self, model_id: str) -> GatewayEmbeddingModel:
        """An embedding model by gateway id (``"openai/text-embedding-3-small"``)."""
        return GatewayEmbeddingModel(model_id, team=self._team, **self._settings.as_arguments())

    chat = language_model
    __call__ = language_model
