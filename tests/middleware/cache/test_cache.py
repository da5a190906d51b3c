"""CacheMiddleware behaviour over MemoryStore and MockLanguageModel."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import anyio
import httpx
import pytest
import trio

from middleware.cache.call_cache import CacheMiddleware, CacheStats, cache_flag
from middleware.cache.codec import encode_generate, encode_stream
from middleware.cache.stores import CircuitBreaker, MemoryStore, StoreUnavailableError
from pipeline.chain import Middleware, TransformContext, wrap_model
from pipeline.errors import APICallError, CacheMissError, InvalidArgumentError
from pipeline.generate import generate_text, stream_text
from pipeline.model import EndpointIdentity, LanguageModel, SupportedUrls
from pipeline.params import CallParams
from pipeline.result import FileContent, GenerateResult, RequestMetadata, ResponseMetadata, TextContent
from pipeline.stream import ErrorPart, FinishPart, StreamPart, StreamResult, TextDeltaPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts
from tests.middleware.cache.cache_samples import CountingStore, read_all, rich_parts, rich_result, unmarked


def params(text: str = "Hi", **options: Any) -> CallParams:
    message = {"role": "user", "content": [{"type": "text", "text": text}]}
    return CallParams.model_validate({"prompt": [message], **options})


def cached(model: LanguageModel, store: Any = None, **settings: Any) -> tuple[LanguageModel, CacheMiddleware]:
    cache = CacheMiddleware(store if store is not None else MemoryStore(), **settings)
    return wrap_model(model, cache), cache


def stream_of(parts: Sequence[Any]) -> Any:
    """A stream script that also records whether the stream was closed."""

    async def script(_: CallParams) -> StreamResult:
        async def generate() -> AsyncGenerator[StreamPart, None]:
            for part in parts:
                if isinstance(part, BaseException):
                    raise part
                yield part

        return StreamResult(
            stream=generate(),
            request=RequestMetadata(body={"n": 1}),
            response=ResponseMetadata(headers={"x": "y"}),
        )

    return script


# -- generate ------------------------------------------------------------------------------------


async def test_generate_miss_calls_the_model_then_a_hit_does_not() -> None:
    model = MockLanguageModel(generate=rich_result())
    wrapped, cache = cached(model)
    first = await wrapped.do_generate(params())
    second = await wrapped.do_generate(params())
    assert unmarked(first) == unmarked(second) == rich_result()
    assert first.provider_metadata is not None and second.provider_metadata is not None
    assert (first.provider_metadata["modelpipe"], second.provider_metadata["modelpipe"]) == (
        {"cache": "miss"},
        {"cache": "hit"},
    )
    assert len(model.generate_calls) == 1
    assert cache.stats == CacheStats(hits=1, misses=1, writes=1, errors=0)


async def test_different_requests_do_not_share_an_entry() -> None:
    model = MockLanguageModel(generate=[text_result("a"), text_result("b")])
    wrapped, _ = cached(model)
    assert (await wrapped.do_generate(params("x"))).text == "a"
    assert (await wrapped.do_generate(params("y"))).text == "b"
    assert (await wrapped.do_generate(params("x", temperature=0.3))).text == "b"
    assert len(model.generate_calls) == 3


async def test_generate_and_stream_of_the_same_request_have_separate_entries() -> None:
    model = MockLanguageModel()
    wrapped, _ = cached(model)
    await wrapped.do_generate(params())
    await read_all(await wrapped.do_stream(params()))
    assert len(model.calls) == 2


@pytest.mark.parametrize("reason", ["error", "other", "length", "content-filter"])
async def test_generate_results_with_unlisted_finish_reasons_are_not_stored(reason: Any) -> None:
    model = MockLanguageModel(generate=text_result("x", finish_reason=reason))
    wrapped, cache = cached(model)
    await wrapped.do_generate(params())
    await wrapped.do_generate(params())
    assert len(model.generate_calls) == 2
    assert cache.stats.writes == 0


async def test_length_and_content_filter_are_stored_when_configured() -> None:
    model = MockLanguageModel(
        generate=[text_result("x", finish_reason="length"), text_result("y", finish_reason="content-filter")]
    )
    wrapped, _ = cached(model, cache_finish_reasons={"stop", "length", "content-filter"})
    for text in ("a", "b", "a", "b"):
        await wrapped.do_generate(params(text))
    assert len(model.generate_calls) == 2


@pytest.mark.parametrize("reason", ["error", "other"])
def test_error_and_other_can_never_be_configured(reason: Any) -> None:
    with pytest.raises(ValueError, match="never cached"):
        CacheMiddleware(MemoryStore(), cache_finish_reasons={"stop", reason})


async def test_a_failed_call_is_not_stored_and_its_error_propagates() -> None:
    model = MockLanguageModel(generate=[APICallError("boom", url="u", status_code=500), text_result("ok")])
    wrapped, cache = cached(model)
    with pytest.raises(APICallError):
        await wrapped.do_generate(params())
    assert (await wrapped.do_generate(params())).text == "ok"
    assert (await wrapped.do_generate(params())).text == "ok"
    assert len(model.generate_calls) == 2
    assert cache.stats.writes == 1


async def test_entries_over_max_entry_bytes_are_not_stored() -> None:
    model = MockLanguageModel(generate=text_result("x" * 5000))
    wrapped, cache = cached(model, max_entry_bytes=4000)
    await wrapped.do_generate(params())
    await wrapped.do_generate(params())
    assert len(model.generate_calls) == 2
    assert cache.stats == CacheStats(hits=0, misses=2, writes=0, errors=0)


async def test_ttl_is_passed_to_the_store_and_entries_expire() -> None:
    now = [100.0]
    store = MemoryStore(clock=lambda: now[0])
    model = MockLanguageModel()
    wrapped, _ = cached(model, store, ttl=60)
    await wrapped.do_generate(params())
    now[0] += 59
    await wrapped.do_generate(params())
    now[0] += 2
    await wrapped.do_generate(params())
    assert len(model.generate_calls) == 2


async def test_namespaces_keep_entries_apart() -> None:
    store = MemoryStore()
    model = MockLanguageModel(generate=[text_result("a"), text_result("b")])
    tenant_a, _ = cached(model, store, namespace="a")
    tenant_b, _ = cached(model, store, namespace="b")
    assert (await tenant_a.do_generate(params())).text == "a"
    assert (await tenant_b.do_generate(params())).text == "b"
    assert (await tenant_a.do_generate(params())).text == "a"
    assert len(store) == 2


async def test_clear_empties_the_store() -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model)
    await wrapped.do_generate(params())
    await cache.clear()
    await wrapped.do_generate(params())
    assert len(model.generate_calls) == 2


async def test_a_user_key_function_decides_what_is_shared() -> None:
    def one_key(
        provider: str,
        model_id: str,
        call_type: Any,
        p: CallParams,
        *,
        namespace: Any = None,
        endpoint: Any = None,
    ) -> str:
        return f"{call_type}:always"

    model = MockLanguageModel(generate=[text_result("first"), text_result("second")])
    wrapped, _ = cached(model, key_function=one_key)
    await wrapped.do_generate(params("x"))
    assert (await wrapped.do_generate(params("completely different"))).text == "first"


def url_prompt() -> CallParams:
    image = {"type": "file", "data": httpx.URL("https://example.com/cat.png"), "mediaType": "image/png"}
    return CallParams.model_validate({"prompt": [{"role": "user", "content": [image]}]})


async def test_a_prompt_with_url_attachments_is_not_cached_by_default() -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model)
    for _ in range(2):
        await wrapped.do_generate(url_prompt())
        await read_all(await wrapped.do_stream(url_prompt()))
    assert len(model.calls) == 4
    assert cache.stats == CacheStats()


@pytest.mark.parametrize("settings", [{"cache_url_attachments": True}, {"mode": "record"}])
async def test_url_attachments_are_cached_when_allowed_or_recording(settings: dict[str, Any]) -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model, **settings)
    for _ in range(2):
        await wrapped.do_generate(url_prompt())
    assert cache.stats.writes >= 1
    if settings.get("cache_url_attachments"):
        assert len(model.generate_calls) == 1


# -- per-call flags and modes ---------------------------------------------------------------------


def flagged(flag: str, text: str = "Hi") -> CallParams:
    return params(text, providerOptions={"modelpipe": {"cache": flag}})


async def test_bypass_neither_reads_nor_writes() -> None:
    model = MockLanguageModel(generate=[text_result("a"), text_result("b"), text_result("c")])
    wrapped, cache = cached(model)
    await wrapped.do_generate(params())
    assert (await wrapped.do_generate(flagged("bypass"))).text == "b"
    assert (await wrapped.do_generate(params())).text == "a"
    assert cache.stats == CacheStats(hits=1, misses=1, writes=1, errors=0)
    await read_all(await wrapped.do_stream(flagged("bypass")))
    await read_all(await wrapped.do_stream(params()))
    assert len(model.stream_calls) == 2


async def test_refresh_calls_the_model_and_overwrites_the_entry() -> None:
    model = MockLanguageModel(generate=[text_result("old"), text_result("new")])
    wrapped, cache = cached(model)
    await wrapped.do_generate(params())
    assert (await wrapped.do_generate(flagged("refresh"))).text == "new"
    assert (await wrapped.do_generate(params())).text == "new"
    assert cache.stats == CacheStats(hits=1, misses=2, writes=2, errors=0)


async def test_refresh_works_for_streams() -> None:
    scripts: list[Any] = [text_stream_parts(["old"]), text_stream_parts(["new"])]
    model = MockLanguageModel(stream=scripts)
    wrapped, _ = cached(model)
    await read_all(await wrapped.do_stream(params()))
    await read_all(await wrapped.do_stream(flagged("refresh")))
    replayed = await read_all(await wrapped.do_stream(params()))
    assert [p.delta for p in replayed if isinstance(p, TextDeltaPart)] == ["new"]


def test_an_unknown_flag_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="bypass"):
        cache_flag(flagged("sometimes"))
    assert cache_flag(params()) is None
    assert cache_flag(flagged("refresh")) == "refresh"


async def test_replay_mode_serves_recordings_and_never_calls_the_model_on_a_miss() -> None:
    store = MemoryStore()
    recorder = MockLanguageModel(generate=text_result("recorded"))
    recording, _ = cached(recorder, store, mode="record")
    await recording.do_generate(params())
    await read_all(await recording.do_stream(params()))

    offline = MockLanguageModel(generate=APICallError("must not be called", url="u"))
    replaying, cache = cached(offline, store, mode="replay")
    assert (await replaying.do_generate(params())).text == "recorded"
    assert (await replaying.do_generate(flagged("bypass"))).text == "recorded"
    assert await read_all(await replaying.do_stream(params())) == text_stream_parts(["Hel", "lo", "!"])
    with pytest.raises(CacheMissError) as missed:
        await replaying.do_generate(params("never recorded"))
    assert len(missed.value.key) == 64
    assert str(missed.value).startswith(
        "No recorded answer for model mock:mock-model (prompt: 'never recorded'); cache key "
    )
    with pytest.raises(CacheMissError, match="prompt: 'never recorded'"):
        await replaying.do_stream(params("never recorded"))
    assert offline.calls == []
    assert cache.stats == CacheStats(hits=3, misses=2, writes=0, errors=0)


async def test_record_mode_always_calls_and_stores() -> None:
    model = MockLanguageModel(generate=[text_result("a"), text_result("b")])
    wrapped, cache = cached(model, mode="record")
    await wrapped.do_generate(params())
    await wrapped.do_generate(params())
    assert len(model.generate_calls) == 2
    assert cache.stats.writes == 2


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        CacheMiddleware(MemoryStore(), mode="sometimes")  # type: ignore[arg-type]


# -- stream ---------------------------------------------------------------------------------------


async def test_stream_replay_equals_the_recorded_sequence() -> None:
    model = MockLanguageModel(stream=stream_of(rich_parts()))
    wrapped, cache = cached(model)
    first = await wrapped.do_stream(params())
    recorded = await read_all(first)
    replay = await wrapped.do_stream(params())
    assert await read_all(replay) == recorded == rich_parts()
    assert (replay.request, replay.response) == (first.request, first.response)
    assert len(model.stream_calls) == 1
    assert cache.stats == CacheStats(hits=1, misses=1, writes=1, errors=0)


async def test_a_recorded_stream_is_stored_exactly_as_the_codec_encodes_its_parts() -> None:
    # The recorder packs deltas as they arrive; its entry must be the codec's own encoding of the parts.
    store = MemoryStore()
    model = MockLanguageModel(stream=stream_of(rich_parts()))
    wrapped, _ = cached(model, store)
    recorded = await wrapped.do_stream(params())
    await read_all(recorded)
    [(key, (entry, _))] = store._entries.items()
    assert entry == encode_stream(key, rich_parts(), recorded.request, recorded.response)


async def test_a_stream_miss_passes_parts_through_as_they_arrive() -> None:
    release = anyio.Event()

    async def script(_: CallParams) -> StreamResult:
        async def generate() -> AsyncGenerator[StreamPart, None]:
            yield TextDeltaPart(id="0", delta="early")
            await release.wait()
            yield FinishPart(finish_reason="stop")

        return StreamResult(stream=generate())

    wrapped, _ = cached(MockLanguageModel(stream=script))
    result = await wrapped.do_stream(params())
    with anyio.fail_after(1):
        first = await anext(result.stream)
    assert first == TextDeltaPart(id="0", delta="early")
    release.set()
    assert [part.type async for part in result.stream] == ["finish"]


async def test_a_stream_the_consumer_stops_reading_is_not_stored_and_is_closed() -> None:
    closed = []

    async def script(_: CallParams) -> StreamResult:
        async def generate() -> AsyncGenerator[StreamPart, None]:
            try:
                for part in text_stream_parts(["a", "b", "c", "d"]):
                    yield part
            finally:
                closed.append(True)

        return StreamResult(stream=generate())

    model = MockLanguageModel(stream=script)
    wrapped, cache = cached(model)
    result = await wrapped.do_stream(params())
    async for index, _ in aenumerate(result.stream):
        if index == 2:
            break
    await result.stream.aclose()
    assert closed == [True]
    await read_all(await wrapped.do_stream(params()))
    assert len(model.stream_calls) == 2
    assert cache.stats.writes == 1


async def aenumerate(stream: AsyncGenerator[StreamPart, None]) -> AsyncGenerator[tuple[int, StreamPart]]:
    index = 0
    async for part in stream:
        yield index, part
        index += 1


async def test_a_stream_stopped_just_after_its_finish_part_is_not_stored() -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model)
    result = await wrapped.do_stream(params())
    async for part in result.stream:
        if isinstance(part, FinishPart):
            break
    await result.stream.aclose()
    assert cache.stats.writes == 0


async def test_a_cancelled_stream_is_not_stored() -> None:
    gate = anyio.Event()

    async def script(_: CallParams) -> StreamResult:
        async def generate() -> AsyncGenerator[StreamPart, None]:
            yield TextDeltaPart(id="0", delta="a")
            await gate.wait()
            yield FinishPart(finish_reason="stop")

        return StreamResult(stream=generate())

    wrapped, cache = cached(MockLanguageModel(stream=script))
    result = await wrapped.do_stream(params())
    with anyio.move_on_after(0.05):
        await read_all(result)
    await result.stream.aclose()
    assert cache.stats.writes == 0


CUT_STREAMS: dict[str, list[Any]] = {
    "exception mid-stream": [*text_stream_parts(["a", "b"])[:4], APICallError("reset", url="u")],
    "error part": [
        *text_stream_parts(["a"])[:-1],
        ErrorPart(error={"message": "overloaded"}),
        text_stream_parts(["a"])[-1],
    ],
    "no finish part": text_stream_parts(["a", "b"])[:-1],
    "finish error": text_stream_parts(["a"], finish_reason="error"),
    "finish other": text_stream_parts(["a"], finish_reason="other"),
    "finish length": text_stream_parts(["a"], finish_reason="length"),
    "finish content-filter": text_stream_parts(["a"], finish_reason="content-filter"),
}


@pytest.mark.parametrize("case", sorted(CUT_STREAMS))
async def test_incomplete_or_unsuccessful_streams_are_not_stored(case: str) -> None:
    model = MockLanguageModel(stream=stream_of(CUT_STREAMS[case]))
    wrapped, cache = cached(model)
    for _ in range(2):
        with contextlib.suppress(APICallError):
            await read_all(await wrapped.do_stream(params()))
    assert len(model.stream_calls) == 2
    assert cache.stats.writes == 0


async def test_stream_with_length_finish_is_stored_when_configured() -> None:
    model = MockLanguageModel(stream=text_stream_parts(["a"], finish_reason="length"))
    wrapped, _ = cached(model, cache_finish_reasons={"stop", "length"})
    await read_all(await wrapped.do_stream(params()))
    await read_all(await wrapped.do_stream(params()))
    assert len(model.stream_calls) == 1


async def test_a_stream_over_max_entry_bytes_is_passed_through_but_not_stored() -> None:
    big = text_stream_parts(["x" * 1000] * 20)
    model = MockLanguageModel(stream=big)
    wrapped, cache = cached(model, max_entry_bytes=10_000)
    assert await read_all(await wrapped.do_stream(params())) == big
    await read_all(await wrapped.do_stream(params()))
    assert len(model.stream_calls) == 2
    assert cache.stats.writes == 0


async def test_a_stream_with_a_large_file_part_over_the_cap_is_not_stored() -> None:
    parts: list[StreamPart] = [
        FileContent(media_type="image/png", data=b"\x00" * 20_000),
        FinishPart(finish_reason="stop"),
    ]
    model = MockLanguageModel(stream=parts)
    wrapped, cache = cached(model, max_entry_bytes=10_000)
    await read_all(await wrapped.do_stream(params()))
    assert cache.stats.writes == 0


async def test_replay_can_be_paced() -> None:
    model = MockLanguageModel()
    wrapped, _ = cached(model, replay_delay=0.02)
    recorded = await read_all(await wrapped.do_stream(params()))
    started = time.monotonic()
    assert await read_all(await wrapped.do_stream(params())) == recorded
    assert time.monotonic() - started >= 0.02 * len(recorded) * 0.9


# -- single flight --------------------------------------------------------------------------------


def slow_generate(results: list[GenerateResult | BaseException], delay: float = 0.05) -> Any:
    calls: list[int] = []

    async def script(_: CallParams) -> GenerateResult:
        index = len(calls)
        calls.append(index)
        await anyio.sleep(delay)
        outcome = results[min(index, len(results) - 1)]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return script


async def gather_generate(model: LanguageModel, count: int, p: CallParams) -> list[Any]:
    outcomes: list[Any] = [None] * count

    async def one(index: int) -> None:
        try:
            outcomes[index] = await model.do_generate(p)
        except Exception as error:
            outcomes[index] = error

    async with anyio.create_task_group() as group:
        for index in range(count):
            group.start_soon(one, index)
    return outcomes


async def test_concurrent_identical_misses_make_one_model_call() -> None:
    model = MockLanguageModel(generate=slow_generate([text_result("shared")]))
    wrapped, cache = cached(model)
    outcomes = await gather_generate(wrapped, 8, params())
    assert [o.text for o in outcomes] == ["shared"] * 8
    assert len(model.generate_calls) == 1
    assert cache.stats == CacheStats(hits=7, misses=1, writes=1, errors=0)


async def test_after_a_failed_lead_one_waiter_leads_and_the_others_reuse_its_result() -> None:
    model = MockLanguageModel(generate=slow_generate([APICallError("boom", url="u"), text_result("ok")]))
    wrapped, cache = cached(model)
    outcomes = await gather_generate(wrapped, 8, params())
    assert sum(isinstance(o, APICallError) for o in outcomes) == 1
    assert [o.text for o in outcomes if isinstance(o, GenerateResult)] == ["ok"] * 7
    assert len(model.generate_calls) == 2  # the failed lead, then exactly one more
    assert cache.stats == CacheStats(hits=6, misses=2, writes=1, errors=0)


async def test_when_leads_keep_failing_each_waiter_leads_in_turn_and_gets_its_own_error() -> None:
    model = MockLanguageModel(generate=slow_generate([APICallError("boom", url="u")], delay=0.01))
    wrapped, _ = cached(model)
    outcomes = await gather_generate(wrapped, 4, params())
    assert all(isinstance(o, APICallError) for o in outcomes)
    assert len(model.generate_calls) == 4


async def test_waiters_do_not_reuse_a_result_that_may_not_be_cached() -> None:
    model = MockLanguageModel(generate=slow_generate([text_result("cut", finish_reason="length")]))
    wrapped, _ = cached(model)
    await gather_generate(wrapped, 3, params())
    assert len(model.generate_calls) >= 2


async def test_waiters_make_their_own_call_when_the_leader_is_cancelled() -> None:
    model = MockLanguageModel(generate=slow_generate([text_result("late"), text_result("own")], delay=0.1))
    wrapped, cache = cached(model)
    outcome: list[GenerateResult] = []

    async def leader() -> None:
        with anyio.move_on_after(0.03):
            await wrapped.do_generate(params())

    async def waiter() -> None:
        await anyio.sleep(0.01)
        outcome.append(await wrapped.do_generate(params()))

    async with anyio.create_task_group() as group:
        group.start_soon(leader)
        group.start_soon(waiter)
    assert [o.text for o in outcome] == ["own"]
    assert len(model.generate_calls) == 2
    assert cache.stats.writes == 1


async def test_single_flight_can_be_switched_off() -> None:
    model = MockLanguageModel(generate=slow_generate([text_result("x")]))
    wrapped, _ = cached(model, single_flight=False)
    await gather_generate(wrapped, 3, params())
    assert len(model.generate_calls) == 3


async def test_concurrent_identical_stream_misses_each_call_the_model() -> None:
    model = MockLanguageModel()
    wrapped, _ = cached(model)
    results = [await wrapped.do_stream(params()) for _ in range(2)]
    assert [await read_all(r) for r in results] == [text_stream_parts(["Hel", "lo", "!"])] * 2
    assert len(model.stream_calls) == 2


def test_the_cache_runs_on_trio_too() -> None:
    async def main() -> tuple[list[Any], list[StreamPart], CacheStats]:
        model = MockLanguageModel(generate=slow_generate([text_result("t")], delay=0.01))
        wrapped, cache = cached(model)
        outcomes = await gather_generate(wrapped, 3, params())
        await read_all(await wrapped.do_stream(params()))
        replay = await read_all(await wrapped.do_stream(params()))
        return outcomes, replay, cache.stats

    outcomes, replay, stats = trio.run(main)
    assert [o.text for o in outcomes] == ["t"] * 3
    assert replay == text_stream_parts(["Hel", "lo", "!"])
    assert stats == CacheStats(hits=3, misses=2, writes=2, errors=0)


# -- broken stores --------------------------------------------------------------------------------


class BrokenStore:
    """A store whose every operation raises."""

    def __init__(self) -> None:
        self.attempts = 0

    async def get(self, key: str) -> bytes | None:
        self.attempts += 1
        raise OSError("database or disk is full")

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self.attempts += 1
        raise OSError("database or disk is full")

    async def delete(self, key: str) -> None:
        raise OSError("gone")

    async def clear(self) -> None:
        raise OSError("gone")


class HangingStore(BrokenStore):
    """A store whose every operation never returns."""

    async def get(self, key: str) -> bytes | None:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        await anyio.sleep_forever()


async def test_a_store_that_raises_never_fails_the_call(caplog: pytest.LogCaptureFixture) -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model, BrokenStore())
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        assert (await wrapped.do_generate(params())).text == "Hello!"
        assert await read_all(await wrapped.do_stream(params())) == text_stream_parts(["Hel", "lo", "!"])
    assert cache.stats == CacheStats(hits=0, misses=2, writes=0, errors=4)
    assert any("disk is full" in record.getMessage() for record in caplog.records)
    assert all(record.name == "modelpipe.cache" for record in caplog.records)
    with pytest.raises(OSError):
        await cache.clear()


async def test_a_hanging_store_costs_at_most_its_deadline() -> None:
    model = MockLanguageModel()
    wrapped, cache = cached(model, HangingStore(), store_timeout=0.05)
    started = time.monotonic()
    assert (await wrapped.do_generate(params())).text == "Hello!"
    assert await read_all(await wrapped.do_stream(params())) == text_stream_parts(["Hel", "lo", "!"])
    assert time.monotonic() - started < 4 * 0.05 + 0.3
    assert cache.stats.errors == 4


async def test_a_corrupt_entry_is_a_miss_and_is_deleted(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()
    model = MockLanguageModel(generate=text_result("fresh"))
    wrapped, cache = cached(model, store)
    key = await key_of(cache, model)
    await store.set(key, b"MPC1 garbage")
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        assert (await wrapped.do_generate(params())).text == "fresh"
    assert "CorruptEntryError" in caplog.text
    assert (await wrapped.do_generate(params())).text == "fresh"
    assert len(model.generate_calls) == 1
    assert cache.stats == CacheStats(hits=1, misses=1, writes=1, errors=1)


async def test_an_entry_stored_under_another_key_is_refused() -> None:
    store = MemoryStore()
    model = MockLanguageModel(generate=text_result("right"))
    wrapped, cache = cached(model, store)
    key = await key_of(cache, model)
    await store.set(key, encode_generate("another-key", text_result("wrong")))
    assert (await wrapped.do_generate(params())).text == "right"
    assert cache.stats.errors == 1


async def key_of(cache: CacheMiddleware, model: MockLanguageModel) -> str:
    from pipeline.chain import WrapContext

    async def never() -> Any:
        raise AssertionError

    return await cache.key_for(WrapContext("generate", params(), model, never, never))


async def test_an_open_breaker_is_counted_but_logged_quietly(caplog: pytest.LogCaptureFixture) -> None:
    class Refusing(BrokenStore):
        async def get(self, key: str) -> bytes | None:
            raise StoreUnavailableError("open")

    wrapped, cache = cached(MockLanguageModel(), Refusing())
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        await wrapped.do_generate(params())
    assert cache.stats.errors == 2
    assert "StoreUnavailableError" not in caplog.text


async def test_an_unencodable_stream_is_passed_through_and_counted() -> None:
    from pipeline.stream import RawPart

    parts = [RawPart(raw_value=object()), *text_stream_parts(["a"])]
    wrapped, cache = cached(MockLanguageModel(stream=parts))
    assert await read_all(await wrapped.do_stream(params())) == parts
    assert cache.stats == CacheStats(hits=0, misses=1, writes=0, errors=1)


# -- store pieces ---------------------------------------------------------------------------------


def test_circuit_breaker_opens_half_opens_and_closes() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=3, cooldown=10, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure()
    breaker.check()
    breaker.record_failure()
    assert breaker.is_open
    with pytest.raises(StoreUnavailableError):
        breaker.check()
    now[0] = 10.5
    breaker.check()  # the trial
    with pytest.raises(StoreUnavailableError):
        breaker.check()  # only one trial at a time
    breaker.record_failure()
    assert breaker.is_open
    now[0] = 21.0
    breaker.check()
    breaker.record_success()
    assert not breaker.is_open
    breaker.check()


async def test_memory_store_evicts_the_oldest_entries() -> None:
    store = MemoryStore(max_entries=2)
    for key in ("a", "b", "c"):
        await store.set(key, key.encode())
    assert [await store.get(k) for k in ("a", "b", "c")] == [None, b"b", b"c"]
    await store.delete("b")
    assert len(store) == 1


async def test_cached_text_content_survives_unicode() -> None:
    model = MockLanguageModel(
        generate=GenerateResult(content=[TextContent(text="🎉 ünïcödé \u2028")], finish_reason="stop")
    )
    wrapped, _ = cached(model)
    await wrapped.do_generate(params())
    assert (await wrapped.do_generate(params())).text == "🎉 ünïcödé \u2028"


@pytest.mark.parametrize("streamed", [False, True], ids=["generate", "stream"])
async def test_retries_read_the_store_once_per_call_and_store_the_success(streamed: bool) -> None:
    failure = APICallError("overloaded", url="u", status_code=503, is_retryable=True, retry_after=0.01)
    streams: list[Any] = [failure, failure, text_stream_parts(["ok"])]
    model = MockLanguageModel(generate=[failure, failure, text_result("ok")], stream=streams)
    store = CountingStore()
    wrapped, cache = cached(model, store)
    if streamed:
        async with stream_text(wrapped, prompt="Hi", max_retries=2) as result:
            text = await result.text()
    else:
        text = (await generate_text(wrapped, prompt="Hi", max_retries=2)).text
    assert text == "ok"
    assert store.reads == 1  # not 3: the retry attempts go straight to the model
    assert len(store) == 1 and cache.stats.writes == 1
    assert cache.stats.misses == 3  # every model call counts, as for refresh


# -- who answers: endpoint identity ---------------------------------------------------------------


def tenant(name: str, base_url: str = "https://api.example/v1", **credentials: Any) -> MockLanguageModel:
    identity = EndpointIdentity.of("mock", base_url, {"api_key": f"sk-{name}", **credentials})
    return MockLanguageModel(generate=text_result(f"answer for {name}"), identity=identity)


@pytest.mark.parametrize(
    "other",
    [
        tenant("b"),
        tenant("a", base_url="https://proxy.example/v1"),
        tenant("a", organization="org-2"),
        tenant("a", project="proj-2"),
        tenant("a", headers={"x-tenant": "2"}),
    ],
    ids=["api key", "base url", "organization", "project", "constructor header"],
)
async def test_two_tenants_never_share_an_entry(other: MockLanguageModel) -> None:
    store = MemoryStore()
    first = tenant("a")
    assert (await wrap_model(first, CacheMiddleware(store)).do_generate(params())).text == "answer for a"
    second_cache = CacheMiddleware(store)
    assert (await wrap_model(other, second_cache).do_generate(params())).text == other.generate.text  # type: ignore[union-attr]
    assert len(other.generate_calls) == 1
    assert second_cache.stats.hits == 0 and len(store) == 2


async def test_the_same_tenant_hits_across_model_instances() -> None:
    store = MemoryStore()
    await wrap_model(tenant("a"), CacheMiddleware(store)).do_generate(params())
    again = tenant("a")
    assert (await wrap_model(again, CacheMiddleware(store)).do_generate(params())).text == "answer for a"
    assert again.generate_calls == []


async def test_sharing_across_credentials_is_an_explicit_choice() -> None:
    store = MemoryStore()
    await wrap_model(tenant("a"), CacheMiddleware(store, share_across_credentials=True)).do_generate(params())
    other_key = tenant("b")
    shared = CacheMiddleware(store, share_across_credentials=True)
    assert (await wrap_model(other_key, shared).do_generate(params())).text == "answer for a"
    assert other_key.generate_calls == []
    elsewhere = tenant("a", base_url="https://proxy.example/v1")
    await wrap_model(elsewhere, CacheMiddleware(store, share_across_credentials=True)).do_generate(params())
    assert len(elsewhere.generate_calls) == 1  # the base URL still separates


class HandWrapper:
    """A wrapper written by hand: it forwards the calls but declares neither identity nor params."""

    def __init__(self, inner: MockLanguageModel) -> None:
        self.inner = inner
        self.provider, self.model_id = inner.provider, inner.model_id
        self.supported_urls: SupportedUrls = {}

    async def do_generate(self, p: CallParams) -> GenerateResult:
        return await self.inner.do_generate(p.model_copy(update={"temperature": 0.9}))


async def test_a_wrapper_that_does_not_declare_the_protocol_is_refused_before_any_call() -> None:
    inner = MockLanguageModel()
    wrapped, cache = cached(HandWrapper(inner))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="endpoint_identity"):
        await wrapped.do_generate(params())
    assert inner.calls == [] and cache.stats == CacheStats()


async def test_inner_transforms_run_once_per_cached_call() -> None:
    runs: list[str] = []

    class Counting(Middleware):
        async def transform_params(self, ctx: TransformContext) -> CallParams:
            runs.append(ctx.type)
            return ctx.params.model_copy(update={"seed": 7})

    model = MockLanguageModel()
    wrapped = wrap_model(model, [CacheMiddleware(MemoryStore()), Counting()])
    await wrapped.do_generate(params())  # miss: the key's resolution is reused by the call
    assert runs == ["generate"]
    assert model.generate_calls[0].seed == 7
    await wrapped.do_generate(params())  # hit: resolved for the key only
    assert runs == ["generate", "generate"]
    await read_all(await wrapped.do_stream(params()))
    assert runs == ["generate", "generate", "stream"]
    assert model.stream_calls[0].seed == 7


@pytest.mark.parametrize("call_type", ["generate", "stream"])
async def test_a_hit_keeps_none_of_the_resolved_params_in_the_task(call_type: str) -> None:
    from pipeline import chain

    class Seeding(Middleware):
        async def transform_params(self, ctx: TransformContext) -> CallParams:
            return ctx.params.model_copy(update={"seed": 7})

    wrapped = wrap_model(MockLanguageModel(), [CacheMiddleware(MemoryStore()), Seeding()])
    for _ in range(2):  # a miss, then a hit
        if call_type == "generate":
            await wrapped.do_generate(params())
        else:
            await read_all(await wrapped.do_stream(params()))
    assert not chain._resolved.get()
