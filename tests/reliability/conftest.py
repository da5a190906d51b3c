"""Fixtures shared by the reliability tests."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture
def own_heap() -> Iterator[None]:
    """Put what earlier tests left on the heap out of the collector's reach while this test runs.

    A full collection stops the event loop and the loopback servers' threads for as long as it
    takes to walk the whole heap: after a few thousand tests, over half a second, past the load
    test's 0.5 s read timeout (a reply planned for 50 ms timed out and took an unplanned retry) and
    the cancellation tests' 0.25 s return limit. Frozen objects are skipped by every collection, so
    the test's pauses are its own again.
    """
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
