"""examples/gateway.py runs offline against a loopback gateway and prints what it promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_gateway_example_routes_model_strings_through_a_loopback_gateway() -> None:
    hidden = {"AI_GATEWAY_API_KEY", "AI_GATEWAY_BASE_URL", "MODELPIPE_DEFAULT_PROVIDER"}
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "gateway.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("(no AI_GATEWAY_API_KEY: answering from a loopback gateway")
    assert lines[1] == "openai/gpt-4o: Lantern Day: everyone hangs a paper lantern. (gpt-4o-2024-08-06)"
    assert lines[2] == "anthropic/claude-sonnet-4-5: One key, every model."
    assert completed.stderr == ""
