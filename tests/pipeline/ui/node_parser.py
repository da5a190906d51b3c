"""Run the AI SDK's own UI message stream reader (Node, the pinned ``ai`` in tests/js) on our bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parents[2] / "js"
READER = JS_DIR / "read_ui_message_stream.mjs"


def require_node_packages() -> str:
    """The node executable; skips (locally only, never under CI) when node or the npm packages are absent."""
    node = shutil.which("node")
    missing = "node" if node is None else None
    if missing is None and not (JS_DIR / "node_modules" / "ai").is_dir():
        missing = "the npm packages (run: npm ci --prefix tests/js)"
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} missing under CI: .ci/run installs them")
        pytest.skip(f"{missing} not available")
    assert node is not None
    return node


def read_with_ai_sdk(sse: bytes, message: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"chunkTypes", "message" (the final UIMessage), "errors"}`` as the AI SDK reads ``sse``."""
    node = require_node_packages()
    args = [node, str(READER)] + ([json.dumps(message)] if message is not None else [])
    done = subprocess.run(args, input=sse, capture_output=True, cwd=JS_DIR, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result
