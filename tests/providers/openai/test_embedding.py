"""OpenAI embeddings terminal: the wire request, batching by 2048, response mapping and errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pipeline.embed import EmbedParams, embed, embed_many
from pipeline.embed_testing import fake_embedding
from pipeline.errors import (
    APICallError,
    InvalidArgumentError,
    InvalidResponseError,
    TooManyEmbeddingValuesForCallError,
)
from providers.openai import OpenAIEmbeddingModel
from providers.openai.embedding import build_embedding_body, parse_embedding_options
from providers.openai.model import ChatEndpoint
from providers.testing import JsonReply, LoopbackServer
from providers.testing.embeddings import openai_embedding_reply, openai_embedding_responder
from providers.testing.openai import error_reply


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _model(server: LoopbackServer, max_embeddings_per_call: int = 2048) -> OpenAIEmbeddingModel:
    return OpenAIEmbeddingModel(
        "text-embedding-3-small",
        base_url=server.url("/v1"),
        api_key="sk-test",
        max_embeddings_per_call=max_embeddings_per_call,
    )


async def test_the_request_carries_input_float_encoding_and_provider_options(server: LoopbackServer) -> None:
    server.enqueue(openai_embedding_reply([[0.1, 0.2]], prompt_tokens=6))
    result = await embed(
        _model(server),
        "sunny day at the beach",
        provider_options={"openai": {"dimensions": 2, "user": "user-7"}},
        headers={"X-Trace": "t1"},
    )
    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/embeddings")
    assert request.json() == {
        "model": "text-embedding-3-small",
        "input": ["sunny day at the beach"],
        "encoding_format": "float",
        "dimensions": 2,
        "user": "user-7",
    }
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["x-trace"] == "t1"
    assert result.embedding == [0.1, 0.2]
    assert result.usage.tokens == 6
    assert result.response.model_id == "text-embedding-3-small"
    assert result.response.headers is not None and "content-type" in result.response.headers


async def test_embeddings_are_ordered_by_their_index(server: LoopbackServer) -> None:
    body = {
        "object": "list",
        "data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}],
        "model": "m",
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }
    server.enqueue(JsonReply(body))
    result = await embed_many(_model(server), ["first", "second"])
    assert result.embeddings == [[1.0], [2.0]]


async def test_embed_many_splits_at_2048_values_per_call(server: LoopbackServer) -> None:
    server.default_reply = openai_embedding_responder()
    values = [f"text {index}" for index in range(2050)]
    result = await embed_many(_model(server), values)
    assert sorted(len(request.json()["input"]) for request in server.requests) == [2, 2048]
    assert result.embeddings[2049] == fake_embedding("text 2049")
    assert result.embeddings[0] == fake_embedding("text 0")
    assert result.usage.tokens == 4100


async def test_one_call_refuses_more_values_than_the_limit(server: LoopbackServer) -> None:
    model = _model(server, max_embeddings_per_call=2)
    with pytest.raises(TooManyEmbeddingValuesForCallError) as caught:
        await model.do_embed(EmbedParams(values=["a", "b", "c"]))
    assert (caught.value.max_embeddings_per_call, caught.value.values) == (2, 3)
    assert server.requests == []


async def test_http_errors_become_api_call_errors_and_are_retried_when_retryable(
    server: LoopbackServer,
) -> None:
    server.enqueue(error_reply(429, "Rate limit reached", headers={"retry-after-ms": "1"}))
    server.enqueue(openai_embedding_reply([[1.0]]))
    assert (await embed(_model(server), "a")).embedding == [1.0]
    server.enqueue(error_reply(400, "Invalid input", error_type="invalid_request_error"))
    with pytest.raises(APICallError, match="Invalid input") as caught:
        await embed(_model(server), "a")
    assert caught.value.status_code == 400
    assert len(server.requests) == 3


async def test_a_malformed_answer_is_an_invalid_response() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"data": "nope"}))
    model = OpenAIEmbeddingModel("m", api_key="k", base_url="http://embed.test/v1", transport=transport)
    with pytest.raises(InvalidResponseError, match="Invalid embedding response"):
        await embed(model, "a", max_retries=0)


async def test_a_missing_key_is_refused_only_for_the_openai_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(InvalidArgumentError, match="API key is missing"):
        await OpenAIEmbeddingModel("m").do_embed(EmbedParams(values=["a"]))
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [{"index": 0, "embedding": [3.0]}]})

    local = OpenAIEmbeddingModel("m", base_url="http://local.test/v1", transport=httpx.MockTransport(answer))
    assert (await embed(local, "a")).embedding == [3.0]
    assert "authorization" not in seen[0].headers


def test_options_of_a_compatible_endpoint_override_the_openai_ones() -> None:
    options = parse_embedding_options(
        {"openai": {"dimensions": 8}, "local": {"dimensions": 4}}, ("openai", "local")
    )
    assert build_embedding_body("m", ["x"], options) == {
        "model": "m",
        "input": ["x"],
        "encoding_format": "float",
        "dimensions": 4,
    }
    with pytest.raises(InvalidArgumentError, match="dimensions"):
        parse_embedding_options({"openai": {"dimensions": "many"}}, ("openai",))
    model = OpenAIEmbeddingModel("m", endpoint=ChatEndpoint(name="local", default_base_url="http://x"))
    assert model.provider == "local.embedding"
