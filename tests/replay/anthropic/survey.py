"""Prints the replay table: python -m tests.replay.anthropic.survey [fixture ...] (verbose diffs)."""

from __future__ import annotations

import sys

import anyio

from providers.testing.server import LoopbackServer

from .harness import CASES, differences, expected_view, replay


async def main(selected: list[str]) -> None:
    matched = 0
    with LoopbackServer() as server:
        for fixture in selected or sorted(CASES):
            diffs = differences(expected_view(fixture), await replay(server, fixture))
            matched += not diffs
            print(("MATCH " if not diffs else "DIFF  ") + fixture)
            for diff in diffs[: 6 if selected else 2]:
                print("   ", diff[: 700 if selected else 240])
    print(f"{matched}/{len(selected or CASES)} match")


anyio.run(main, sys.argv[1:])
