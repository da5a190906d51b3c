"""Direct access to the rows of a diskcache directory: the lock-free reader and the batch writer.

diskcache's ``Cache.get`` / ``Cache.set`` run several statements and Python steps per entry (row
lookup, insert or update, a cull check with a volume query), each releasing and taking back the GIL
from the event loop's thread. For the usual entry (a small ``bytes`` value kept in the row) both
sides here speak diskcache's table directly, with its documented layout: one indexed ``SELECT`` to
read, and one multi-row upsert statement per batch to write, whose triggers keep diskcache's ``count`` and
``size`` settings right. Everything else (large values kept in files, other row modes) still goes
through diskcache.

This reads and writes diskcache's private table, whose layout is not a public API: it is the layout
of diskcache 5.6, which ``pyproject.toml`` pins (``diskcache>=5.6,<5.7``). :data:`DIRECT_ROW_ACCESS` is
the one switch: with any other diskcache version it is off and every read and write goes through
diskcache's own API (correct, only slower).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import diskcache
from diskcache.core import MODE_RAW

from . import forks

__all__ = [
    "DIRECT_ROW_ACCESS",
    "RowNotServed",
    "RowReader",
    "RowWriter",
    "SmallEntry",
    "read_only_connection",
]

DIRECT_ROW_ACCESS = diskcache.__version__.startswith("5.6.")
"""Whether this module's statements match the installed diskcache's table (the version it was written
against); when False, :class:`~middleware.cache.stores.DiskStore` uses only diskcache's public API."""

SmallEntry = tuple[str, bytes, float | None]
"""A key, a value small enough for its row, and its expiry as a ``time.time()`` value (or ``None``)."""

_SELECT = (
    "SELECT mode, filename, value FROM Cache"
    " WHERE key = ? AND raw = 1 AND (expire_time IS NULL OR expire_time > ?)"
)

_UPSERT = (
    "INSERT INTO Cache(key, raw, store_time, expire_time, access_time, access_count, tag, size, mode,"
    " filename, value) VALUES {}"
    " ON CONFLICT(key, raw) DO UPDATE SET store_time = excluded.store_time,"
    " expire_time = excluded.expire_time, access_time = excluded.access_time, access_count = 0,"
    " tag = NULL, size = 0, mode = excluded.mode, filename = NULL, value = excluded.value"
)
_ROW = "(?, 1, ?, ?, ?, 0, NULL, 0, ?, NULL, ?)"
_ROWS_PER_STATEMENT = 150
"""Rows upserted by one statement (6 variables each: under the 999 of SQLite's oldest builds). One
statement, not ``executemany``: the sqlite3 module gives the GIL up and takes it back around every step,
and each time back costs the event loop's thread a hand-over (a mutex wake-up and often a context
switch) while it is running calls."""

_REPLACED_FILES = "SELECT filename FROM Cache WHERE raw = 1 AND filename IS NOT NULL AND key IN ({})"

_KEYS_PER_QUERY = 500
"""Keys bound in one ``IN (...)`` list (SQLite allows 999 variables in its oldest builds)."""


def read_only_connection(database: Path) -> sqlite3.Connection:
    """A connection that only reads, never waits for a lock (timeout 0), in autocommit mode, and may be
    used from any thread (its owner serializes the use)."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA query_only = ON")
    return connection


class RowNotServed(Exception):
    """The row needs diskcache (a value file, another row mode) or the database is busy."""


class RowReader:
    """Reads small raw-bytes rows on the caller's thread; never waits for a lock or opens a file.

    Mirrors diskcache's lock-free fast path of ``Cache.get`` (no statistics, an eviction policy that
    does not update rows on read), which is how :class:`~middleware.cache.stores.DiskStore` opens its cache.
    """

    def __init__(self, database: Path) -> None:
        self._database = database
        self._connect()

    def _connect(self) -> None:
        """Open the connection (again in a child process: SQLite connections must not cross ``fork``)."""
        self._generation = forks.generation
        self._lock = threading.Lock()
        self._connection = read_only_connection(self._database)

    def read(self, key: str) -> bytes | None:
        """The row's value; ``None`` when there is no live row; :class:`RowNotServed` for anything that
        needs diskcache (a value file, another row mode) or a busy database."""
        if self._generation != forks.generation:
            self._connect()
        if not self._lock.acquire(blocking=False):
            raise RowNotServed("reader busy")
        try:
            rows = self._connection.execute(_SELECT, (key, time.time())).fetchall()
        except sqlite3.Error as error:
            raise RowNotServed(str(error)) from error
        finally:
            self._lock.release()
        if not rows:
            return None
        ((mode, filename, value),) = rows
        if mode == MODE_RAW and filename is None and type(value) is bytes:
            return value
        raise RowNotServed("not a small raw row")

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class RowWriter:
    """Writes batches of small entries, one transaction each, from one thread at a time.

    ``timeout`` is SQLite's busy timeout. Value files of rows the batch replaces are returned for
    removal after the commit, as diskcache does for a single ``set``.
    """

    def __init__(self, database: Path, timeout: float) -> None:
        self._database = database
        self._timeout = timeout
        self._connection: sqlite3.Connection | None = None
        self._generation = forks.generation

    def write(self, entries: Iterable[SmallEntry]) -> list[str]:
        """Store ``entries`` in one transaction (all or none); the replaced value files to remove."""
        connection = self._connect()
        now = time.time()
        rows = [(key, now, expires_at, now, MODE_RAW, value) for key, value, expires_at in entries]
        connection.execute("BEGIN IMMEDIATE")
        try:
            replaced = _replaced_files(connection, [row[0] for row in rows])
            for start in range(0, len(rows), _ROWS_PER_STATEMENT):
                chunk = rows[start : start + _ROWS_PER_STATEMENT]
                values = [value for row in chunk for value in row]
                connection.execute(_UPSERT.format(",".join([_ROW] * len(chunk))), values)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return replaced

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._generation != forks.generation:
            self._generation = forks.generation
            self._connection = sqlite3.connect(
                self._database, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA synchronous = NORMAL")  # diskcache's setting (WAL)
        return self._connection


def _replaced_files(connection: sqlite3.Connection, keys: list[str]) -> list[str]:
    files: list[str] = []
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        query = _REPLACED_FILES.format(",".join("?" * len(chunk)))
        files.extend(filename for (filename,) in connection.execute(query, chunk))
    return files
