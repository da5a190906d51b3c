"""The ratio chart: ``benchmarks/results.png`` from ``results.json`` (needs matplotlib, the bench extra).

``python -m benchmarks.chart`` redraws it from the last run's ``results.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.report import LABELS

__all__ = ["draw", "ratio_table"]

_METRICS = [
    ("cpu_us_per_call", "CPU per call"),
    ("stream_cpu_us_per_call", "CPU per streamed call"),
    ("calls_per_second", "calls/s at concurrency 32"),
]


def ratio_table(summary: dict[str, Any]) -> dict[str, dict[str, float]]:
    """metric label -> row label -> median ratio to the floor."""
    rows = summary["rows"]
    floor = rows["floor"]
    return {
        label: {
            LABELS.get(row, row): figures[metric]["median"] / floor[metric]["median"]
            for row, figures in rows.items()
        }
        for metric, label in _METRICS
    }


def draw(summary: dict[str, Any], path: Path) -> None:
    """Grouped bars of every row's ratio to the floor, one group per metric, with the 1.0 line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = ratio_table(summary)
    labels = list(next(iter(table.values())))
    figure, axes = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(labels)
    for index, row in enumerate(labels):
        values = [table[metric][row] for metric in table]
        positions = [group + index * width for group in range(len(table))]
        bars = axes.bar(positions, values, width, label=row)
        axes.bar_label(bars, fmt="%.2f", fontsize=7)
    axes.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    axes.set_xticks([group + width * (len(labels) - 1) / 2 for group in range(len(table))], list(table))
    axes.set_ylabel("ratio to raw httpx (lower is better for CPU, higher for calls/s)")
    axes.set_yscale("log")
    axes.set_title(f"modelpipe benchmarks ({summary['environment']['date']})")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    draw(json.loads((here / "results.json").read_text()), here / "results.png")
