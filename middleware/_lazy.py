"""Lazy package exports: a name is imported from its home module on first access.

So importing one stage (``middleware.download``) does not import the others (or diskcache), and the
optional extras (``otel``, ``redis``) are needed only by the names that use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package`` whose names live in ``homes``.

    ``homes`` maps each exported name to its module, absolute or relative to ``package``
    (``".call_cache"``). A loaded name is stored in ``namespace`` (the package's globals), so the
    next access is a plain attribute lookup.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
