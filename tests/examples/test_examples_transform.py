"""The transform-stage example runs offline and prints reasoning and text apart."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_extract_reasoning(capsys: pytest.CaptureFixture[str]) -> None:
    await load("extract_reasoning").main()
    assert capsys.readouterr().out.splitlines() == [
        "generate reasoning -> The user wants a greeting. Keep it short.",
        "generate text      -> Hello there!",
        "stream reasoning   -> The user wants a greeting.",
        "stream reasoning   ->  Keep it short.",
        "stream text        -> Hello",
        "stream text        ->  there!",
    ]
