"""The pipeline package surface: explicit ``__all__`` in every module, and what the package exports."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import pipeline
from pipeline import errors, stream

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(pipeline.__path__, prefix="pipeline.") if not info.ispkg
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_exports_exactly_what_it_defines(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    for exported in module.__all__:
        assert hasattr(module, exported), exported
    defined_here = {
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == name
    }
    assert defined_here <= set(module.__all__)


def test_everything_the_package_exports_exists_once() -> None:
    assert len(set(pipeline.__all__)) == len(pipeline.__all__)
    assert all(hasattr(pipeline, name) for name in pipeline.__all__)


def test_every_error_class_is_exported_from_the_package() -> None:
    error_classes = {name for name in errors.__all__ if inspect.isclass(getattr(errors, name))}
    assert error_classes <= set(pipeline.__all__)


def test_every_stream_part_class_is_exported_from_the_package() -> None:
    part_classes = {name for name in stream.__all__ if name.endswith("Part")}
    assert part_classes <= set(pipeline.__all__)


@pytest.mark.parametrize("internal", ["resolve_params", "with_attempt", "register_bundled_provider"])
def test_internal_helpers_are_not_exported_from_the_package(internal: str) -> None:
    assert internal not in pipeline.__all__
