"""The benchmark's rows against the loopback benchmark server: every layer row answers through its chain,
the Redis row runs on a throwaway redis-server, the AI SDK row speaks the worker protocol on Node, and
the per-layer table and targets are computed from the rows that were measured."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import first_answer, measure, report, run
from benchmarks.clients import CLIENTS, REDIS_URL_ENV, build_client
from benchmarks.measure import (
    NODE_DIR,
    PROJECT_ROOT,
    Pinning,
    RedisProcess,
    ServerProcess,
    StartUpProbe,
    WorkerProcess,
    clean_install,
    first_answer_probe,
    import_probe,
    installed_versions,
    node_first_answer_probe,
    node_import_probe,
    start_up_costs,
)
from benchmarks.report import (
    CLEAN_INSTALL,
    DEPENDENCIES_ALONE,
    FIRST_ANSWER_FLOOR,
    LABELS,
    LAYERS,
    OWN_SHARE,
    READY_TO_CALL,
    evaluate,
    layer_rows,
    render_markdown,
)
from benchmarks.server import ANSWER_TEXT, STREAM_CHUNKS
from tests.middleware.cache.redis_server import redis_binary

STREAM_TEXT = "".join(f"tok{index} " for index in range(STREAM_CHUNKS))


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = ServerProcess()
    try:
        yield process
    finally:
        process.stop()


async def _two_calls(row: str, server: ServerProcess) -> int:
    """One call and one streamed call through ``row``; how many requests reached the server."""
    client = build_client(row, server.base_url)
    before = server.stats()["requests"]
    try:
        assert await client.generate(f"Say hello ({row} generate).") == ANSWER_TEXT
        assert client.stream is not None
        _first, text = await client.stream(f"Say hello ({row} stream).")
        assert text == STREAM_TEXT
    finally:
        await client.close()
    return int(server.stats()["requests"] - before)


@pytest.mark.parametrize("row", ["bare", "options", "log", "trace", "trace-sdk", "miss-memory", "stack"])
async def test_each_layer_row_answers_and_every_miss_reaches_the_server(
    row: str, server: ServerProcess
) -> None:
    assert await _two_calls(row, server) == 2


async def _repeated(row: str, server: ServerProcess) -> int:
    """The same prompt twice through ``row``; how many requests reached the server."""
    client = build_client(row, server.base_url)
    before = server.stats()["requests"]
    try:
        for _ in range(2):
            assert await client.generate(f"Say hello ({row} repeated).") == ANSWER_TEXT
    finally:
        await client.close()
    return int(server.stats()["requests"] - before)


@pytest.mark.parametrize("row", ["miss-memory", "stack"])
async def test_the_cache_rows_answer_a_repeated_prompt_from_their_store(
    row: str, server: ServerProcess
) -> None:
    assert await _repeated(row, server) == 1


async def test_the_redis_row_misses_against_a_throwaway_redis_server(
    server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_binary()  # skips without redis-server (fails under CI)
    redis = RedisProcess()
    try:
        monkeypatch.setenv(REDIS_URL_ENV, redis.url)
        assert await _two_calls("miss-redis", server) == 2
        assert await _repeated("miss-redis", server) == 1
        assert await _repeated("miss-redis", server) == 1  # a second client keeps its own entries
    finally:
        redis.stop()


def test_the_redis_row_names_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REDIS_URL_ENV, raising=False)
    with pytest.raises(RuntimeError, match=REDIS_URL_ENV):
        build_client("miss-redis", "http://127.0.0.1:9")


def test_a_worker_that_cannot_build_its_row_is_reported_and_reaped(server: ServerProcess) -> None:
    with pytest.raises(RuntimeError, match=r"worker miss-redis exited \(code 1\)"):
        WorkerProcess("miss-redis", server.base_url, {REDIS_URL_ENV: ""})


def _timed(probe: StartUpProbe, repetitions: int) -> dict[str, Any]:
    """One start-up figure, timed alone."""
    return start_up_costs({"figure": probe}, repetitions)["figure"]


def _needs_the_ai_sdk_on_node() -> None:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@ai-sdk" / "openai").is_dir():
        reason = "node or the AI SDK packages (npm ci --prefix benchmarks/node) are not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} under CI; .ci/run installs them", pytrace=False)
        pytest.skip(reason)


def test_the_ai_sdk_import_is_timed_on_node() -> None:
    _needs_the_ai_sdk_on_node()
    cost = _timed(node_import_probe(), repetitions=2)
    assert 0 < cost["min"] <= cost["seconds"] <= cost["max"] < 30
    assert cost["max_rss_kib"] > 1024 and cost["top_self_us"] == []


def test_the_ai_sdk_first_answer_is_timed_on_node(server: ServerProcess) -> None:
    _needs_the_ai_sdk_on_node()
    before = server.stats()["requests"]
    cost = _timed(node_first_answer_probe(server.base_url), repetitions=2)
    assert 0 < cost["min"] <= cost["seconds"] <= cost["max"] < 30
    assert server.stats()["requests"] - before == 3  # the untimed run and two timed ones, one call each


@pytest.mark.parametrize("client", ["floor", "modelpipe"])
def test_each_first_answer_probe_gets_the_servers_answer(client: str, server: ServerProcess) -> None:
    before = server.stats()["requests"]
    assert first_answer.CLIENTS[client](server.base_url) == ANSWER_TEXT
    assert server.stats()["requests"] - before == 1


def test_the_first_answer_is_timed_in_a_fresh_interpreter(server: ServerProcess) -> None:
    before = server.stats()
    cost = _timed(first_answer_probe("modelpipe", server.base_url), repetitions=2)
    assert 0 < cost["min"] <= cost["seconds"] <= cost["max"] < 30
    assert cost["max_rss_kib"] > 1024
    after = server.stats()
    assert after["requests"] - before["requests"] == 3
    assert after["chat_connections"] - before["chat_connections"] == 3  # each run is a new process


def test_a_first_answer_probe_whose_call_fails_gives_no_figure() -> None:
    with socket.socket() as unused:  # a port nobody listens on: the call is refused
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    with pytest.raises(subprocess.CalledProcessError):
        _timed(first_answer_probe("floor", closed), repetitions=1)


def test_a_clean_install_that_cannot_be_built_says_which_step_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(measure, "PROJECT_ROOT", tmp_path)  # no project here: pip refuses before any download
    refused = r"^pip install failed: .*(not installable|does not appear to be a Python project)"
    with pytest.raises(RuntimeError, match=refused), clean_install():
        pytest.fail("a clean install without a project was yielded")


def test_a_clean_install_holds_every_dependency_to_the_version_installed_here() -> None:
    pins = installed_versions()
    assert f"httpx=={importlib.metadata.version('httpx')}" in pins
    assert f"pydantic=={importlib.metadata.version('pydantic')}" in pins
    assert not any(pin.lower().startswith("modelpipe==") for pin in pins)  # installed from the tree


_FIRST_MODEL_CLASS = """
import importlib, sys
for name in sys.argv[1:]:
    module, _, attribute = name.partition(":")
    imported = importlib.import_module(module)
    if attribute:
        getattr(imported, attribute)
