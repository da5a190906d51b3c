"""DiskStore: the embedded default store, on diskcache, that never unpickles.

diskcache pickles every value that is not a plain scalar and unpickles any row whose mode says
"pickle", so a writable cache directory is a code-execution risk (CVE-2025-69872). :class:`SafeDisk`
stores only ``bytes`` values under ``str`` keys and refuses every other row mode on read: a planted
pickle row raises :class:`~middleware.cache.codec.CorruptEntryError` and is deleted, never loaded.

Reads first try a connection of their own on the caller's thread that never waits for a lock: a
small raw-bytes row (the usual entry) is answered there in microseconds; a missing row is a miss;
anything else (a busy database, an entry kept in a file, a row of another mode, an error) goes to a
worker thread through diskcache and :class:`SafeDisk`, under SQLite's short busy timeout, so a
contended or broken database degrades to a miss. Writes are write-behind by default (see
:mod:`middleware.cache.stores.write_behind`): ``set`` queues the entry and returns, one background thread
writes the queued entries in batches (small ones with one upsert per batch, straight into
diskcache's table: see :mod:`middleware.cache.stores.disk_rows`), this process reads
its own queued writes at once, and other processes see them once written (normally within
``write_linger`` plus a few milliseconds). :meth:`DiskStore.flush` waits for
the queue; :meth:`DiskStore.close` (also run at interpreter exit) flushes it. Several processes may
share one directory (SQLite WAL); do not put it on NFS/SMB and do not copy a live cache directory.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import stat
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

from ..codec import CorruptEntryError
from .base import Unanswered
from .disk_rows import RowReader, RowWriter
from .write_behind import PendingWrite, WriteBehind

__all__ = ["DiskStore", "SafeDisk"]

logger = logging.getLogger("modelpipe.cache")

_T = TypeVar("_T")


class SafeDisk(diskcache.Disk):  # type: ignore[misc]
    """A diskcache ``Disk`` limited to ``str`` keys and ``bytes`` values; it never calls pickle."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not str:
            raise TypeError("SafeDisk keys must be str")
        return super().put(key)  # type: ignore[no-any-return]

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise CorruptEntryError("pickled key row refused")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.UNKNOWN) -> tuple[Any, ...]:
        if read or type(value) is not bytes:
            raise TypeError("SafeDisk values must be bytes")
        return super().store(value, read, key)  # type: ignore[no-any-return]

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode not in (MODE_RAW, MODE_BINARY) or read:
            raise CorruptEntryError(f"row mode {mode} refused (only raw bytes are stored)")
        data = super().fetch(mode, filename, value, read)
        if type(data) is not bytes:
            raise CorruptEntryError("row value is not bytes")
        return data


