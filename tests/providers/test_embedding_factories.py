"""Providers make embedding models that share their settings."""

from __future__ import annotations

from pipeline.embed import embed
from providers.google import GoogleEmbeddingModel, GoogleProvider
from providers.openai import OpenAIEmbeddingModel, OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing.embeddings import google_embedding_reply, openai_embedding_reply


async def test_openai_provider_embedding_uses_the_provider_settings() -> None:
    with LoopbackServer() as server:
        server.enqueue(openai_embedding_reply([[0.5, 0.25]]))
        model = OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="k-openai").embedding(
            "text-embedding-3-small"
        )
        assert isinstance(model, OpenAIEmbeddingModel)
        result = await embed(model, "sunny day")
        assert result.embedding == [0.5, 0.25]
        assert server.requests[0].path == "/v1/embeddings"
        assert server.requests[0].headers["authorization"] == "Bearer k-openai"


async def test_google_provider_embedding_uses_the_provider_settings() -> None:
    with LoopbackServer() as server:
        server.enqueue(google_embedding_reply([[0.125, 0.5]]))
        model = GoogleProvider(base_url=f"{server.base_url}/v1beta", api_key="k-google").embedding(
            "text-embedding-004"
        )
        assert isinstance(model, GoogleEmbeddingModel)
        result = await embed(model, "sunny day")
        assert result.embedding == [0.125, 0.5]
        assert server.requests[0].path == "/v1beta/models/text-embedding-004:batchEmbedContents"
        assert server.requests[0].headers["x-goog-api-key"] == "k-google"
