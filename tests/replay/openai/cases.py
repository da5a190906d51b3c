"""The replay cases: each AI SDK snapshot of a recorded Responses fixture, with the call its test made.

The call (which fixture, generate or stream, model id, provider tools, store) is read from the AI SDK's
test file beside the snapshots: the fixture is the one the ``it(...)`` body (or its ``beforeEach``) loads,
the tools are the ``openai.*`` provider tools declared in the enclosing ``describe``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .snapshot import load_snapshots

__all__ = ["AZURE", "HERE", "OPENAI", "ReplayCase", "Suite", "responses_cases"]

HERE = Path(__file__).parent
_SNAPSHOTS = HERE / "snapshots"
_PREPARE = re.compile(r"prepare(Json|Chunks)FixtureResponse\(\s*'([^']+)'\s*[,)]")
_TOOL = re.compile(r"id: '(openai\.\w+)'(?: as const)?,\s*name: '([^']+)'")
_MODEL = re.compile(r"createModel\('([^']+)'\)")
_SHELL_ENV = re.compile(r"environment: \{\s*type: '(\w+)'")
_NEXT_BLOCK = re.compile(r"\n\s*(?:it|describe)\(")


@dataclass(frozen=True)
class Suite:
    """One AI SDK test file with its snapshots and fixtures, and the provider name its models use."""

    test_file: str
    fixtures: str
    key: str
    prefix: str


OPENAI = Suite(
    "openai-responses-language-model.test.ts", "responses", "openai", "OpenAIResponsesLanguageModel > "
)
AZURE = Suite("azure-openai-provider.test.ts", "azure", "azure", "")


@dataclass(frozen=True)
class ReplayCase:
    """One fixture replayed as the AI SDK's test did, and what the AI SDK produced."""

    name: str
    fixture: str
    stream: bool
    model_id: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    store: bool | None = None
    expected: Any = None
    suite: Suite = OPENAI

    @property
    def path(self) -> Path:
        suffix = ".chunks.txt" if self.stream else ".json"
        return HERE / self.suite.fixtures / f"{self.fixture}{suffix}"


def responses_cases(suite: Suite = OPENAI) -> list[ReplayCase]:
    """Every Responses snapshot of ``suite`` made from a recorded fixture."""
    source = (_SNAPSHOTS / suite.test_file).read_text(encoding="utf-8")
    snapshots = load_snapshots(_SNAPSHOTS / f"{suite.test_file}.snap")
    cases = []
    for name, expected in snapshots.items():
        case = _case(source, name, expected, suite)
        if case is not None:
            cases.append(case)
    return cases


def _case(source: str, name: str, expected: Any, suite: Suite) -> ReplayCase | None:
    segments = name.rsplit(" ", 1)[0].split(" > ")
    title, describe = segments[-1], segments[-2]
    start = _it_position(source, title, describe, segments)
    if start < 0:
        return None
    ends = [match.start() for match in _NEXT_BLOCK.finditer(source, start + 3)]
    following = ends[0] if ends else len(source)
    block_start = source.rfind("describe(", 0, start)
    inner = list(_PREPARE.finditer(source, start, following))
    if not inner and "server.urls[" in source[start:following]:
        return None  # the test scripts its own answer: no recorded fixture
    prepare = inner[0] if inner else _last(_PREPARE.finditer(source, block_start, start))
    if prepare is None:
        return None
    window = source[block_start:following]
    stream = prepare.group(1) == "Chunks"
    model = _MODEL.search(source, prepare.start(), following)
    tools = [
        {"id": tool_id, "name": tool_name} for tool_id, tool_name in dict.fromkeys(_TOOL.findall(window))
    ]
    shell = _SHELL_ENV.search(window)
    if shell is not None:
        for tool in tools:
            if tool["id"] == "openai.shell":
                tool["args"] = {"environment": {"type": shell.group(1)}}
    store = False if re.search(r"store: false", source[prepare.start() : following]) else None
    return ReplayCase(
        name=f"{suite.key}: {name.removeprefix(suite.prefix)}",
        fixture=prepare.group(2),
        stream=stream,
        model_id=model.group(1) if model else "gpt-4o",
        tools=tools,
        store=store,
        expected=expected,
        suite=suite,
    )


def _it_position(source: str, title: str, describe: str, segments: list[str]) -> int:
    """Where ``it('<title>'`` starts, in the ``describe('<describe>'`` block (under ``doGenerate`` or
    ``doStream`` as the name says) when the title repeats."""
    positions = [match.start() for match in re.finditer(r"it\(\s*'" + re.escape(title) + "'", source)]
    if len(positions) <= 1:
        return positions[0] if positions else -1
    call = "doStream" if "doStream" in segments else "doGenerate"
    other = "doGenerate" if call == "doStream" else "doStream"
    for position in positions:
        last = source.rfind("describe(", 0, position)
        in_block = source.rfind(f"describe('{describe}'", 0, position) == last
        before = source[:position]
        in_call = before.rfind(f"describe('{call}'") > before.rfind(f"describe('{other}'")
        if in_block and in_call:
            return position
    return positions[0]


def _last(matches: Any) -> Any:
    found = list(matches)
    return found[-1] if found else None