before = set(sys.modules)
import pydantic
class Point(pydantic.BaseModel):  # deferred, as modelpipe's records are
    model_config = pydantic.ConfigDict(defer_build=True)
    x: int
print(sorted(set(sys.modules) - before))
"""


def test_the_import_floor_loads_what_a_first_model_class_and_an_event_loop_need() -> None:
    """Once the floor's modules are in, a first pydantic model class loads nothing more: the floor holds
    what any client with pydantic models pays, so the ready-to-call figure over it is modelpipe's own."""
    probe = [sys.executable, "-c", _FIRST_MODEL_CLASS, *run._DEPENDENCY_NAMES]
    loaded = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
    without_fields = [name for name in run._DEPENDENCY_NAMES if name != "pydantic.fields"]
    short_floor = subprocess.run([*probe[:3], *without_fields], capture_output=True, text=True, check=True)
    assert "pydantic.fields" in short_floor.stdout  # the probe sees a module the class needs
    assert "asyncio" in run._DEPENDENCY_NAMES


def test_a_clean_install_probe_runs_its_interpreter_outside_the_tree(tmp_path: Path) -> None:
    python = tmp_path / "venv" / "bin" / "python"
    executable, cwd, env = measure._interpreter(python)
    assert (executable, cwd) == (str(python), python.parent)
    assert "PYTHONPATH" not in env and "PYTHONDONTWRITEBYTECODE" not in env
    executable, cwd, env = measure._interpreter(None)
    assert (executable, cwd) == (sys.executable, PROJECT_ROOT)
    assert str(PROJECT_ROOT) in env["PYTHONPATH"].split(os.pathsep)


