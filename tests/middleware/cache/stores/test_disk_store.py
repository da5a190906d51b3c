"""DiskStore: only its own value files are ever opened or removed, a broken database never fails a call,
and the directory and database files are owner-only."""

from __future__ import annotations

import builtins
import logging
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from diskcache.core import MODE_BINARY

from middleware.cache.call_cache import CacheMiddleware, CacheStats
from middleware.cache.stores import DiskStore, SafeDisk, disk_store
from middleware.cache.stores.disk_rows import RowReader, RowWriter
from pipeline.chain import WrapContext, wrap_model
from pipeline.testing import MockLanguageModel, text_result
from tests.middleware.cache.cache_disk_worker import RELAXED, prompt

OWN_NAME = "ab/cd/" + "0" * 28 + ".val"


async def cached_key(directory: Path) -> tuple[DiskStore, CacheMiddleware, MockLanguageModel, str]:
    """A DiskStore in ``directory`` holding one committed entry, and that entry's key."""
    store = DiskStore(directory)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    model = MockLanguageModel(generate=[text_result("one"), text_result("two")])
    await wrap_model(model, cache).do_generate(prompt(1))
    await store.flush()

    async def never() -> Any:
        raise AssertionError

    key = await cache.key_for(WrapContext("generate", prompt(1), model, never, never))
    return store, cache, model, key


def point_row_at(directory: Path, key: str, filename: str) -> None:
    """Rewrite the row of ``key`` to name a value file, as someone with write access could."""
    with sqlite3.connect(directory / "cache.db") as db:
        update = "UPDATE Cache SET mode = ?, value = NULL, filename = ? WHERE key = ?"
        db.execute(update, (MODE_BINARY, filename, key))


def outside_file(tmp_path: Path, cache_dir: Path) -> tuple[str, Path]:
    victim = tmp_path / "victim" / "precious.txt"
    victim.parent.mkdir()
    victim.write_bytes(b"not yours")
    return str(victim), victim


def relative_escape(tmp_path: Path, cache_dir: Path) -> tuple[str, Path]:
    _, victim = outside_file(tmp_path, cache_dir)
    return "../victim/precious.txt", victim


def fifo_outside(tmp_path: Path, cache_dir: Path) -> tuple[str, Path]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    return str(fifo), fifo


def fifo_with_own_name(tmp_path: Path, cache_dir: Path) -> tuple[str, Path]:
    fifo = cache_dir / OWN_NAME
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    return OWN_NAME, tmp_path  # removing our own value file is fine; the check is that nothing blocks


def symlink_with_own_name(tmp_path: Path, cache_dir: Path) -> tuple[str, Path]:
    _, victim = outside_file(tmp_path, cache_dir)
    link = cache_dir / OWN_NAME
    link.parent.mkdir(parents=True)
    link.symlink_to(victim)
    return OWN_NAME, victim


@pytest.mark.parametrize(
    "poison",
    [outside_file, relative_escape, fifo_outside, fifo_with_own_name, symlink_with_own_name],
    ids=["absolute path", "relative escape", "fifo outside", "fifo in the cache", "symlink to outside"],
)
async def test_a_row_naming_a_foreign_file_is_a_counted_miss_and_the_file_is_never_touched(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    poison: Callable[[Path, Path], tuple[str, Path]],
) -> None:
    directory = tmp_path / "cache"
    store, cache, model, key = await cached_key(directory)
    filename, target = poison(tmp_path, directory)
    before = target.stat()
    point_row_at(directory, key, filename)
    opened = record_opened_files(monkeypatch)

    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        answer = await wrap_model(model, cache).do_generate(prompt(1))

    assert answer.text == "two"
    assert cache.stats == CacheStats(hits=0, misses=2, writes=2, errors=1)
    assert "CorruptEntryError" in caplog.text
    after = target.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    if target.is_file():
        assert target.read_bytes() == b"not yours"
        assert os.path.realpath(target) not in opened  # not even read
    store.close()


