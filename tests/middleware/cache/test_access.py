"""GuardedStore: a store's fast path answers at once, or hands over the rest of the same read."""

from __future__ import annotations

from pathlib import Path

import pytest

from middleware.cache.access import GuardedStore
from middleware.cache.stores import DiskStore, MemoryStore
from middleware.cache.stores.disk_rows import RowReader


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


async def test_a_store_without_a_fast_path_is_read_through_get() -> None:
    store = MemoryStore()
    await store.set("k", b"v")
    access = GuardedStore(store, timeout=1.0, ttl=None, max_entry_bytes=10)
    assert await access.load("k", identity) == b"v"
    await access.save("big", lambda: b"x" * 11)  # over max_entry_bytes: not written
    await access.save("small", lambda: b"x")
    assert (await store.get("big"), await store.get("small")) == (None, b"x")
    assert (access.writes, access.errors) == (1, 0)
