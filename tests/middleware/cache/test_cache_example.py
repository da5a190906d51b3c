"""examples/caching.py runs offline and shows a hit and a replay."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from middleware.cache.call_cache import CacheStats
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

PROJECT_ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = PROJECT_ROOT / "examples" / "caching.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("caching_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_model_is_called_once_per_call_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load_example()
    seen: list[MockLanguageModel] = []

    def mock_model(stack: object) -> MockLanguageModel:
        seen.append(MockLanguageModel(generate=text_result("Paris."), stream=text_stream_parts(["Paris."])))
        return seen[-1]

    monkeypatch.setattr(example, "build_model", mock_model)
    stats = await example.main(tmp_path / "cache")
    assert stats == CacheStats(hits=2, misses=2, writes=2, errors=0)
    assert [call.type for call in seen[0].calls] == ["generate", "stream"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("generate #2: 'Paris.'")
    assert lines[2].split("  ")[0] == lines[3].split("  ")[0].replace("#2", "#1")


async def test_the_loopback_server_sees_one_request_per_call_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = await load_example().main(tmp_path / "cache")
    assert stats == CacheStats(hits=2, misses=2, writes=2, errors=0)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("generate #1: 'Paris.'") and lines[1].startswith("generate #2: 'Paris.'")
    assert lines[2].startswith("stream   #1: ['The capital ', 'is ', 'Paris.']")
    assert lines[3].startswith("stream   #2: ['The capital ', 'is ', 'Paris.']")
    assert lines[4] == "requests that reached the server: 2"


def test_the_example_runs_as_a_script() -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "requests that reached the server: 2",
        "CacheStats(hits=2, misses=2, writes=2, errors=0)",
    ]
