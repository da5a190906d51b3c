"""The three packages import from this project, and every __all__ is complete and accurate."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import setuptools

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["pipeline", "middleware", "providers"]


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."))
    return names


def test_packages_import_from_this_project() -> None:
    for package in PACKAGES:
        module = importlib.import_module(package)
        assert module.__file__ is not None
        assert Path(module.__file__).resolve().is_relative_to(ROOT), module.__file__
        assert (ROOT / package / "py.typed").exists()


def test_the_package_search_ships_every_package_and_nothing_else() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    listed = set(setuptools.find_packages(str(ROOT), include=include))
    on_disk = {
        str(path.parent.relative_to(ROOT)).replace("/", ".")
        for package in PACKAGES
        for path in (ROOT / package).rglob("__init__.py")
    }
    assert on_disk == listed


@pytest.mark.parametrize("name", _modules())
def test_all_is_complete(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.__all__ names missing {symbol}"
    public_defined = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and getattr(value, "__module__", None) == name
        and (isinstance(value, type) or callable(value))
    }
    missing = public_defined - set(exported)
    assert not missing, f"{name} defines public names not in __all__: {sorted(missing)}"
