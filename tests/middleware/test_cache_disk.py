"""DiskStore: bytes only, never pickle, short timeouts, several processes on one directory."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import diskcache
import pytest

from middleware.cache import CacheMiddleware, CacheStats, default_cache_directory
from middleware.cache_codec import CorruptEntryError
from middleware.stores import DiskStore, SafeDisk
from pipeline.chain import WrapContext, wrap_model
from pipeline.testing import MockLanguageModel, text_result
from tests.middleware.cache_disk_worker import KEYS, RELAXED, answer_text, prompt
from tests.middleware.cache_samples import read_all, rich_parts, rich_result, unmarked

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    assert list((tmp_path / "cache").rglob("*.val"))
    assert (await wrapped.do_generate(prompt(0))).text == answer_text(0)
    assert len(model.generate_calls) == 1


async def test_store_contract(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache")
    assert await store.get("k") is None
    await store.set("k", b"v")
    assert await store.get("k") == b"v"
    await store.set("short", b"x", ttl=0.05)
    time.sleep(0.1)
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
    key = await key_of(cache, model, 1)
    malicious = pickle.dumps(Exploit())
    if row == "pickle in row":
        plant(directory, key, 4, malicious)
    else:
        (directory / "planted.val").write_bytes(malicious)
        plant(directory, key, 4 if row == "pickle in file" else 3, None, "planted.val")

    assert (await wrapped.do_generate(prompt(1))).text == "two"
    assert no_unpickling == []
    assert cache.stats == CacheStats(hits=0, misses=2, stores=2, errors=1)
    assert "refused" in caplog.text
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
    plant(directory, await key_of(cache, model, 1), 1, b"MPC1" + b"\x00" * 40)
    assert (await wrapped.do_generate(prompt(1))).text == "c"
    assert (await wrapped.do_generate(prompt(2))).text == "b"
    assert cache.stats.errors == 1


async def test_a_vanished_value_file_is_a_miss(tmp_path: Path) -> None:
    store = DiskStore(tmp_path / "cache")
    model = MockLanguageModel(generate=text_result(answer_text(0)))
    wrapped = wrap_model(model, CacheMiddleware(store, store_timeout=RELAXED))
    await wrapped.do_generate(prompt(0))
    for file in (tmp_path / "cache").rglob("*.val"):
        file.unlink()
    assert (await wrapped.do_generate(prompt(0))).text == answer_text(0)
    assert len(model.generate_calls) == 2


async def test_a_locked_database_costs_at_most_the_deadline(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache = CacheMiddleware(DiskStore(directory, timeout=0.05), store_timeout=0.2)
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
    assert cache.stats.stores == 0


def test_a_directory_others_can_write_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(PermissionError, match="writable"):
        DiskStore(shared)


def test_a_new_directory_is_owner_only(tmp_path: Path) -> None:
    DiskStore(tmp_path / "new" / "cache")
    assert (tmp_path / "new" / "cache").stat().st_mode & 0o777 == 0o700


def worker(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.middleware.cache_disk_worker", *args],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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
    assert cache.stats == CacheStats(hits=KEYS, misses=0, stores=0, errors=0)


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
