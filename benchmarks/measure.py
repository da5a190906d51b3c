"""Process plumbing for the runner: the server process, client worker processes, import timing."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

__all__ = [
    "PROJECT_ROOT",
    "ServerProcess",
    "WorkerProcess",
    "import_cost",
    "project_env",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_env() -> dict[str, str]:
    """The environment for child processes: the project importable, no proxies for loopback."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # LiteLLM would otherwise fetch its price list at import
    return env


class ServerProcess:
    """``benchmarks.server`` in its own process; :meth:`stats` reads its counters."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server"],
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


class WorkerProcess:
    """A ``benchmarks.worker`` process for one row; :meth:`ask` sends a command and waits for its answer."""

    def __init__(self, row: str, base_url: str) -> None:
        self.row = row
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", row, base_url],
            cwd=PROJECT_ROOT,
            env=project_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._read()
        if ready.get("ready") != row:
            raise RuntimeError(f"worker {row} did not start: {ready}")

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


_IMPORT_PROBE = (
    "import resource, sys, time\n"
    "started = time.perf_counter()\n"
    "for name in sys.argv[1:]:\n"
    "    __import__(name)\n"
    "elapsed = time.perf_counter() - started\n"
    "print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def import_cost(modules: list[str], repetitions: int = 7) -> dict[str, Any]:
    """Median seconds to import ``modules`` in a fresh interpreter, its peak RSS, and the costliest
    modules by their own import time (``-X importtime``).

    Measured as an installed package runs: bytecode may be cached (``PYTHONDONTWRITEBYTECODE`` is
    dropped and one untimed import warms the cache), so the figure is import work, not compilation.
    """
    env = project_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", _IMPORT_PROBE, *modules], cwd=PROJECT_ROOT, env=env, check=True)
    seconds: list[float] = []
    rss: list[int] = []
    for _ in range(repetitions):
        output = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE, *modules],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        seconds.append(float(output[0]))
        rss.append(int(output[1]))
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORT_PROBE, *modules],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    return {
        "seconds": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "max_rss_kib": statistics.median(rss),
        "top_self_us": _costliest(traced, 8),
    }


def _costliest(importtime: str, count: int) -> list[tuple[str, int]]:
    rows: list[tuple[str, int]] = []
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((name.strip(), int(self_us)))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:count]
