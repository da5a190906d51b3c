"""The benchmark runner: ``python -m benchmarks`` (or ``python benchmarks/run.py``).

Starts the loopback server in its own process and one worker process per row (raw httpx floor,
modelpipe bare, one layer added at a time up to the full stack, cache hit, the resilience layers, the
openai SDK / LiteLLM when installed, and the Vercel AI SDK on Node when ``node`` is there), warms every
row up, then measures the rows interleaved (rotating order each repetition; every sequential and
streamed window of a row between two half windows of the floor, and the full stack's concurrent windows
between two windows of as many calls of the AI SDK on Node, for the bracketed ratios) and writes
``benchmarks/results.json``, ``benchmarks/RESULTS.md`` and, with matplotlib, ``benchmarks/results.png``.
The ``miss-redis`` row runs against a throwaway ``redis-server`` the runner starts on loopback.
Import time and the time to a first answer are then timed in fresh interpreters.

A quick subset: ``python -m benchmarks --rows floor,bare,stack --repetitions 3`` (or ``--quick``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.chart import draw
from benchmarks.clients import CLIENTS, REDIS_URL_ENV, available_clients, unavailable_clients
from benchmarks.measure import (
    NODE_ROWS,
    Pinning,
    RedisProcess,
    ServerProcess,
    WorkerProcess,
    clean_install,
    first_answer_probe,
    import_probe,
    node_first_answer_probe,
    node_import_probe,
    start_up_costs,
)
from benchmarks.report import (
    CLEAN_INSTALL,
    DEPENDENCIES_ALONE,
    FIRST_ANSWER_FLOOR,
    LABELS,
    OWN_SHARE,
    READY_TO_CALL,
    bracket_reference,
    environment,
    evaluate,
    render_markdown,
)

__all__ = ["main", "measure_rows", "summarize"]

HERE = Path(__file__).resolve().parent


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


_SECONDS = {"cpu": "cpu", "throughput": "wall"}
"""The field of a window's answer that each figure of :func:`_bracketed_ratio` divides by."""


def _bracketed_ratio(answers: list[dict[str, Any]], figure: str = "cpu") -> dict[str, float] | None:
    """Each answer's figure over its reference's in the two windows run right before and right after it
    (``around``, pooled), as median and min-max over the repetitions: the three windows run back to back
    on the same CPU, so a slow or fast stretch of the machine weighs on the row and its reference alike.
    ``figure`` is ``"cpu"`` (CPU seconds per call) or ``"throughput"`` (calls per wall-clock second)."""
    ratios = []
    for answer in answers:
        around = answer.get("around", [])
        calls = sum(window["n"] for window in around)
        seconds = sum(window[_SECONDS[figure]] for window in around)
        if not (answer["n"] and calls and seconds > 0 and answer[_SECONDS[figure]] > 0):
            continue
        if figure == "cpu":
            ratios.append((answer["cpu"] / answer["n"]) / (seconds / calls))
        else:
            ratios.append((answer["n"] / answer["wall"]) / (calls / seconds))
    return _spread(ratios) if ratios else None


def _reference(row: str, op: str, workers: dict[str, WorkerProcess]) -> str | None:
    """The measured row whose windows bracket ``row``'s ``op`` windows, if any."""
    reference = bracket_reference(row, op)
    return reference if reference in workers else None


