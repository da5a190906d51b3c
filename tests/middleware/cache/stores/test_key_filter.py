"""The DiskStore's key filter: a read of a key the database does not hold skips SQLite, and nothing the
database holds is ever skipped once the filter has synced: this process's writes at once, other
connections' writes after the sync interval (a read skipped in between is counted as a false miss)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import anyio
import diskcache
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middleware.cache.stores import DiskStore, key_filter
from middleware.cache.stores.key_filter import _Bloom


class Clock:
    """``time.monotonic`` under the test's control (``time.time`` stays real: rows are stamped with it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return time.time()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(key_filter, "time", fake)
    return fake


async def ready(store: DiskStore, clock: Clock | None = None) -> None:
    """Wait until the filter is built and answers (a read of a new key is skipped)."""
    give_up_at = time.monotonic() + 10
    probe = 0
    while store.lookups_skipped == 0:
        assert time.monotonic() < give_up_at, "the key filter was never built"
        if clock is not None:
            clock.now += 1  # let the next read adopt the build
        await store.get(f"probe {probe}")
        probe += 1
        await anyio.sleep(0.005)


async def synced_by_hand(directory: Path, clock: Clock) -> DiskStore:
    """A store whose filter is built and syncs only when the test moves ``clock`` 0.5 s on."""
    store = DiskStore(directory, key_filter_interval=0.5)
    await ready(store, clock)
    return store


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), unique=True, max_size=300))
def test_the_bloom_filter_holds_every_key_added(keys: list[str]) -> None:
    bloom = _Bloom.sized_for(len(keys))
    for key in keys:
        bloom.add(key)
    assert all(key in bloom for key in keys)


def test_a_full_bloom_filter_answers_few_false_positives() -> None:
    bloom = _Bloom.sized_for(0)
    for index in range(bloom.capacity):
        bloom.add(f"stored {index}")
    false_positives = sum(f"never stored {index}" in bloom for index in range(20_000))
    assert false_positives < 20_000 * 0.02  # about 0.5% expected with 16 bits per key and 3 probes


async def test_a_new_key_is_a_miss_without_sqlite_and_own_writes_are_found(tmp_path: Path) -> None:
    store = DiskStore(tmp_path)
    await ready(store)
    skipped = store.lookups_skipped
    assert await store.get("new") is None
    assert store.lookups_skipped == skipped + 1
    for index in range(300):
        store.set_inline(f"k{index}", f"v{index}".encode())
    assert await store.get("k7") == b"v7"  # queued
    await store.flush()
    assert [await store.get(f"k{index}") for index in range(300)] == [f"v{i}".encode() for i in range(300)]
    assert store.false_misses == 0
    store.close()


async def test_a_store_opened_on_existing_entries_finds_them_all(tmp_path: Path) -> None:
    first = DiskStore(tmp_path)
    for index in range(500):
        first.set_inline(f"k{index}", b"v")
    first.close()
    store = DiskStore(tmp_path)
    await ready(store)
    assert all([await store.get(f"k{index}") == b"v" for index in range(500)])
    store.close()


async def test_another_connections_write_is_found_after_the_interval_and_an_early_skip_counts(
    tmp_path: Path, clock: Clock
) -> None:
    store = await synced_by_hand(tmp_path, clock)
    assert await store.get("theirs") is None  # a true miss: not stored yet, so never counted
    other = diskcache.Cache(str(tmp_path))
    other.set("theirs", b"value")
    other.set("large", b"x" * 100_000)  # kept in a value file, read through diskcache
    assert await store.get("theirs") is None  # within the interval: skipped though stored
    assert store.false_misses == 0
    clock.now += 0.5
    assert await store.get("theirs") == b"value"
    assert await store.get("large") == b"x" * 100_000
    assert store.false_misses == 1
    other.close()
    store.close()


async def test_a_table_another_connection_clears_is_read_from_sqlite_until_rebuilt(
    tmp_path: Path, clock: Clock
) -> None:
    store = DiskStore(tmp_path, key_filter_interval=0.5)
    for index in range(5):
        store.set_inline(f"k{index}", b"old")
    await store.flush()
    await ready(store, clock)
    other = diskcache.Cache(str(tmp_path))
    other.clear()
    other.set("fresh", b"new")  # rowid 1 again: below the newest row the filter had seen
    clock.now += 0.5
    assert await store.get("fresh") == b"new"
    assert await store.get("k4") is None
    other.close()
    store.close()


