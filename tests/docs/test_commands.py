"""Commands the docs tell a reader to run: ``python -m benchmarks.profile ROW --pyinstrument`` (the
``bench`` extra; the test extra has pyinstrument too)."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import profile
from benchmarks.measure import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def test_profile_with_pyinstrument_prints_the_call_tree() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.profile",
            "stack",
            "--pyinstrument",
            "--calls",
            "5",
            "--warmup",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert "Recorded:" in completed.stdout and "lane  benchmarks/profile.py" in completed.stdout


@pytest.mark.parametrize(("pyinstrument", "concurrency"), [(False, 1), (True, 1), (False, 3)])
def test_the_stack_row_profiles_cache_misses(
    pyinstrument: bool, concurrency: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every profiled call of the ``stack`` row reaches the server: none repeats a warm-up prompt, alone
    or several at a time."""
    args = argparse.Namespace(
        row="stack",
        stream=False,
        concurrency=concurrency,
        calls=4,
        warmup=3,
        top=5,
        pyinstrument=pyinstrument,
    )
    server = ServerProcess()
    try:
        asyncio.run(profile._run(args, server.base_url))
        assert server.stats()["requests"] == args.warmup + args.calls
    finally:
        server.stop()
    assert capsys.readouterr().out.strip()
