"""Lazy package exports: a name is imported from its home module on first access.

So ``import pipeline`` (or ``import providers.openai``, ``import middleware``) costs almost nothing, and
a program pays for the modules it uses: ``generate_text`` does not import the blocking wrappers,
``generate_object`` or the embedding API; importing one middleware stage does not import the others (or
the optional extras of the others).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["lazy_package"]


class _SubmoduleShadowingPackage(ModuleType):
    """A package exporting a function named like the submodule that defines it (``pipeline.embed``).

    The import system binds a loaded submodule on its package (``pipeline.embed = <module>``) whoever
    imports it; this class binds the function of that name instead, as an eager
    ``from .embed import embed`` in the package's ``__init__`` would.
    """

    _shadowed: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        shadows = name in self._shadowed and isinstance(value, ModuleType)
        if shadows and value.__name__ == f"{self.__name__}.{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_package(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package`` whose exported names live in ``homes``.

    ``homes`` maps each exported name to its module, absolute or relative to ``package`` (``".generate"``). A
    loaded name is stored in ``namespace`` (the package's globals), so the next access is a plain
    attribute lookup. Any other name is looked up as a submodule (``pipeline.prompt``), as it would be
    bound if the package imported it eagerly; a name that is neither raises :class:`AttributeError`.
    """
    shadowed = frozenset(name for name, home in homes.items() if home == f".{name}")
    if shadowed:
        module = sys.modules[package]
        module.__class__ = _SubmoduleShadowingPackage
        namespace["_shadowed"] = shadowed

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is not None:
            value = getattr(importlib.import_module(home, package), name)
            namespace[name] = value
            return value
        if not name.startswith("__"):
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
