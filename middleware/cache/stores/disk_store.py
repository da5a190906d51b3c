"""DiskStore: the embedded default store, on diskcache, that never unpickles.

diskcache pickles every value that is not a plain scalar and unpickles any row whose mode says
"pickle", so a writable cache directory is a code-execution risk (CVE-2025-69872). :class:`SafeDisk`
stores only ``bytes`` values under ``str`` keys and refuses every other row mode on read: a planted
pickle row raises :class:`~middleware.cache.codec.CorruptEntryError` and is deleted, never loaded.
Likewise a row naming a value file is followed only when the name is one diskcache makes
(``ab/cd/<28 hex>.val``) and the file is a regular file inside the directory, no larger than
:attr:`SafeDisk.max_file_bytes`: any other name (an absolute path, ``..``, a symlink, a device, a FIFO)
is a corrupt row, never opened and never removed.

The directory is owner-only: a new one is made ``0700``; an existing one of ours that group or others
may use is tightened to ``0700`` (with a warning), and the database files are made ``0600``; a
directory owned by another user is refused (``PermissionError``). A directory whose database cannot be
opened (not a database, unreadable) does not fail the constructor: the store logs a warning and then
refuses every operation with :class:`~middleware.cache.stores.base.StoreUnavailableError`, which the cache
counts as an error and treats as a miss, so calls still go to the model.

Reads first ask a filter of the keys the database holds (:mod:`middleware.cache.stores.key_filter`): a key
it does not hold is a miss without SQLite. Other reads try a connection of their own on the caller's
thread that never waits for a lock: a small raw-bytes row (the usual entry) is answered there at once; a
missing row is a miss;
anything else (a busy database, an entry kept in a file, a row of another mode, an error) goes to a
worker thread through diskcache and :class:`SafeDisk`, under SQLite's short busy timeout, so a
contended or broken database degrades to a miss. Writes are write-behind by default (see
:mod:`middleware.cache.stores.write_behind`): ``set`` queues the entry and returns, one background thread
writes the queued entries in batches (small ones with one upsert per batch, straight into
diskcache's table: see :mod:`middleware.cache.stores.disk_rows`), this process reads
its own queued writes at once, and other processes see them once written (normally within
``write_linger`` plus a few milliseconds, plus up to ``key_filter_interval`` for a key they have not
read before: see :mod:`middleware.cache.stores.key_filter`). :meth:`DiskStore.flush` waits for
the queue; :meth:`DiskStore.close` (also run at interpreter exit) flushes it. Several processes may
share one directory (SQLite WAL); do not put it on NFS/SMB and do not copy a live cache directory.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
import stat
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

from ..codec import CorruptEntryError
from .base import StoreUnavailableError
from .disk_rows import DIRECT_ROW_ACCESS, RowNotServed, RowReader, RowWriter
from .key_filter import KeyFilter
from .write_behind import PendingWrite, WriteBehind

__all__ = ["DiskStore", "SafeDisk"]

logger = logging.getLogger("modelpipe.cache")

_T = TypeVar("_T")


_VALUE_FILE = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{28}\.val")
"""The relative name diskcache gives a value file (``Disk.filename``): the only ones we open or remove."""


class SafeDisk(diskcache.Disk):  # type: ignore[misc]
    """A diskcache ``Disk`` limited to ``str`` keys and ``bytes`` values; it never calls pickle, and
    opens or removes only value files of its own naming, inside its directory (see the module doc)."""

    max_file_bytes = 256 * 2**20
    """A value file larger than this is a corrupt row (checked before reading)."""

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
        if mode == MODE_BINARY:
            data = self._read_value_file(filename)
        else:
            data = super().fetch(mode, None, value, read)
        if type(data) is not bytes:
            raise CorruptEntryError("row value is not bytes")
        return data

    def remove(self, file_path: Any) -> None:
        """Remove a value file of our own naming (anything else a row names is left alone)."""
        if self._own_value_file(file_path):
            super().remove(file_path)
        else:
            logger.warning("cache row names a file outside the cache's own value files; not removed")

    def _own_value_file(self, filename: object) -> bool:
        return isinstance(filename, str) and _VALUE_FILE.fullmatch(filename) is not None

    def _read_value_file(self, filename: object) -> bytes:
        """The bytes of the value file ``filename``: a regular file of our naming, not behind a symlink,
        no larger than :attr:`max_file_bytes` (``FileNotFoundError`` when it vanished: a miss)."""
        if not self._own_value_file(filename):
            raise CorruptEntryError("row names a value file that is not one of the cache's own")
        assert isinstance(filename, str)
        directory = os.path.realpath(self._directory)
        path = os.path.join(directory, filename)
        if os.path.realpath(path) != path:
            raise CorruptEntryError("row's value file is reached through a symlink")
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            descriptor = os.open(path, flags)
        except FileNotFoundError:
            raise
        except OSError as error:
            raise CorruptEntryError(f"row's value file cannot be opened ({type(error).__name__})") from error
        with os.fdopen(descriptor, "rb") as reader:
            info = os.fstat(reader.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CorruptEntryError("row's value file is not a regular file")
            if info.st_size > self.max_file_bytes:
                raise CorruptEntryError(f"row's value file is {info.st_size} bytes, over the limit")
            data = reader.read(self.max_file_bytes + 1)
        if len(data) > self.max_file_bytes:
            raise CorruptEntryError("row's value file grew over the limit while read")
        return data


_DATABASE_FILES = ("cache.db", "cache.db-wal", "cache.db-shm")


def _check_directory(directory: Path) -> None:
    """Create ``directory`` owner-only (``0700``); tighten one of ours that group or others may use;
    refuse one owned by another user."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(f"cache directory {directory} is owned by another user")
    if info.st_mode & 0o077:
        logger.warning(
            "cache directory %s was open to group or others (mode %o); tightened to 0700",
            directory,
            stat.S_IMODE(info.st_mode),
        )
        directory.chmod(0o700)


