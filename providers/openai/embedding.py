"""The OpenAI embeddings terminal: ``POST <base_url>/embeddings`` (at most 2048 values per call)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import ValidationError

from pipeline._base import ProviderOptions, Record, WireModel
from pipeline.embed import EmbeddingUsage, EmbedParams, EmbedResult
from pipeline.errors import InvalidArgumentError, TooManyEmbeddingValuesForCallError
from pipeline.model import EndpointIdentity
from pipeline.result import ResponseMetadata
from providers._http import HttpClient, post_json
from providers._settings import ConnectionSettings

from .connection import OPENAI, ChatEndpoint, OpenAIConnection
from .error_mapping import parse_openai_error

__all__ = [
    "OpenAIEmbeddingModel",
    "OpenAIEmbeddingOptions",
    "build_embedding_body",
    "map_embedding_response",
    "parse_embedding_options",
]

MAX_EMBEDDINGS_PER_CALL = 2048


class OpenAIEmbeddingOptions(Record):
    """``providerOptions.openai`` for embeddings: output ``dimensions`` and an end-user id."""

    model_config = Record.model_config | {"extra": "ignore"}

    dimensions: int | None = None
    user: str | None = None


class _EmbeddingItem(WireModel):
    index: int = 0
    embedding: list[float]


class _EmbeddingUsage(WireModel):
    prompt_tokens: int | None = None


class _EmbeddingResponse(WireModel):
    data: list[_EmbeddingItem]
    model: str | None = None
    usage: _EmbeddingUsage | None = None


def parse_embedding_options(
    provider_options: ProviderOptions | None, keys: tuple[str, ...]
) -> OpenAIEmbeddingOptions:
    """The embedding options under ``keys`` of ``provider_options`` (later keys win)."""
    merged: dict[str, Any] = {}
    for key in keys:
        merged.update((provider_options or {}).get(key, {}))
    try:
        return OpenAIEmbeddingOptions.model_validate(merged)
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidArgumentError(
            "providerOptions", f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None


def build_embedding_body(model_id: str, values: list[str], options: OpenAIEmbeddingOptions) -> dict[str, Any]:
    """The request body: ``model``, ``input``, ``encoding_format: "float"`` and the set options."""
    body: dict[str, Any] = {"model": model_id, "input": values, "encoding_format": "float"}
    if options.dimensions is not None:
        body["dimensions"] = options.dimensions
    if options.user is not None:
        body["user"] = options.user
    return body


def map_embedding_response(value: Any, headers: Mapping[str, str]) -> EmbedResult:
    """The embeddings in input order (by ``index``), prompt tokens as usage, and the response metadata."""
    response = _EmbeddingResponse.model_validate(value)
    items = sorted(response.data, key=lambda item: item.index)
    return EmbedResult(
        embeddings=[item.embedding for item in items],
        usage=EmbeddingUsage(tokens=response.usage.prompt_tokens if response.usage else None),
        response=ResponseMetadata(model_id=response.model, headers=dict(headers), body=value),
    )


class OpenAIEmbeddingModel:
    """An OpenAI (or OpenAI-compatible) embedding model, e.g. ``text-embedding-3-small``.

    Settings as for :class:`~providers.openai.OpenAIChatLanguageModel`: unset ``api_key`` / ``base_url``
    are read from the endpoint's environment variables at call time; the key goes only into the
    ``Authorization`` header. Never retries: ``embed`` / ``embed_many`` do.
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
        max_embeddings_per_call: int = MAX_EMBEDDINGS_PER_CALL,
        supports_parallel_calls: bool = True,
    ) -> None:
        self._model_id = model_id
        self._endpoint = endpoint
        settings = ConnectionSettings.from_arguments(api_key, base_url, headers, http, http_client, transport)
        self._connection = OpenAIConnection(endpoint, settings, organization, project)
        self.max_embeddings_per_call = max_embeddings_per_call
        self.supports_parallel_calls = supports_parallel_calls

    def __repr__(self) -> str:
        return f"OpenAIEmbeddingModel(provider={self.provider!r}, model_id={self._model_id!r})"

    @property
    def provider(self) -> str:
        return f"{self._endpoint.name}.embedding"

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def base_url(self) -> str:
        """The API base URL this call would use (argument, then environment, then default)."""
        return self._connection.base_url

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (what a cache key must separate); no raw key inside."""
        return self._connection.identity(self.provider)

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        """One ``/embeddings`` call for ``params.values``."""
        if len(params.values) > self.max_embeddings_per_call:
            raise TooManyEmbeddingValuesForCallError(
                provider=self.provider,
                model_id=self._model_id,
                max_embeddings_per_call=self.max_embeddings_per_call,
                values=len(params.values),
            )
        keys = ("openai",) if self._endpoint.name == "openai" else ("openai", self._endpoint.name)
        body = build_embedding_body(
            self._model_id, params.values, parse_embedding_options(params.provider_options, keys)
        )
        url, headers = self._connection.target("/embeddings", params.headers)
        answer = await post_json(
            self._connection.settings.http_or_shared(),
            url,
            headers=headers,
            body=body,
            parse_error=parse_openai_error,
        )
        try:
            return map_embedding_response(answer.value, answer.headers)
        except ValidationError as error:
            raise answer.unexpected("embedding response", error, url=url, request_body=body) from error
