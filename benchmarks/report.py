"""Pure rendering of benchmark results: the machine, the targets met or missed, the markdown table."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "CLEAN_INSTALL",
    "DEPENDENCIES_ALONE",
    "FIRST_ANSWER_FLOOR",
    "LABELS",
    "LAYERS",
    "OWN_SHARE",
    "READY_TO_CALL",
    "TARGETS",
    "environment",
    "evaluate",
    "layer_rows",
    "render_markdown",
]

LABELS = {
    "floor": "raw httpx (floor)",
    "bare": "modelpipe, bare provider",
    "options": "modelpipe, + provider options",
    "log": "modelpipe, + logging",
    "trace": "modelpipe, + tracing (OpenTelemetry no-op)",
    "trace-sdk": "modelpipe, + tracing (OpenTelemetry SDK)",
    "miss-memory": "modelpipe, + cache miss (MemoryStore)",
    "miss-redis": "modelpipe, + cache miss (RedisStore)",
    "responses": "modelpipe, bare provider (Responses API)",
    "stack": "modelpipe, full default stack (cache miss)",
    "hit": "modelpipe, cache hit (DiskStore)",
    "openai": "openai SDK",
    "litellm": "LiteLLM",
    "aisdk-node": "Vercel AI SDK on Node",
    "fallback": "modelpipe, bare + FallbackMiddleware",
    "ratelimit": "modelpipe, bare + RateLimitMiddleware (memory)",
    "cost": "modelpipe, bare + CostMiddleware",
    "budget": "modelpipe, bare + BudgetMiddleware (memory)",
    "promptcache": "modelpipe, bare + PromptCachingMiddleware",
}

LAYERS: list[tuple[str, str, str]] = [
    # (row, the row it adds one layer to, what it adds); the chain composes, outermost first:
    # cache -> logging -> tracing -> provider options -> terminal
    ("bare", "floor", "generate_text on the bare chat terminal (normalize and download included)"),
    ("options", "bare", "+ provider options (ProviderOptionsMiddleware)"),
    ("log", "options", "+ logging (LoggingMiddleware)"),
    ("trace", "log", "+ tracing, OpenTelemetry API no-op tracer"),
    ("trace-sdk", "log", "+ tracing, OpenTelemetry SDK tracer (batch processor)"),
    ("miss-memory", "log", "+ cache miss, MemoryStore"),
    ("stack", "log", "+ cache miss, DiskStore (the full default stack)"),
    ("miss-redis", "log", "+ cache miss, RedisStore (loopback redis-server)"),
    ("hit", "stack", "cache hit instead of a miss (DiskStore)"),
    ("responses", "bare", "Responses API terminal instead of chat completions"),
    ("fallback", "bare", "+ fallback (the primary answers)"),
    ("ratelimit", "bare", "+ rate limit (memory, never waits)"),
    ("cost", "bare", "+ cost (genai-prices)"),
    ("budget", "bare", "+ budget (memory)"),
    ("promptcache", "bare", "+ prompt caching"),
]
"""The per-layer table, in order; a row whose base was not measured is compared with the base's base."""

TARGETS: list[tuple[str, str, str, str, float, str]] = [
    # (name, row, metric, comparison, bound, reference row): ratios are row / reference in the same run
    ("full stack CPU per call", "stack", "cpu_us_per_call", "<=", 1.15, "floor"),
    ("full stack streamed call CPU", "stack", "stream_cpu_us_per_call", "<=", 1.2, "floor"),
    ("cache hit CPU per call", "hit", "cpu_us_per_call", "<=", 0.2, "floor"),
    ("streamed call CPU (bare provider)", "bare", "stream_cpu_us_per_call", "<=", 1.2, "floor"),
    ("throughput at concurrency 32 (full stack)", "stack", "calls_per_second", ">=", 0.95, "floor"),
    ("throughput at concurrency 32 (bare provider)", "bare", "calls_per_second", ">=", 0.95, "floor"),
    ("throughput at concurrency 32 (full stack)", "stack", "calls_per_second", ">=", 1.0, "aisdk-node"),
]

IMPORT_BUDGET_SECONDS = 0.12
READY_TO_CALL = "modelpipe, ready to call (generate_text, stream_text, OpenAIProvider)"
"""The import figure that counts what a first call needs: the packages load their names on first use,
so ``import pipeline, providers.openai`` alone loads almost nothing."""
DEPENDENCIES_ALONE = "httpx, pydantic models and asyncio (what any async client on them pays first)"
"""The floor under :data:`READY_TO_CALL`: ``import httpx``, pydantic's ``BaseModel`` with the modules its
first model class loads, and ``asyncio``; nothing of ours."""
OWN_SHARE = "modelpipe's own share of ready to call (timed after the floor, in the same process)"
"""What modelpipe adds to :data:`DEPENDENCIES_ALONE`: its ready-to-call names imported after the floor's."""
FIRST_ANSWER_FLOOR = "raw httpx POST (httpx and pydantic models imported)"
"""The floor of the first-answer table (:mod:`benchmarks.first_answer`)."""
CLEAN_INSTALL = ", clean install"
"""Added to a start-up figure's name when it was measured in :func:`benchmarks.measure.clean_install`."""

