"""KeyIndex: a DiskStore answers a miss without reading the database when its key index knows the key is
absent, and never takes an entry another connection or process wrote for absent (rows added, the newest
row deleted and its rowid reused, the table cleared); off without WAL or above its limit."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import diskcache
import pytest

from middleware.cache.stores import DiskStore, key_index
from middleware.cache.stores.disk_rows import RowReader

_SELECT_VALUE = "SELECT mode, filename, value FROM Cache"


async def store_with(directory: Path, entries: dict[str, bytes], **options: int) -> DiskStore:
    store = DiskStore(directory, **options)  # type: ignore[arg-type]
    for key, value in entries.items():
        store.set_inline(key, value)
    await store.flush()
    return store


@pytest.fixture
def statements() -> list[str]:
    """The statements a reader ran, once :func:`trace` records them."""
    return []


def trace(store: DiskStore, statements: list[str]) -> RowReader:
    reader = store._reader
    assert reader is not None
    reader._connection.set_trace_callback(statements.append)
    return reader


def value_reads(statements: list[str]) -> int:
    return sum(1 for statement in statements if statement.startswith(_SELECT_VALUE))


def write_in_another_process(directory: Path, script: str) -> None:
    """Run ``script`` (with ``cache``, a diskcache.Cache on ``directory``) in a new interpreter."""
    code = f"import diskcache\ncache = diskcache.Cache({str(directory)!r})\n{script}\ncache.close()\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_a_miss_the_index_knows_is_answered_without_a_read(
    tmp_path: Path, statements: list[str]
) -> None:
    store = await store_with(tmp_path, {"present": b"value"})
    trace(store, statements)
    assert await store.get("present") == b"value"
    assert await store.get("never stored") is None
    assert await store.get("also never stored") is None
    assert value_reads(statements) == 1  # only the key that is there was read
    store.close()


async def test_entries_another_process_writes_are_found(tmp_path: Path, statements: list[str]) -> None:
    """Small rows and value files (large entries) alike: the WAL change counter moved, the index looks."""
    store = await store_with(tmp_path, {"mine": b"value"})
    assert await store.get("theirs") is None  # the index is built, and says absent
    write_in_another_process(
        tmp_path, "cache.set('theirs', b'small', retry=True)\ncache.set('large', b'x' * 100_000, retry=True)"
    )
    assert await store.get("theirs") == b"small"
    assert await store.get("large") == b"x" * 100_000
    store.close()


async def test_a_reused_rowid_is_seen(tmp_path: Path) -> None:
    """The newest row is deleted and the next insert gets its rowid: the index is built again, not only
    extended past the newest rowid it knew."""
    store = await store_with(tmp_path, {"a": b"1", "b": b"2", "newest": b"3"})
    assert await store.get("later") is None
    with sqlite3.connect(tmp_path / "cache.db") as connection:
        ((newest,),) = connection.execute("SELECT MAX(rowid) FROM Cache").fetchall()
    write_in_another_process(
        tmp_path, "cache.delete('newest', retry=True)\ncache.set('later', b'4', retry=True)"
    )
    with sqlite3.connect(tmp_path / "cache.db") as connection:
        ((rowid,),) = connection.execute("SELECT rowid FROM Cache WHERE key = 'later'").fetchall()
    assert rowid == newest  # the case under test: the rowid came back
    assert await store.get("later") == b"4"
    assert await store.get("newest") is None
    store.close()


async def test_a_cleared_and_refilled_table_is_seen(tmp_path: Path) -> None:
    store = await store_with(tmp_path, {f"k{index}": b"old" for index in range(5)})
    assert await store.get("fresh") is None
    write_in_another_process(tmp_path, "cache.clear(retry=True)\ncache.set('fresh', b'new', retry=True)")
    assert await store.get("fresh") == b"new"
    assert await store.get("k4") is None
    store.close()


async def test_a_large_directory_is_indexed_a_slice_per_read(
    tmp_path: Path, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until every row is in the index, misses are read; then they are not."""
    monkeypatch.setattr(key_index, "_SCAN_ROWS", 10)
    store = await store_with(tmp_path, {f"k{index:02d}": b"v" for index in range(25)})
    trace(store, statements)
    assert [await store.get("absent") for _ in range(4)] == [None] * 4
    assert value_reads(statements) == 2  # rows 1-10, 11-20: still incomplete; 21-25: complete
    assert [await store.get(f"k{index:02d}") for index in range(25)] == [b"v"] * 25
    store.close()


