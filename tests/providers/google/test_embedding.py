"""Gemini embeddings terminal: batchEmbedContents requests, batching by 100, options and errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.embed import EmbedParams, embed, embed_many
from pipeline.embed_testing import fake_embedding
from pipeline.errors import APICallError, InvalidArgumentError, TooManyEmbeddingValuesForCallError
from providers.google import GoogleEmbeddingModel
from providers.testing import JsonReply, LoopbackServer
from providers.testing.embeddings import google_embedding_reply, google_embedding_responder


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _model(server: LoopbackServer, model_id: str = "text-embedding-004") -> GoogleEmbeddingModel:
    return GoogleEmbeddingModel(model_id, base_url=server.url("/v1beta"), api_key="g-key")


async def test_the_request_has_one_entry_per_value_and_the_key_in_a_header(server: LoopbackServer) -> None:
    server.enqueue(google_embedding_reply([[0.5, 0.25], [1.0, 0.0]]))
    result = await embed_many(
        _model(server),
        ["sunny day", "rainy night"],
        provider_options={"google": {"outputDimensionality": 2, "taskType": "SEMANTIC_SIMILARITY"}},
    )
    request = server.requests[0]
    assert request.path == "/v1beta/models/text-embedding-004:batchEmbedContents"
    assert request.query == ""
    assert request.headers["x-goog-api-key"] == "g-key"
    assert request.json() == {
        "requests": [
            {
                "model": "models/text-embedding-004",
                "content": {"parts": [{"text": text}]},
                "outputDimensionality": 2,
                "taskType": "SEMANTIC_SIMILARITY",
            }
            for text in ("sunny day", "rainy night")
        ]
    }
    assert result.embeddings == [[0.5, 0.25], [1.0, 0.0]]
    assert result.usage.tokens is None


async def test_embed_many_splits_at_100_values_per_call(server: LoopbackServer) -> None:
    server.default_reply = google_embedding_responder()
    values = [f"doc {index}" for index in range(150)]
    result = await embed_many(_model(server), values)
    assert sorted(len(request.json()["requests"]) for request in server.requests) == [50, 100]
    assert result.embeddings == [fake_embedding(value) for value in values]


async def test_a_full_model_path_is_used_as_is(server: LoopbackServer) -> None:
    server.enqueue(google_embedding_reply([[1.0]]))
    await embed(_model(server, "tunedModels/my-embedder"), "x")
    assert server.requests[0].path == "/v1beta/tunedModels/my-embedder:batchEmbedContents"
    assert server.requests[0].json()["requests"][0]["model"] == "tunedModels/my-embedder"


async def test_errors_are_mapped_and_bad_options_refused(server: LoopbackServer) -> None:
    error = {"error": {"code": 400, "message": "API key not valid", "status": "INVALID_ARGUMENT"}}
    server.enqueue(JsonReply(error, status=400))
    with pytest.raises(APICallError, match="API key not valid") as caught:
        await embed(_model(server), "x")
    assert caught.value.is_retryable is False
    with pytest.raises(InvalidArgumentError, match="taskType"):
        await embed(_model(server), "x", provider_options={"google": {"taskType": "SUMMARIZE"}})
    with pytest.raises(TooManyEmbeddingValuesForCallError):
        await _model(server).do_embed(EmbedParams(values=["v"] * 101))
    assert len(server.requests) == 1


async def test_a_missing_key_is_refused_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GENERATIVE_AI_API_KEY", raising=False)
    with pytest.raises(InvalidArgumentError, match="API key is missing"):
        await GoogleEmbeddingModel("text-embedding-004").do_embed(EmbedParams(values=["a"]))
