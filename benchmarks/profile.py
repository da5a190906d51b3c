"""Profile one benchmark row: ``python -m benchmarks.profile ROW [--stream | --concurrency C] [--calls N]
[--pyinstrument]``.

Runs ROW's client in this process against the loopback server (in its own process) and prints the
functions with the most own time (cProfile, as ``file:line:function``), or pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clients import CLIENTS, BenchClient, build_client
from benchmarks.measure import PROJECT_ROOT, ServerProcess

__all__ = ["main", "top_functions"]


async def _calls(client: BenchClient, calls: int, stream: bool, phase: str, concurrency: int = 1) -> None:
    """``calls`` calls, ``concurrency`` at a time, whose prompts name ``phase``, so the profiled calls
    never repeat a warm-up prompt (a repeat would be a cache hit in the ``stack`` row, which measures
    misses)."""
    indexes = iter(range(calls))

    async def lane() -> None:
        for index in indexes:
            if stream and client.stream is not None:
                await client.stream(f"Say hello ({phase} {index}).")
            else:
                await client.generate(f"Say hello ({phase} {index}).")

    await asyncio.gather(*(lane() for _ in range(concurrency)))


def top_functions(profile: cProfile.Profile, count: int, calls: int) -> str:
    """The ``count`` functions with the most own time, in microseconds per call."""
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, function), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, ncalls, f"{_short(filename)}:{line}:{function}"))
    rows.sort(reverse=True)
    out = io.StringIO()
    out.write(f"{'own us/call':>12} {'cum us/call':>12} {'calls/call':>10}  function\n")
    for tottime, cumtime, ncalls, name in rows[:count]:
        out.write(
            f"{tottime / calls * 1e6:12.1f} {cumtime / calls * 1e6:12.1f} {ncalls / calls:10.1f}  {name}\n"
        )
    return out.getvalue()


def _short(filename: str) -> str:
    """A file name relative to the project or to site-packages / the standard library."""
    for marker in (f"{PROJECT_ROOT}/", "site-packages/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


async def _run(args: argparse.Namespace, base_url: str) -> None:
    client = build_client(args.row, base_url)
    try:
        await _calls(client, args.warmup, args.stream, "warm-up", args.concurrency)
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled", interval=0.0002)
            profiler.start()
            await _calls(client, args.calls, args.stream, "profiled", args.concurrency)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        else:
            profile = cProfile.Profile()
            profile.enable()
            await _calls(client, args.calls, args.stream, "profiled", args.concurrency)
            profile.disable()
            print(top_functions(profile, args.top, args.calls))
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> None:
    """Profile a row and print the costliest functions."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("row", choices=sorted(CLIENTS))
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--concurrency", type=int, default=1, help="calls in flight at once")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--pyinstrument", action="store_true", help="print pyinstrument's call tree instead")
    args = parser.parse_args(argv)
    server = ServerProcess()
    try:
        asyncio.run(_run(args, server.base_url))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
