"""WriteBehind: a bounded queue of pending writes drained by one background thread.

A caller hands a write over and goes on at once; the thread lets writes gather for a short
``linger`` after the first one arrives (less when the queue grows large or someone flushes), then
takes everything queued as a batch and writes it, so calls never wait for the database, concurrent
calls do not contend for its lock, and the thread wakes once per batch rather than once per write
(each wake-up competes with the event loop's thread for the GIL). Until a write is done,
:meth:`WriteBehind.pending` still answers it, so the writing process reads its own writes. Newer
writes of a key replace queued older ones. A write that fails is dropped, counted in
:attr:`WriteBehind.failures` and logged as a warning on the ``modelpipe.cache`` logger (once per
batch; the cache is best effort: a lost write is a later miss).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from . import forks
from .base import StoreUnavailableError

__all__ = ["PendingWrite", "WriteBehind"]

logger = logging.getLogger("modelpipe.cache")

PendingWrite = tuple[bytes, float | None]
"""A queued value and its expiry as a ``time.time()`` value (``None`` for never)."""

BatchWriter = Callable[[Mapping[str, PendingWrite]], list[Exception]]
"""Writes a batch (key to pending write); returns the errors of the entries that were not stored."""


class WriteBehind:
    """Queues writes for ``write_batch(batch)``, which one daemon thread calls.

    At most ``max_entries`` writes and ``max_bytes`` value bytes wait at a time; beyond that
    :meth:`put` raises :class:`~middleware.cache.stores.base.StoreUnavailableError` (the write is skipped).
    A batch of writes and every ``exclusive`` operation run under one lock, in order. A batch is taken
    ``linger`` seconds after its first write, or at once when a quarter of either limit is queued or
    :meth:`flush` / :meth:`close` wait.
    """

    def __init__(
        self,
        write_batch: BatchWriter,
        *,
        max_entries: int = 4096,
        max_bytes: int = 64 * 2**20,
        linger: float = 0.02,
    ):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.linger = linger
        self.failures = 0
        self._write_batch = write_batch
        self._queued: dict[str, PendingWrite] = {}
        self._queued_bytes = 0
        self._in_flight: Mapping[str, PendingWrite] = {}
        self._closed = False
        self._flushing = 0
        self._start_fresh()

    def _start_fresh(self) -> None:
        """New locks and no thread yet: at creation, and in a child process after ``fork``, where the
        parent's thread does not exist and its locks may have been copied while held."""
        self._generation = forks.generation
        self._changed = threading.Condition()
        self._exclusive = threading.Lock()
        self._thread: threading.Thread | None = None

    def put(self, key: str, value: bytes, expires_at: float | None) -> None:
        """Queue ``value`` under ``key`` (non-blocking)."""
        if self._generation != forks.generation:
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
            if (replaced is None and len(self._queued) == 1) or self._batch_is_due():
                self._changed.notify_all()

    def pending(self, key: str) -> PendingWrite | None:
        """The newest write of ``key`` not yet committed, or ``None``."""
        queued = self._queued.get(key)
        return queued if queued is not None else self._in_flight.get(key)

    def pending_keys(self) -> list[str]:
        """The keys of every write not yet committed."""
        with self._changed:
            return [*self._queued, *self._in_flight]

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
            self._flushing += 1
            self._changed.notify_all()
            try:
                while self._queued or self._in_flight:
                    left = None if give_up_at is None else give_up_at - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._changed.wait(left)
            finally:
                self._flushing -= 1
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
                self._linger()
                if not self._queued:
                    if self._closed:
                        return
                    continue
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

    def _linger(self) -> None:
        """Let more writes join the batch (called holding ``_changed``, with a write queued)."""
        give_up_at = time.monotonic() + self.linger
        while self._queued and not self._batch_is_due():
            left = give_up_at - time.monotonic()
            if left <= 0:
                return
            self._changed.wait(left)

    def _batch_is_due(self) -> bool:
        return (
            self._closed
            or self._flushing > 0
            or len(self._queued) * 4 >= self.max_entries
            or self._queued_bytes * 4 >= self.max_bytes
        )

    def _write(self, batch: Mapping[str, PendingWrite]) -> None:
        failed = self._write_batch(batch)
        if failed:
            self.failures += len(failed)
            logger.warning(
                "cache write of %d of %d entries failed (%s: %s); they were not stored",
                len(failed),
                len(batch),
                type(failed[-1]).__name__,
                failed[-1],
            )