def measure_rows(rows: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Run every measurement for ``rows``; raw per-repetition figures per row, and why rows that could
    not start were left out."""
    pinning = Pinning(enabled=args.pin)
    server = ServerProcess(pinning)
    redis: RedisProcess | None = None
    workers: dict[str, WorkerProcess] = {}
    left_out: dict[str, str] = {}
    try:
        env: dict[str, str] = {}
        if "miss-redis" in rows:
            try:
                redis = RedisProcess(pinning)
                env[REDIS_URL_ENV] = redis.url
            except RuntimeError as error:
                left_out["miss-redis"] = str(error)
        for row in rows:
            if row in left_out:
                continue
            try:
                workers[row] = WorkerProcess(row, server.base_url, env, pinning)
            except RuntimeError as error:
                left_out[row] = str(error)
        for row, reason in left_out.items():
            print(f"note: row {row!r} left out: {reason}", file=sys.stderr)
        for worker in workers.values():
            worker.ask(op="generate", n=args.warmup)
            worker.ask(op="stream", n=max(1, args.warmup // 4))
            worker.ask(
                op="concurrent",
                n=args.concurrent_warmup,
                concurrency=args.concurrency,
            )
        raw: dict[str, dict[str, list[Any]]] = {
            row: {"generate": [], "stream": [], "concurrent": []} for row in workers
        }
        server_costs: list[float] = []
        order = list(workers)
        for repetition in range(args.repetitions):
            shift = repetition % len(order)
            for row in order[shift:] + order[:shift]:
                worker = workers[row]
                for op, command in (
                    ("generate", {"n": args.calls}),
                    ("stream", {"n": args.stream_calls}),
                    ("concurrent", {"n": args.concurrent_calls, "concurrency": args.concurrency}),
                ):
                    reference = _reference(row, op, workers)
                    before_window = None
                    if reference is not None:
                        before_window = _reference_window(workers[reference], op, command, args.concurrency)
                    _touch(worker, op, args.concurrency)
                    before = server.stats()
                    answer = worker.ask(op=op, **command)
                    after = server.stats()
                    requests = after["requests"] - before["requests"]
                    answer["new_connections"] = after["chat_connections"] - before["chat_connections"]
                    answer["server_requests"] = requests
                    raw[row][op].append(answer)
                    if reference is not None and "cpu" in answer:
                        after_window = _reference_window(workers[reference], op, command, args.concurrency)
                        answer["around"] = [before_window, after_window]
                    if row == "floor" and op == "generate" and requests:
                        server_costs.append((after["cpu_seconds"] - before["cpu_seconds"]) / requests)
            print(f"repetition {repetition + 1}/{args.repetitions} done", file=sys.stderr)
        memory = {row: worker.ask(op="memory") for row, worker in workers.items()}
    finally:
        for worker in workers.values():
            worker.stop()
        server.stop()
        if redis is not None:
            redis.stop()
    return {
        "raw": raw,
        "memory": memory,
        "server_cpu_per_request": server_costs,
        "left_out": left_out,
        "pinning": pinning.describe(),
    }


def _reference_window(
    reference: WorkerProcess, op: str, command: dict[str, int], concurrency: int
) -> dict[str, Any]:
    """A measurement of a reference row, taken right before or right after a row's own (see
    :func:`_bracketed_ratio`): half as many calls for sequential and streamed calls; as many at
    concurrency, where each window starts on caches the other process left cold and ramps up and down
    its lanes, a cost that does not halve with the window and would weigh twice as much on the
    reference (with half windows, one run's bracketed ratio of the full stack to the AI SDK on Node
    said 1.08x where the medians of the two rows' own windows said 0.90x)."""
    _touch(reference, op, concurrency)
    calls = command["n"] if op == "concurrent" else max(1, command["n"] // 2)
    return reference.ask(op=op, **{**command, "n": calls})


def _touch(worker: WorkerProcess, op: str, concurrency: int) -> None:
    """Unmeasured calls right before a measurement, so idle connections the client's pool expired while
    other rows ran are reopened here ("after warm-up") and not counted against the measured calls."""
    if op == "concurrent":
        worker.ask(op="concurrent", n=concurrency, concurrency=concurrency)
    else:
        worker.ask(op=op, n=1)


def summarize(measured: dict[str, Any]) -> dict[str, Any]:
    """Medians and min-max per row from the raw repetitions."""
    rows: dict[str, Any] = {}
    for row, ops in measured["raw"].items():
        generate, stream, concurrent = ops["generate"], ops["stream"], ops["concurrent"]
        firsts = [first for answer in stream for first in answer.get("first", [])]
        rows[row] = {
            "cpu_us_per_call": _spread([a["cpu"] / a["n"] * 1e6 for a in generate]),
            "wall_us_per_call": _spread([a["wall"] / a["n"] * 1e6 for a in generate]),
            "new_connections_per_call": max(a["new_connections"] / a["n"] for a in generate),
            "stream_cpu_us_per_call": _spread([a["cpu"] / a["n"] * 1e6 for a in stream]),
            "first_chunk_ms": _spread([first * 1e3 for first in firsts]) if firsts else None,
            "calls_per_second": _spread([a["n"] / a["wall"] for a in concurrent]),
            "concurrent_connections_opened": max(a["new_connections"] for a in concurrent),
            "max_rss_mib": measured["memory"][row]["max_rss_kib"] / 1024,
            "cache_failures": measured["memory"][row]["cache_failures"],
            "bracketed_cpu_ratio": _bracketed_ratio(generate),
            "bracketed_stream_cpu_ratio": _bracketed_ratio(stream),
            "bracketed_throughput_ratio": _bracketed_ratio(concurrent, "throughput"),
        }
    costs = measured["server_cpu_per_request"]
    return {
        "rows": rows,
        "server_cpu_us_per_request": _spread([c * 1e6 for c in costs]) if costs else None,
        "left_out": measured.get("left_out", {}),
        "pinning": measured.get("pinning", "not pinned"),
    }


_READY_TO_CALL_NAMES = ["pipeline:generate_text", "pipeline:stream_text", "providers.openai:OpenAIProvider"]
_DEPENDENCY_NAMES = ["httpx", "pydantic:BaseModel", "pydantic.fields", "asyncio"]
"""``pydantic.fields`` loads what pydantic's first model class loads (``pydantic.types``,
``annotated_types``); ``asyncio`` is what an async client's caller runs it on."""
_START_UP_ROUNDS = 5
"""Timed runs of each start-up figure (its median is the figure)."""


def _imports(rows: list[str], clean: Path | None) -> dict[str, Any]:
    """Import costs here and, with ``clean`` (a :func:`clean_install` interpreter), in a clean install,
    timed round-robin (:func:`start_up_costs`)."""
    targets = {
        "modelpipe": ["pipeline", "providers.openai"],
        READY_TO_CALL: _READY_TO_CALL_NAMES,
        DEPENDENCIES_ALONE: _DEPENDENCY_NAMES,
    }
    if "openai" in rows:
        targets["openai SDK"] = ["openai"]
    if "litellm" in rows:
        targets["LiteLLM"] = ["litellm"]
    probes = {name: import_probe(modules) for name, modules in targets.items()}
    probes[OWN_SHARE] = import_probe(_READY_TO_CALL_NAMES, after=_DEPENDENCY_NAMES)
    if clean is not None:
        probes[READY_TO_CALL + CLEAN_INSTALL] = import_probe(_READY_TO_CALL_NAMES, clean)
        probes[DEPENDENCIES_ALONE + CLEAN_INSTALL] = import_probe(_DEPENDENCY_NAMES, clean)
        probes[OWN_SHARE + CLEAN_INSTALL] = import_probe(_READY_TO_CALL_NAMES, clean, _DEPENDENCY_NAMES)
    if "aisdk-node" in rows:
        probes[LABELS["aisdk-node"]] = node_import_probe()
    return start_up_costs(probes, _START_UP_ROUNDS)


def _first_answers(rows: list[str], clean: Path | None) -> dict[str, Any]:
    """Times to a first answer of the floor, modelpipe and the peers among ``rows`` (and of the floor
    and modelpipe in the clean install), timed round-robin on a loopback server of their own (no worker
    runs by then)."""
    ours = {FIRST_ANSWER_FLOOR: "floor", "modelpipe": "modelpipe"}
    clients = {**ours, "openai SDK": "openai"} if "openai" in rows else ours
    server = ServerProcess()
    try:
        probes = {name: first_answer_probe(client, server.base_url) for name, client in clients.items()}
        if clean is not None:
            for name, client in ours.items():
                probes[name + CLEAN_INSTALL] = first_answer_probe(client, server.base_url, clean)
        if "aisdk-node" in rows:
            probes[LABELS["aisdk-node"]] = node_first_answer_probe(server.base_url)
        return start_up_costs(probes, _START_UP_ROUNDS)
    finally:
        server.stop()


def _start_up(summary: dict[str, Any], rows: list[str], clean_install_wanted: bool) -> None:
    """Import costs and times to a first answer into ``summary``; a clean install that cannot be built
    is left out with its reason."""
    with contextlib.ExitStack() as stack:
        clean = None
        if clean_install_wanted:
            try:
                clean = stack.enter_context(clean_install())
            except RuntimeError as error:
                summary["left_out"]["clean install"] = str(error)
                print(f"note: the clean install is left out: {error}", file=sys.stderr)
        summary["imports"] = _imports(rows, clean)
        summary["first_answers"] = _first_answers(rows, clean)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument(
        "--no-clean-install",
        dest="clean_install",
        action="store_false",
        help="skip the start-up figures of a clean install (a throwaway virtual environment with this tree "
        "and its runtime dependencies from the package index)",
    )
    parser.add_argument("--calls", type=int, default=400, help="sequential calls per repetition")
    parser.add_argument("--stream-calls", type=int, default=100, help="streamed calls per repetition")
    parser.add_argument("--concurrent-calls", type=int, default=640)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--concurrent-warmup",
        type=int,
        default=3000,
        help="calls at the measured concurrency before the first repetition (the AI SDK on Node keeps "
        "getting faster for a few thousand calls as its JIT compiles: a short warm-up flatters every "
        "row compared with it)",
    )
    parser.add_argument(
        "--rows",
        nargs="*",
        help="row keys, space- or comma-separated (default: every available one): "
        + ", ".join([*CLIENTS, *NODE_ROWS]),
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="let the OS place the processes (by default the loopback server and redis-server run on one "
        "CPU and the row workers on another)",
    )
    parser.add_argument("--quick", action="store_true", help="a small smoke run (numbers are noisy)")
    parser.add_argument("--output", type=Path, default=HERE, help="where results.json/RESULTS.md/png go")
    args = parser.parse_args(argv)
    if args.rows:
        args.rows = [row for value in args.rows for row in value.split(",") if row]
        unknown = [row for row in args.rows if row not in CLIENTS and row not in NODE_ROWS]
        if unknown:
            parser.error(f"unknown rows {unknown}; choose from {[*CLIENTS, *NODE_ROWS]}")
    if args.quick:
        (
            args.repetitions,
            args.calls,
            args.stream_calls,
            args.concurrent_calls,
            args.warmup,
            args.concurrent_warmup,
        ) = (2, 40, 10, 128, 20, 64)
    args.concurrent_warmup = max(args.concurrent_warmup, 2 * args.concurrency)  # every lane connects
    return args


def main(argv: list[str] | None = None) -> None:
    """Measure, then write results.json, RESULTS.md and (with matplotlib) results.png."""
    args = _parse(argv)
    available = [*available_clients(), *NODE_ROWS]
    missing = {
        row: f"{module} is not installed (see the extras in pyproject.toml)"
        for row, module in unavailable_clients().items()
        if not args.rows or row in args.rows
    }
    for row, reason in missing.items():
        print(f"note: row {row!r} left out: {reason}", file=sys.stderr)
    rows = [row for row in (args.rows or available) if row in available]
    if "floor" not in rows:
        rows.insert(0, "floor")
    summary = summarize(measure_rows(rows, args))
    summary["left_out"] = {**missing, **summary["left_out"]}
    ran = [row for row in rows if row not in summary["left_out"]]
    _start_up(summary, ran, args.clean_install)
    summary["environment"] = environment()
    summary["settings"] = {key: value for key, value in vars(args).items() if key != "output"}
    summary["settings"]["rows"] = rows
    summary["targets"] = evaluate(summary)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    markdown = render_markdown(summary)
    (args.output / "RESULTS.md").write_text(markdown)
    print(markdown)
    try:
        draw(summary, args.output / "results.png")
    except ImportError:
        print("note: matplotlib is not installed; results.png not written")


if __name__ == "__main__":
    main()
