"""Pure rendering of benchmark results: the machine, the targets met or missed, the markdown table."""

from __future__ import annotations

import importlib.metadata
import os
import platform
from datetime import UTC, datetime
from typing import Any

__all__ = ["LABELS", "TARGETS", "environment", "evaluate", "render_markdown"]

LABELS = {
    "floor": "raw httpx (floor)",
    "bare": "modelpipe, bare provider",
    "responses": "modelpipe, bare provider (Responses API)",
    "stack": "modelpipe, full default stack (cache miss)",
    "hit": "modelpipe, cache hit (DiskStore)",
    "openai": "openai SDK",
    "litellm": "LiteLLM",
    "fallback": "modelpipe, bare + FallbackMiddleware",
    "ratelimit": "modelpipe, bare + RateLimitMiddleware (memory)",
    "cost": "modelpipe, bare + CostMiddleware",
    "budget": "modelpipe, bare + BudgetMiddleware (memory)",
    "promptcache": "modelpipe, bare + PromptCachingMiddleware",
}

TARGETS: list[tuple[str, str, str, str, float]] = [
    # (name, row, metric, comparison, bound): ratios are row / floor in the same run
    ("full stack CPU per call", "stack", "cpu_us_per_call", "<=", 1.15),
    ("cache hit CPU per call", "hit", "cpu_us_per_call", "<=", 0.2),
    ("streamed call CPU (bare provider)", "bare", "stream_cpu_us_per_call", "<=", 1.2),
    ("throughput at concurrency 32 (full stack)", "stack", "calls_per_second", ">=", 0.95),
    ("throughput at concurrency 32 (bare provider)", "bare", "calls_per_second", ">=", 0.95),
]

_VERSIONED = ["httpx", "httpcore", "pydantic", "pydantic-core", "anyio", "diskcache", "openai", "litellm"]


def environment() -> dict[str, Any]:
    """The machine and the versions that produced the numbers."""
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "versions": versions,
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def evaluate(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met."""
    rows = summary["rows"]
    floor = rows["floor"]
    results = []
    for name, row, metric, comparison, bound in TARGETS:
        if row not in rows:
            continue
        ratio = rows[row][metric]["median"] / floor[metric]["median"]
        met = ratio <= bound if comparison == "<=" else ratio >= bound
        results.append(
            {"target": f"{name} {comparison} {bound}x floor", "value": f"{ratio:.2f}x", "met": met}
        )
    for row in ("bare", "stack"):
        if row in rows:
            per_call = rows[row]["new_connections_per_call"]
            results.append(
                {
                    "target": f"zero new connections per call after warm-up ({LABELS[row]})",
                    "value": f"{per_call:.3f}",
                    "met": per_call == 0,
                }
            )
    imported = summary.get("imports", {}).get("modelpipe")
    if imported:
        results.append(
            {
                "target": "import pipeline, providers.openai < 200 ms",
                "value": f"{imported['seconds'] * 1e3:.0f} ms",
                "met": imported["seconds"] < 0.2,
            }
        )
    return results


def _cell(spread: dict[str, float] | None, digits: int = 0) -> str:
    if spread is None:
        return "n/a"
    return f"{spread['median']:.{digits}f} ({spread['min']:.{digits}f}-{spread['max']:.{digits}f})"


def _ratio(rows: dict[str, Any], row: str, metric: str) -> str:
    floor = rows["floor"][metric]
    value = rows[row][metric]
    if floor is None or value is None:
        return "n/a"
    return f"{value['median'] / floor['median']:.2f}x"


def render_markdown(summary: dict[str, Any]) -> str:
    """RESULTS.md: machine, settings, the table, targets, server cost, import times."""
    env, rows, settings = summary["environment"], summary["rows"], summary["settings"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks` (do not edit by hand). Medians with min-max over "
        f"{settings['repetitions']} interleaved repetitions; CPU is user + sys of the client process "
        "(the loopback server runs in another process).",
        "",
        f"- Machine: {env['cpu']}, {env['cpus']} CPUs, {env['platform']}",
        f"- Python {env['python']} ({env['implementation']}); "
        + ", ".join(f"{name} {version}" for name, version in env["versions"].items()),
        f"- Run: {env['date']}; per repetition {settings['calls']} sequential calls, "
        f"{settings['stream_calls']} streamed calls (50 chunks each), {settings['concurrent_calls']} calls "
        f"at concurrency {settings['concurrency']}; warm-up {settings['warmup']} calls per row.",
        "",
        "| client | CPU us/call | ratio | stream CPU us/call | ratio | first chunk ms | calls/s @32 | ratio "
        "| new conns/call | conns @32 | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row, figures in rows.items():
        lines.append(
            "| "
            + " | ".join(
                [
                    LABELS.get(row, row),
                    _cell(figures["cpu_us_per_call"]),
                    _ratio(rows, row, "cpu_us_per_call"),
                    _cell(figures["stream_cpu_us_per_call"]),
                    _ratio(rows, row, "stream_cpu_us_per_call"),
                    _cell(figures["first_chunk_ms"], 2),
                    _cell(figures["calls_per_second"]),
                    _ratio(rows, row, "calls_per_second"),
                    f"{figures['new_connections_per_call']:.3f}",
                    str(figures["concurrent_connections_opened"]),
                    f"{figures['max_rss_mib']:.0f}",
                ]
            )
            + " |"
        )
    lines += ["", "## Targets (ratios to the floor in the same run)", ""]
    lines += [
        f"- [{'x' if item['met'] else ' '}] {item['target']}: {item['value']} "
        f"({'met' if item['met'] else 'missed'})"
        for item in summary["targets"]
    ]
    failures = {row: figures["cache_failures"] for row, figures in rows.items() if figures["cache_failures"]}
    if failures:
        lines += [
            "",
            "Cache store failures (logged, the calls went on without the cache): "
            + ", ".join(f"{LABELS.get(row, row)} {count}" for row, count in failures.items()),
        ]
    server = summary.get("server_cpu_us_per_request")
    if server:
        lines += [
            "",
            f"Loopback server CPU per request: {_cell(server, 1)} us "
            f"(the floor client spends {rows['floor']['cpu_us_per_call']['median']:.0f} us).",
        ]
    imports = summary.get("imports", {})
    if imports:
        lines += ["", "## Import time (fresh interpreter, median of 5)", ""]
        lines += [
            "| import | ms (min-max) | peak RSS MiB | costliest modules (self ms) |",
            "|---|---|---|---|",
        ]
        for name, cost in imports.items():
            top = ", ".join(f"{module} {us / 1000:.1f}" for module, us in cost["top_self_us"][:5])
            lines.append(
                f"| {name} | {cost['seconds'] * 1e3:.0f} ({cost['min'] * 1e3:.0f}-{cost['max'] * 1e3:.0f}) "
                f"| {cost['max_rss_kib'] / 1024:.0f} | {top} |"
            )
    return "\n".join(lines) + "\n"
