"""Process plumbing for the runner: the server process, client worker processes (Python, or Node for
the Vercel AI SDK row), a throwaway Redis server, import timing."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .first_answer import NODE_PROBE as FIRST_ANSWER_NODE_PROBE

__all__ = [
    "NODE_DIR",
    "NODE_ROWS",
    "PROJECT_ROOT",
    "Pinning",
    "RedisProcess",
    "ServerProcess",
    "StartUpProbe",
    "WorkerProcess",
    "clean_install",
    "first_answer_probe",
    "import_probe",
    "installed_versions",
    "node_command",
    "node_first_answer_probe",
    "node_import_probe",
    "project_env",
    "start_up_costs",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = PROJECT_ROOT / "benchmarks" / "node"
NODE_ROWS = {"aisdk-node": NODE_DIR / "worker.mjs"}
"""Rows whose worker is a Node script speaking the line protocol of ``benchmarks.worker``."""
_NODE_PACKAGES = ("ai", "@ai-sdk/openai")


class Pinning:
    """Which CPUs the runner's servers (the loopback server, redis-server) and clients (the row workers)
    may use: the servers the first CPU this process may use, the clients the second, as in the harness
    the performance targets were first measured with. A client then never shares a core with the server
    answering it, and a row's helper threads (Node's runtime, the cache's writer) share the client's
    core. Nothing is pinned with fewer than two CPUs, without ``os.sched_setaffinity`` (not Linux), or
    when ``enabled`` is False."""

    def __init__(self, enabled: bool = True) -> None:
        self.server: frozenset[int] | None = None
        self.clients: frozenset[int] | None = None
        if enabled and hasattr(os, "sched_setaffinity"):
            usable = sorted(os.sched_getaffinity(0))
            if len(usable) >= 2:
                self.server, self.clients = frozenset(usable[:1]), frozenset(usable[1:2])

    def describe(self) -> str:
        if self.server is None or self.clients is None:
            return "not pinned"
        return f"servers pinned to CPU {min(self.server)}, clients to CPU {min(self.clients)}"


NOT_PINNED = Pinning(enabled=False)


_PIN_THEN_EXEC = (
    "import os, sys\n"
    "os.sched_setaffinity(0, {int(cpu) for cpu in sys.argv[1].split(',')})\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)
"""Pins this process, then becomes the command: every thread the command starts inherits the pinning
(``preexec_fn`` would do the same, but it may deadlock a child forked from a process with threads)."""


def _pinned(command: list[str], cpus: frozenset[int] | None) -> list[str]:
    """``command``, started pinned to ``cpus`` (as it is when ``cpus`` is ``None``)."""
    if cpus is None:
        return command
    return [sys.executable, "-c", _PIN_THEN_EXEC, ",".join(map(str, sorted(cpus))), *command]


def project_env() -> dict[str, str]:
    """The environment for child processes: the project importable, no proxies for loopback."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # LiteLLM would otherwise fetch its price list at import
    return env


