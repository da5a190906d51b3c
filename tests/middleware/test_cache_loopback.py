"""The cache in front of the real OpenAI chat terminal talking to a loopback HTTP server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from middleware.cache import CacheMiddleware, CacheStats
from middleware.stores import DiskStore
from pipeline.chain import wrap_model
from pipeline.errors import ModelCallError
from pipeline.generate import generate_text, prepare_call, stream_text
from pipeline.stream import StreamPart
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing.openai import stream_chunks, stream_reply, text_reply
from tests.middleware.cache_samples import unmarked_part

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