_VERSIONED = ["httpx", "httpcore", "pydantic", "pydantic-core", "anyio", "diskcache", "openai", "litellm"]
_NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"


def environment() -> dict[str, Any]:
    """The machine and the versions that produced the numbers."""
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions.update(_node_versions())
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "versions": versions,
    }


def _node_versions() -> dict[str, str]:
    """Node and the AI SDK packages of the Node row, when installed."""
    node = shutil.which("node")
    if node is None:
        return {"node": "not installed"}
    versions = {"node": subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()}
    for package in ("ai", "@ai-sdk/openai"):
        manifest = _NODE_MODULES / package / "package.json"
        if manifest.is_file():
            versions[package] = json.loads(manifest.read_text())["version"]
    return versions


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


THROUGHPUT_REFERENCE = ("stack", "aisdk-node")
"""(row, reference): the row whose concurrent windows each run between two windows of the reference's (of
as many calls; the throughput target compares the full stack with the AI SDK on Node)."""


def bracket_reference(row: str, op: str) -> str | None:
    """The row whose windows run right before and after each of ``row``'s ``op`` windows: the floor's half
    windows for sequential and streamed calls (of every other row), Node's for the full stack's concurrent
    calls (as long as the row's: see ``benchmarks.run._reference_window``)."""
    if op == "concurrent":
        return THROUGHPUT_REFERENCE[1] if row == THROUGHPUT_REFERENCE[0] else None
    return None if row == "floor" else "floor"


_BRACKETED = {
    "cpu_us_per_call": ("generate", "bracketed_cpu_ratio"),
    "stream_cpu_us_per_call": ("stream", "bracketed_stream_cpu_ratio"),
    "calls_per_second": ("concurrent", "bracketed_throughput_ratio"),
}
"""Each figure's measurement and its bracketed ratio (see :func:`benchmarks.run._bracketed_ratio`)."""


