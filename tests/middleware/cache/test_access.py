"""GuardedStore: a store's fast path answers at once, or hands over the rest of the same read."""

from __future__ import annotations

from pathlib import Path

import pytest

from middleware.cache.access import GuardedStore
from middleware.cache.stores import DiskStore, MemoryStore
from middleware.cache.stores.disk_rows import RowReader
from tests.middleware.cache.cache_samples import CountingStore


def identity(key: str, data: bytes) -> bytes:
    return data


async def test_a_read_the_fast_path_cannot_answer_reads_the_row_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DiskStore(tmp_path / "cache", write_behind=False)
    large = b"v" * 100_000  # kept in a value file: the fast path hands the read to diskcache
    await store.set("large", large)
    reads: list[str] = []
    real_read = RowReader.read

    def counting_read(self: RowReader, key: str) -> bytes | None:
        reads.append(key)
        return real_read(self, key)

    monkeypatch.setattr(RowReader, "read", counting_read)
    access = GuardedStore(store, timeout=5.0, ttl=None, max_entry_bytes=2**20)
    assert await access.load("large", identity) == large
    assert reads == ["large"]
    assert access.errors == 0
    store.close()


class PlainStore:
    """A store with only the awaited methods of the protocol."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}

    async def get(self, key: str) -> bytes | None:
        return self.entries.get(key)

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self.entries[key] = value

    async def delete(self, key: str) -> None:
        self.entries.pop(key, None)

    async def clear(self) -> None:
        self.entries.clear()


async def test_a_store_without_a_fast_path_is_read_through_get() -> None:
    store = PlainStore()
    await store.set("k", b"v")
    access = GuardedStore(store, timeout=1.0, ttl=None, max_entry_bytes=10)
    assert await access.load("k", identity) == b"v"
    await access.save("big", lambda: b"x" * 11)  # over max_entry_bytes: not written
    await access.save("small", lambda: b"x")
    assert (await store.get("big"), await store.get("small")) == (None, b"x")
    assert (access.writes, access.errors) == (1, 0)


async def test_a_memory_store_answers_at_once_and_expires_entries_there_too() -> None:
    now = [100.0]
    store = MemoryStore(clock=lambda: now[0])
    assert store.set_inline("k", b"v", ttl=5) is True
    assert store.get_inline("k") == b"v"  # the bytes themselves, nothing to await
    now[0] = 105.0
    assert store.get_inline("k") is None and len(store) == 0
    access = GuardedStore(store, timeout=1.0, ttl=None, max_entry_bytes=10)
    await access.save("big", lambda: b"x" * 11)
    await access.save("small", lambda: b"x")
    assert (store.get_inline("big"), await access.load("small", identity)) == (None, b"x")
    assert (access.writes, access.errors) == (1, 0)


class KeepingWrites(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self.written.append(key)
        await super().set(key, value, ttl=ttl)


async def test_a_memory_store_subclass_is_read_and_written_through_its_overrides() -> None:
    reading, writing = CountingStore(), KeepingWrites()
    for store in (reading, writing):
        access = GuardedStore(store, timeout=1.0, ttl=None, max_entry_bytes=10)
        await access.save("k", lambda: b"v")
        assert await access.load("k", identity) == b"v"
        assert access.writes == 1
    assert reading.reads == 1 and writing.written == ["k"]
    assert writing.set_inline("other", b"v") is False and writing.get_inline("other") is None