async def test_this_processs_clear_forgets_the_old_keys(tmp_path: Path) -> None:
    store = DiskStore(tmp_path)
    store.set_inline("old", b"1")
    await store.flush()
    await ready(store)
    await store.clear()
    assert await store.get("old") is None
    store.set_inline("new", b"2")
    await store.flush()
    assert await store.get("new") == b"2"
    store.close()


async def test_a_filter_over_its_size_is_built_again_larger(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(key_filter, "_MIN_BITS_LOG2", 10)  # room for 64 keys
    store = await synced_by_hand(tmp_path, clock)
    assert store._keys is not None and store._keys._snapshot is not None
    small = store._keys._snapshot.bloom.capacity
    for index in range(3 * small):
        store.set_inline(f"k{index}", b"v")
    await store.flush()
    give_up_at = time.monotonic() + 10
    while store._keys._snapshot is None or store._keys._snapshot.bloom.capacity <= small:
        assert time.monotonic() < give_up_at, "the filter was not built again"
        clock.now += 1
        await store.get("probe")
        await anyio.sleep(0.005)
    assert all([await store.get(f"k{index}") == b"v" for index in range(3 * small)])
    store.close()


async def test_a_database_error_while_syncing_reads_from_sqlite_until_rebuilt(
    tmp_path: Path, clock: Clock
) -> None:
    store = await synced_by_hand(tmp_path, clock)
    assert store._keys is not None
    broken = sqlite3.connect(":memory:")
    broken.close()
    store._keys._connection = broken  # the next sync raises sqlite3.ProgrammingError
    other = diskcache.Cache(str(tmp_path))
    other.set("theirs", b"value")
    clock.now += 0.5
    skipped = store.lookups_skipped
    assert await store.get("theirs") == b"value"
    assert await store.get("missing") is None
    assert store.lookups_skipped == skipped  # no filter: both read SQLite
    clock.now += 2  # past the retry delay: a new filter is built, from a new connection
    await ready(store, clock)
    assert await store.get("theirs") == b"value"
    other.close()
    store.close()


async def test_no_filter_reads_sqlite_every_time(tmp_path: Path) -> None:
    store = DiskStore(tmp_path, key_filter_interval=None)
    other = diskcache.Cache(str(tmp_path))
    assert await store.get("theirs") is None
    other.set("theirs", b"value")
    assert await store.get("theirs") == b"value"
    assert store.lookups_skipped == 0
    other.close()
    store.close()


async def test_a_directory_whose_newest_row_keeps_vanishing_is_not_scanned_at_every_sync(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = 0
    scan = key_filter._scan

    def counted(database: Path) -> key_filter._Snapshot:
        nonlocal scans
        scans += 1
        return scan(database)

    monkeypatch.setattr(key_filter, "_scan", counted)
    store = DiskStore(tmp_path, key_filter_interval=0.01)
    await ready(store, clock)
    other = diskcache.Cache(str(tmp_path))
    scans_before = scans
    for index in range(20):  # each round: a new newest row, then it goes (the rowid is handed out again)
        other.set(f"k{index}", b"v")
        clock.now += 0.01
        await store.get("probe")
        other.delete(f"k{index}")
        clock.now += 0.01
        assert await store.get(f"k{index}") is None
        await anyio.sleep(0.01)
    assert scans - scans_before <= 1  # 0.4 s of the fake clock: less than the spacing between builds
    other.set("last", b"v")
    clock.now += 1.5
    assert await store.get("last") == b"v"
    other.close()
    store.close()


async def test_writes_queued_before_the_filter_was_adopted_are_in_it(tmp_path: Path, clock: Clock) -> None:
    store = DiskStore(tmp_path, key_filter_interval=0.5, write_linger=5.0)
    for index in range(50):  # queued while the filter is built: nothing to add them to yet
        store.set_inline(f"k{index}", b"v")
    await ready(store, clock)  # adopts the filter, built from the empty database
    await store.flush()  # committed now; the clock stands still, so the filter does not sync
    assert [await store.get(f"k{index}") for index in range(50)] == [b"v"] * 50
    store.close()
