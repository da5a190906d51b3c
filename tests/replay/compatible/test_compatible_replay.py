"""Replay the AI SDK's recorded traffic of OpenAI-compatible servers through our chat terminal.

DeepSeek, Groq and xAI fixtures go through our built-in endpoints of those names; the generic
``openai-compatible`` fixtures (xAI traffic and an Anthropic compatibility-layer stream) through
``OpenAICompatibleProvider``. Each result is compared field by field (``summary.FIELDS``) with the AI
SDK's snapshot of the same bytes (or its inline expectations); a difference we keep is listed in
``DECISIONS`` with its reason (strict xfail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipeline.params import CallParams
from providers.compatible import OpenAICompatibleProvider, compatible_provider

from ..google.aisdk_snapshots import load_snapshots
from ..google.replay import replay_generate, replay_stream
from ..google.summary import differences, from_aisdk_generate, from_aisdk_stream, from_generate, from_stream

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SNAPSHOTS = {
    "deepseek": load_snapshots(HERE / "snapshots" / "deepseek-chat-language-model.test.ts.snap"),
    "groq": load_snapshots(HERE / "snapshots" / "groq-chat-language-model.test.ts.snap"),
    "xai": load_snapshots(HERE / "snapshots" / "xai-chat-language-model.test.ts.snap"),
    "openai-compatible": load_snapshots(
        HERE / "snapshots" / "openai-compatible-chat-language-model.test.ts.snap"
    ),
}
PROMPT = [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]


def _tool(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "name": name, "inputSchema": {"type": "object", "properties": properties}}


WEATHER = [_tool("weather", {"location": {"type": "string"}})]
READ_FILE = [_tool("read_file", {"path": {"type": "string"}})]


def _generate(group: str, title: str, prefix: str = "") -> str:
    return f"{prefix}doGenerate > {group} > should {title} 1"


def _stream(group: str, title: str, prefix: str = "") -> str:
    return f"{prefix}doStream > {group} > should {title} 1"


THINKING = (
    "the upstream call sets providerOptions.deepseek.thinking, a DeepSeek option our chat terminal does "
    "not map (its options are OpenAI's); the response mapping is still compared"
)
DS = "DeepSeekChatLanguageModel > "
XAI = "XaiChatLanguageModel > "


@dataclass(frozen=True)
class Case:
    provider: str
    fixture: str
    snapshot: str | None
    model_id: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    response_format: dict[str, Any] | None = None
    expected: dict[str, Any] | None = None
    request_note: str | None = None
    """Why the request body is not compared with the AI SDK's (``None``: it is)."""

    @property
    def path(self) -> Path:
        return FIXTURES / self.provider / self.fixture

    @property
    def id(self) -> str:
        return f"{self.provider}/{self.fixture}"