async def test_a_database_not_in_wal_mode_reads_every_miss(tmp_path: Path, statements: list[str]) -> None:
    cache = diskcache.Cache(str(tmp_path), sqlite_journal_mode="delete")
    cache.set("there", b"value")
    cache.close()
    reader = RowReader(tmp_path / "cache.db")
    reader._connection.set_trace_callback(statements.append)
    try:
        assert reader.read("absent") is None
        assert reader.read("there") == b"value"
        assert reader.read("absent too") is None
        assert not reader.index.enabled
        assert value_reads(statements) == 3
    finally:
        reader.close()


@pytest.mark.parametrize("limit", [0, 3])
async def test_a_directory_over_the_limit_reads_every_miss(
    tmp_path: Path, statements: list[str], limit: int
) -> None:
    store = await store_with(tmp_path, {f"k{index}": b"v" for index in range(4)}, key_index_limit=limit)
    reader = trace(store, statements)
    assert await store.get("absent") is None
    assert await store.get("k2") == b"v"
    assert not reader.index.enabled
    assert value_reads(statements) == 2
    store.close()


async def test_a_growing_directory_switches_the_index_off_past_its_limit(tmp_path: Path) -> None:
    store = await store_with(tmp_path, {"k0": b"v"}, key_index_limit=3)
    reader = trace(store, [])
    assert await store.get("absent") is None
    assert reader.index.enabled
    for index in range(1, 5):
        store.set_inline(f"k{index}", b"v")
    await store.flush()
    assert await store.get("absent") is None
    assert not reader.index.enabled
    assert [await store.get(f"k{index}") for index in range(5)] == [b"v"] * 5
    store.close()


async def test_a_present_entry_taken_for_absent_is_counted_when_written_again(tmp_path: Path) -> None:
    """The one way the index can cost something: it calls a present key absent (here, made to forget
    it). The call then goes to the model, its entry is written again, and the write counts it."""
    store = await store_with(tmp_path, {"kept": b"value"})
    reader = trace(store, [])
    assert await store.get("other") is None
    reader.index._hashes.discard(hash("kept"))
    assert await store.get("kept") is None
    store.set_inline("kept", b"value again")
    store.set_inline("new", b"value")
    await store.flush()
    assert store.index_false_misses == 1
    assert await store.get("kept") == b"value again"
    store.close()


_WRITER = """
import sys, diskcache
cache = diskcache.Cache(sys.argv[1])
for index in range(int(sys.argv[2])):
    cache.set(f"k{index}", f"v{index}".encode(), retry=True)
    if index % 7 == 6:  # the newest row goes, so the next insert takes its rowid again
        cache.delete(f"k{index}", retry=True)
    print(index, flush=True)
    sys.stdin.readline()
cache.close()
"""


async def test_every_entry_another_process_committed_is_found_at_once(tmp_path: Path) -> None:
    """Another process writes entries one at a time (deleting every seventh right away, which hands its
    rowid to the next); after each commit, this process must find exactly what is there."""
    store = await store_with(tmp_path, {"mine": b"value"})
    assert await store.get("k0") is None  # the index is built before the other process starts
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(tmp_path), "60"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        for index in range(60):
            assert int(writer.stdout.readline()) == index
            expected = None if index % 7 == 6 else f"v{index}".encode()
            assert await store.get(f"k{index}") == expected, index
            assert await store.get(f"k{index + 1}") is None
            writer.stdin.write("\n")
            writer.stdin.flush()
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
        writer.stdout.close()
    reader = store._reader
    assert reader is not None and reader.index.enabled
    store.close()
