"""Instructions per call, counted by valgrind's callgrind: ``python -m benchmarks.instructions``.

Wall-clock figures move more between two runs of the same code than between versions on a shared
machine; an instruction count does not (the same binary, inputs and environment give the same total,
whatever else the machine is doing). Each row's client runs twice under callgrind against the loopback
server (in its own process, not counted): ``WARMUP`` calls, then ``WARMUP + CALLS`` calls. The
difference divided by ``CALLS`` is the work of one call, without interpreter start-up, imports or the
first calls' one-time costs. Needs ``valgrind`` on the PATH; rows as in ``benchmarks.clients`` (the
Python rows: the AI SDK's Node row is not counted here; ``miss-redis`` gets a throwaway redis-server).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clients import CLIENTS, REDIS_URL_ENV, build_client
from benchmarks.measure import PROJECT_ROOT, RedisProcess, ServerProcess, project_env

__all__ = ["count_per_call", "main"]

WARMUP = 30
CALLS = 100
DEFAULT_ROWS = ("floor", "bare", "stack", "hit")
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


async def _client_calls(row: str, base_url: str, calls: int, stream: bool) -> None:
    client = build_client(row, base_url)
    try:
        for index in range(calls):
            prompt = f"Say hello (count {index})."  # a new prompt each call: the stack row always misses
            if stream and client.stream is not None:
                await client.stream(prompt)
            else:
                await client.generate(prompt)
    finally:
        await client.close()


def _instructions(row: str, base_url: str, calls: int, stream: bool, env: dict[str, str]) -> int:
    """The instructions one client process executes for ``calls`` calls (start-up included)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        "--client",
        row,
        "--base-url",
        base_url,
        "--calls",
        str(calls),
        *(["--stream"] if stream else []),
    ]
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, env={**project_env(), **env}, capture_output=True, text=True, check=True
    )
    found = _COLLECTED.search(completed.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no total for row {row!r}:\n{completed.stderr[-2000:]}")
    return int(found.group(1))


def count_per_call(
    row: str, base_url: str, *, stream: bool = False, env: dict[str, str] | None = None
) -> float:
    """Instructions per call of ``row``: ((WARMUP + CALLS) calls - WARMUP calls) / CALLS. ``env`` adds to
    the counted process's environment (the Redis URL of ``miss-redis``)."""
    before = _instructions(row, base_url, WARMUP, stream, env or {})
    after = _instructions(row, base_url, WARMUP + CALLS, stream, env or {})
    return (after - before) / CALLS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", default=",".join(DEFAULT_ROWS), help="comma-separated rows of benchmarks.clients"
    )
    parser.add_argument("--stream", action="store_true", help="count streamed calls")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=CALLS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:  # the counted child process
        asyncio.run(_client_calls(args.client, args.base_url, args.calls, args.stream))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    rows = [row for row in args.rows.split(",") if row]
    unknown = [row for row in rows if row not in CLIENTS]
    if unknown:
        raise SystemExit(f"unknown rows {unknown}; choose from {sorted(CLIENTS)}")
    server = ServerProcess()
    redis: RedisProcess | None = None
    try:
        env: dict[str, str] = {}
        if "miss-redis" in rows:
            try:
                redis = RedisProcess()
            except RuntimeError as error:
                raise SystemExit(f"row miss-redis: {error}") from None
            env[REDIS_URL_ENV] = redis.url
        floor = None
        kind = "streamed" if args.stream else "generate"
        print(f"{'row':<12} {'instructions/call':>18} {'x floor':>8}   ({kind})")
        for row in rows:
            per_call = count_per_call(row, server.base_url, stream=args.stream, env=env)
            floor = per_call if row == "floor" else floor
            ratio = f"{per_call / floor:8.2f}" if floor else f"{'':>8}"
            print(f"{row:<12} {per_call:18,.0f} {ratio}", flush=True)
    finally:
        server.stop()
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    main()
