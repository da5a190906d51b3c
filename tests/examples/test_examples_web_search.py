"""examples/web_search_agent.py: offline against recorded traffic, and against the real API with a key."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from providers.testing import LoopbackServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "example_web_search_agent", EXAMPLES / "web_search_agent.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_web_search_agent_replays_recorded_traffic(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = await load().main()

    assert [len(step.tool_calls) for step in result.steps] == [1, 3]
    assert result.steps[0].tool_calls[0].tool_name == "current_date"
    searches = result.steps[1].tool_calls
    assert {call.tool_name for call in searches} == {"web_search"}
    assert all(call.provider_executed for call in searches)
    assert [
        part.result["action"]["type"] for part in result.tool_results if part.tool_name == "web_search"
    ] == [
        "search",
        "openPage",
        "findInPage",
    ]
    assert len(result.sources) == 10
    assert (
        result.sources[0].url == "https://www.theverge.com/podcast/838932/openai-chatgpt-code-red-vergecast"
    )
    assert result.text.startswith("Short answer first")
    assert result.finish_reason == "stop"
    assert result.usage.output_token_details.reasoning_tokens == 3136

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("(no OPENAI_API_KEY: replaying recorded")
    assert lines[1] == "step 1: current_date; finish reason tool-calls"
    assert lines[2].startswith("step 2: web_search (run by OpenAI), web_search (run by OpenAI)")
    assert lines[3] == "web search: search tech news today December 5 2025"
    assert "sources (10):" in lines
    assert lines[-1] == "- Towards the AI Cloud: Our Series F - Vercel: https://vercel.com/blog/series-f"


async def test_the_second_step_sends_the_tools_and_the_function_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What went over the wire: the web search tool with its settings, the sources include, and the
    step-1 call with its output."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    module = load()
    servers: list[LoopbackServer] = []

    class RecordingServer(LoopbackServer):
        def __init__(self) -> None:
            super().__init__()
            servers.append(self)

    monkeypatch.setattr(module, "LoopbackServer", RecordingServer)
    await module.main()

    first, second = (request.json() for request in servers[0].requests)
    assert [request.path for request in servers[0].requests] == ["/v1/responses"] * 2
    assert first["model"] == "gpt-5-mini"
    assert first["include"] == ["web_search_call.action.sources"]
    assert {"type": "web_search", "search_context_size": "low"} in first["tools"]
    assert any(tool.get("name") == "current_date" for tool in first["tools"])
    assert second["input"][1:] == [
        {"type": "function_call", "call_id": "call_date", "name": "current_date", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_date", "output": second["input"][2]["output"]},
    ]
    assert second["input"][2]["output"].startswith("20")  # today's date, as the tool returned it


@pytest.mark.skipif(not os.environ.get("OPENAI_API_KEY"), reason="needs OPENAI_API_KEY (calls the real API)")
async def test_web_search_agent_against_the_real_api() -> None:
    result = await load().main()
    assert result.text
    assert any(call.provider_executed for call in result.tool_calls)
