"""MkDocs hook: the benchmark chart (benchmarks/results.png, written by ``python -m benchmarks``) is
published beside the benchmarks page, so the docs always show the latest run without a copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

CHART = Path(__file__).resolve().parents[2] / "benchmarks" / "results.png"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "guides/results.png", abs_src_path=str(CHART)))
    return files
