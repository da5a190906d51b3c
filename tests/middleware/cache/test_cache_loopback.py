"""The cache in front of the real OpenAI chat terminal talking to a loopback HTTP server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from middleware.cache.call_cache import CacheMiddleware, CacheStats
from middleware.cache.stores import DiskStore, MemoryStore, RedisStore
from pipeline.chain import WrapContext, WrappedModel, wrap_model
from pipeline.errors import ModelCallError
from pipeline.generate import generate_text, prepare_call, stream_text
from pipeline.model import LanguageModel
from pipeline.stream import StreamPart
from providers.anthropic import AnthropicMessagesModel
from providers.compatible import compatible_provider
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel, OpenAIProvider
from providers.testing import LoopbackServer, RecordedRequest
from providers.testing.anthropic import stream_reply as anthropic_stream_reply
from providers.testing.anthropic import text_reply as anthropic_text_reply
from providers.testing.google import stream_reply as google_stream_reply
from providers.testing.google import text_reply as google_text_reply
from providers.testing.openai import stream_chunks, stream_reply, text_reply
from tests.middleware.cache.cache_samples import unmarked_part
from tests.middleware.cache.redis_server import running_redis_server

RELAXED = 5.0
"""Store deadline for tests that are not about deadlines (a loaded CI machine must not flake them)."""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def cached_model(server: LoopbackServer, directory: Path) -> tuple[object, CacheMiddleware]:
    terminal = OpenAIProvider(api_key="sk-loopback", base_url=server.url("/v1")).chat("gpt-4o")
    cache = CacheMiddleware(DiskStore(directory), store_timeout=RELAXED)
    return wrap_model(terminal, cache), cache


async def test_a_second_generate_never_reaches_the_server(server: LoopbackServer, tmp_path: Path) -> None:
    server.enqueue(text_reply("Paris."), text_reply("Lyon."))
    model, cache = cached_model(server, tmp_path / "cache")
    first = await generate_text(model, prompt="Capital of France?")  # type: ignore[arg-type]
    second = await generate_text(model, prompt="Capital of France?")  # type: ignore[arg-type]
    assert first.text == second.text == "Paris."
    assert len(server.requests) == 1
    assert cache.stats == CacheStats(hits=1, misses=1, writes=1, errors=0)


async def test_a_stream_is_replayed_part_for_part(server: LoopbackServer, tmp_path: Path) -> None:
    tool_call = ("call_1", "weather", ['{"ci', 'ty":"Nice"}'])
    chunks = stream_chunks(["Bon", "jour ", "🌍"], tool_calls=[tool_call])
    server.enqueue(stream_reply(chunks))
    model, _ = cached_model(server, tmp_path / "cache")
    params = prepare_call(prompt="Greet")

    async def parts() -> list[StreamPart]:
        result = await model.do_stream(params)  # type: ignore[attr-defined]
        return [part async for part in result.stream]

    recorded, replayed = await parts(), await parts()
    assert [unmarked_part(part) for part in replayed] == [unmarked_part(part) for part in recorded]
    assert (recorded[-1].provider_metadata or {})["modelpipe"] == {"cache": "miss"}
    assert (replayed[-1].provider_metadata or {})["modelpipe"] == {"cache": "hit"}
    assert {part.type for part in recorded} >= {"text-delta", "tool-input-delta", "tool-call", "finish"}
    assert len(server.requests) == 1


async def test_stream_text_reads_a_replay_like_the_original(server: LoopbackServer, tmp_path: Path) -> None:
    server.enqueue(stream_reply(stream_chunks(["a", "b", "c"])))
    model, cache = cached_model(server, tmp_path / "cache")
    texts: list[list[str]] = []
    for _ in range(2):
        async with stream_text(model, prompt="abc") as stream:  # type: ignore[arg-type]
            texts.append([chunk async for chunk in stream.text_stream])
    assert texts[0] == texts[1]
    assert "".join(texts[1]) == "abc"
    assert len(server.requests) == 1
    assert cache.stats.hits == 1


async def test_a_stream_cut_by_the_server_is_not_stored(server: LoopbackServer, tmp_path: Path) -> None:
    cut = stream_chunks(["a", "b"], done=False)[:3]
    server.enqueue(stream_reply(cut), stream_reply(stream_chunks(["ok"])))
    model, cache = cached_model(server, tmp_path / "cache")
    params = prepare_call(prompt="cut")
    result = await model.do_stream(params)  # type: ignore[attr-defined]
    with contextlib.suppress(ModelCallError):
        async for _ in result.stream:
            pass
    assert cache.stats.writes == 0
    result = await model.do_stream(params)  # type: ignore[attr-defined]
    assert [part async for part in result.stream][-1].type == "finish"
    assert len(server.requests) == 2


# -- tenants: models that differ only in who they are never share an entry ----------------------------

CANARY = "sk-canary-tenant-a-0123456789abcdef"


def _answer_by_dialect(counter: list[int]) -> Any:
    """Answers every request in the dialect its path asks for, each with a new text."""

    def respond(request: RecordedRequest) -> Any:
        counter.append(1)
        text = f"answer {len(counter)}"
        if ":streamGenerateContent" in request.path:
            return google_stream_reply([text])
        if ":generateContent" in request.path:
            return google_text_reply(text)
        streamed = bool(request.json().get("stream"))
        if request.path.endswith("/messages"):
            return anthropic_stream_reply([text]) if streamed else anthropic_text_reply(text)
        return stream_reply(stream_chunks([text])) if streamed else text_reply(text)

    return respond


def _openai(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> LanguageModel:
    arguments = {"api_key": CANARY, **settings}
    return OpenAIChatLanguageModel("gpt-4o", base_url=server.url(prefix + "/v1"), **arguments)


def _compatible(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> LanguageModel:
    arguments = {"api_key": CANARY, **settings}
    return compatible_provider("groq", base_url=server.url(prefix + "/v1"), **arguments).chat("llama")


def _anthropic(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> LanguageModel:
    arguments = {"api_key": CANARY, **settings}
    return AnthropicMessagesModel("claude-sonnet-4-5", base_url=server.url(prefix + "/v1"), **arguments)


def _google(server: LoopbackServer, prefix: str = "/a", **settings: Any) -> LanguageModel:
    arguments = {"api_key": CANARY, **settings}
    return GoogleLanguageModel("gemini-2.5-flash", base_url=server.url(prefix + "/v1beta"), **arguments)


MAKERS = {"openai": _openai, "compatible": _compatible, "anthropic": _anthropic, "google": _google}

DIFFERENCES: dict[str, dict[str, Any]] = {
    "api key": {"api_key": "sk-tenant-b-0123456789abcdef"},
    "base url": {"prefix": "/b"},
    "constructor header": {"headers": {"x-tenant": "b"}},
    "organization": {"organization": "org-b"},
    "project": {"project": "proj-b"},
}


def _cases() -> list[Any]:
    cases = []
    for provider in MAKERS:
        for difference in DIFFERENCES:
            if difference in ("organization", "project") and provider not in ("openai",):
                continue
            cases.append(pytest.param(provider, difference, id=f"{provider}-{difference}"))
    return cases


@pytest.mark.parametrize(("provider", "difference"), _cases())
async def test_two_tenants_of_a_provider_never_share_an_entry(
    server: LoopbackServer, provider: str, difference: str
) -> None:
    counter: list[int] = []
    server.default_reply = _answer_by_dialect(counter)
    make = MAKERS[provider]
    store = MemoryStore()
    tenant_a = wrap_model(make(server), CacheMiddleware(store))
    tenant_b = wrap_model(make(server, **DIFFERENCES[difference]), CacheMiddleware(store))
    first = await generate_text(tenant_a, prompt="Same question")
    again = await generate_text(wrap_model(make(server), CacheMiddleware(store)), prompt="Same question")
    other = await generate_text(tenant_b, prompt="Same question")
    assert first.text == again.text == "answer 1"  # the same tenant hits, even from a new model
    assert other.text == "answer 2"  # the other tenant asked the server
    assert len(counter) == 2


@pytest.fixture(params=["memory", "disk", "redis"])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A store, and a function returning every byte it holds (keys and values)."""
    if request.param == "memory":
        memory = MemoryStore()

        async def memory_bytes() -> bytes:
            entries = memory._entries  # what a process dump would show
            return b"".join(key.encode() + value for key, (value, _) in entries.items())

        yield memory, memory_bytes
    elif request.param == "disk":
        disk = DiskStore(tmp_path / "cache")

        async def disk_bytes() -> bytes:
            await disk.flush()
            return b"".join(path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file())

        yield disk, disk_bytes
        disk.close()
    else:
        with running_redis_server() as redis_server:
            redis_store = RedisStore(redis_server.url, op_timeout=RELAXED)
            client = redis.Redis.from_url(redis_server.url)

            async def redis_bytes() -> bytes:
                names = list(client.scan_iter(match="*"))
                return b"".join(name + (client.get(name) or b"") for name in names)

            yield redis_store, redis_bytes
            client.close()
            await redis_store.aclose()


