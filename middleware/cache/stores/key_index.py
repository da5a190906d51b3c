"""KeyIndex: the keys a diskcache database may hold, so that most misses are answered without a read.

A miss on a :class:`~middleware.cache.stores.DiskStore` otherwise costs an SQLite read on the event
loop's thread: a read transaction with its file locks, and a descent of the key index. The index keeps,
per process, the hashes of the keys the ``Cache`` table held when it last looked, and looks again only
when the database changed. A key whose hash is not there is absent; any other key is read as before.
A large directory is indexed a slice of rows per read, and its misses are read until it is complete.

Change is seen without a query, in the header of SQLite's WAL index (the first 48 bytes of the ``-shm``
file, which SQLite maps into the memory of every connection; https://www.sqlite.org/walformat.html).
Every commit of any connection in any process rewrites it: the count of frames in the WAL grows, or a
restarted WAL gets new salts. (Its ``iChange`` counter alone is not enough: a connection opened later
in another process can commit without moving it.) When the header changed, the index adds the keys of
the rows after the newest row it knew, in rowid order. Rows get increasing rowids unless the newest row
was deleted in between; so when the newest known row is no longer the same row (same rowid, key and
store time), the index is built again from every row.

Being wrong in one direction is harmless: a key that was deleted or expired is still "maybe there" and
is read. The other direction, a present key taken for absent, costs a model call and a rewrite of the
entry, never a wrong answer; the store counts such rewrites (:attr:`KeyIndex.false_misses`). The index
switches itself off (every miss is read) when the database is not in WAL mode, its ``-shm`` file cannot
be mapped, or it holds more than ``limit`` entries (the hashes take about 70 bytes of memory a key).
"""

from __future__ import annotations

import logging
import mmap
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

__all__ = ["DEFAULT_INDEX_LIMIT", "KeyIndex"]

logger = logging.getLogger("modelpipe.cache")

DEFAULT_INDEX_LIMIT = 100_000
"""Entries beyond which a directory's misses are read again (the index would take too much memory)."""

_HEADER_BYTES = 48
"""The first copy of the WAL index header, which every commit rewrites (``WalIndexHdr``)."""

_ANSWERED_REMEMBERED = 4096
"""How many keys answered absent are remembered, to count the ones a later write finds present."""

_NEWEST = "SELECT rowid, key, store_time FROM Cache ORDER BY rowid DESC LIMIT 1"
_ROW = "SELECT key, store_time FROM Cache WHERE rowid = ?"
_KEYS_AFTER = "SELECT rowid, key FROM Cache WHERE rowid > ? AND raw = 1 ORDER BY rowid LIMIT ?"
_SCAN_ROWS = 5_000
"""Rows one scan adds to the index (a few milliseconds of the caller's thread)."""
_COUNT = "SELECT value FROM Settings WHERE key = 'count'"

_Newest = tuple[int, object, object]
"""The newest row the index knows: its rowid, key and store time."""
_EMPTY: _Newest = (0, None, None)
"""No row (rowids start at 1)."""


class KeyIndex:
    """The hashes of the keys in one database's ``Cache`` table, kept fresh by its WAL index header.

    Not thread-safe: its owner (:class:`~middleware.cache.stores.disk_rows.RowReader`) calls
    :meth:`may_hold` under its own lock, with its own connection.
    """

    def __init__(self, database: Path, limit: int = DEFAULT_INDEX_LIMIT) -> None:
        self._shm_path = Path(f"{database}-shm")
        self._limit = limit
        self._header: mmap.mmap | None = None
        self._seen: bytes | None = None
        self._newest: _Newest = _EMPTY
        self._scanned = 0
        self._hashes: set[int] = set()
        self._answered: OrderedDict[str, None] = OrderedDict()
        self.enabled = limit > 0
        self.false_misses = 0
        """Keys this index called absent that a write then found present (each cost a model call)."""

    def may_hold(self, connection: sqlite3.Connection, key: str) -> bool:
        """False only when ``key`` is known to be absent; True when it may be there (or the index is off)."""
        if not self.enabled:
            return True
        try:
            version = self._version(connection)
            if version != self._seen:
                self._check_newest(connection)
                self._seen = version
            if self.enabled and self._scanned < self._newest[0]:
                self._scan(connection)
        except (sqlite3.Error, OSError, ValueError) as error:
            self._switch_off(f"it cannot be kept ({type(error).__name__}: {error})")
            return True
        if not self.enabled or self._scanned < self._newest[0] or hash(key) in self._hashes:
            return True
        answered = self._answered
        answered[key] = None
        if len(answered) > _ANSWERED_REMEMBERED:
            answered.popitem(last=False)
        return False

    def found_present(self, keys: Iterable[str]) -> None:
        """Count the keys among ``keys`` (found present by a write) that this index had called absent, and
        know them from now on (their rows keep their rowids, so a refresh would not add them)."""
        answered = self._answered
        for key in keys:
            if key in answered:
                self.false_misses += 1
                self._hashes.add(hash(key))  # from the writer's thread: one atomic set operation

    def close(self) -> None:
        if self._header is not None:
            self._header.close()
            self._header = None

    def _version(self, connection: sqlite3.Connection) -> bytes:
        if self._header is None:
            self._header = _map_header(connection, self._shm_path)
        return self._header[:_HEADER_BYTES]

    def _check_newest(self, connection: sqlite3.Connection) -> None:
        """After a change: start again from the first row if the newest known row is gone (its rowid may
        be given to a new row); then note the newest row, up to which :meth:`_scan` adds keys."""
        newest = self._newest
        if newest[0] == 0 or connection.execute(_ROW, (newest[0],)).fetchone() != newest[1:]:
            (count,) = connection.execute(_COUNT).fetchone() or (0,)
            if count > self._limit:
                self._switch_off(f"the directory holds {count} entries (more than {self._limit})")
                return
            self._hashes = set()
            self._scanned = 0
        row = connection.execute(_NEWEST).fetchone()
        self._newest = _EMPTY if row is None else (row[0], row[1], row[2])

    def _scan(self, connection: sqlite3.Connection) -> None:
        """Add the keys of the next rows up to the newest (at most :data:`_SCAN_ROWS`, so that building
        the index of a large directory never holds the caller's thread for long; until it is complete,
        every miss is read)."""
        rows = connection.execute(_KEYS_AFTER, (self._scanned, _SCAN_ROWS)).fetchall()
        self._hashes.update(hash(key) for _, key in rows)
        self._scanned = self._newest[0] if len(rows) < _SCAN_ROWS else rows[-1][0]
        if len(self._hashes) > self._limit:
            self._switch_off(f"the directory holds more than {self._limit} entries")

    def _switch_off(self, reason: str) -> None:
        logger.debug("the cache's key index is off (%s); every miss is read", reason)
        self.enabled = False
        self._hashes = set()
        self.close()


def _map_header(connection: sqlite3.Connection, shm_path: Path) -> mmap.mmap:
    """The WAL index of ``connection``'s database, mapped read-only (raises ``ValueError`` without WAL)."""
    (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() != "wal":
        raise ValueError(f"journal mode {mode}, not wal")
    with open(shm_path, "rb") as file:
        header = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    if len(header) < _HEADER_BYTES:
        header.close()
        raise ValueError("the WAL index is too small")
    return header