CASES = [
    Case("deepseek", "deepseek-text.json", _generate("text", "extract text content", DS), "deepseek-chat"),
    Case(
        "deepseek",
        "deepseek-reasoning.json",
        _generate("reasoning", "extract text content", DS),
        "deepseek-chat",
    ),
    Case(
        "deepseek",
        "deepseek-tool-call.json",
        _generate("tool call", "extract tool call content", DS),
        "deepseek-reasoner",
        WEATHER,
        request_note=THINKING,
    ),
    Case(
        "deepseek",
        "deepseek-json.json",
        _generate("tool call > json response format", "extract text content", DS),
        "deepseek-reasoner",
        response_format={"type": "json"},
        request_note=THINKING,
    ),
    Case("deepseek", "deepseek-text.chunks.txt", _stream("text", "stream text", DS), "deepseek-chat"),
    Case(
        "deepseek",
        "deepseek-reasoning.chunks.txt",
        _stream("reasoning", "stream reasoning", DS),
        "deepseek-reasoning",
    ),
    Case(
        "deepseek",
        "deepseek-tool-call.chunks.txt",
        _stream("tool call", "stream tool call", DS),
        "deepseek-reasoner",
        WEATHER,
    ),
    Case("groq", "groq-text.json", _generate("text", "extract text content"), "gemma2-9b-it"),
    Case(
        "groq",
        "groq-tool-call.json",
        _generate("tool call", "extract tool call content"),
        "gemma2-9b-it",
    ),
    Case("groq", "groq-reasoning.json", _generate("reasoning", "extract reasoning content"), "gemma2-9b-it"),
    Case("groq", "groq-text.chunks.txt", _stream("text", "stream text"), "gemma2-9b-it"),
    Case(
        "groq", "groq-tool-call.chunks.txt", _stream("tool call", "stream tool call"), "gemma2-9b-it", WEATHER
    ),
    Case("groq", "groq-reasoning.chunks.txt", _stream("reasoning", "stream reasoning"), "gemma2-9b-it"),
    Case("xai", "xai-text.json", _generate("text", "extract text content", XAI), "grok-3"),
    Case(
        "xai",
        "xai-tool-call.json",
        _generate("tool call", "extract tool call content", XAI),
        "grok-3",
    ),
    Case("xai", "xai-text.chunks.txt", _stream("text", "stream text content", XAI), "grok-3"),
    Case(
        "xai",
        "xai-tool-call.chunks.txt",
        _stream("tool call", "stream tool call content", XAI),
        "grok-3",
        WEATHER,
    ),
    Case("openai-compatible", "xai-text.json", _generate("text (fixture)", "extract text content"), "grok-3"),
    Case(
        "openai-compatible",
        "xai-tool-call.json",
        _generate("tool call (fixture)", "extract tool call content"),
        "grok-3",
    ),
    Case(
        "openai-compatible",
        "xai-text.chunks.txt",
        _stream("text (fixture)", "stream text content"),
        "grok-3",
    ),
    Case(
        "openai-compatible",
        "xai-tool-call.chunks.txt",
        _stream("tool call (fixture)", "stream tool call content"),
        "grok-3",
        WEATHER,
    ),
    Case(
        "openai-compatible",
        "anthropic-fallback-tool-call.sse",
        None,
        "claude-haiku-4-5",
        READ_FILE,
        expected={  # the upstream test's assertions ("should stream a tool call whose index starts at one")
            "text": "Reading it.",
            "calls": [
                {
                    "type": "tool-call",
                    "toolCallId": "toolu_sanitized",
                    "toolName": "read_file",
                    "input": '{"path": "a.txt"}',
                }
            ],
        },
    ),
]

DECISIONS: dict[str, str] = {}
"""``provider/fixture`` -> why our result differs from the AI SDK's and we keep it that way."""


def _model(case: Case) -> Any:
    def make(base_url: str) -> Any:
        if case.provider == "openai-compatible":
            return OpenAICompatibleProvider("test-provider", base_url, "test-api-key").chat(case.model_id)
        return compatible_provider(case.provider, api_key="test-api-key", base_url=base_url).chat(
            case.model_id
        )

    return make


def _params(case: Case) -> CallParams:
    return CallParams.model_validate(
        {"prompt": PROMPT, "tools": case.tools or None, "responseFormat": case.response_format}
    )


def _marks(case: Case) -> list[pytest.MarkDecorator]:
    reason = DECISIONS.get(case.id)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=_marks(case)) for case in CASES])
async def test_fixture_replays_like_the_ai_sdk(case: Case) -> None:
    if case.fixture.endswith(".json"):
        result = await replay_generate(case.path, _model(case), _params(case))
        snapshot = SNAPSHOTS[case.provider][case.snapshot]
        assert differences(from_generate(result), from_aisdk_generate(snapshot)) == {}
        if case.request_note is None:  # the request we sent for the same call options
            sent = snapshot["request"]["body"]
            assert result.request.body == (json.loads(sent) if isinstance(sent, str) else sent)
        return
    parts = await replay_stream(case.path, _model(case), _params(case), done_event=True)
    if case.snapshot is not None:
        expected = from_aisdk_stream(SNAPSHOTS[case.provider][case.snapshot])
        assert differences(from_stream(parts), expected) == {}
        return
    assert case.expected is not None
    data = [part.to_json_dict() for part in parts]
    assert "".join(part["delta"] for part in data if part["type"] == "text-delta") == case.expected["text"]
    assert [part for part in data if part["type"] == "tool-call"] == case.expected["calls"]
    assert data[-1]["type"] == "finish"


def test_every_fixture_has_a_case() -> None:
    on_disk = sorted(f"{path.parent.name}/{path.name}" for path in FIXTURES.glob("*/*"))
    assert on_disk == sorted(case.id for case in CASES)