async def test_the_raw_key_never_reaches_the_cache_key_or_the_store(
    server: LoopbackServer, any_store: tuple[Any, Any]
) -> None:
    store, stored_bytes = any_store
    counter: list[int] = []
    server.default_reply = _answer_by_dialect(counter)
    keys: list[str] = []
    for make in MAKERS.values():
        cache = CacheMiddleware(store, store_timeout=RELAXED)
        model = wrap_model(make(server, headers={"x-api-key-extra": CANARY}), cache)
        await generate_text(model, prompt="Canary question")
        async with stream_text(model, prompt="Canary stream") as result:
            assert await result.text()
        await generate_text(model, prompt="Canary question")
        assert cache.stats.hits == 1 and cache.stats.errors == 0
        keys.append(await cache.key_for(_context(model, "Canary question")))
    assert len(counter) == 2 * len(MAKERS)  # one generate and one stream each; the repeat hit
    everything = await stored_bytes()
    assert everything
    assert CANARY.encode() not in everything
    assert not any(CANARY in key for key in keys)


def _context(model: LanguageModel, text: str) -> WrapContext:
    async def never() -> Any:
        raise AssertionError

    inner = model.inner if isinstance(model, WrappedModel) else model
    return WrapContext("generate", prepare_call(prompt=text), inner, never, never)
