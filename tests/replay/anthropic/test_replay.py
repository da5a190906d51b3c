"""Every recorded Anthropic fixture of the AI SDK, replayed through our terminal over loopback HTTP and
compared with what the AI SDK produced from the same bytes (see README.md).

A fixture whose difference is a decision is a strict xfail naming it: it fails the suite if the
difference goes away, so the decision list stays true.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.testing.server import LoopbackServer

from .harness import CASES, EXPECTED, FIXTURES, case_key, differences, expected_view, replay

DECIDED: dict[str, str] = {
    "anthropic-mcp.1.json": (
        "MCP tool calls and results carry the AI SDK's `dynamic: true`; our ToolCallContent / "
        "ToolResultContent have no `dynamic` field (pipeline/result.py), so they are provider-executed "
        "parts marked by providerMetadata.anthropic.type == 'mcp-tool-use' instead"
    ),
    "anthropic-mcp.1.chunks.txt": (
        "as anthropic-mcp.1.json: no `dynamic` flag on tool-call / tool-result parts"
    ),
    "anthropic-programmatic-tool-calling.1.chunks.txt": (
        "16 recorded responses in one file: the AI SDK reads them as one stream and carries the first "
        "message's output_tokens (725) into the finish of each later message that reports none; we "
        "replay them as the 16 responses they were and report each message's own usage (0 output tokens)"
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as loopback:
        yield loopback


def test_every_fixture_has_a_case_and_an_expected_result() -> None:
    fixtures = sorted(path.name for path in FIXTURES.iterdir())
    assert fixtures == sorted(CASES)
    assert len(fixtures) == 62
    assert sorted(path.name for path in EXPECTED.iterdir()) == sorted(f"{case_key(f)}.json" for f in fixtures)


def test_decisions_name_real_fixtures_and_stay_under_five_percent() -> None:
    assert set(DECIDED) <= set(CASES)
    assert len(DECIDED) / len(CASES) <= 0.05


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=DECIDED[name]))
        if name in DECIDED
        else name
        for name in sorted(CASES)
    ],
)
async def test_replay_matches_the_ai_sdk(server: LoopbackServer, fixture: str) -> None:
    diffs = differences(expected_view(fixture), await replay(server, fixture))
    assert not diffs, "\n".join(diffs[:5])
