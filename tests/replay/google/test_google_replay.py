"""Replay the AI SDK's recorded Gemini traffic through our terminal and compare with its snapshots.

Every fixture in ``fixtures/`` is served from a loopback server and run through ``do_generate`` or
``do_stream``; the result is compared field by field (see ``summary.FIELDS``) with what the AI SDK
produced from the same bytes: its vitest snapshot, or for fixtures its tests check inline, those
inline expectations. A difference we keep is listed in ``DECISIONS`` with its reason (strict xfail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import APICallError
from pipeline.params import CallParams
from providers.google import GoogleLanguageModel

from .aisdk_snapshots import load_snapshots
from .replay import replay_generate, replay_stream
from .summary import differences, from_aisdk_generate, from_aisdk_stream, from_generate, from_stream

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SNAPSHOTS = load_snapshots(HERE / "snapshots" / "google-language-model.test.ts.snap")


def _tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "name": name, "inputSchema": {"type": "object", "properties": properties}}


def _generate(group: str, title: str) -> str:
    return f"doGenerate > {group} > should {title} 1"


def _stream(group: str, title: str) -> str:
    return f"doStream > {group} > should {title} 1"


WEATHER = [
    {  # as the upstream tests declare it
        "type": "function",
        "name": "weather",
        "inputSchema": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
            "additionalProperties": False,
            "$schema": "http://json-schema.org/draft-07/schema#",
        },
    }
]
OPERATIONS = (
    '{"operations":[{"action":"add","description":"Fresh red apple","itemid":"apple_001","price":0.5},'
    '{"action":"add","description":"Ripe yellow banana","itemid":"banana_001","price":0.3}]}'
)
PROMPT = [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]


@dataclass(frozen=True)
class Case:
    fixture: str
    snapshot: str | None = None
    """The AI SDK snapshot name; ``None`` when ``expected`` holds the upstream test's inline checks."""
    tools: list[dict[str, Any]] = field(default_factory=list)
    expected: dict[str, Any] | None = None

    @property
    def mode(self) -> str:
        return "generate" if self.fixture.endswith(".json") else "stream"


CASES = [
    Case("google-text.json", _generate("text", "extract text response")),
    Case("google-tool-call.json", _generate("tool-call", "extract tool calls"), WEATHER),
    Case(
        "google-reasoning-gemini3.json",
        _generate("reasoning-gemini3", "extract reasoning with thoughtSignature"),
    ),
    Case(
        "google-tool-call-gemini3.json",
        _generate("tool-call-gemini3", "extract tool call with thoughtSignature"),
    ),
    Case("google-text.chunks.txt", _stream("text", "stream text deltas")),
    Case("google-tool-call.chunks.txt", _stream("tool-call", "stream tool call"), WEATHER),
    Case("google-reasoning.chunks.txt", _stream("reasoning", "stream reasoning and text parts")),
    Case(
        "google-reasoning-gemini3.chunks.txt",
        _stream("reasoning-gemini3", "stream reasoning with thoughtSignature"),
    ),
    Case(
        "google-tool-call-gemini3.chunks.txt",
        _stream("tool-call-gemini3", "stream tool call with thoughtSignature"),
    ),
    Case(
        "google-stream-tool-call-arguments.chunks.txt",
        _stream(
            "streaming-tool-call-arguments", "stream partial function call arguments with parallel tool calls"
        ),
        [_tool("getWeather", {"location": {"type": "string"}})],
    ),
    Case(
        "google-vertex-stream-tool-call-arguments-nested.1.chunks.txt",
        _stream(
            "streaming-tool-call-arguments-nested",
            "stream nested partial function call arguments into proper nested JSON",
        ),
        [_tool("cookRecipe", {"recipe": {"type": "object"}})],
    ),
    Case(
        "google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
        tools=[_tool("writeItems", {"operations": {"type": "array"}})],
        expected={  # the upstream test's inline snapshots
            "input_deltas": OPERATIONS,
            "calls": [("writeItems", OPERATIONS)],
            "finish": "tool-calls",
        },
    ),
    Case(
        "google-stream-no-args-tool-call.chunks.txt",
        tools=[_tool("read_theme", {}), _tool("read_screen", {"id": {"type": "string"}})],
        expected={  # the upstream test's assertions
            "calls": [
                ("read_theme", "{}"),
                ("read_screen", '{"id":"A"}'),
                ("read_screen", '{"id":"B"}'),
                ("read_screen", '{"id":"C"}'),
            ],
            "no_args_signature_on": ["tool-input-start", "tool-input-end", "tool-call"],
            "no_args_signature_on_deltas": False,
        },
    ),
    Case(
        "google-reasoning.json",
        expected={  # no upstream snapshot: doGenerate's mapping of this body, written out by hand
            "summary": {
                "text": 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
                "reasoning": "",
                "tool_calls": [],
                "finish": {"unified": "stop", "raw": "STOP"},
                "usage": {
                    "input": {"total": 9, "noCache": 9, "cacheRead": 0, "cacheWrite": None},
                    "output": {"total": 311, "text": 29, "reasoning": 282},
                },
                "response_id": "YH6LaZT7ENmPxN8P-r2J8Aw",
            }
        },
    ),
]