class ServerProcess:
    """``benchmarks.server`` in its own process; :meth:`stats` reads its counters."""

    def __init__(self, pinning: Pinning = NOT_PINNED) -> None:
        self.process = subprocess.Popen(
            _pinned([sys.executable, "-m", "benchmarks.server"], pinning.server),
            cwd=PROJECT_ROOT,
            env=project_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        self.base_url = f"http://127.0.0.1:{int(line.split()[1])}"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/stats", timeout=10) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def node_command(row: str, base_url: str) -> list[str]:
    """The command line of a Node row's worker; installs the pinned packages (``npm ci``) when missing.

    Raises :class:`RuntimeError` saying what is missing when the row cannot run here.
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed (the Vercel AI SDK row runs on Node)")
    modules = NODE_DIR / "node_modules"
    if not all((modules / package / "package.json").is_file() for package in _NODE_PACKAGES):
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("the AI SDK packages are not installed and npm is missing")
        installed = subprocess.run(
            [npm, "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            raise RuntimeError(f"npm ci --prefix benchmarks/node failed: {installed.stderr.strip()[-400:]}")
    return [node, str(NODE_ROWS[row]), base_url]


class WorkerProcess:
    """A worker process for one row (``benchmarks.worker``, or Node for :data:`NODE_ROWS`); :meth:`ask`
    sends a command and waits for its answer. ``env`` adds to the children's environment."""

    def __init__(
        self, row: str, base_url: str, env: dict[str, str] | None = None, pinning: Pinning = NOT_PINNED
    ) -> None:
        self.row = row
        command = (
            node_command(row, base_url)
            if row in NODE_ROWS
            else [sys.executable, "-m", "benchmarks.worker", row, base_url]
        )
        self.process = subprocess.Popen(
            _pinned(command, pinning.clients),
            cwd=PROJECT_ROOT,
            env={**project_env(), **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            ready = self._read()
            if ready.get("ready") != row:
                raise RuntimeError(f"worker {row} did not start: {ready}")
        except (RuntimeError, ValueError):
            self.stop()
            raise

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.row} exited (code {self.process.wait()})")
        return dict(json.loads(line))

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, BrokenPipeError, ValueError):
            self.ask(op="quit")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()


class RedisProcess:
    """A throwaway ``redis-server`` on a free loopback port, without persistence; :meth:`stop` kills it.

    Raises :class:`RuntimeError` when the binary is missing or the server does not answer.
    """

    def __init__(self, pinning: Pinning = NOT_PINNED) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.process = subprocess.Popen(
            _pinned(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                pinning.server,
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


_UNTIMED_DONE = "-- untimed imports done --"
"""What the import probe writes between the imports before ``--`` and the timed ones, under ``-X importtime``
(whose report goes to stderr too)."""

_IMPORT_PROBE = (
    "import importlib, resource, sys, time\n"
    "def load(names):\n"
    "    for name in names:\n"
    "        module, _, attribute = name.partition(':')\n"
    "        imported = importlib.import_module(module)\n"
    "        if attribute:\n"
    "            getattr(imported, attribute)\n"
    "names = sys.argv[1:]\n"
    "split = names.index('--') if '--' in names else -1\n"
    "load(names[:max(split, 0)])\n"
    f"if 'importtime' in sys._xoptions: print({_UNTIMED_DONE!r}, file=sys.stderr)\n"
    "started = time.perf_counter()\n"
    "load(names[split + 1:])\n"
    "elapsed = time.perf_counter() - started\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


@dataclass(frozen=True)
class StartUpProbe:
    """A start-up figure's command: a fresh process that prints ``seconds max_rss_kib`` of what it
    times. A ``traced`` probe is a Python import probe, also run once under ``-X importtime`` for its
    costliest modules."""

    command: tuple[str, ...]
    cwd: Path
    env: dict[str, str] | None
    traced: bool = False


def import_probe(
    modules: list[str], python: Path | None = None, after: list[str] | None = None
) -> StartUpProbe:
    """The time to import ``modules`` in a fresh interpreter. ``"module:name"`` also gets ``name`` from
    the module (what ``from module import name`` loads, for packages that load their names on first
    use). ``after`` is imported first, untimed, in the same process: the figure is then what
    ``modules`` add to it, free of the drift between two separately timed figures.

    Measured as an installed package runs: bytecode may be cached (``PYTHONDONTWRITEBYTECODE`` is
    dropped and one untimed import warms the cache), so the figure is import work, not compilation.
    ``python`` (from :func:`clean_install`) runs the probe in that environment instead of this one.
    """
    executable, cwd, env = _interpreter(python)
    names = [*after, "--", *modules] if after else modules
    return StartUpProbe((executable, "-c", _IMPORT_PROBE, *names), cwd, env, traced=True)


@contextlib.contextmanager
def clean_install() -> Iterator[Path]:
    """A throwaway virtual environment with modelpipe installed from this tree with its runtime
    dependencies only, no extras: what ``pip install modelpipe`` gives a user, without the test, docs
    and benchmark tools installed here (some of which ``import httpx`` loads when present). Yields its
    ``python``.

    Every dependency is held to the version installed here (:func:`installed_versions`), so the two
    environments differ only in what else is installed.

    Raises :class:`RuntimeError` saying which step failed (no ``venv`` module, no package index).
    """
    with tempfile.TemporaryDirectory(prefix="modelpipe-clean-") as directory:
        environment = Path(directory) / "venv"
        python = environment / "bin" / "python"
        constraints = Path(directory) / "constraints.txt"
        constraints.write_text("\n".join(installed_versions()) + "\n")
        pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
        for step, command in (
            ("python -m venv", [sys.executable, "-m", "venv", str(environment)]),
            ("pip install", [str(python), *pip, "--constraint", str(constraints), str(PROJECT_ROOT)]),
        ):
            done = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{step} failed: {done.stderr.strip()[-400:]}")
        yield python


def installed_versions() -> list[str]:
    """``name==version`` of every distribution installed in this environment but modelpipe itself."""
    pins = {
        f"{distribution.metadata['Name']}=={distribution.version}"
        for distribution in importlib.metadata.distributions()
        if distribution.metadata["Name"] and distribution.metadata["Name"].lower() != "modelpipe"
    }
    return sorted(pins, key=str.lower)


def _interpreter(python: Path | None) -> tuple[str, Path, dict[str, str]]:
    """Executable, working directory and environment of a start-up probe: this interpreter in the tree,
    or a :func:`clean_install` one outside it (the tree off the import path)."""
    env = _bytecode_env()
    if python is None:
        return sys.executable, PROJECT_ROOT, env
    env.pop("PYTHONPATH", None)
    return str(python), python.parent, env


_NODE_IMPORT_PROBE = (
    "const started = performance.now();\n"
    "await import('ai');\n"
    "await import('@ai-sdk/openai');\n"
    "const elapsed = (performance.now() - started) / 1000;\n"
    "console.log(elapsed, process.resourceUsage().maxRSS);\n"
)


def node_import_probe() -> StartUpProbe:
    """:func:`import_probe` for the Vercel AI SDK on Node: ``import('ai')`` and ``import('@ai-sdk/openai')``
    in a fresh ``node`` process; no per-module breakdown."""
    node = node_command("aisdk-node", "")[0]
    return StartUpProbe((node, "--input-type=module", "-e", _NODE_IMPORT_PROBE), NODE_DIR, None)


def first_answer_probe(client: str, base_url: str, python: Path | None = None) -> StartUpProbe:
    """The time from a fresh interpreter's first import to ``client``'s first answer from the loopback
    server at ``base_url`` (see :mod:`benchmarks.first_answer`). Bytecode may be cached, and ``python``
    runs it in a clean install, as for :func:`import_probe`."""
    executable, cwd, env = _interpreter(python)
    probe = str(Path(__file__).with_name("first_answer.py"))
    return StartUpProbe((executable, probe, client, base_url), cwd, env)


def node_first_answer_probe(base_url: str) -> StartUpProbe:
    """:func:`first_answer_probe` for the Vercel AI SDK on Node (``generateText`` on ``createOpenAI``)."""
    node = node_command("aisdk-node", "")[0]
    command = (node, "--input-type=module", "-e", FIRST_ANSWER_NODE_PROBE, base_url)
    return StartUpProbe(command, NODE_DIR, None)


def start_up_costs(probes: Mapping[str, StartUpProbe], repetitions: int) -> dict[str, dict[str, Any]]:
    """Median, min and max seconds and the median peak RSS of every probe, by name; a traced probe
    also gets its costliest modules by their own import time (``top_self_us``).

    Each probe runs once untimed (warm caches, compile bytecode), then the probes take turns:
    ``repetitions`` rounds of one run each. A slow stretch of the machine then falls on every figure
    alike, where timing one figure's runs after another's would put it on whichever ran then (one run
    showed a floor above the figure it is the floor of).
    """
    for probe in probes.values():
        subprocess.run(probe.command, cwd=probe.cwd, env=probe.env, stdout=subprocess.DEVNULL, check=True)
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in probes}
    for _ in range(repetitions):
        for name, probe in probes.items():
            runs[name].append(_timed_run(probe))
    return {name: {**_summary(runs[name]), **_traced(probe)} for name, probe in probes.items()}


def _timed_run(probe: StartUpProbe) -> tuple[float, int]:
    output = subprocess.run(
        probe.command, cwd=probe.cwd, env=probe.env, capture_output=True, text=True, check=True
    ).stdout
    elapsed, max_rss_kib = output.split()
    return float(elapsed), int(max_rss_kib)


def _summary(runs: list[tuple[float, int]]) -> dict[str, Any]:
    seconds = [elapsed for elapsed, _ in runs]
    return {
        "seconds": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "max_rss_kib": statistics.median(rss for _, rss in runs),
    }


def _traced(probe: StartUpProbe) -> dict[str, Any]:
    """The costliest modules a traced probe imports after its untimed ones (none for other probes)."""
    if not probe.traced:
        return {"top_self_us": []}
    executable, *arguments = probe.command
    traced = subprocess.run(
        [executable, "-X", "importtime", *arguments],
        cwd=probe.cwd,
        env=probe.env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    return {"top_self_us": _costliest(traced.partition(_UNTIMED_DONE)[2], 8)}


def _bytecode_env() -> dict[str, str]:
    env = project_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _costliest(importtime: str, count: int) -> list[tuple[str, int]]:
    rows: list[tuple[str, int]] = []
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((name.strip(), int(self_us)))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:count]
