"""The documentation site builds with ``mkdocs build --strict``: every page in the nav, every link and
every API reference entry resolves (a broken reference or a page left out of the nav fails)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    assert (site / "index.html").exists()
    assert (site / "guides" / "results.png").exists()
    reference = (site / "reference" / "pipeline" / "index.html").read_text()
    assert "generate_text" in reference
