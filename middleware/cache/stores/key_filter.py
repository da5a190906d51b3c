"""KeyFilter: the keys a DiskStore's database may hold, so that looking up a new key skips SQLite.

A cache in front of new prompts mostly misses, and a miss still costs a SQLite read on the event loop's
thread: about 5 us in a tight loop, but 15-25 us in the middle of a call (its pages and code have gone
cold by then), and a disk read when the page is not in the OS's cache. :class:`KeyFilter` is a Bloom
filter over the database's keys: ``False`` from :meth:`KeyFilter.might_hold` means the key was not there
at the last sync and the lookup is skipped; ``True`` means look (a key that was deleted, or a rare false
positive, costs the read it would have cost anyway). A skipped lookup can only ever turn into a miss,
never into a wrong answer.

How it stays in step with the database:

* It is built from one snapshot of the keys, in a thread of its own; until it is ready every lookup reads.
* This process's writes are added when they are queued.
* Other processes' writes are read back at most every ``interval`` seconds, when SQLite's
  ``PRAGMA data_version`` says the database changed: the rows with a rowid above the newest row seen so
  far. SQLite gives a new row a rowid above every existing one, so while that newest row is still there
  (same rowid, same key), nothing new hides below it; when it is gone (a ``clear``, a cull) the filter
  is built again. So another process's write can be missed for up to ``interval`` after its commit, on
  top of that process's own write linger. Such a false miss is counted in
  :attr:`KeyFilter.false_misses` when the next sync finds the key with a store time before the skipped
  read (one of the last few thousand skipped reads; a key that only a rebuild finds is not counted).
* It is built again when it has taken more keys than it was sized for, and every ``rebuild_after``
  seconds (which also drops deleted keys, and bounds any case the rowid rule does not see).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import forks
from .disk_rows import read_only_connection

__all__ = ["KeyFilter"]

_BITS_PER_KEY = 16
"""Bloom bits per key the filter is sized for: with three probes, about 0.5% false positives when full."""

_MIN_BITS_LOG2 = 20
"""The smallest filter: 2**20 bits (128 KiB), room for 65,536 keys."""

_BUILD_RETRY_SECONDS = 1.0
"""How long after a failed build (a busy or broken database) the next one starts, and the least time
between the starts of two builds (a directory whose newest rows keep vanishing would otherwise scan the
keys at every sync)."""

_SKIPPED_REMEMBERED = 4096
"""How many recently skipped keys are kept to count false misses."""


class _Bloom:
    """A Bloom filter of ``2 ** bits_log2`` bits over str keys, with three probes from ``hash(key)``
    (the process's own string hash: the filter never leaves the process)."""

    def __init__(self, bits_log2: int) -> None:
        self.mask = (1 << bits_log2) - 1
        self.capacity = (1 << bits_log2) // _BITS_PER_KEY
        self.bits = bytearray(1 << (bits_log2 - 3))
        self.count = 0

    @classmethod
    def sized_for(cls, keys: int) -> _Bloom:
        """A filter with room for twice ``keys`` keys."""
        bits_log2 = max(_MIN_BITS_LOG2, (2 * keys * _BITS_PER_KEY - 1).bit_length())
        return cls(bits_log2)

    def add(self, key: str) -> None:
        mask, bits = self.mask, self.bits
        hashed = hash(key)
        first, step = hashed & mask, ((hashed >> 32) | 1) & mask
        for probe in (first, (first + step) & mask, (first + 2 * step) & mask):
            bits[probe >> 3] |= 1 << (probe & 7)
        self.count += 1

    def __contains__(self, key: str) -> bool:
        mask, bits = self.mask, self.bits
        hashed = hash(key)
        first, step = hashed & mask, ((hashed >> 32) | 1) & mask
        second, third = (first + step) & mask, (first + 2 * step) & mask
        return bool(
            bits[first >> 3] >> (first & 7)
            & bits[second >> 3] >> (second & 7)
            & bits[third >> 3] >> (third & 7)
            & 1
        )


@dataclass
class _Snapshot:
    """A filter and the newest row it has seen (rowid 0 and key ``None`` for an empty database)."""

    bloom: _Bloom
    last_rowid: int
    last_key: object
    built_at: float


_NEWER_ROWS = "SELECT rowid, key, raw, store_time FROM Cache WHERE rowid > ? ORDER BY rowid"


class KeyFilter:
    """Which keys the diskcache database at ``database`` may hold (see the module doc).

    ``pending_keys`` gives the keys of this process's writes not yet committed (the write-behind queue):
    a filter built while they were in flight learns them when it is adopted. :meth:`might_hold` and
    :meth:`add` run on the store's callers' threads (a sync that finds another thread syncing is left to
    it); a build runs in a daemon thread and hands its result over through one attribute.
    """

    def __init__(
        self,
        database: Path,
        pending_keys: Callable[[], Iterable[str]],
        *,
        interval: float = 0.01,
        rebuild_after: float = 600.0,
    ) -> None:
        self.database = database
        self.interval = interval
        self.rebuild_after = rebuild_after
        self.skipped = 0
        """Lookups skipped because the key was not in the filter."""
        self.false_misses = 0
        """Skipped lookups of a key another process had already written (found by a later sync)."""
        self._pending_keys = pending_keys
        self._recently_skipped: dict[str, float] = {}
        """Keys of recent skipped reads, with the time.time() of the read."""
        self._closed = False
        self._start_fresh()

    def _start_fresh(self) -> None:
        """No filter yet, a new connection, and a build under way (also in a child process after fork)."""
        self._generation = forks.generation
        self._snapshot: _Snapshot | None = None
        self._built: _Snapshot | None = None
        self._building = False
        self._build_started_at = -_BUILD_RETRY_SECONDS
        self._build_again_at = 0.0
        self._version: int | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._start_build()

    def might_hold(self, key: str) -> bool:
        """``False`` when the database did not hold ``key`` at the last sync (the lookup is skipped)."""
        if time.monotonic() >= self._next_check or self._generation != forks.generation:
            self._check()
        snapshot = self._snapshot
        if snapshot is None or key in snapshot.bloom:
            return True
        self.skipped += 1
        remembered = self._recently_skipped
        remembered[key] = time.time()
        if len(remembered) > _SKIPPED_REMEMBERED:
            remembered.pop(next(iter(remembered)), None)
        return False

    def add(self, key: str) -> None:
        """This process queued a write of ``key``."""
        self._recently_skipped.pop(key, None)
        snapshot = self._snapshot
        if snapshot is not None:
            snapshot.bloom.add(key)

    def forget_everything(self) -> None:
        """The database was cleared (or replaced): read every key again before skipping a lookup."""
        with self._lock:
            self._drop(build_again_in=0)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            self._close_connection()

    # -- keeping in step -------------------------------------------------------------------------

    def _check(self) -> None:
        """Adopt a finished build, then read back what other connections committed since the last sync."""
        if self._generation != forks.generation:
            self._start_fresh()
        now = time.monotonic()
        self._next_check = now + self.interval
        if not self._lock.acquire(blocking=False):
            return  # another thread is syncing
        try:
            built, self._built = self._built, None
            if built is not None:
                # adopted before the queue is read: a write queued later is added to this filter
                self._snapshot, self._version = built, None
                for key in self._pending_keys():
                    built.bloom.add(key)
            if self._closed:
                return
            if self._snapshot is None:
                if now >= self._build_again_at:
                    self._start_build()
                return
            try:
                self._sync(self._snapshot)
            except sqlite3.Error:
                self._drop(build_again_in=_BUILD_RETRY_SECONDS)  # a busy or broken database
        finally:
            self._lock.release()

    def _drop(self, *, build_again_in: float) -> None:
        """Read every key from SQLite until a new filter is built (from a new connection)."""
        self._snapshot = None
        self._close_connection()
        now = time.monotonic()
        self._build_again_at = max(now + build_again_in, self._build_started_at + _BUILD_RETRY_SECONDS)
        if now >= self._build_again_at:
            self._start_build()

    def _sync(self, snapshot: _Snapshot) -> None:
        connection = self._reader()
        ((version,),) = connection.execute("PRAGMA data_version").fetchall()
        if version == self._version:
            return
        if snapshot.last_rowid:
            newest = connection.execute(
                "SELECT key FROM Cache WHERE rowid = ?", (snapshot.last_rowid,)
            ).fetchall()
            if newest != [(snapshot.last_key,)]:
                self._drop(build_again_in=0)  # rowids may have been handed out again below it
                return
        bloom, remembered = snapshot.bloom, self._recently_skipped
        for rowid, key, raw, stored_at in connection.execute(_NEWER_ROWS, (snapshot.last_rowid,)).fetchall():
            snapshot.last_rowid, snapshot.last_key = rowid, key
            if raw and type(key) is str and key not in bloom:  # this process's own writes are in already
                bloom.add(key)
                skipped_at = remembered.pop(key, None)
                if skipped_at is not None and stored_at is not None and skipped_at > stored_at:
                    self.false_misses += 1  # the read came after the row was stored
        self._version = version
        if bloom.count > bloom.capacity or time.monotonic() - snapshot.built_at > self.rebuild_after:
            self._start_build()  # the current filter answers until the new one is adopted

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _reader(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = read_only_connection(self.database)
        return self._connection

    def _start_build(self) -> None:
        if self._building or self._closed:
            return
        self._building = True
        self._build_started_at = time.monotonic()
        threading.Thread(target=self._build, name="modelpipe-cache-key-filter", daemon=True).start()

    def _build(self) -> None:
        generation = forks.generation
        try:
            built: _Snapshot | None = _scan(self.database)
        except sqlite3.Error:
            built = None
            self._build_again_at = time.monotonic() + _BUILD_RETRY_SECONDS
        if generation == forks.generation:
            self._built = built
            self._building = False


def _scan(database: Path) -> _Snapshot:
    """A filter of every str key in the database, from one read transaction (the keys come from the
    key index, not the table, whose rows carry the values)."""
    connection = read_only_connection(database)
    connection.execute("PRAGMA busy_timeout = 1000")
    try:
        connection.execute("BEGIN")
        ((count,),) = connection.execute("SELECT count(*) FROM Cache").fetchall()
        newest = connection.execute("SELECT rowid, key FROM Cache ORDER BY rowid DESC LIMIT 1").fetchall()
        bloom = _Bloom.sized_for(count)
        for (key,) in connection.execute("SELECT key FROM Cache WHERE raw = 1"):
            if type(key) is str:
                bloom.add(key)
        connection.execute("COMMIT")
    finally:
        connection.close()
    last_rowid, last_key = newest[0] if newest else (0, None)
    return _Snapshot(bloom, last_rowid, last_key, time.monotonic())