DECISIONS: dict[str, str] = {}
"""Fixture -> why our result differs from the AI SDK's and we keep it that way."""


def _params(case: Case) -> CallParams:
    return CallParams.model_validate({"prompt": PROMPT, "tools": case.tools or None})


def _model(base_url: str) -> GoogleLanguageModel:
    return GoogleLanguageModel(
        "gemini-pro", api_key="test-api-key", base_url=base_url, generate_id=lambda: "test-id"
    )


def _summary(case: Case) -> dict[str, Any]:
    assert case.expected is not None
    summary: dict[str, Any] = case.expected["summary"]
    return summary


def _marks(case: Case) -> list[pytest.MarkDecorator]:
    reason = DECISIONS.get(case.fixture)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize("case", [pytest.param(case, id=case.fixture, marks=_marks(case)) for case in CASES])
async def test_fixture_replays_like_the_ai_sdk(case: Case) -> None:
    path = FIXTURES / case.fixture
    params = _params(case)
    if case.mode == "generate":
        result = await replay_generate(path, _model, params)
        ours = from_generate(result)
        theirs = from_aisdk_generate(SNAPSHOTS[case.snapshot]) if case.snapshot else _summary(case)
        assert differences(ours, theirs) == {}
        if case.snapshot is not None:  # the request we sent for the same call options
            assert result.request.body == SNAPSHOTS[case.snapshot]["request"]["body"]
        return
    parts = await replay_stream(path, _model, params)
    if case.snapshot is not None:
        assert differences(from_stream(parts), from_aisdk_stream(SNAPSHOTS[case.snapshot])) == {}
    else:
        assert case.expected is not None
        _check_inline(case.expected, [part.to_json_dict() for part in parts])


def _check_inline(expected: dict[str, Any], parts: list[dict[str, Any]]) -> None:
    calls = [part for part in parts if part["type"] == "tool-call"]
    assert [(call["toolName"], call["input"]) for call in calls] == expected["calls"]
    if "input_deltas" in expected:
        deltas = "".join(part["delta"] for part in parts if part["type"] == "tool-input-delta")
        assert deltas == expected["input_deltas"]
    if "finish" in expected:
        assert parts[-1]["type"] == "finish" and parts[-1]["finishReason"] == expected["finish"]
    if "no_args_signature_on" in expected:
        signature = calls[0]["providerMetadata"]["google"]["thoughtSignature"]
        assert isinstance(signature, str) and len(signature) > 100
        carrying = [
            part["type"]
            for part in parts
            if (part.get("providerMetadata") or {}).get("google", {}).get("thoughtSignature") == signature
        ]
        assert sorted(set(carrying)) == sorted(expected["no_args_signature_on"])
        assert ("tool-input-delta" in carrying) is expected["no_args_signature_on_deltas"]


def test_every_fixture_has_a_case() -> None:
    assert sorted(path.name for path in FIXTURES.iterdir()) == sorted(
        [case.fixture for case in CASES] + ["google-429-retry-info.json"]
    )


async def test_quota_error_keeps_the_retry_info() -> None:
    """``google-429-retry-info.json`` served as an HTTP 429: the AI SDK keeps ``error.details`` in the
    error's data (its ``google-error.test.ts``); ours too, and the call is retryable."""
    from providers.testing.server import JsonReply, LoopbackServer

    body = json.loads((FIXTURES / "google-429-retry-info.json").read_text())
    with LoopbackServer() as server:
        server.default_reply = JsonReply(body, status=429)
        with pytest.raises(APICallError) as raised:
            await _model(server.base_url).do_generate(_params(Case("x.json")))
    error = raised.value
    assert error.status_code == 429 and error.is_retryable
    assert error.message == "You exceeded your current quota, please check your plan."
    details = error.data["error"]["details"]
    assert details[0]["@type"] == "type.googleapis.com/google.rpc.QuotaFailure"
    assert details[1] == {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.4s"}
