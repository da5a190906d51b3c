"""Provider-executed tool parts survive the next step: every recorded response's server tool blocks,
mapped to content, kept in the response messages and converted back, are the blocks Anthropic sent;
and a multi-step call sends them back over HTTP with the client tool's result."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.generate import generate_text, stream_text
from pipeline.params import ProviderTool
from pipeline.response_messages import to_response_messages
from pipeline.tools import tool
from providers.anthropic import AnthropicProvider, tools
from providers.anthropic.convert_messages import convert_to_anthropic_prompt
from providers.anthropic.map_response import map_response
from providers.anthropic.provider_tools import ToolNameMapping
from providers.testing.server import LoopbackServer, RawReply, SSEReply

from .harness import CASES, FIXTURES, responses

_SENT_BACK = (
    "server_tool_use",
    "mcp_tool_use",
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "tool_search_tool_result",
    "advisor_tool_result",
    "mcp_tool_result",
    "compaction",
    "tool_use",
)


def _without_nulls(value: Any) -> Any:
    """Fields Anthropic sends as ``null`` and the AI SDK's schemas do not read (``abort_reason``)."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _blocks(blocks: list[dict[str, Any]]) -> list[str]:
    kept = [_without_nulls(block) for block in blocks if block.get("type") in _SENT_BACK]
    return sorted(json.dumps(block, sort_keys=True) for block in kept)


GENERATE_FIXTURES = sorted(name for name, spec in CASES.items() if spec["mode"] == "generate")


@pytest.mark.parametrize("fixture", GENERATE_FIXTURES)
def test_server_tool_blocks_are_sent_back_as_they_came(fixture: str) -> None:
    spec = CASES[fixture]
    body = json.loads((FIXTURES / fixture).read_text())
    provider_tools = [
        ProviderTool(id=t["id"], name=t["name"], args=t.get("args", {}))
        for t in spec.get("tools", [])
        if t["type"] == "provider"
    ]
    names = ToolNameMapping.of(provider_tools)
    result = map_response(body, uses_json_response_tool=False, tool_names=names)
    prompt = convert_to_anthropic_prompt(to_response_messages(result), tool_names=names)
    sent = [
        block for message in prompt.messages if message["role"] == "assistant" for block in message["content"]
    ]
    assert prompt.warnings == []
    assert _blocks(sent) == _blocks(body["content"])


async def test_a_multi_step_call_sends_the_server_tool_blocks_back_with_the_client_tool_result() -> None:
    first = (FIXTURES / "anthropic-tool-search-regex.1.json").read_bytes()
    second = (FIXTURES / "anthropic-text.json").read_bytes()
    json_headers = {"content-type": "application/json"}

    @tool
    def get_temp_data(location: str, unit: str = "celsius") -> dict[str, Any]:
        """For a location."""
        return {"location": location, "temperature": 64, "unit": unit}

    with LoopbackServer() as server:
        server.enqueue(
            RawReply(body=first, headers=json_headers), RawReply(body=second, headers=json_headers)
        )
        model = AnthropicProvider(api_key="test-key", base_url=server.url("/v1"))("claude-sonnet-4-5")
        result = await generate_text(
            model,
            prompt="Find out weather data in SF",
            tools=[tools.tool_search_regex_20251119(name="tool_search"), get_temp_data],
            max_steps=2,
        )
        requests = [request.json() for request in server.requests]

    assert len(result.steps) == 2
    step_one = result.steps[0]
    search_call = next(call for call in step_one.tool_calls if call.provider_executed)
    assert (search_call.tool_name, search_call.tool_call_id) == (
        "tool_search",
        "srvtoolu_01SACvPAnp6ucMJsstB5qb3f",
    )
    search_tool = {"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"}
    assert search_tool in requests[0]["tools"]
    assistant, user = requests[1]["messages"][1:]
    assert [block["type"] for block in assistant["content"]] == [
        "server_tool_use",
        "tool_search_tool_result",
        "text",
        "tool_use",
    ]
    assert assistant["content"][0]["name"] == "tool_search_tool_regex"
    recorded = json.loads(first)["content"]
    assert assistant["content"][1] == recorded[1]
    assert user["content"][0]["type"] == "tool_result"
    assert user["content"][0]["tool_use_id"] == recorded[3]["id"]
    assert json.loads(user["content"][0]["content"]) == {
        "location": "San Francisco, CA",
        "temperature": 64,
        "unit": "fahrenheit",
    }
    assert assistant["content"][3] == recorded[3]  # the caller comes back too


async def test_a_streamed_web_search_keeps_its_call_result_and_sources_for_the_next_step() -> None:
    fixture = "anthropic-web-search-tool.1.chunks.txt"
    (events,) = responses((FIXTURES / fixture).read_text())
    recorded = [
        json.loads(line)["content_block"]
        for line in (FIXTURES / fixture).read_text().splitlines()
        if line.startswith('{"type":"content_block_start"')
    ]
    with LoopbackServer() as server:
        server.enqueue(SSEReply(events=list(events)))
        model = AnthropicProvider(api_key="test-key", base_url=server.url("/v1"))("claude-sonnet-4-5")
        result = stream_text(
            model, prompt="What happened in tech today?", tools=[tools.web_search_20250305()]
        )
        final = await result.result()

    assert [(call.tool_name, call.provider_executed) for call in final.tool_calls] == [("web_search", True)]
    assert [(res.tool_name, res.provider_executed) for res in final.tool_results] == [("web_search", True)]
    assert len([part for part in final.content if part.type == "source"]) > 10
    (assistant,) = final.response_messages
    names = ToolNameMapping.of([tools.web_search_20250305()])
    sent = convert_to_anthropic_prompt([assistant], tool_names=names).messages[0]["content"]
    server_blocks = [
        block for block in recorded if block["type"].endswith(("server_tool_use", "_tool_result"))
    ]
    assert [block for block in sent if block["type"] != "text"][:1] == [
        {**server_blocks[0], "input": json.loads(final.tool_calls[0].input)}
    ]
    assert next(block for block in sent if block["type"] == "web_search_tool_result") == server_blocks[1]