def _check_directory(directory: Path) -> None:
    """Create ``directory`` owner-only; refuse one that others can write to."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(f"cache directory {directory} is writable by group or others")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(f"cache directory {directory} is owned by another user")


_EXIT_FLUSH_TIMEOUT = 10.0
"""Seconds queued writes may take to flush when a store is collected or the interpreter exits."""


class DiskStore:
    """A :class:`~middleware.cache.stores.base.CacheStore` on a diskcache directory.

    ``timeout`` is SQLite's busy timeout in seconds (kept short: a busy database means a miss);
    ``size_limit`` is the directory's size budget in bytes (oldest stored entries are culled first);
    ``open_deadline`` bounds the retries while another process holds the database during its setup;
    ``write_behind`` queues writes for a background thread (at most ``write_queue_bytes`` of values
    wait; beyond that a write is skipped), which gathers them for ``write_linger`` seconds and writes
    them as one batch; ``False`` writes in a worker thread before ``set`` returns. The default linger
    (0.1 s) is how late other processes may see a write; each batch costs the event loop's thread more
    than its size suggests (its commit makes the next reads slower, and waking the writer competes for
    the GIL), so under sustained load 0.1 s costs ~60-130 us less per call than 0.02 s.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        timeout: float = 0.25,
        size_limit: int = 2**30,
        open_deadline: float = 10.0,
        write_behind: bool = True,
        write_queue_bytes: int = 64 * 2**20,
        write_linger: float = 0.1,
    ) -> None:
        self.directory = Path(directory)
        _check_directory(self.directory)
        self._cache = _open_cache(self.directory, timeout, size_limit, open_deadline)
        self._reader = RowReader(self.directory / "cache.db")
        self._rows = RowWriter(self.directory / "cache.db", timeout)
        self._writes: WriteBehind | None = None
        if write_behind:
            self._writes = WriteBehind(
                functools.partial(_write_entries, self._cache, self._rows),
                max_bytes=write_queue_bytes,
                linger=write_linger,
            )
            weakref.finalize(self, self._writes.close, _EXIT_FLUSH_TIMEOUT)

    @property
    def write_failures(self) -> int:
        """Background writes that failed (logged as warnings on the ``modelpipe.cache`` logger)."""
        return 0 if self._writes is None else self._writes.failures

    async def _run(self, function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(
            functools.partial(function, *args, **kwargs), abandon_on_cancel=True
        )

    def get_inline(self, key: str) -> bytes | Unanswered | None:
        """A queued write of ``key``, else a small row read without waiting (see the module doc)."""
        if self._writes is not None:
            pending = self._writes.pending(key)
            if pending is not None:
                return _unexpired(pending)
        return self._reader.read(key)

    async def get(self, key: str) -> bytes | None:
        value = self.get_inline(key)
        if not isinstance(value, Unanswered):
            return value
        return await self._run(self._get_sync, key)

    def _get_sync(self, key: str) -> bytes | None:
        try:
            value = self._cache.get(key, default=None, retry=False)
            if value is None:
                # Reads come here when the inline reader saw a row it could not serve. None now most
                # likely means another process just rewrote the row and removed the value file
                # diskcache was about to read: the new row is worth one more look.
                value = self._cache.get(key, default=None, retry=False)
        except CorruptEntryError:
            self._cache.delete(key, retry=False)
            raise
        return value if value is None else bytes(value)

    def set_inline(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        """Queue the write (write-behind); False without write-behind (then ``set`` writes)."""
        if self._writes is None:
            return False
        if type(key) is not str or type(value) is not bytes:
            raise TypeError("DiskStore keys must be str and values bytes")
        self._writes.put(key, value, None if ttl is None else time.time() + ttl)
        return True

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        if not self.set_inline(key, value, ttl=ttl):
            await self._run(self._cache.set, key, value, expire=ttl, retry=False)

    async def delete(self, key: str) -> None:
        if self._writes is not None:
            self._writes.discard(key)
        await self._run(self._after_queued_writes, functools.partial(self._cache.delete, key, retry=False))

    async def clear(self) -> None:
        if self._writes is not None:
            self._writes.discard()
        await self._run(self._after_queued_writes, functools.partial(self._cache.clear, retry=True))

    def _after_queued_writes(self, operation: Callable[[], object]) -> None:
        """Run ``operation`` once the batch being written (if any) is committed, so it wins."""
        if self._writes is None:
            operation()
        else:
            self._writes.exclusive(operation)

    async def flush(self) -> None:
        """Wait until every write queued so far is committed (or failed and was logged)."""
        if self._writes is not None:
            await self._run(self._writes.flush)

    def close(self) -> None:
        """Write queued entries (blocking), then close this process's SQLite connections (the files stay)."""
        if self._writes is not None:
            self._writes.close()
        self._rows.close()
        self._reader.close()
        self._cache.close()


def _unexpired(pending: PendingWrite) -> bytes | None:
    value, expires_at = pending
    return value if expires_at is None or expires_at > time.time() else None


_WRITE_ATTEMPTS = 3


def _write_entries(
    cache: diskcache.Cache, rows: RowWriter, batch: Mapping[str, PendingWrite]
) -> list[Exception]:
    """Store a batch of entries; the errors of the entries that failed.

    Small entries (kept in the database row, no value file) go in one transaction through
    :class:`~middleware.cache.stores.disk_rows.RowWriter`, which costs far less than diskcache's ``set`` per
    entry; value files of the rows they replace are removed after its commit, and the directory is
    culled to its size limit once per batch. Large entries, and every entry of a batch whose
    transaction failed, are written one by one through diskcache.
    """
    small = [
        (key, value, expires_at)
        for key, (value, expires_at) in batch.items()
        if len(value) < cache.disk_min_file_size
    ]
    alone = [key for key in batch if len(batch[key][0]) >= cache.disk_min_file_size]
    if small:
        try:
            for filename in rows.write(small):
                cache.disk.remove(filename)
        except Exception as error:
            logger.debug("batched cache write failed (%s); writing entries one by one", error)
            alone = list(batch)
        else:
            _cull(cache)
    failed: list[Exception] = []
    for key in alone:
        value, expires_at = batch[key]
        try:
            _write_entry(cache, key, value, expires_at)
        except Exception as error:
            failed.append(error)
    return failed


def _cull(cache: diskcache.Cache) -> None:
    """Drop expired entries, then the oldest stored ones while over the size limit (best effort)."""
    try:
        cache.cull(retry=False)
    except (diskcache.Timeout, sqlite3.Error) as error:
        logger.debug("cache cull skipped (%s); the next batch tries again", error)


def _seconds_left(expires_at: float | None) -> float | None:
    return None if expires_at is None else max(expires_at - time.time(), 0.0)


def _write_entry(cache: diskcache.Cache, key: str, value: bytes, expires_at: float | None) -> None:
    """Store one entry in its own transaction, retrying a busy database a few times.

    One transaction per entry on purpose: diskcache removes a replaced value file as soon as its
    ``set`` is done, so inside a longer transaction other processes would still see rows naming
    files already gone.
    """
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            cache.set(key, value, expire=_seconds_left(expires_at), retry=False)
            return
        except diskcache.Timeout:
            if attempt == _WRITE_ATTEMPTS - 1:
                raise


def _open_cache(directory: Path, timeout: float, size_limit: int, open_deadline: float) -> diskcache.Cache:
    """Open the cache, retrying while another process holds the database during its own setup."""
    give_up_at = time.monotonic() + open_deadline
    while True:
        try:
            return diskcache.Cache(str(directory), timeout=timeout, disk=SafeDisk, size_limit=size_limit)
        except (diskcache.Timeout, sqlite3.OperationalError) as error:
            if time.monotonic() >= give_up_at:
                raise
            logger.debug("cache directory busy while opening (%s); retrying", error)
            time.sleep(0.05)
