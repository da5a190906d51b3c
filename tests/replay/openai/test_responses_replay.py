"""Recorded Responses API traffic (the AI SDK's fixtures) through our terminal, compared with the AI SDK's
snapshots of the same bytes. See README.md; each kept difference is in DECISIONS (strict xfail)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.params import CallParams, ProviderTool
from pipeline.prompt import TextPart, UserMessage
from providers.openai import ChatEndpoint, OpenAIResponsesLanguageModel
from providers.testing import JsonReply, LoopbackServer, SSEReply

from .cases import _SNAPSHOTS as SNAPSHOTS
from .cases import AZURE, OPENAI, ReplayCase, load_snapshots, responses_cases
from .cases import _case as read_case
from .compare import ai_sdk_view, expected_result_view, expected_view, result_view, same_timestamps

CASES = responses_cases(OPENAI) + responses_cases(AZURE)

NOT_FROM_FIXTURES = {
    "OpenAIResponsesLanguageModel > doGenerate > web search sources schema resilience > "
    "should accept api-type sources without throwing 1",
    "OpenAIResponsesLanguageModel > doStream > web search tool > "
    "should handle streaming web search with action query field 1",
}
"""OpenAI snapshots of tests that script their own answer, not a recorded fixture (nothing to replay)."""


def test_every_snapshot_is_a_case_or_named_as_not_recorded() -> None:
    """A snapshot the case reader cannot place fails here instead of silently leaving the suite."""
    for suite, left_out in ((OPENAI, NOT_FROM_FIXTURES), (AZURE, set())):
        source = (SNAPSHOTS / suite.test_file).read_text(encoding="utf-8")
        snapshots = load_snapshots(SNAPSHOTS / f"{suite.test_file}.snap")
        dropped = {
            name for name, expected in snapshots.items() if read_case(source, name, expected, suite) is None
        }
        assert dropped == left_out
        assert len(responses_cases(suite)) == len(snapshots) - len(left_out)


DECISIONS: dict[str, str] = {}
"""Snapshot name → why our result differs (the case runs as a strict xfail)."""


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _mock_ids() -> Any:
    counter = itertools.count()
    return lambda: f"id-{next(counter)}"


def _params(case: ReplayCase) -> CallParams:
    tools = [ProviderTool(id=tool["id"], name=tool["name"], args=tool.get("args", {})) for tool in case.tools]
    options = {case.suite.key: {"store": case.store}} if case.store is not None else None
    return CallParams(
        prompt=[UserMessage(content=[TextPart(text="Hello")])],
        tools=tools or None,
        provider_options=options,
    )


def _reply(case: ReplayCase) -> JsonReply | SSEReply:
    text = case.path.read_text(encoding="utf-8")
    if not case.stream:
        return JsonReply(json.loads(text))
    lines = [line for line in text.splitlines() if line.strip()]
    events: list[str | tuple[str | None, str] | bytes] = [*lines, "[DONE]"]
    return SSEReply(events=events)


async def replay(case: ReplayCase, server: LoopbackServer) -> Any:
    """Our parts (or, for a whole-result snapshot, our result) for ``case``, in the AI SDK's shape."""
    server.enqueue(_reply(case))
    endpoint = ChatEndpoint(name=case.suite.key, default_base_url=server.url("/v1"))
    model = OpenAIResponsesLanguageModel(
        case.model_id, api_key="sk-replay", endpoint=endpoint, generate_id=_mock_ids()
    )
    params = _params(case)
    if not case.stream:
        result = await model.do_generate(params)
        if isinstance(case.expected, dict):
            return result_view(result)
        return [ai_sdk_view(part) for part in result.content]
    stream = await model.do_stream(params)
    return [ai_sdk_view(part) async for part in stream.stream]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case.name, marks=[pytest.mark.xfail(strict=True, reason=DECISIONS[case.name])])
        if case.name in DECISIONS
        else pytest.param(case, id=case.name)
        for case in CASES
    ],
)
async def test_replay_matches_the_ai_sdk(case: ReplayCase, server: LoopbackServer) -> None:
    ours = await replay(case, server)
    if isinstance(case.expected, dict):
        assert ours == expected_result_view(case.expected)
        return
    expected = [same_timestamps(expected_view(part)) for part in case.expected]
    assert [same_timestamps(part) for part in ours] == expected
