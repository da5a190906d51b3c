"""The README's quickstart runs offline and prints what it promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_quickstart_runs_against_the_loopback_server() -> None:
    env = {key: value for key, value in os.environ.items() if key != "OPENAI_API_KEY"}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("(no OPENAI_API_KEY: answering from a loopback")
    assert lines[1] == "generate_text: Lantern Day: everyone hangs a paper lantern and tells one story."
    assert lines[3] == "stream_text: Roses are red, loopbacks are fast."
    assert completed.stderr == ""
