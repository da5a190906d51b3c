"""Batch benchmark: ``python -m benchmarks.batch`` (10,000 prompts at concurrency 64 by default).

Against the loopback server (``benchmarks.server``, its own process), each phase runs
``generate_many`` (or ``stream_many`` with ``--calls stream``) in a fresh child process and reports
calls/s, the child's CPU milliseconds per call and the provider calls the server counted:

- ``no cache``: a bare OpenAI chat model;
- ``cache cold``: the same behind ``CacheMiddleware(DiskStore)`` in an empty directory;
- ``cache warm``: the same batch again on that directory (every item answered from the cache);
- ``killed at 50%``: a fresh cache directory, the child is SIGKILLed once the server has answered half;
- ``resumed``: the same batch rerun on that directory; its provider calls are what the crash cost.

Writes ``benchmarks/batch_results.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/batch.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import PROJECT_ROOT, ServerProcess, project_env

__all__ = ["main", "run_phase"]

HERE = Path(__file__).resolve().parent


async def _child(base_url: str, n: int, concurrency: int, cache_dir: str | None, calls: str) -> None:
    """One phase, in this process: run the batch and print a JSON line of figures."""
    from middleware import CacheMiddleware, DiskStore
    from pipeline import wrap_model
    from pipeline.batch import generate_many, stream_many, summarize
    from providers.openai import OpenAIProvider

    model: Any = OpenAIProvider(api_key="bench", base_url=f"{base_url}/v1").chat("gpt-4o-mini")
    if cache_dir is not None:
        model = wrap_model(model, [CacheMiddleware(DiskStore(cache_dir))])
    prompts = [f"Summarize document number {index}." for index in range(n)]
    cpu, wall = time.process_time(), time.perf_counter()
    if calls == "stream":
        items = [item async for item in stream_many(model, prompts, concurrency=concurrency, progress=False)]
    else:
        items = await generate_many(model, prompts, concurrency=concurrency, progress=False, max_retries=0)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    summary = summarize(items)
    figures = {
        "items": len(items),
        "failed": summary.failed,
        "cached": summary.cached,
        "cpu": cpu,
        "wall": wall,
    }
    print(json.dumps(figures))


def run_phase(
    server: ServerProcess,
    n: int,
    concurrency: int,
    cache_dir: str | None,
    calls: str,
    kill_at: int | None = None,
) -> dict[str, Any]:
    """Run one phase in a child process; its figures plus the provider calls the server counted. With
    ``kill_at``, the child is SIGKILLed once the server has answered that many of its calls."""
    before = server.stats()["requests"]
    command = [sys.executable, "-m", "benchmarks.batch", "--child", server.base_url, "-n", str(n)]
    command += ["--concurrency", str(concurrency), "--calls", calls]
    if cache_dir is not None:
        command += ["--cache-dir", cache_dir]
    child = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=project_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill_at is not None:
        while server.stats()["requests"] - before < kill_at and child.poll() is None:
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)  # a crash: no flush, no cleanup
    stdout, stderr = child.communicate()
    calls_made = server.stats()["requests"] - before
    if kill_at is not None:
        if child.returncode != -signal.SIGKILL:
            raise RuntimeError(f"the killed phase ended with {child.returncode}: {stderr[-2000:]}")
        return {"provider_calls": calls_made, "killed_after": kill_at}
    if child.returncode != 0:
        raise RuntimeError(f"phase failed ({child.returncode}): {stderr[-2000:]}")
    figures = dict(json.loads(stdout.strip().splitlines()[-1]))
    figures["provider_calls"] = calls_made
    figures["calls_per_second"] = figures["items"] / figures["wall"]
    figures["cpu_ms_per_call"] = 1000 * figures["cpu"] / figures["items"]
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=10_000, help="prompts in the batch")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--child", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    parser.add_argument(
        "--calls", choices=("generate", "stream"), default="generate", help="generate_many or stream_many"
    )
    parser.add_argument("--output", type=Path, default=HERE / "batch_results.json")
    args = parser.parse_args(argv)
    if args.child:
        import anyio

        anyio.run(_child, args.child, args.n, args.concurrency, args.cache_dir, args.calls)
        return {}
    server = ServerProcess()
    phases: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as warm_dir, tempfile.TemporaryDirectory() as crash_dir:
            run = functools.partial(run_phase, server, args.n, args.concurrency, calls=args.calls)
            phases["no cache"] = run(None)
            phases["cache cold"] = run(warm_dir)
            phases["cache warm"] = run(warm_dir)
            phases["killed at 50%"] = run(crash_dir, kill_at=args.n // 2)
            phases["resumed"] = run(crash_dir)
    finally:
        server.stop()
    report = {
        "n": args.n,
        "concurrency": args.concurrency,
        "calls": args.calls,
        "cpus": os.cpu_count(),
        "phases": phases,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    return report


def render(report: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"{report['n']} prompts ({report['calls']}_many), concurrency {report['concurrency']}, "
        f"{report['cpus']} CPUs",
        "",
        "| phase | calls/s | CPU ms/call | provider calls | cached |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, figures in report["phases"].items():
        if "calls_per_second" in figures:
            lines.append(
                f"| {name} | {figures['calls_per_second']:.0f} | {figures['cpu_ms_per_call']:.3f} "
                f"| {figures['provider_calls']} | {figures['cached']} |"
            )
        else:
            lines.append(
                f"| {name} (after {figures['killed_after']} items) | | | {figures['provider_calls']} | |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