def _fake_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up probes that record which interpreter they were given instead of timing anything."""

    def start_up_costs(probes: dict[str, StartUpProbe], repetitions: int) -> dict[str, dict[str, Any]]:
        costs = {}
        for name, probe in probes.items():
            python = None if probe.command[0] == sys.executable else Path(probe.command[0])
            seconds = 0.2 if python is None else 0.1
            costs[name] = {
                "seconds": seconds,
                "min": seconds,
                "max": seconds,
                "max_rss_kib": 2048,
                "top_self_us": [],
                "python": python,
            }
        return costs

    monkeypatch.setattr(run, "start_up_costs", start_up_costs)


def test_start_up_figures_of_a_clean_install_run_in_its_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_costs(monkeypatch)
    python = tmp_path / "bin" / "python"

    @contextlib.contextmanager
    def built() -> Iterator[Path]:
        yield python

    monkeypatch.setattr(run, "clean_install", built)
    summary: dict[str, Any] = {"left_out": {}}
    run._start_up(summary, ["floor", "bare"], clean_install_wanted=True)
    assert summary["imports"][READY_TO_CALL + CLEAN_INSTALL]["python"] == python
    assert summary["imports"][DEPENDENCIES_ALONE + CLEAN_INSTALL]["python"] == python
    assert summary["imports"][OWN_SHARE + CLEAN_INSTALL]["python"] == python
    assert summary["imports"][READY_TO_CALL]["python"] is None
    assert summary["first_answers"]["modelpipe" + CLEAN_INSTALL]["python"] == python
    assert summary["first_answers"]["modelpipe"]["python"] is None
    assert summary["left_out"] == {}
    table = report._first_answer_section(
        summary["first_answers"]
    )  # each row over its own environment's floor
    assert "| modelpipe | 200 (200-200) | +0 | 2 |" in table
    assert f"| modelpipe{CLEAN_INSTALL} | 100 (100-100) | +0 | 2 |" in table
    node = {**summary["first_answers"]["modelpipe"], "seconds": 0.05}
    assert f"| {LABELS['aisdk-node']} | 50 (200-200) | - | 2 |" in report._first_answer_section(
        {**summary["first_answers"], LABELS["aisdk-node"]: node}
    )  # no Python floor under Node


def test_a_clean_install_that_fails_is_left_out_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_costs(monkeypatch)

    def unbuildable() -> Iterator[Path]:
        raise RuntimeError("pip install failed: no package index")

    monkeypatch.setattr(run, "clean_install", unbuildable)
    summary: dict[str, Any] = {"left_out": {}}
    run._start_up(summary, ["floor"], clean_install_wanted=True)
    assert summary["left_out"] == {"clean install": "pip install failed: no package index"}
    assert not any(name.endswith(CLEAN_INSTALL) for name in [*summary["imports"], *summary["first_answers"]])


def test_the_ai_sdk_row_speaks_the_worker_protocol_on_node(server: ServerProcess) -> None:
    _needs_the_ai_sdk_on_node()
    worker = WorkerProcess("aisdk-node", server.base_url)
    try:
        before = server.stats()["requests"]
        generated = worker.ask(op="generate", n=3)
        streamed = worker.ask(op="stream", n=2)
        concurrent = worker.ask(op="concurrent", n=6, concurrency=3)
        memory = worker.ask(op="memory")
        assert server.stats()["requests"] - before == 3 + 2 + 6
    finally:
        worker.stop()
    assert generated["n"] == 3 and generated["cpu"] > 0 and generated["wall"] > 0
    assert streamed["n"] == 2 and len(streamed["first"]) == 2
    assert concurrent["n"] == 6
    assert memory["max_rss_kib"] > 0 and memory["cache_failures"] == 0
    assert worker.process.returncode == 0


def _figures(cpu: float, stream: float, calls: float) -> dict[str, Any]:
    def spread(value: float) -> dict[str, float]:
        return {"median": value, "min": value, "max": value}

    return {
        "cpu_us_per_call": spread(cpu),
        "stream_cpu_us_per_call": spread(stream),
        "calls_per_second": spread(calls),
        "new_connections_per_call": 0.0,
    }


def test_a_layer_row_whose_base_was_not_run_is_compared_with_the_nearest_measured_one() -> None:
    rows = {
        "floor": _figures(1000, 2000, 500),
        "bare": _figures(1010, 2100, 600),
        "log": _figures(1040, 2160, 600),
        "stack": _figures(1100, 2300, 550),
        "hit": _figures(150, 300, 5000),
        "cost": _figures(1050, 2200, 580),
    }
    table = {entry["row"]: entry for entry in layer_rows(rows)}
    assert list(table) == ["bare", "log", "stack", "hit", "cost"]  # in LAYERS order
    assert table["log"]["base"] == "bare"  # options was not run
    assert table["stack"]["base"] == "log"
    assert table["stack"]["cpu_us_per_call_added"] == pytest.approx(60)
    assert table["stack"]["stream_cpu_us_per_call_added"] == pytest.approx(140)
    assert table["stack"]["cpu_us_per_call_ratio"] == pytest.approx(1.1)
    assert table["hit"]["cpu_us_per_call_added"] == pytest.approx(-950)
    assert table["cost"]["base"] == "bare"


def test_with_bracketed_ratios_a_layer_adds_the_difference_of_the_ratios_times_the_floor() -> None:
    def bracketed(figures: dict[str, Any], cpu: float, stream: float) -> dict[str, Any]:
        return {
            **figures,
            "bracketed_cpu_ratio": {"median": cpu, "min": cpu, "max": cpu},
            "bracketed_stream_cpu_ratio": {"median": stream, "min": stream, "max": stream},
        }

    # the medians say the log layer costs 200 us, but its windows and its base's ran in different
    # stretches of the machine; the ratios to the floor windows around each say 30 us
    rows = {
        "floor": _figures(1000, 2000, 500),
        "bare": bracketed(_figures(900, 2100, 600), 0.95, 1.05),
        "log": bracketed(_figures(1100, 2160, 600), 0.98, 1.10),
    }
    table = {entry["row"]: entry for entry in layer_rows(rows)}
    assert table["bare"]["cpu_us_per_call_added"] == pytest.approx(-50)  # over the floor (ratio 1)
    assert table["log"]["cpu_us_per_call_added"] == pytest.approx(30)
    assert table["log"]["stream_cpu_us_per_call_added"] == pytest.approx(100)
    assert table["log"]["cpu_us_per_call_ratio"] == pytest.approx(0.98)


def test_every_layer_row_is_a_row_and_every_base_leads_to_the_floor() -> None:
    bases = {row: base for row, base, _ in LAYERS}
    for row in bases:
        assert row in CLIENTS
        seen = set()
        while row != "floor":
            assert row not in seen
            seen.add(row)
            row = bases[row]


def test_the_full_stack_is_held_to_the_ai_sdk_rows_throughput() -> None:
    rows = {
        "floor": _figures(1000, 2000, 500),
        "stack": _figures(1100, 2300, 550),
        "aisdk-node": _figures(2500, 18000, 600),
    }
    targets = {item["target"]: item for item in evaluate({"rows": rows, "imports": {}})}
    against_node = targets["throughput at concurrency 32 (full stack) >= 1.0x Vercel AI SDK on Node"]
    assert against_node == {
        "target": "throughput at concurrency 32 (full stack) >= 1.0x Vercel AI SDK on Node",
        "value": "0.92x",
        "met": False,
    }
    assert targets["full stack streamed call CPU <= 1.2x floor"]["met"] is True


def _needs_two_cpus() -> None:
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("pinning needs Linux and two CPUs this process may use")


def _affinities(pid: int) -> set[frozenset[int]]:
    """The CPU sets of every thread of process ``pid``."""
    return {frozenset(os.sched_getaffinity(int(tid))) for tid in os.listdir(f"/proc/{pid}/task")}


def test_pinning_puts_the_servers_on_one_cpu_and_every_thread_of_a_worker_on_another() -> None:
    _needs_two_cpus()
    pinning = Pinning()
    assert pinning.server is not None and pinning.clients is not None
    assert pinning.server.isdisjoint(pinning.clients) and len(pinning.server) == len(pinning.clients) == 1
    assert pinning.describe() == (
        f"servers pinned to CPU {min(pinning.server)}, clients to CPU {min(pinning.clients)}"
    )
    server = ServerProcess(pinning)
    try:
        # the stack row's worker starts the cache's writer thread on its first write
        worker = WorkerProcess("stack", server.base_url, pinning=pinning)
        try:
            assert worker.ask(op="generate", n=2)["n"] == 2
            assert _affinities(worker.process.pid) == {pinning.clients}
            assert len(os.listdir(f"/proc/{worker.process.pid}/task")) > 1
        finally:
            worker.stop()
        assert _affinities(server.process.pid) == {pinning.server}
    finally:
        server.stop()


def test_pinning_can_be_switched_off() -> None:
    unpinned = Pinning(enabled=False)
    assert unpinned.server is None and unpinned.clients is None
    assert unpinned.describe() == "not pinned"
    assert run._parse([]).pin is True
    assert run._parse(["--no-pin"]).pin is False


def test_rows_may_be_comma_separated_and_unknown_ones_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run._parse(["--rows", "floor,bare", "stack", "aisdk-node"]).rows == [
        "floor",
        "bare",
        "stack",
        "aisdk-node",
    ]
    with pytest.raises(SystemExit):
        run._parse(["--rows", "floor,nonsense"])
    assert "nonsense" in capsys.readouterr().err


def test_a_small_run_writes_the_per_layer_table_and_names_rows_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("benchmarks.measure.shutil.which", lambda name: None)  # no node, no redis-server
    run.main(
        [
            "--rows",
            "floor,bare,options,miss-redis,aisdk-node",
            *("--repetitions", "1", "--calls", "2", "--stream-calls", "1"),
            *("--concurrent-calls", "4", "--concurrency", "2", "--warmup", "2", "--concurrent-warmup", "4"),
            *("--output", str(tmp_path)),
            "--no-clean-install",  # a clean install needs the package index
        ]
    )
    summary = json.loads((tmp_path / "results.json").read_text())
    assert list(summary["rows"]) == ["floor", "bare", "options"]
    assert summary["left_out"] == {
        "miss-redis": "redis-server is not installed",
        "aisdk-node": "node is not installed (the Vercel AI SDK row runs on Node)",
    }
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert markdown == render_markdown(summary)
    assert "## Per-layer cost" in markdown
    assert "## Bracketed ratios" in markdown
    assert summary["rows"]["bare"]["bracketed_cpu_ratio"]["median"] > 0  # floor windows ran around bare's
    assert summary["rows"]["bare"]["bracketed_stream_cpu_ratio"]["median"] > 0
    assert summary["rows"]["floor"]["bracketed_cpu_ratio"] is None
    assert "| + provider options (ProviderOptionsMiddleware) (`options`) | `bare` |" in markdown
    assert "- Vercel AI SDK on Node: node is not installed" in markdown
    assert f"- CPUs: {Pinning().describe()} (`--no-pin` lets the OS place them)." in markdown
    assert list(summary["imports"]) == ["modelpipe", READY_TO_CALL, DEPENDENCIES_ALONE, OWN_SHARE]
    assert f"| {DEPENDENCIES_ALONE} | " in markdown
    assert f"| {OWN_SHARE} | " in markdown
    assert "no library on them can avoid" in markdown
    assert list(summary["first_answers"]) == [FIRST_ANSWER_FLOOR, "modelpipe"]
    assert "## Time to first answer" in markdown
    assert f"| {FIRST_ANSWER_FLOOR} | " in markdown


def test_the_ready_to_call_import_loads_what_a_first_call_needs() -> None:
    """``import pipeline`` alone loads only the package and its lazy-export helper, never pydantic;
    ``pipeline:generate_text`` is timed with the name fetched, which loads its module (the
    costliest-modules list names what was loaded, the helper among them when the standard library's
    modules happen to cost less)."""
    package_only = {module for module, _ in _timed(import_probe(["pipeline"]), repetitions=1)["top_self_us"]}
    ready = {
        module for module, _ in _timed(import_probe(["pipeline:generate_text"]), repetitions=1)["top_self_us"]
    }
    assert {module for module in package_only if module.startswith(("pydantic", "pipeline"))} <= {
        "pipeline",
        "pipeline._lazy",
    }
    assert ready & {"pipeline.prompt", "pipeline.result", "pipeline.generate", "pydantic_core.core_schema"}


def test_an_import_timed_after_others_counts_only_what_it_adds() -> None:
    """``fractions`` imports ``decimal``: imported first, untimed, ``decimal`` is neither timed nor listed."""
    alone = _timed(import_probe(["fractions"]), repetitions=1)
    after = _timed(import_probe(["fractions"], after=["decimal"]), repetitions=1)
    assert "_decimal" in {module for module, _ in alone["top_self_us"]}
    assert "_decimal" not in {module for module, _ in after["top_self_us"]}
    assert {"seconds", "min", "max", "max_rss_kib"} <= after.keys()


def test_start_up_figures_take_turns_so_a_slow_stretch_falls_on_all_of_them(tmp_path: Path) -> None:
    """Each probe runs once untimed, then one run of each per round: the order of the runs interleaves."""
    order = tmp_path / "order"

    def probe(name: str, seconds: float) -> StartUpProbe:
        script = f"open({str(order)!r}, 'a').write({name!r}); print({seconds}, 4096)"
        return StartUpProbe((sys.executable, "-c", script), tmp_path, None)

    costs = start_up_costs({"a": probe("a", 0.25), "b": probe("b", 0.5)}, repetitions=3)
    assert order.read_text() == "ab" + "ab" * 3
    assert costs["a"] == {"seconds": 0.25, "min": 0.25, "max": 0.25, "max_rss_kib": 4096, "top_self_us": []}
    assert costs["b"]["seconds"] == 0.5


def test_a_bracketed_ratio_compares_each_window_with_the_floor_windows_around_it() -> None:
    def window(cpu: float, n: int) -> dict[str, float]:
        return {"cpu": cpu, "n": n}

    # the machine slows down from one repetition to the next; each row window costs 1.1x the mean of
    # the floor windows right around it, which have half its calls
    answers = [
        {**window(1.1, 10), "around": [window(0.4, 5), window(0.6, 5)]},
        {**window(4.4, 10), "around": [window(1.8, 5), window(2.2, 5)]},
        {**window(2.2, 10), "around": [window(1.0, 5), window(1.0, 5)]},
    ]
    bracketed = run._bracketed_ratio(answers)
    assert bracketed is not None
    assert bracketed == pytest.approx({"median": 1.1, "min": 1.1, "max": 1.1})
    assert run._bracketed_ratio([window(1.0, 10)]) is None  # a window measured without its floor


def test_a_bracketed_throughput_ratio_compares_calls_per_second() -> None:
    def window(calls: int, wall: float) -> dict[str, float]:
        return {"n": calls, "wall": wall, "cpu": wall}

    # 100 calls in 0.1 s (1000/s) between reference windows of 1000/s and 600/s, pooled: 100 calls in
    # 0.05 + 0.0833 s (750/s)
    answers = [{**window(100, 0.1), "around": [window(50, 0.05), window(50, 50 / 600)]}]
    bracketed = run._bracketed_ratio(answers, "throughput")
    assert bracketed is not None
    assert bracketed["median"] == pytest.approx(1000 / 750)


def test_cpu_targets_are_judged_on_the_bracketed_ratio_and_show_the_ratio_of_medians() -> None:
    def figures(cpu: float, bracketed: float | None) -> dict[str, object]:
        spread = {"median": bracketed, "min": bracketed, "max": bracketed} if bracketed else None
        return {
            "cpu_us_per_call": {"median": cpu},
            "stream_cpu_us_per_call": {"median": cpu},
            "bracketed_cpu_ratio": spread,
            "bracketed_stream_cpu_ratio": spread,
            "calls_per_second": {"median": 1000},
            "new_connections_per_call": 0,
        }

    summary: dict[str, Any] = {"rows": {"floor": figures(100, None), "stack": figures(120, 1.1)}}
    judged = {item["target"]: item for item in evaluate(summary)}
    generate = judged["full stack CPU per call <= 1.15x floor"]
    assert generate["met"] is True
    assert generate["value"] == "1.10x bracketed (1.10-1.10); 1.20x of the medians"
    summary["rows"]["stack"] = figures(110, None)  # no bracketed figure: the medians decide
    judged = {item["target"]: item for item in evaluate(summary)}
    assert judged["full stack CPU per call <= 1.15x floor"] == {
        "target": "full stack CPU per call <= 1.15x floor",
        "value": "1.10x",
        "met": True,
    }
    assert judged["full stack streamed call CPU <= 1.2x floor"]["met"] is True

    # throughput: the full stack's windows were bracketed by Node's, not by the floor's
    summary["rows"]["aisdk-node"] = {**figures(100, None), "calls_per_second": {"median": 1100}}
    summary["rows"]["stack"]["bracketed_throughput_ratio"] = {"median": 1.05, "min": 0.9, "max": 1.2}
    judged = {item["target"]: item for item in evaluate(summary)}
    against_node = judged["throughput at concurrency 32 (full stack) >= 1.0x Vercel AI SDK on Node"]
    assert against_node == {
        "target": "throughput at concurrency 32 (full stack) >= 1.0x Vercel AI SDK on Node",
        "value": "1.05x bracketed (0.90-1.20); 0.91x of the medians",
        "met": True,
    }
    assert judged["throughput at concurrency 32 (full stack) >= 0.95x floor"]["value"] == "1.00x"


def test_a_ready_to_call_target_shows_its_floor_and_modelpipe_s_own_share() -> None:
    def cost(ms: float) -> dict[str, Any]:
        return {"seconds": ms / 1e3, "min": ms / 1e3, "max": ms / 1e3, "max_rss_kib": 1024, "top_self_us": []}

    imports = {
        READY_TO_CALL: cost(150),
        READY_TO_CALL + CLEAN_INSTALL: cost(118),
        DEPENDENCIES_ALONE + CLEAN_INSTALL: cost(90),
        OWN_SHARE + CLEAN_INSTALL: cost(29),
    }
    judged = {item["target"]: item for item in evaluate({"rows": {}, "imports": imports})}
    clean = judged[f"{READY_TO_CALL}{CLEAN_INSTALL} <= 120 ms"]
    assert clean == {
        "target": f"{READY_TO_CALL}{CLEAN_INSTALL} <= 120 ms",
        "value": "118 ms (its floor 90 ms, modelpipe's own share 29 ms)",
        "met": True,
    }
    here = judged[f"{READY_TO_CALL} <= 120 ms"]
    assert (here["value"], here["met"]) == ("150 ms", False)  # no floor measured here: the figure alone


def test_reference_windows_are_half_as_long_for_sequential_calls_and_as_long_at_concurrency() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.asked: list[dict[str, Any]] = []

        def ask(self, **command: Any) -> dict[str, Any]:
            self.asked.append(command)
            return command

    worker = Recorder()
    run._reference_window(worker, "generate", {"n": 400}, 32)  # type: ignore[arg-type]
    run._reference_window(worker, "concurrent", {"n": 640, "concurrency": 32}, 32)  # type: ignore[arg-type]
    measured = [command for command in worker.asked if command["n"] not in (1, 32)]  # not the touches
    assert measured == [{"op": "generate", "n": 200}, {"op": "concurrent", "n": 640, "concurrency": 32}]