def evaluate(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met (targets on rows not run are left out).
    A target is judged on the row's bracketed ratio when the run has one (CPU against the floor, the full
    stack's throughput against Node), since it compares windows seconds apart instead of the medians of
    windows up to a repetition apart."""
    rows = summary["rows"]
    results = []
    for name, row, metric, comparison, bound, reference in TARGETS:
        if row not in rows or reference not in rows:
            continue
        of_medians = rows[row][metric]["median"] / rows[reference][metric]["median"]
        op, bracketed_name = _BRACKETED[metric]
        bracketed = rows[row].get(bracketed_name) if bracket_reference(row, op) == reference else None
        ratio = bracketed["median"] if bracketed else of_medians
        met = ratio <= bound if comparison == "<=" else ratio >= bound
        against = "floor" if reference == "floor" else LABELS.get(reference, reference)
        value = (
            f"{ratio:.2f}x bracketed ({bracketed['min']:.2f}-{bracketed['max']:.2f}); "
            f"{of_medians:.2f}x of the medians"
            if bracketed
            else f"{ratio:.2f}x"
        )
        results.append({"target": f"{name} {comparison} {bound}x {against}", "value": value, "met": met})
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
    imports = summary.get("imports", {})
    if "modelpipe" in imports:
        results.append(_import_target(imports["modelpipe"], "import pipeline, providers.openai"))
    for environment in ("", CLEAN_INSTALL):
        if READY_TO_CALL + environment in imports:
            target = _import_target(imports[READY_TO_CALL + environment], READY_TO_CALL + environment)
            floor, share = imports.get(DEPENDENCIES_ALONE + environment), imports.get(OWN_SHARE + environment)
            if floor and share:
                target["value"] += (
                    f" (its floor {floor['seconds'] * 1e3:.0f} ms, "
                    f"modelpipe's own share {share['seconds'] * 1e3:.0f} ms)"
                )
            results.append(target)
    return results


def _import_target(imported: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "target": f"{what} <= {IMPORT_BUDGET_SECONDS * 1e3:.0f} ms",
        "value": f"{imported['seconds'] * 1e3:.0f} ms",
        "met": imported["seconds"] <= IMPORT_BUDGET_SECONDS,
    }


def layer_rows(rows: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-layer table: each measured layer row with its base (the nearest measured ancestor), its
    CPU per call and per streamed call, its ratio to the floor and the microseconds it adds over the
    base. With bracketed ratios (see :func:`benchmarks.run._bracketed_ratio`), the ratio is the row's and
    the microseconds are the difference of the two rows' ratios times the floor's median; without, the
    ratio and the difference are of the medians."""
    bases = {row: base for row, base, _ in LAYERS}
    floor = rows["floor"]
    table = []
    for row, _, added in LAYERS:
        if row not in rows:
            continue
        base = bases[row]
        while base not in rows:
            base = bases[base]
        entry: dict[str, Any] = {"row": row, "base": base, "layer": added}
        for metric in ("cpu_us_per_call", "stream_cpu_us_per_call"):
            ratio, base_ratio = _floor_ratio(rows, row, metric), _floor_ratio(rows, base, metric)
            entry[metric] = rows[row][metric]
            entry[f"{metric}_added"] = (ratio - base_ratio) * floor[metric]["median"]
            entry[f"{metric}_ratio"] = ratio
        table.append(entry)
    return table


def _floor_ratio(rows: dict[str, Any], row: str, metric: str) -> float:
    """``row``'s bracketed ratio to the floor for ``metric`` when every layer row has one (the floor's
    own is 1), else the ratio of the medians."""
    if row == "floor":
        return 1.0
    bracketed_name = _BRACKETED[metric][1]
    if all(figures.get(bracketed_name) for name, figures in rows.items() if name != "floor"):
        return float(rows[row][bracketed_name]["median"])
    return float(rows[row][metric]["median"] / rows["floor"][metric]["median"])


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
        f"at concurrency {settings['concurrency']}; warm-up {settings['warmup']} calls per row, then "
        f"{settings['concurrent_warmup']} at concurrency "
        f"{settings['concurrency']}.",
        f"- CPUs: {summary.get('pinning', 'not pinned')} (`--no-pin` lets the OS place them).",
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
    lines += _layer_section(summary)
    lines += _bracketed_section(rows)
    lines += ["", "## Targets (ratios in the same run)", ""]
    lines += [
        f"- [{'x' if item['met'] else ' '}] {item['target']}: {item['value']} "
        f"({'met' if item['met'] else 'missed'})"
        for item in summary["targets"]
    ]
    left_out = summary.get("left_out", {})
    if left_out:
        lines += ["", "Rows left out of this run:", ""]
        lines += [f"- {LABELS.get(row, row)}: {reason}" for row, reason in left_out.items()]
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
        lines += ["", "## Import time (fresh interpreter, median of 5)", "", _ROUND_ROBIN, ""]
        lines += [
            "| import | ms (min-max) | peak RSS MiB | costliest modules (self ms) |",
            "|---|---|---|---|",
        ]
        for name, cost in imports.items():
            top = ", ".join(f"{module} {us / 1000:.1f}" for module, us in cost["top_self_us"][:5]) or "-"
            lines.append(
                f"| {name} | {cost['seconds'] * 1e3:.0f} ({cost['min'] * 1e3:.0f}-{cost['max'] * 1e3:.0f}) "
                f"| {cost['max_rss_kib'] / 1024:.0f} | {top} |"
            )
        if DEPENDENCIES_ALONE in imports:
            lines += [
                "",
                f"*{DEPENDENCIES_ALONE}* is the part of every Python row that no library on them can avoid. "
                "`import httpx` also loads httpx's command-line client when `click`, `rich` and `pygments` "
                "are installed, as they are here (brought by the peer SDKs and the docs and test tools).",
            ]
        if OWN_SHARE in imports:
            lines += [
                "",
                f"*{OWN_SHARE}*: the floor's modules are imported first, untimed, then the ready-to-call "
                "names are timed: modelpipe's part alone, without the drift of the machine between two "
                "separate figures (each of those can move by about 10 ms from one run to the next).",
            ]
        if READY_TO_CALL + CLEAN_INSTALL in imports:
            lines += [
                "",
                "*clean install*: measured in a throwaway virtual environment with modelpipe and its runtime "
                "dependencies only (`pip install .`, no extras, each at the version listed above), as a user "
                "installs it; the other Python figures run in the benchmark's own environment.",
            ]
    lines += _first_answer_section(summary.get("first_answers", {}))
    return "\n".join(lines) + "\n"


_ROUND_ROBIN = (
    "The figures of this table take turns: each runs once untimed, then every figure's first timed run, "
    "every figure's second, and so on, so a slow stretch of the machine falls on all of them alike."
)


def _first_answer_section(costs: dict[str, Any]) -> list[str]:
    if not costs:
        return []
    lines = [
        "",
        "## Time to first answer (fresh interpreter, median of 5)",
        "",
        "From the first import to the first answer: the imports, building the client and one chat "
        "completion on the loopback server. Import time alone leaves out what a library defers to its "
        "first call (pydantic builds a deferred model's validator on first use; modelpipe loads a "
        "provider's wire modules when the model is built). " + _ROUND_ROBIN,
        "",
        "| client | ms (min-max) | ms over the floor | peak RSS MiB |",
        "|---|---|---|---|",
    ]
    for name, cost in costs.items():
        clean = name.endswith(CLEAN_INSTALL)
        floor_name = FIRST_ANSWER_FLOOR + CLEAN_INSTALL if clean else FIRST_ANSWER_FLOOR
        floor = costs.get(floor_name)
        over = "-"
        if floor and name not in (floor_name, LABELS["aisdk-node"]):  # Node has no Python floor to add to
            over = f"{(cost['seconds'] - floor['seconds']) * 1e3:+.0f}"
        lines.append(
            f"| {name} | {cost['seconds'] * 1e3:.0f} ({cost['min'] * 1e3:.0f}-{cost['max'] * 1e3:.0f}) "
            f"| {over} | {cost['max_rss_kib'] / 1024:.0f} |"
        )
    return lines


def _bracketed_section(rows: dict[str, Any]) -> list[str]:
    bracketed = {
        row: figures for row, figures in rows.items() if row != "floor" and figures.get("bracketed_cpu_ratio")
    }
    if not bracketed:
        return []
    lines = [
        "",
        "## Bracketed ratios",
        "",
        "Each measured window of a row (sequential or streamed calls) runs between two windows of the floor "
        "of half its calls, one right before and one right after it, on the same CPU. The row's CPU per call "
        "over the floor's in those two windows cancels the machine's slow and fast stretches, which the "
        "ratio of the medians above does not: a row and its floor can be measured up to a repetition "
        "apart. Median (min-max) over the repetitions; the CPU targets against the floor are judged on "
        "these.",
        "",
        "| client | CPU ratio | stream CPU ratio |",
        "|---|---|---|",
    ]
    for row, figures in bracketed.items():
        stream = figures.get("bracketed_stream_cpu_ratio")
        lines.append(
            f"| {LABELS.get(row, row)} | {_ratio_cell(figures['bracketed_cpu_ratio'])} "
            f"| {_ratio_cell(stream) if stream else '-'} |"
        )
    row, reference = THROUGHPUT_REFERENCE
    throughput = rows.get(row, {}).get("bracketed_throughput_ratio")
    if throughput:
        lines += [
            "",
            f"Calls/s at concurrency 32, {LABELS[row]} over {LABELS.get(reference, reference)}, each window "
            f"between two windows of as many calls of the latter: {_ratio_cell(throughput)}.",
        ]
    return lines


def _ratio_cell(spread: dict[str, float]) -> str:
    return f"{spread['median']:.2f}x ({spread['min']:.2f}-{spread['max']:.2f})"


def _layer_section(summary: dict[str, Any]) -> list[str]:
    table = layer_rows(summary["rows"])
    if not table:
        return []
    lines = [
        "",
        "## Per-layer cost",
        "",
        "Each row adds one layer to the row named under *over* (composed outermost first as cache -> "
        "logging -> tracing -> provider options -> terminal); *ratio* is the row's bracketed ratio to "
        "the floor (see *Bracketed ratios*) and *added* the difference of the two rows' bracketed ratios "
        "times the floor's median (the ratio and the difference of the medians in a run without bracketed "
        "ratios). generate_text always normalizes the prompt and runs the download step "
        "(nothing to fetch here); neither can be switched off, so they have no row of their own: their "
        "cost is inside bare's microseconds over the floor. Logging is not configured in the workers, so "
        "its records stop at the level check. The SDK tracer row ends every span into a "
        "BatchSpanProcessor whose exporter drops the batches (the span work of production, without a "
        "collector's encoding and I/O). The resilience, prompt-caching and Responses rows each change "
        "one thing over bare.",
        "",
        "| layer | over | CPU us/call | added us | ratio | stream CPU us/call | added us | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for entry in table:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{entry['layer']} (`{entry['row']}`)",
                    f"`{entry['base']}`",
                    _cell(entry["cpu_us_per_call"]),
                    f"{entry['cpu_us_per_call_added']:+.0f}",
                    f"{entry['cpu_us_per_call_ratio']:.2f}x",
                    _cell(entry["stream_cpu_us_per_call"]),
                    f"{entry['stream_cpu_us_per_call_added']:+.0f}",
                    f"{entry['stream_cpu_us_per_call_ratio']:.2f}x",
                ]
            )
            + " |"
        )
    return lines
