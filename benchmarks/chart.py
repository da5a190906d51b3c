"""The charts in ``benchmarks/results.png`` from ``results.json`` (needs matplotlib, the bench extra): the
clients' ratios to the floor, and below them the microseconds each layer adds per call.

``python -m benchmarks.chart`` redraws it from the last run's ``results.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.report import LABELS, layer_rows

__all__ = ["COMPARED", "draw", "ratio_table"]

COMPARED = ("floor", "bare", "stack", "hit", "responses", "openai", "litellm", "aisdk-node")
"""The rows of the ratio chart (every layer row is in the per-layer chart)."""
_NOT_ADDED = {"hit"}  # a hit removes work rather than adding a layer: its ratio is in the chart above

_METRICS = [
    ("cpu_us_per_call", "CPU per call"),
    ("stream_cpu_us_per_call", "CPU per streamed call"),
    ("calls_per_second", "calls/s at concurrency 32"),
]


def ratio_table(summary: dict[str, Any]) -> dict[str, dict[str, float]]:
    """metric label -> row label -> median ratio to the floor, for the :data:`COMPARED` rows measured."""
    rows = summary["rows"]
    floor = rows["floor"]
    return {
        label: {
            LABELS.get(row, row): rows[row][metric]["median"] / floor[metric]["median"]
            for row in COMPARED
            if row in rows
        }
        for metric, label in _METRICS
    }


def draw(summary: dict[str, Any], path: Path) -> None:
    """Grouped bars of the compared rows' ratios to the floor, one group per metric, with the 1.0 line;
        below, when layer rows were measured, horizontal bars of the CPU each layer adds per call (names and
    bases as in RESULTS.md's per-layer table)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layers = [entry for entry in layer_rows(summary["rows"]) if entry["row"] not in _NOT_ADDED]
    if layers:
        figure, (axes, layer_axes) = plt.subplots(
            2, 1, figsize=(11, 6 + 0.35 * len(layers)), height_ratios=[5, 1 + 0.35 * len(layers)]
        )
    else:
        figure, axes = plt.subplots(figsize=(11, 5))
    _ratios(axes, ratio_table(summary))
    axes.set_title(f"modelpipe benchmarks ({summary['environment']['date']})")
    if layers:
        _layers(layer_axes, layers)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _ratios(axes: Any, table: dict[str, dict[str, float]]) -> None:
    labels = list(next(iter(table.values())))
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
    axes.legend(fontsize=8)


def _layers(axes: Any, layers: list[dict[str, Any]]) -> None:
    """One pair of bars per layer row: CPU us added per call and per streamed call, over its base."""
    names = [f"{entry['row']} over {entry['base']}" for entry in layers]
    positions = list(range(len(layers)))
    for offset, metric, label in (
        (-0.2, "cpu_us_per_call_added", "per call"),
        (0.2, "stream_cpu_us_per_call_added", "per streamed call"),
    ):
        bars = axes.barh([p + offset for p in positions], [e[metric] for e in layers], 0.4, label=label)
        axes.bar_label(bars, fmt="%+.0f", fontsize=7, padding=2)
    axes.set_yticks(positions, names, fontsize=8)
    axes.invert_yaxis()
    axes.axvline(0.0, color="black", linewidth=0.8)
    axes.set_xlabel("CPU us added over the row below it in the chain (difference of medians)")
    axes.set_title("Per-layer cost", fontsize=10)
    axes.legend(fontsize=8)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    draw(json.loads((here / "results.json").read_text()), here / "results.png")