def _tighten_database_files(directory: Path) -> None:
    """Make the database files owner-only (SQLite gives the WAL files it creates later the same mode).

    Best effort: a file that cannot be changed (another owner) is logged, and the store still works."""
    for name in _DATABASE_FILES:
        path = directory / name
        try:
            if stat.S_IMODE(path.lstat().st_mode) & 0o077 and not path.is_symlink():
                path.chmod(0o600)
        except FileNotFoundError:
            continue
        except OSError as error:
            logger.warning("cache file %s could not be made owner-only (%s)", path, error)


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
    (0.3 s) is how late other processes may see a write, and how much of the newest writes a crash
    (not a normal exit, which flushes) may lose; a longer linger means fewer batches, and each batch
    costs the process more than its size suggests. With write-behind, a read of a
    key the database did not hold at the last sync of :class:`~middleware.cache.stores.key_filter.KeyFilter`
    is a miss without touching SQLite; the filter syncs with other processes' commits at most every
    ``key_filter_interval`` seconds, so they may miss a key another process committed up to that long
    before (each such false miss is counted in :attr:`false_misses`); ``None`` reads SQLite every time.
    """

    # Why 0.3 s: each batch has a fixed cost (the commit's WAL pages, the cull, waking the writer and
    # handing the GIL back and forth with the event loop's thread). Under sustained load 0.1 s cost about
    # 60-130 us less per call than 0.02 s, and 0.3 s another 18-54 us of process CPU per generate call
    # (paired in-process runs of the full stack; the writer's own CPU per entry 21 -> 16 us). A cache
    # entry seen 0.2 s later by other processes, or lost in a crash, costs one more provider call.

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        timeout: float = 0.25,
        size_limit: int = 2**30,
        open_deadline: float = 10.0,
        write_behind: bool = True,
        write_queue_bytes: int = 64 * 2**20,
        write_linger: float = 0.3,
        key_filter_interval: float | None = 0.01,
    ) -> None:
        self.directory = Path(directory)
        _check_directory(self.directory)
        self._writes: WriteBehind | None = None
        self._reader: RowReader | None = None
        self._rows: RowWriter | None = None
        self._keys: KeyFilter | None = None
        self._unusable: str | None = None
        try:
            self._cache = _open_cache(self.directory, timeout, size_limit, open_deadline)
        except (sqlite3.Error, diskcache.Timeout, OSError) as error:
            self._unusable = f"the cache database in {self.directory} cannot be used ({type(error).__name__})"
            logger.warning("%s: %s; calls go on without the cache", self._unusable, error)
            return
        _tighten_database_files(self.directory)
        if DIRECT_ROW_ACCESS:
            self._reader = RowReader(self.directory / "cache.db")
            self._rows = RowWriter(self.directory / "cache.db", timeout)
        if write_behind:
            self._writes = WriteBehind(
                functools.partial(_write_entries, self._cache, self._rows),
                max_bytes=write_queue_bytes,
                linger=write_linger,
            )
            weakref.finalize(self, self._writes.close, _EXIT_FLUSH_TIMEOUT)
            if self._reader is not None and key_filter_interval is not None:
                self._keys = KeyFilter(
                    self.directory / "cache.db", self._writes.pending_keys, interval=key_filter_interval
                )

    @property
    def lookups_skipped(self) -> int:
        """Reads answered "missing" without SQLite: the key was in neither the write queue nor the
        store's filter of the keys the database holds (see :mod:`middleware.cache.stores.key_filter`)."""
        return 0 if self._keys is None else self._keys.skipped

    @property
    def false_misses(self) -> int:
        """Skipped reads of a key another process had written already (found by the filter's next sync)."""
        return 0 if self._keys is None else self._keys.false_misses

    @property
    def write_failures(self) -> int:
        """Background writes that failed (logged as warnings on the ``modelpipe.cache`` logger)."""
        return 0 if self._writes is None else self._writes.failures

    async def _run(self, function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(
            functools.partial(function, *args, **kwargs), abandon_on_cancel=True
        )

    def _usable(self) -> None:
        if self._unusable is not None:
            raise StoreUnavailableError(self._unusable)

    def get_inline(self, key: str) -> bytes | Awaitable[bytes | None] | None:
        """A queued write of ``key``, else a small row read without waiting, else (a busy database, a
        value kept in a file) the awaitable read through diskcache in a worker thread."""
        self._usable()
        if self._writes is not None:
            pending = self._writes.pending(key)
            if pending is not None:
                return _unexpired(pending)
        if self._reader is not None:
            if self._keys is not None and not self._keys.might_hold(key):
                return None
            try:
                return self._reader.read(key)
            except RowNotServed:
                pass
        return self._run(self._get_sync, key)

    async def get(self, key: str) -> bytes | None:
        value = self.get_inline(key)
        if value is None or isinstance(value, bytes):
            return value
        return await value

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
        self._usable()
        if self._writes is None:
            return False
        if type(key) is not str or type(value) is not bytes:
            raise TypeError("DiskStore keys must be str and values bytes")
        self._writes.put(key, value, None if ttl is None else time.time() + ttl)
        if self._keys is not None:
            self._keys.add(key)
        return True

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        if not self.set_inline(key, value, ttl=ttl):
            await self._run(self._cache.set, key, value, expire=ttl, retry=False)

    async def delete(self, key: str) -> None:
        self._usable()
        if self._writes is not None:
            self._writes.discard(key)
        await self._run(self._after_queued_writes, functools.partial(self._cache.delete, key, retry=False))

    async def clear(self) -> None:
        self._usable()
        if self._writes is not None:
            self._writes.discard()
        await self._run(self._after_queued_writes, functools.partial(self._cache.clear, retry=True))
        if self._keys is not None:
            self._keys.forget_everything()

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
        if self._unusable is not None:
            return
        if self._writes is not None:
            self._writes.close()
        if self._keys is not None:
            self._keys.close()
        if self._rows is not None:
            self._rows.close()
        if self._reader is not None:
            self._reader.close()
        self._cache.close()


def _unexpired(pending: PendingWrite) -> bytes | None:
    value, expires_at = pending
    return value if expires_at is None or expires_at > time.time() else None


_WRITE_ATTEMPTS = 3


def _write_entries(
    cache: diskcache.Cache, rows: RowWriter | None, batch: Mapping[str, PendingWrite]
) -> list[Exception]:
    """Store a batch of entries; the errors of the entries that failed.

    Small entries (kept in the database row, no value file) go in one transaction through
    :class:`~middleware.cache.stores.disk_rows.RowWriter`, which costs far less than diskcache's ``set`` per
    entry; value files of the rows they replace are removed after its commit, and the directory is
    culled to its size limit once per batch. Large entries, and every entry of a batch whose
    transaction failed, are written one by one through diskcache.
    """
    if rows is None:
        small, alone = [], list(batch)
    else:
        small = [
            (key, value, expires_at)
            for key, (value, expires_at) in batch.items()
            if len(value) < cache.disk_min_file_size
        ]
        alone = [key for key in batch if len(batch[key][0]) >= cache.disk_min_file_size]
    if rows is not None and small:
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
