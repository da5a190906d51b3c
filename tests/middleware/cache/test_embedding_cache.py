"""EmbeddingCacheMiddleware: one entry per embedded value, partial batches, flags, modes, faults."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from middleware.cache.call_cache import CacheMode
from middleware.cache.codec import decode_embedding, encode_embedding
from middleware.cache.embedding_cache import EmbeddingCacheMiddleware, EmbeddingCacheStats
from middleware.cache.key import embedding_key
from middleware.cache.stores import CacheStore, DiskStore, MemoryStore
from pipeline.embed import (
    EmbeddingModel,
    EmbedParams,
    EmbedResult,
    embed,
    embed_many,
    wrap_embedding_model,
)
from pipeline.embed_testing import MockEmbeddingModel, fake_embedding
from pipeline.errors import CacheMissError, InvalidArgumentError, InvalidResponseDataError
from pipeline.model import EndpointIdentity
from providers.google import GoogleEmbeddingModel
from providers.openai import OpenAIEmbeddingModel
from providers.testing import LoopbackServer, RecordedRequest
from providers.testing.embeddings import google_embedding_responder, openai_embedding_responder
from tests.middleware.cache.test_cache import BrokenStore


def cached(
    model: MockEmbeddingModel, store: CacheStore | None = None, mode: CacheMode = "read-write"
) -> tuple[EmbeddingModel, EmbeddingCacheMiddleware]:
    cache = EmbeddingCacheMiddleware(store if store is not None else MemoryStore(), mode=mode)
    return wrap_embedding_model(model, cache), cache


async def test_a_repeated_batch_is_answered_from_the_store() -> None:
    model = MockEmbeddingModel()
    wrapped, cache = cached(model)
    first = await embed_many(wrapped, ["a b", "c"])
    second = await embed_many(wrapped, ["a b", "c"])
    assert second.embeddings == first.embeddings == [fake_embedding("a b"), fake_embedding("c")]
    assert len(model.calls) == 1
    assert first.usage.tokens == 3 and second.usage.tokens == 0
    assert first.provider_metadata == {"modelpipe": {"cache": "miss"}}
    assert second.provider_metadata == {"modelpipe": {"cache": "hit"}}
    assert cache.stats == EmbeddingCacheStats(hits=2, misses=2, writes=2, errors=0)


async def test_only_the_new_values_of_a_batch_reach_the_model_in_the_callers_order() -> None:
    model = MockEmbeddingModel()
    wrapped, cache = cached(model)
    await embed(wrapped, "b")
    result = await embed_many(wrapped, ["a", "b", "c", "b"])
    assert [call.values for call in model.calls] == [["b"], ["a", "c"]]
    assert result.embeddings == [fake_embedding(value) for value in ["a", "b", "c", "b"]]
    assert result.usage.tokens == 2  # only what the model embedded this time
    assert result.provider_metadata == {"modelpipe": {"cache": "partial"}}
    assert cache.stats.hits == 2 and cache.stats.misses == 3  # per value: "b" missed once, then hit twice


async def test_a_value_repeated_within_a_batch_is_embedded_once() -> None:
    model = MockEmbeddingModel()
    wrapped, cache = cached(model)
    result = await embed_many(wrapped, ["a", "b", "a"])
    assert [call.values for call in model.calls] == [["a", "b"]]
    assert result.embeddings == [fake_embedding("a"), fake_embedding("b"), fake_embedding("a")]
    assert cache.stats.writes == 2 and cache.stats.misses == 3


async def test_the_key_covers_model_value_and_semantic_options_only() -> None:
    params = EmbedParams(values=["x"], provider_options={"openai": {"dimensions": 8}})
    key = embedding_key("openai", "m", "x", params)
    assert key == embedding_key("openai", "m", "x", params.model_copy(update={"values": ["x", "y"]}))
    assert key == embedding_key(
        "openai", "m", "x", params.model_copy(update={"headers": {"x-request-id": "1"}})
    )
    assert key != embedding_key("openai", "m", "y", params)
    assert key != embedding_key("openai", "m2", "x", params)
    assert key != embedding_key("openai", "m", "x", params, namespace="tenant-b")
    other_options = params.model_copy(update={"provider_options": {"openai": {"dimensions": 16}}})
    assert key != embedding_key("openai", "m", "x", other_options)


async def test_bypass_and_refresh_flags() -> None:
    model = MockEmbeddingModel()
    wrapped, cache = cached(model)
    await embed(wrapped, "a")
    bypass = await embed(wrapped, "a", provider_options={"modelpipe": {"cache": "bypass"}})
    refresh = await embed(wrapped, "a", provider_options={"modelpipe": {"cache": "refresh"}})
    assert len(model.calls) == 3
    assert bypass.provider_metadata is None
    assert refresh.provider_metadata == {"modelpipe": {"cache": "miss"}}
    assert cache.stats.writes == 2


async def test_replay_mode_never_calls_the_model() -> None:
    store = MemoryStore()
    recorder, _ = cached(MockEmbeddingModel(), store, mode="record")
    await embed_many(recorder, ["a", "b"])
    offline = MockEmbeddingModel(embed=RuntimeError("must not be called"))
    replayer, _ = cached(offline, store, mode="replay")
    result = await embed_many(replayer, ["b", "a"])
    assert result.embeddings == [fake_embedding("b"), fake_embedding("a")]
    with pytest.raises(CacheMissError):
        await embed(replayer, "c", max_retries=0)
    assert offline.calls == []


async def test_a_broken_store_never_fails_the_call(caplog: pytest.LogCaptureFixture) -> None:
    model = MockEmbeddingModel()
    wrapped, cache = cached(model, BrokenStore())
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        result = await embed_many(wrapped, ["a", "b"])
    assert result.embeddings == [fake_embedding("a"), fake_embedding("b")]
    assert cache.stats.errors == 4  # two reads, two writes
    assert "the call goes on without the cache" in caplog.text


async def test_a_model_returning_the_wrong_number_of_vectors_is_a_typed_error() -> None:
    model = MockEmbeddingModel(embed=EmbedResult(embeddings=[[0.1]]))
    wrapped, cache = cached(model)
    with pytest.raises(InvalidResponseDataError, match="1 embeddings for 2 values"):
        await embed_many(wrapped, ["a", "b"], max_retries=0)
    assert cache.stats.writes == 0


async def test_vectors_round_trip_exactly_through_the_disk(tmp_path: Path) -> None:
    vector = [0.1, -1e-300, 1 / 3, 5e-324, 123456789.123456789, 0.0, -0.0]
    model = MockEmbeddingModel(embed=EmbedResult(embeddings=[vector]))
    store = DiskStore(tmp_path / "cache")
    try:
        wrapped, _ = cached(model, store)
        await embed(wrapped, "x")
        again = await embed(wrapped, "x")
    finally:
        store.close()
    assert again.embedding == vector and len(model.calls) == 1


def test_a_corrupt_or_foreign_entry_is_refused() -> None:
    data = encode_embedding("k", [1.0, 2])
    assert decode_embedding("k", data) == [1.0, 2.0]
    with pytest.raises(ValueError, match="another key"):
        decode_embedding("other", data)
    with pytest.raises(ValueError, match="not a list of numbers"):
        decode_embedding("k", encode_embedding("k", ["1.0"]))  # type: ignore[list-item]


# -- tenants -----------------------------------------------------------------------------------------

EMBED_CANARY = "sk-canary-embed-0123456789abcdef"


def _openai_embedding(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> EmbeddingModel:
    arguments = {"api_key": EMBED_CANARY, **settings}
    return OpenAIEmbeddingModel("text-embedding-3-small", base_url=server.url(prefix + "/v1"), **arguments)


def _google_embedding(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> EmbeddingModel:
    arguments = {"api_key": EMBED_CANARY, **settings}
    return GoogleEmbeddingModel("gemini-embedding-001", base_url=server.url(prefix + "/v1beta"), **arguments)


def _embedding_answer(request: RecordedRequest) -> Any:
    if ":batchEmbedContents" in request.path:
        return google_embedding_responder()(request)
    return openai_embedding_responder()(request)


@pytest.mark.parametrize("make", [_openai_embedding, _google_embedding], ids=["openai", "google"])
@pytest.mark.parametrize(
    "difference",
    [
        {"api_key": "sk-tenant-b-0123456789abcdef"},
        {"prefix": "/b"},
        {"headers": {"x-tenant": "b"}},
    ],
    ids=["api key", "base url", "constructor header"],
)
async def test_two_tenants_never_share_a_vector_and_the_key_is_never_stored(
    tmp_path: Path, make: Any, difference: dict[str, Any]
) -> None:
    store = DiskStore(tmp_path / "cache")
    with LoopbackServer() as server:
        server.default_reply = _embedding_answer
        await embed(wrap_embedding_model(make(server), EmbeddingCacheMiddleware(store)), "same text")
        await embed(wrap_embedding_model(make(server), EmbeddingCacheMiddleware(store)), "same text")
        assert len(server.requests) == 1  # the same tenant hits
        other = EmbeddingCacheMiddleware(store)
        await embed(wrap_embedding_model(make(server, **difference), other), "same text")
        assert len(server.requests) == 2 and other.stats.hits == 0
    await store.flush()
    stored = b"".join(path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert EMBED_CANARY.encode() not in stored
    store.close()


async def test_embedding_tenants_can_share_by_explicit_choice() -> None:
    store = MemoryStore()
    first = MockEmbeddingModel(identity=EndpointIdentity.of("mock", None, {"api_key": "sk-a"}))
    second = MockEmbeddingModel(identity=EndpointIdentity.of("mock", None, {"api_key": "sk-b"}))
    await embed(wrap_embedding_model(first, EmbeddingCacheMiddleware(store)), "v")
    await embed(wrap_embedding_model(second, EmbeddingCacheMiddleware(store)), "v")
    assert len(second.calls) == 1
    shared = EmbeddingCacheMiddleware(store, share_across_credentials=True)
    await embed(wrap_embedding_model(first, shared), "w")
    await embed(
        wrap_embedding_model(second, EmbeddingCacheMiddleware(store, share_across_credentials=True)), "w"
    )
    assert len(second.calls) == 1


async def test_an_embedding_model_without_an_identity_is_refused_before_any_call() -> None:
    class Bare:
        provider, model_id, max_embeddings_per_call, supports_parallel_calls = "bare", "m", None, True
        calls = 0

        async def do_embed(self, params: EmbedParams) -> EmbedResult:
            Bare.calls += 1
            return EmbedResult(embeddings=[[0.0]])

    wrapped = wrap_embedding_model(Bare(), EmbeddingCacheMiddleware(MemoryStore()))
    with pytest.raises(InvalidArgumentError, match="endpoint_identity"):
        await embed(wrapped, "v")
    assert Bare.calls == 0
