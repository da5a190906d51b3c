"""DiskStore: the embedded default store, on diskcache, that never unpickles.

diskcache pickles every value that is not a plain scalar and unpickles any row whose mode says
"pickle", so a writable cache directory is a code-execution risk (CVE-2025-69872). :class:`SafeDisk`
stores only ``bytes`` values under ``str`` keys and refuses every other row mode on read: a planted
pickle row raises :class:`~middleware.cache_codec.CorruptEntryError` and is deleted, never loaded.

Every diskcache call is blocking, so it runs in a worker thread; SQLite's busy timeout is short so a
contended or broken database degrades to a miss. Several processes may share one directory (SQLite
WAL); do not put it on NFS/SMB and do not copy a live cache directory.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

from ..cache_codec import CorruptEntryError

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


class DiskStore:
    """A :class:`~middleware.stores.base.CacheStore` on a diskcache directory.

    ``timeout`` is SQLite's busy timeout in seconds (kept short: a busy database means a miss);
    ``size_limit`` is the directory's size budget in bytes (oldest stored entries are culled first);
    ``open_deadline`` bounds the retries while another process holds the database during its setup.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        timeout: float = 0.25,
        size_limit: int = 2**30,
        open_deadline: float = 10.0,
    ) -> None:
        self.directory = Path(directory)
        _check_directory(self.directory)
        self._cache = _open_cache(self.directory, timeout, size_limit, open_deadline)

    async def _run(self, function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(
            functools.partial(function, *args, **kwargs), abandon_on_cancel=True
        )

    async def get(self, key: str) -> bytes | None:
        return await self._run(self._get_sync, key)

    def _get_sync(self, key: str) -> bytes | None:
        try:
            value = self._cache.get(key, default=None, retry=False)
        except CorruptEntryError:
            self._cache.delete(key, retry=False)
            raise
        return value if value is None else bytes(value)

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        await self._run(self._cache.set, key, value, expire=ttl, retry=False)

    async def delete(self, key: str) -> None:
        await self._run(self._cache.delete, key, retry=False)

    async def clear(self) -> None:
        await self._run(self._cache.clear, retry=True)

    def close(self) -> None:
        """Close this process's SQLite connections (the files stay)."""
        self._cache.close()


def _open_cache(directory: Path, timeout: float, size_limit: int, open_deadline: float) -> diskcache.Cache:
    """Open the cache, retrying while another process holds the database during its own setup."""
    give_up_at = time.monotonic() + open_deadline
    while True:
        try:
            return diskcache.Cache(
                str(directory), timeout=timeout, disk=SafeDisk, size_limit=size_limit
            )
        except (diskcache.Timeout, sqlite3.OperationalError) as error:
            if time.monotonic() >= give_up_at:
                raise
            logger.debug("cache directory busy while opening (%s); retrying", error)
            time.sleep(0.05)
