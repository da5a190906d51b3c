"""The packages form layers: ``pipeline`` (the core) imports nothing from ``middleware`` or ``providers``,
and ``middleware`` imports nothing from ``providers``. Arrows point down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS_ABOVE = {
    "pipeline": {"middleware", "providers"},
    "middleware": {"providers"},
}


def imported_packages(source: str, module_parts: tuple[str, ...]) -> set[str]:
    """The top-level packages that a module (dotted path ``module_parts``) imports, anywhere in its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level:
                base = module_parts[: len(module_parts) - node.level]
                if base:
                    found.add(base[0])
                elif node.module:  # climbed above every package: the module named is top-level
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(LAYERS_ABOVE))
def test_a_package_imports_nothing_from_the_layers_above_it(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            imported_packages(path.read_text(), path.relative_to(ROOT).with_suffix("").parts)
            & LAYERS_ABOVE[package]
        )
        for path in modules_of(package)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize(
    "source",
    [
        "import middleware.cache",
        "from providers.openai import OpenAIProvider",
        "def lazy():\n    from middleware import CacheMiddleware",
        "from ... import providers",
    ],
)
def test_the_walk_sees_every_spelling_of_an_upward_import(source: str) -> None:
    found = imported_packages(source, ("pipeline", "download", "attachments"))
    assert found & {"middleware", "providers"}
