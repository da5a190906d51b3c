"""Optional dependencies of some tests: skipped locally when missing, a failure under CI (``.ci/run``
installs every one of them, so a missing or broken one must not turn tests quietly green)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

__all__ = ["require_module"]


def require_module(name: str) -> ModuleType:
    """Import ``name``; skip (locally) or fail (with ``CI`` set) when it cannot be imported."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{name} cannot be imported under CI ({error}); .ci/run installs it", pytrace=False)
        pytest.skip(f"{name} is not installed", allow_module_level=True)
