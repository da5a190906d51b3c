"""DiskStore in a directory other processes write too: what another process committed is found by the next
read, whatever happened to the table in between (rows added, the newest row deleted and its rowid given
to a new row, the table cleared). Guards any shortcut of the read path, such as an index of known keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from middleware.cache.stores import DiskStore


async def store_with(directory: Path, entries: dict[str, bytes]) -> DiskStore:
    store = DiskStore(directory)
    for key, value in entries.items():
        store.set_inline(key, value)
    await store.flush()
    return store


def write_in_another_process(directory: Path, script: str) -> None:
    """Run ``script`` (with ``cache``, a diskcache.Cache on ``directory``) in a new interpreter."""
    code = f"import diskcache\ncache = diskcache.Cache({str(directory)!r})\n{script}\ncache.close()\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_entries_another_process_writes_are_found(tmp_path: Path) -> None:
    """Small rows and value files (large entries) alike."""
    store = await store_with(tmp_path, {"mine": b"value"})
    assert await store.get("theirs") is None
    write_in_another_process(
        tmp_path, "cache.set('theirs', b'small', retry=True)\ncache.set('large', b'x' * 100_000, retry=True)"
    )
    assert await store.get("theirs") == b"small"
    assert await store.get("large") == b"x" * 100_000
    store.close()


async def test_a_reused_rowid_is_seen(tmp_path: Path) -> None:
    """The newest row is deleted and the next insert gets its rowid."""
    store = await store_with(tmp_path, {"a": b"1", "b": b"2", "newest": b"3"})
    assert await store.get("later") is None
    write_in_another_process(
        tmp_path, "cache.delete('newest', retry=True)\ncache.set('later', b'4', retry=True)"
    )
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
    """Another process, started after this store's first read, writes entries one at a time (deleting
    every seventh right away); after each commit, this process finds exactly what is there."""
    store = await store_with(tmp_path, {"mine": b"value"})
    assert await store.get("k0") is None
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
    store.close()
