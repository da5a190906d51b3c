"""WriteBehind: a bounded queue of pending writes drained by one background thread.

A caller hands a write over and goes on at once; the thread takes everything queued so far as a
batch and writes it entry by entry, so calls never wait for the database and concurrent calls do
not contend for its lock. Until a write is done, :meth:`WriteBehind.pending` still answers it, so the
writing process reads its own writes. Newer writes of a key replace queued older ones. A write that
fails is dropped, counted in :attr:`WriteBehind.failures` and logged as a warning on the
``modelpipe.cache`` logger (once per batch; the cache is best effort: a lost write is a later miss).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

from .base import StoreUnavailableError

__all__ = ["PendingWrite", "WriteBehind"]

logger = logging.getLogger("modelpipe.cache")

PendingWrite = tuple[bytes, float | None]
"""A queued value and its expiry as a ``time.time()`` value (``None`` for never)."""

EntryWriter = Callable[[str, bytes, float | None], None]


class WriteBehind:
    """Queues writes for ``write_entry(key, value, expires_at)``, which one daemon thread calls.

    At most ``max_entries`` writes and ``max_bytes`` value bytes wait at a time; beyond that
    :meth:`put` raises :class:`~middleware.stores.base.StoreUnavailableError` (the write is skipped).
    A batch of writes and every ``exclusive`` operation run under one lock, in order.
    """

    def __init__(self, write_entry: EntryWriter, *, max_entries: int = 4096, max_bytes: int = 64 * 2**20):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.failures = 0
        self._write_entry = write_entry
        self._queued: dict[str, PendingWrite] = {}
        self._queued_bytes = 0
        self._in_flight: Mapping[str, PendingWrite] = {}
        self._closed = False
        self._start_fresh()

    def _start_fresh(self) -> None:
        """New locks and no thread yet: at creation, and in a child process after ``fork``, where the
        parent's thread does not exist and its locks may have been copied while held."""
        self._pid = os.getpid()
        self._changed = threading.Condition()
        self._exclusive = threading.Lock()
        self._thread: threading.Thread | None = None

    def put(self, key: str, value: bytes, expires_at: float | None) -> None:
        """Queue ``value`` under ``key`` (non-blocking)."""
        if self._pid != os.getpid():
            self._start_fresh()
        with self._changed:
            if self._closed:
                raise StoreUnavailableError("the store is closed")
            replaced = self._queued.get(key)
            freed = len(replaced[0]) if replaced is not None else 0
            too_many = replaced is None and len(self._queued) >= self.max_entries
            if too_many or self._queued_bytes - freed + len(value) > self.max_bytes:
                raise StoreUnavailableError("the cache write queue is full")
            self._queued[key] = (value, expires_at)
            self._queued_bytes += len(value) - freed
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._drain, name="modelpipe-cache-writer", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def pending(self, key: str) -> PendingWrite | None:
        """The newest write of ``key`` not yet committed, or ``None``."""
        queued = self._queued.get(key)
        return queued if queued is not None else self._in_flight.get(key)

    def discard(self, key: str | None = None) -> None:
        """Forget the queued write of ``key`` (of every key when ``None``); see :meth:`exclusive`."""
        with self._changed:
            if key is None:
                self._queued.clear()
                self._queued_bytes = 0
            else:
                dropped = self._queued.pop(key, None)
                self._queued_bytes -= len(dropped[0]) if dropped is not None else 0

    def exclusive(self, operation: Callable[[], object]) -> None:
        """Run ``operation`` (blocking) after the batch being written, if any, is committed."""
        with self._exclusive:
            operation()

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every write queued so far is committed or dropped; False on timeout."""
        give_up_at = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while self._queued or self._in_flight:
                left = None if give_up_at is None else give_up_at - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def close(self, timeout: float | None = None) -> None:
        """Flush, then stop the thread; later writes are refused."""
        self.flush(timeout)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _drain(self) -> None:
        while True:
            with self._changed:
                while not self._queued and not self._closed:
                    self._changed.wait()
                if not self._queued:
                    return
                # In flight before it leaves the queue, so pending() never misses it in between.
                batch = self._in_flight = self._queued
                self._queued, self._queued_bytes = {}, 0
            with self._exclusive:
                try:
                    self._write(batch)
                finally:
                    with self._changed:
                        self._in_flight = {}
                        self._changed.notify_all()

    def _write(self, batch: Mapping[str, PendingWrite]) -> None:
        failed: list[Exception] = []
        for key, (value, expires_at) in batch.items():
            try:
                self._write_entry(key, value, expires_at)
            except Exception as error:
                failed.append(error)
        if failed:
            self.failures += len(failed)
            logger.warning(
                "cache write of %d of %d entries failed (%s: %s); they were not stored",
                len(failed),
                len(batch),
                type(failed[-1]).__name__,
                failed[-1],
            )
