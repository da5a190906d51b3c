"""The Gemini embeddings terminal: ``POST <base>/models/<id>:batchEmbedContents`` (at most 100 per call)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import httpx
from pydantic import ValidationError

from pipeline._base import ProviderOptions, Record, WireModel
from pipeline.embed import EmbedParams, EmbedResult
from pipeline.errors import InvalidArgumentError, TooManyEmbeddingValuesForCallError
from pipeline.model import EndpointIdentity
from pipeline.redact import redact_url
from pipeline.result import ResponseMetadata
from providers._http import HttpClient, post_json
from providers._settings import ConnectionSettings

from .model import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, google_request_headers, parse_google_error

__all__ = [
    "GoogleEmbeddingModel",
    "GoogleEmbeddingOptions",
    "build_batch_embed_body",
    "map_batch_embed_response",
    "parse_google_embedding_options",
]

MAX_EMBEDDINGS_PER_CALL = 100

TaskType = Literal[
    "SEMANTIC_SIMILARITY",
    "CLASSIFICATION",
    "CLUSTERING",
    "RETRIEVAL_DOCUMENT",
    "RETRIEVAL_QUERY",
    "QUESTION_ANSWERING",
    "FACT_VERIFICATION",
    "CODE_RETRIEVAL_QUERY",
]


class GoogleEmbeddingOptions(Record):
    """``providerOptions.google`` for embeddings: ``outputDimensionality`` and ``taskType``."""

    model_config = Record.model_config | {"extra": "ignore"}

    output_dimensionality: int | None = None
    task_type: TaskType | None = None


class _ContentEmbedding(WireModel):
    values: list[float]


class _BatchEmbedResponse(WireModel):
    embeddings: list[_ContentEmbedding]


def parse_google_embedding_options(provider_options: ProviderOptions | None) -> GoogleEmbeddingOptions:
    """The options under ``providerOptions.google`` (``InvalidArgumentError`` names a bad one)."""
    try:
        return GoogleEmbeddingOptions.model_validate((provider_options or {}).get("google", {}))
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(map(str, first["loc"]))
        raise InvalidArgumentError("providerOptions", f"google.{location}: {first['msg']}") from None


def build_batch_embed_body(
    model_path: str, values: list[str], options: GoogleEmbeddingOptions
) -> dict[str, Any]:
    """One request per value: ``{model, content: {parts: [{text}]}, outputDimensionality?, taskType?}``."""
    settings = options.model_dump(by_alias=True, exclude_none=True)
    return {
        "requests": [
            {"model": model_path, "content": {"parts": [{"text": value}]}, **settings} for value in values
        ]
    }


def map_batch_embed_response(value: Any, headers: Mapping[str, str]) -> EmbedResult:
    """The embeddings in request order; Gemini reports no token usage for embeddings."""
    response = _BatchEmbedResponse.model_validate(value)
    return EmbedResult(
        embeddings=[item.values for item in response.embeddings],
        response=ResponseMetadata(headers=dict(headers), body=value),
    )


class GoogleEmbeddingModel:
    """A Gemini embedding model, e.g. ``gemini-embedding-001`` or ``text-embedding-004``.

    ``api_key`` (else ``GOOGLE_GENERATIVE_AI_API_KEY``) is sent only in the ``x-goog-api-key`` header;
    ``base_url`` (else ``GOOGLE_GENERATIVE_AI_BASE_URL``, else the public endpoint). Never retries.
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
        max_embeddings_per_call: int = MAX_EMBEDDINGS_PER_CALL,
        supports_parallel_calls: bool = True,
    ) -> None:
        self._model_id = model_id
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, http, http_client, transport
        )
        self.max_embeddings_per_call = max_embeddings_per_call
        self.supports_parallel_calls = supports_parallel_calls

    def __repr__(self) -> str:
        return f"GoogleEmbeddingModel(model_id={self._model_id!r}, base_url={redact_url(self.base_url)!r})"

    @property
    def provider(self) -> str:
        return "google.generative-ai"

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

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        """One ``batchEmbedContents`` call for ``params.values``."""
        if len(params.values) > self.max_embeddings_per_call:
            raise TooManyEmbeddingValuesForCallError(
                provider=self.provider,
                model_id=self._model_id,
                max_embeddings_per_call=self.max_embeddings_per_call,
                values=len(params.values),
            )
        model_path = self._model_id if "/" in self._model_id else f"models/{self._model_id}"
        body = build_batch_embed_body(
            model_path, params.values, parse_google_embedding_options(params.provider_options)
        )
        url = f"{self.base_url}/{model_path}:batchEmbedContents"
        answer = await post_json(
            self._settings.http_or_shared(),
            url,
            headers=google_request_headers(self._settings, params.headers),
            body=body,
            parse_error=parse_google_error,
        )
        try:
            return map_batch_embed_response(answer.value, answer.headers)
        except ValidationError as error:
            raise answer.unexpected("embedding response", error, url=url, request_body=body) from error
