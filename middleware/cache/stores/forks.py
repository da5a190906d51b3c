"""Whether this is still the process an object was made in, without a system call per check.

``os.getpid()`` is a system call (glibc no longer caches it), and the stores ask on every read and write.
:data:`generation` is instead a counter that each child process bumps right after ``os.fork()`` (Python's
fork hooks, which ``multiprocessing``'s fork start method also runs): an object records it when it sets up
its connections or threads and sets them up again when it differs. A fork made from C code that skips
Python's hooks is not seen; nothing here forks that way.
"""

from __future__ import annotations

import os

__all__ = ["generation"]

generation = 0
"""How many forks separate this process from the one that imported this module."""


def _after_fork_in_child() -> None:
    global generation
    generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
