"""DiskStore: bytes only, never pickle, short timeouts, several processes on one directory."""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import diskcache
import pytest

from middleware.cache.call_cache import CacheMiddleware, CacheStats, default_cache_directory
from middleware.cache.codec import CorruptEntryError
from middleware.cache.stores import DiskStore, SafeDisk, StoreUnavailableError
from pipeline.chain import WrapContext, wrap_model
from pipeline.testing import MockLanguageModel, text_result
from tests.middleware.cache.cache_disk_worker import KEYS, RELAXED, answer_text, prompt
from tests.middleware.cache.cache_samples import read_all, rich_parts, rich_result, unmarked

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every unpickling entry point explode, and record any attempt."""
    attempts: list[str] = []

    def explode(*args: Any, **kwargs: Any) -> Any:
        attempts.append("unpickle")
        raise AssertionError("pickle must never be loaded")

    monkeypatch.setattr(pickle, "load", explode)
    monkeypatch.setattr(pickle, "loads", explode)
    monkeypatch.setattr(pickle, "Unpickler", explode)
    return attempts


async def key_of(cache: CacheMiddleware, model: MockLanguageModel, index: int) -> str:
    async def never() -> Any:
        raise AssertionError

    return await cache.key_for(WrapContext("generate", prompt(index), model, never, never))


async def test_results_and_streams_round_trip_through_the_disk(
    tmp_path: Path, no_unpickling: list[str]
) -> None:
    store = DiskStore(tmp_path / "cache")
    model = MockLanguageModel(generate=rich_result(), stream=rich_parts())
    wrapped = wrap_model(model, CacheMiddleware(store, store_timeout=RELAXED))
    for _ in range(2):
        assert unmarked(await wrapped.do_generate(prompt(1))) == rich_result()
        assert await read_all(await wrapped.do_stream(prompt(1))) == rich_parts()
    assert len(model.calls) == 2
    assert no_unpickling == []


async def test_a_large_entry_lives_in_a_file_and_round_trips(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache")
    model = MockLanguageModel(generate=text_result(answer_text(0)))
    wrapped = wrap_model(model, CacheMiddleware(store, store_timeout=RELAXED))
    await wrapped.do_generate(prompt(0))
    await store.flush()
    assert list((tmp_path / "cache").rglob("*.val"))
    assert (await wrapped.do_generate(prompt(0))).text == answer_text(0)
    assert len(model.generate_calls) == 1


async def test_store_contract(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache")
    assert await store.get("k") is None
    await store.set("k", b"v")
    assert await store.get("k") == b"v"
    await store.set("short", b"x", ttl=0.05)
    await anyio.sleep(0.1)
    assert await store.get("short") is None
    await store.delete("k")
    await store.delete("k")
    assert await store.get("k") is None
    await store.set("a", b"1")
    await store.clear()
    assert await store.get("a") is None
    with pytest.raises(TypeError):
        await store.set("k", "text")  # type: ignore[arg-type]


def plant(directory: Path, key: str, mode: int, value: Any, filename: str | None = None) -> None:
    """Rewrite the row of ``key`` behind diskcache's back, as an attacker with write access could."""
    with sqlite3.connect(directory / "cache.db") as db:
        db.execute(
            "UPDATE Cache SET mode = ?, value = ?, filename = ? WHERE key = ?", (mode, value, filename, key)
        )