def record_opened_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the real path of every file opened through ``open`` or ``os.open`` from now on."""
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def recording_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike):
            opened.append(os.path.realpath(file))
        return real_open(file, *args, **kwargs)

    def recording_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.path.realpath(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(os, "open", recording_os_open)
    return opened


async def test_a_value_file_over_the_size_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    store, cache, model, key = await cached_key(directory)
    big = directory / OWN_NAME
    big.parent.mkdir(parents=True)
    big.write_bytes(b"x" * 4096)
    point_row_at(directory, key, OWN_NAME)
    monkeypatch.setattr(SafeDisk, "max_file_bytes", 1024)
    reads: list[int] = []
    real_read = os.read

    def counting_read(descriptor: int, size: int) -> bytes:
        reads.append(size)
        return real_read(descriptor, size)

    monkeypatch.setattr(os, "read", counting_read)
    assert (await wrap_model(model, cache).do_generate(prompt(1))).text == "two"
    assert cache.stats.errors == 1
    assert not any(size > 1024 for size in reads)
    store.close()


async def test_a_cache_db_that_is_not_a_database_lets_calls_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    (directory / "cache.db").write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        store = DiskStore(directory)
    assert "cannot be used" in caplog.text
    cache = CacheMiddleware(store)
    model = MockLanguageModel()
    wrapped = wrap_model(model, cache)
    assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
    assert (await wrapped.do_generate(prompt(1))).text == "Hello!"
    assert len(model.generate_calls) == 2
    assert cache.stats == CacheStats(hits=0, misses=2, writes=0, errors=4)  # a read and a write per call
    store.close()


def test_an_existing_directory_open_to_others_is_tightened_and_the_database_is_owner_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="modelpipe.cache"):
        store = DiskStore(shared)
    assert "tightened to 0700" in caplog.text
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700
    database_files = [path for path in shared.iterdir() if path.name.startswith("cache.db")]
    assert database_files
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in database_files} == {
        path.name: 0o600 for path in database_files
    }
    store.close()


def test_a_new_directory_is_owner_only(tmp_path: Path) -> None:
    DiskStore(tmp_path / "new" / "cache").close()
    assert stat.S_IMODE((tmp_path / "new" / "cache").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "cache" / "cache.db").stat().st_mode) == 0o600


async def test_without_direct_row_access_every_read_and_write_goes_through_diskcache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk_store, "DIRECT_ROW_ACCESS", False)  # as with a diskcache other than 5.6
    monkeypatch.setattr(RowReader, "read", fail_if_called)
    monkeypatch.setattr(RowWriter, "write", fail_if_called)
    store = DiskStore(tmp_path / "cache")
    small, large = b"s" * 10, b"l" * 100_000
    await store.set("small", small)
    await store.set("large", large)
    await store.flush()
    assert (await store.get("small"), await store.get("large"), await store.get("none")) == (
        small,
        large,
        None,
    )
    assert store.write_failures == 0
    store.close()


def fail_if_called(*args: Any) -> Any:
    raise AssertionError("diskcache's table must not be used directly")


async def test_a_batch_larger_than_one_statement_is_written_whole_and_replaces_older_rows(
    tmp_path: Path,
) -> None:
    """A batch is upserted in statements of many rows each; every row lands, and a key already stored gets
    the new value (diskcache's count setting stays right through its triggers)."""
    store = DiskStore(tmp_path)
    store.set_inline("k0007", b"old value")
    await store.flush()
    entries = [(f"k{index:04d}", f"value {index}".encode(), None) for index in range(400)]
    RowWriter(tmp_path / "cache.db", timeout=5).write(entries)
    reader = RowReader(tmp_path / "cache.db")
    try:
        assert [reader.read(key) for key, _, _ in entries] == [value for _, value, _ in entries]
    finally:
        reader.close()
    with sqlite3.connect(tmp_path / "cache.db") as connection:
        ((count,),) = connection.execute("SELECT value FROM Settings WHERE key = 'count'").fetchall()
        ((rows,),) = connection.execute("SELECT COUNT(*) FROM Cache").fetchall()
    assert count == rows == 400
    store.close()
