"""prepare_tools: function tools and tool choice -> functionDeclarations and toolConfig."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.params import FunctionTool, ToolChoice, ToolChoiceTool
from providers.google.prepare_tools import prepare_tools

WEATHER = FunctionTool(
    name="weather",
    description="Get the weather",
    input_schema={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
)
NO_ARGS = FunctionTool(name="now")


def test_no_tools_send_neither_tools_nor_tool_config() -> None:
    assert prepare_tools(None, "required").tools is None
    assert prepare_tools([], "auto").tool_config is None


def test_function_declarations_use_the_openapi_subset_and_omit_empty_parameters() -> None:
    prepared = prepare_tools([WEATHER, NO_ARGS], None)
    assert prepared.tools == [
        {
            "functionDeclarations": [
                {
                    "name": "weather",
                    "description": "Get the weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                },
                {"name": "now", "description": ""},
            ]
        }
    ]
    assert prepared.tool_config is None


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
        (ToolChoiceTool(tool_name="weather"), {"mode": "ANY", "allowedFunctionNames": ["weather"]}),
    ],
)
def test_tool_choice_modes(choice: ToolChoice, config: dict[str, Any]) -> None:
    assert prepare_tools([WEATHER], choice).tool_config == {"functionCallingConfig": config}


@pytest.mark.parametrize(
    ("choice", "mode"),
    [(None, "VALIDATED"), ("auto", "VALIDATED"), ("required", "VALIDATED"), ("none", "NONE")],
)
def test_strict_tools_switch_to_validated_mode(choice: ToolChoice | None, mode: str) -> None:
    strict = WEATHER.model_copy(update={"strict": True})
    assert prepare_tools([strict], choice).tool_config == {"functionCallingConfig": {"mode": mode}}
