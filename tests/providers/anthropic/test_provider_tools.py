"""Anthropic provider tools on the request: tools.py factories, wire definitions, betas, argument
errors, and the MCP connector / container / context management options."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams, FunctionTool, ProviderTool
from pipeline.prompt import TextPart, UserMessage
from providers.anthropic import tools
from providers.anthropic.request import build_request

HELLO = [UserMessage(content=[TextPart(text="Hello")])]


def build(*tool_list: Any, stream: bool = False, **settings: Any) -> Any:
    params = CallParams(prompt=HELLO, tools=list(tool_list) or None, **settings)
    return build_request("claude-sonnet-4-5", params, stream=stream)


@pytest.mark.parametrize(
    ("tool", "definition", "beta"),
    [
        (
            tools.web_search_20250305(
                max_uses=3,
                allowed_domains=["example.com"],
                user_location={"type": "approximate", "city": "Berlin", "country": "DE"},
            ),
            {
                "type": "web_search_20250305",
                "name": "web_search",
                "max_uses": 3,
                "allowed_domains": ["example.com"],
                "user_location": {"type": "approximate", "city": "Berlin", "country": "DE"},
            },
            None,
        ),
        (
            tools.web_search_20260209(blocked_domains=["spam.example"]),
            {"type": "web_search_20260209", "name": "web_search", "blocked_domains": ["spam.example"]},
            "code-execution-web-tools-2026-02-09",
        ),
        (
            tools.web_fetch_20250910(citations=True, max_content_tokens=5000),
            {
                "type": "web_fetch_20250910",
                "name": "web_fetch",
                "citations": {"enabled": True},
                "max_content_tokens": 5000,
            },
            "web-fetch-2025-09-10",
        ),
        (
            tools.web_fetch_20260209(),
            {"type": "web_fetch_20260209", "name": "web_fetch"},
            "code-execution-web-tools-2026-02-09",
        ),
        (
            tools.code_execution_20250522(),
            {"type": "code_execution_20250522", "name": "code_execution"},
            "code-execution-2025-05-22",
        ),
        (
            tools.code_execution_20250825(),
            {"type": "code_execution_20250825", "name": "code_execution"},
            "code-execution-2025-08-25",
        ),
        (
            tools.code_execution_20260120(),
            {"type": "code_execution_20260120", "name": "code_execution"},
            None,
        ),
        (
            tools.tool_search_regex_20251119(),
            {"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"},
            None,
        ),
        (
            tools.tool_search_bm25_20251119(),
            {"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"},
            None,
        ),
        (
            tools.advisor_20260301(model="claude-opus-4-7", max_tokens=2048),
            {"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-4-7", "max_tokens": 2048},
            "advisor-tool-2026-03-01",
        ),
        (tools.bash_20241022(), {"type": "bash_20241022", "name": "bash"}, "computer-use-2024-10-22"),
        (tools.bash_20250124(), {"type": "bash_20250124", "name": "bash"}, "computer-use-2025-01-24"),
        (
            tools.text_editor_20250124(),
            {"type": "text_editor_20250124", "name": "str_replace_editor"},
            "computer-use-2025-01-24",
        ),
        (
            tools.text_editor_20250728(max_characters=10000),
            {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 10000},
            None,
        ),
        (
            tools.computer_20251124(display_width_px=1024, display_height_px=768, enable_zoom=True),
            {
                "type": "computer_20251124",
                "name": "computer",
                "display_width_px": 1024,
                "display_height_px": 768,
                "enable_zoom": True,
            },
            "computer-use-2025-11-24",
        ),
        (
            tools.memory_20250818(),
            {"type": "memory_20250818", "name": "memory"},
            "context-management-2025-06-27",
        ),
    ],
    ids=lambda value: value.id if isinstance(value, ProviderTool) else None,
)
def test_each_provider_tool_is_sent_with_its_beta(
    tool: ProviderTool, definition: dict[str, Any], beta: str | None
) -> None:
    request = build(tool)
    assert request.body["tools"] == [definition]
    assert request.betas == ([beta] if beta else [])
    assert request.warnings == []


def test_factories_take_the_ai_sdk_argument_names_and_a_custom_name() -> None:
    tool = tools.web_search_20250305(name="search", max_uses=2, blocked_domains=["x.example"])
    assert tool == ProviderTool(
        id="anthropic.web_search_20250305",
        name="search",
        args={"maxUses": 2, "blockedDomains": ["x.example"]},
    )
    # the wire name stays Anthropic's; the custom name is how results are named
    assert build(tool).body["tools"][0]["name"] == "web_search"


def test_function_and_provider_tools_keep_their_order_and_deferred_tools_their_options() -> None:
    deferred = FunctionTool(
        name="get_weather",
        provider_options={"anthropic": {"deferLoading": True, "allowedCallers": ["code_execution_20250825"]}},
    )
    request = build(deferred, tools.tool_search_bm25_20251119(), tools.code_execution_20250825())
    assert [tool["name"] for tool in request.body["tools"]] == [
        "get_weather",
        "tool_search_tool_bm25",
        "code_execution",
    ]
    assert request.body["tools"][0]["defer_loading"] is True
    assert request.body["tools"][0]["allowed_callers"] == ["code_execution_20250825"]
    assert request.betas == [
        "structured-outputs-2025-11-13",
        "advanced-tool-use-2025-11-20",
        "code-execution-2025-08-25",
    ]


def test_invalid_provider_tool_arguments_raise_before_any_request() -> None:
    bad = ProviderTool(id="anthropic.web_search_20250305", name="web_search", args={"maxUses": "many"})
    with pytest.raises(
        InvalidArgumentError, match=r"anthropic.web_search_20250305 \('web_search'\) args.maxUses"
    ):
        build(bad)
    with pytest.raises(InvalidArgumentError, match=r"args\.model"):
        build(ProviderTool(id="anthropic.advisor_20260301", name="advisor", args={}))


def test_an_unknown_provider_tool_is_left_out_with_an_unsupported_warning() -> None:
    request = build(ProviderTool(id="anthropic.teleport_20990101", name="teleport"))
    assert "tools" not in request.body
    assert [(w.type, w.feature) for w in request.warnings] == [
        ("unsupported", "provider-defined tool anthropic.teleport_20990101")
    ]


def test_mcp_servers_container_skills_and_context_management() -> None:
    options = {
        "anthropic": {
            "mcpServers": [
                {
                    "type": "url",
                    "name": "echo",
                    "url": "https://mcp.example/mcp",
                    "authorizationToken": "tok",
                    "toolConfiguration": {"allowedTools": ["echo"], "enabled": True},
                }
            ],
            "container": {
                "id": "c1",
                "skills": [{"type": "anthropic", "skillId": "pptx", "version": "latest"}],
            },
            "contextManagement": {
                "edits": [
                    {"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 2}},
                    {"type": "compact_20260112", "pauseAfterCompaction": True},
                    {"type": "shrink_everything"},
                ]
            },
        }
    }
    request = build(tools.code_execution_20250825(), provider_options=options)
    assert request.body["mcp_servers"] == [
        {
            "type": "url",
            "name": "echo",
            "url": "https://mcp.example/mcp",
            "authorization_token": "tok",
            "tool_configuration": {"allowed_tools": ["echo"], "enabled": True},
        }
    ]
    assert request.body["container"] == {
        "id": "c1",
        "skills": [{"type": "anthropic", "skill_id": "pptx", "version": "latest"}],
    }
    assert request.body["context_management"] == {
        "edits": [
            {"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 2}},
            {"type": "compact_20260112", "pause_after_compaction": True},
        ]
    }
    assert request.betas == [
        "mcp-client-2025-04-04",
        "code-execution-2025-08-25",
        "skills-2025-10-02",
        "files-api-2025-04-14",
        "context-management-2025-06-27",
        "compact-2026-01-12",
    ]
    assert [w.message for w in request.warnings] == ["Unknown context management strategy: shrink_everything"]


def test_a_container_id_alone_is_sent_as_a_string_and_skills_without_code_execution_warn() -> None:
    assert build(provider_options={"anthropic": {"container": {"id": "c9"}}}).body["container"] == "c9"
    skills = {"container": {"skills": [{"type": "custom", "providerReference": {"anthropic": "sk_1"}}]}}
    request = build(provider_options={"anthropic": skills})
    assert request.body["container"] == {"skills": [{"type": "custom", "skill_id": "sk_1"}]}
    assert [w.message for w in request.warnings] == ["code execution tool is required when using skills"]