class Exploit:
    def __reduce__(self) -> Any:
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize("row", ["pickle in row", "pickle in file", "text in file"])
async def test_a_planted_row_is_a_miss_and_is_deleted(
    tmp_path: Path, no_unpickling: list[str], row: str, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    model = MockLanguageModel(generate=[text_result("one"), text_result("two")])
    wrapped = wrap_model(model, cache)
    await wrapped.do_generate(prompt(1))
    await store.flush()
    key = await key_of(cache, model, 1)
    malicious = pickle.dumps(Exploit())
    if row == "pickle in row":
        plant(directory, key, 4, malicious)
    else:
        (directory / "planted.val").write_bytes(malicious)
        plant(directory, key, 4 if row == "pickle in file" else 3, None, "planted.val")

    assert (await wrapped.do_generate(prompt(1))).text == "two"
    assert no_unpickling == []
    assert cache.stats == CacheStats(hits=0, misses=2, writes=2, errors=1)
    assert "refused" in caplog.text
    await store.flush()
    with pytest.raises(CorruptEntryError):
        plant(directory, key, 4, malicious)
        await store.get(key)
    assert await store.get(key) is None


async def test_a_corrupt_row_is_a_miss_and_neighbours_survive(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    model = MockLanguageModel(generate=[text_result("a"), text_result("b"), text_result("c")])
    wrapped = wrap_model(model, cache)
    await wrapped.do_generate(prompt(1))
    await wrapped.do_generate(prompt(2))
    await store.flush()
    plant(directory, await key_of(cache, model, 1), 1, b"MPC1" + b"\x00" * 40)
    assert (await wrapped.do_generate(prompt(1))).text == "c"
    assert (await wrapped.do_generate(prompt(2))).text == "b"
    assert cache.stats.errors == 1


async def test_a_vanished_value_file_is_a_miss(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache")
    model = MockLanguageModel(generate=text_result(answer_text(0)))
    wrapped = wrap_model(model, CacheMiddleware(store, store_timeout=RELAXED))
    await wrapped.do_generate(prompt(0))
    await store.flush()
    for file in (tmp_path / "cache").rglob("*.val"):
        file.unlink()
    assert (await wrapped.do_generate(prompt(0))).text == answer_text(0)
    assert len(model.generate_calls) == 2


async def test_a_locked_database_costs_at_most_the_deadline(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = CacheMiddleware(DiskStore(directory, timeout=0.05, write_behind=False), store_timeout=0.2)
    model = MockLanguageModel()
    wrapped = wrap_model(model, cache)
    locker = sqlite3.connect(directory / "cache.db", isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
        assert time.monotonic() - started < 2 * 0.2 + 0.2
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert cache.stats.errors >= 1
    assert cache.stats.writes == 0


async def test_a_locked_database_does_not_slow_a_write_behind_call_and_the_lost_write_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, timeout=0.05, write_linger=60.0)  # only flush() starts the batch
    cache = CacheMiddleware(store, store_timeout=0.2)
    model = MockLanguageModel()
    wrapped = wrap_model(model, cache)
    locker = sqlite3.connect(directory / "cache.db", isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
        # The call is over while the database is still locked: its write waits in the queue, where
        # this process already reads it, and nothing has tried (or failed) to commit it yet.
        assert await store.get(await key_of(cache, model, 1)) is not None
        assert store.write_failures == 0 and cache.stats.errors == 0
        with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
            await store.flush()
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert store.write_failures == 1
    assert "were not stored" in caplog.text
    assert await store.get(await key_of(cache, model, 1)) is None
    assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
    assert len(model.generate_calls) == 2


async def test_write_behind_reads_its_own_writes_and_commits_them_in_batches(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory)
    await store.set("gone", b"0")
    for index in range(20):
        await store.set(f"k{index}", str(index).encode())
    await store.set("k0", b"newest")
    await store.set("brief", b"x", ttl=0.05)
    await store.delete("gone")
    assert await store.get("k0") == b"newest" and await store.get("k19") == b"19"
    await store.flush()
    other = DiskStore(directory, write_behind=False)
    try:
        assert await other.get("k0") == b"newest" and await other.get("k7") == b"7"
        assert await other.get("gone") is None
        await anyio.sleep(0.1)
        assert await store.get("brief") is None and await other.get("brief") is None
        await store.set("late", b"1")
        store.close()
        assert await other.get("late") == b"1"
    finally:
        other.close()
    with pytest.raises(StoreUnavailableError):
        await store.set("after close", b"1")


async def test_a_full_write_queue_skips_the_write(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache", write_queue_bytes=10)
    with pytest.raises(StoreUnavailableError, match="full"):
        await store.set("big", b"x" * 11)
    await store.set("small", b"x" * 10)
    assert await store.get("small") == b"x" * 10
    store.close()


async def test_a_write_the_full_queue_refuses_is_counted_and_the_call_goes_on(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache", write_queue_bytes=10)
    model = MockLanguageModel()
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    assert (await wrap_model(model, cache).do_generate(prompt(1))).text == "Hello!"
    assert cache.stats == CacheStats(hits=0, misses=1, writes=0, errors=1)
    store.close()


async def test_a_large_or_unusual_row_is_read_through_diskcache(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache", write_behind=False)
    large = b"L" * 100_000
    await store.set("large", large)
    await store.set("small", b"s")
    reads: list[str] = []
    original = store._get_sync

    def counting(key: str) -> bytes | None:
        reads.append(key)
        return original(key)

    store._get_sync = counting  # type: ignore[method-assign]
    assert await store.get("small") == b"s"
    assert await store.get("missing") is None
    assert reads == []
    assert await store.get("large") == large
    assert reads == ["large"]
    store.close()


def worker(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.middleware.cache.cache_disk_worker", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def report(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def test_two_processes_share_one_directory_consistently(tmp_path: Path) -> None:
    directory = str(tmp_path / "cache")
    first, second = worker("hammer", directory, "4"), worker("hammer", directory, "4")
    a, b = report(first), report(second)
    assert a["mismatches"] == b["mismatches"] == 0
    assert a["digests"] == b["digests"]
    assert len(a["digests"]) == 2 * KEYS
    for stats in (a["stats"], b["stats"]):
        assert stats["errors"] == 0
        assert stats["hits"] + stats["misses"] == 4 * 2 * KEYS
    assert a["stats"]["misses"] + b["stats"]["misses"] <= 2 * 2 * KEYS
    check = diskcache.Cache(directory, disk=SafeDisk)
    try:
        assert check.check() == []
    finally:
        check.close()


async def test_sigkill_of_one_writer_leaves_the_other_working(tmp_path: Path) -> None:
    directory = str(tmp_path / "cache")
    writer = worker("write", directory)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        survivor = worker("hammer", directory, "6")
        assert survivor.stdout is not None
        assert survivor.stdout.readline().strip() == "started"
        assert writer.poll() is None
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        result = report(survivor)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        for pipe in (writer.stdout, writer.stderr):
            if pipe is not None:
                pipe.close()
    assert result["mismatches"] == 0
    assert result["stats"]["errors"] == 0

    cache = CacheMiddleware(DiskStore(directory), mode="replay", store_timeout=RELAXED)
    offline = MockLanguageModel()
    wrapped = wrap_model(offline, cache)
    for index in range(KEYS):
        assert (await wrapped.do_generate(prompt(index))).text == answer_text(index)
    assert cache.stats == CacheStats(hits=KEYS, misses=0, writes=0, errors=0)


async def test_the_default_store_is_a_disk_store_in_the_configured_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELPIPE_CACHE_DIR", str(tmp_path / "configured"))
    cache = CacheMiddleware(store_timeout=RELAXED)
    assert isinstance(cache.store, DiskStore)
    assert cache.store.directory == tmp_path / "configured"
    model = MockLanguageModel()
    wrapped = wrap_model(model, cache)
    await wrapped.do_generate(prompt(1))
    await wrapped.do_generate(prompt(1))
    assert len(model.generate_calls) == 1
    assert (tmp_path / "configured" / "cache.db").exists()


def test_default_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MODELPIPE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_directory() == tmp_path / "modelpipe"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_reads_and_writes_through_its_own_connection_and_thread(tmp_path: Path) -> None:
    import anyio

    store = DiskStore(tmp_path / "cache")
    assert store.set_inline("parent", b"p")
    anyio.run(store.flush)
    assert store.get_inline("parent") == b"p"

    async def child() -> bool:
        await store.set("child", b"c")
        await store.flush()
        return await store.get("parent") == b"p"

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe and exit without pytest's teardown
        code = 1
        try:
            code = 0 if anyio.run(child) else 2
        finally:
            os.write(write, bytes([code]))
            os._exit(code)
    os.close(write)
    try:
        assert os.read(read, 1) == bytes([0])
    finally:
        os.close(read)
        os.waitpid(pid, 0)
    other = DiskStore(tmp_path / "cache", write_behind=False)
    try:
        assert anyio.run(other.get, "child") == b"c"
    finally:
        other.close()
        store.close()


async def test_a_lone_write_is_committed_after_the_linger_without_a_flush(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, write_linger=0.3)
    other = DiskStore(directory, write_behind=False)
    try:
        await store.set("k", b"v")
        assert await store.get("k") == b"v"
        assert await other.get("k") is None
        give_up_at = time.monotonic() + 10
        while await other.get("k") is None:
            assert time.monotonic() < give_up_at, "the write was never committed"
            await anyio.sleep(0.02)
        assert await other.get("k") == b"v"
    finally:
        store.close()
        other.close()


async def test_flush_and_close_do_not_wait_for_the_linger(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, write_linger=60)
    other = DiskStore(directory, write_behind=False)
    try:
        started = time.monotonic()
        await store.set("a", b"1")
        await store.flush()
        assert await other.get("a") == b"1"
        await store.set("b", b"2")
        store.close()
        assert await other.get("b") == b"2"
        assert time.monotonic() - started < 10
    finally:
        other.close()


async def test_a_discard_during_the_linger_leaves_the_writer_running(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, write_linger=0.2)
    other = DiskStore(directory, write_behind=False)
    try:
        await store.set("a", b"1")
        await store.delete("a")
        await store.set("b", b"2")
        await store.flush()
        assert await other.get("a") is None
        assert await other.get("b") == b"2"
    finally:
        store.close()
        other.close()


async def test_a_batch_replacing_file_values_removes_the_old_files_after_commit(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory)
    other = DiskStore(directory, write_behind=False)
    try:
        for index in range(2):
            await store.set(f"k{index}", b"L" * 100_000)
        await store.flush()
        assert len(list(directory.rglob("*.val"))) == 2
        for index in range(3):
            await store.set(f"k{index}", str(index).encode())
        await store.flush()
        assert list(directory.rglob("*.val")) == []
        assert [await other.get(f"k{index}") for index in range(3)] == [b"0", b"1", b"2"]
        assert store.write_failures == 0
    finally:
        store.close()
        other.close()
    check = diskcache.Cache(str(directory), disk=SafeDisk)
    try:
        assert check.check() == []
    finally:
        check.close()


async def test_a_batch_that_cannot_commit_counts_every_entry_as_failed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, timeout=0.05)
    locker = sqlite3.connect(directory / "cache.db", isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        for index in range(3):
            await store.set(f"k{index}", b"v")
        with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
            await store.flush()
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert store.write_failures == 3
    assert "3 of 3 entries failed" in caplog.text
    await store.set("k0", b"again")
    await store.flush()
    store.close()
    other = DiskStore(directory, write_behind=False)
    try:
        assert await other.get("k0") == b"again"
    finally:
        other.close()


async def test_batched_rows_keep_diskcache_bookkeeping_and_the_size_limit(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory, size_limit=256 * 1024)
    value = bytes(range(256)) * 8  # 2 KiB, kept in the row
    for round_ in range(4):
        for index in range(100):
            await store.set(f"k{round_}-{index}", value)
        await store.set("brief", b"x", ttl=0.01)
        await store.flush()
    await store.set("k3-99", b"replaced")  # an upsert of an existing row
    await store.flush()
    store.close()
    cache = diskcache.Cache(str(directory), disk=SafeDisk)
    try:
        assert cache.check() == []  # count / size settings agree with the rows
        assert cache.volume() <= 256 * 1024 + 64 * 1024  # culled once per batch, oldest first
        assert 0 < len(cache) < 400
        assert cache.get("k0-0") is None  # the oldest went first
        assert cache.get("k3-99") == b"replaced"
        assert cache.get("k3-98") == value
    finally:
        cache.close()


async def test_an_expired_batched_row_is_a_miss_for_both_readers(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    store = DiskStore(directory)
    await store.set("brief", b"x", ttl=0.05)
    await store.set("kept", b"y")
    await store.flush()
    assert await store.get("brief") == b"x"
    await anyio.sleep(0.1)
    assert await store.get("brief") is None
    assert await store.get("kept") == b"y"
    store.close()
    cache = diskcache.Cache(str(directory), disk=SafeDisk)
    try:
        assert cache.get("brief") is None and cache.get("kept") == b"y"
    finally:
        cache.close()
