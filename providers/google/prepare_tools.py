"""Function tools and tool choice -> Gemini ``tools`` and ``toolConfig`` (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.params import FunctionTool, ToolChoice, ToolChoiceTool

from .json_schema import to_openapi_schema

__all__ = ["GoogleTools", "prepare_tools"]


@dataclass(frozen=True)
class GoogleTools:
    """The ``tools`` and ``toolConfig`` request fields (``None`` = leave the key out)."""

    tools: list[dict[str, Any]] | None
    tool_config: dict[str, Any] | None


def prepare_tools(tools: Sequence[FunctionTool] | None, tool_choice: ToolChoice | None) -> GoogleTools:
    """``functionDeclarations`` (input schemas in Gemini's OpenAPI subset) and the calling mode.

    auto -> AUTO, none -> NONE, required -> ANY, a named tool -> ANY with ``allowedFunctionNames``;
    when any tool is ``strict``, AUTO / ANY become VALIDATED. No tools -> neither field is sent.
    """
    if not tools:
        return GoogleTools(tools=None, tool_config=None)
    declarations = [_declaration(tool) for tool in tools]
    strict = any(tool.strict is True for tool in tools)
    wire_tools = [{"functionDeclarations": declarations}]

    config: dict[str, Any] | None
    match tool_choice:
        case None:
            config = {"mode": "VALIDATED"} if strict else None
        case "auto":
            config = {"mode": "VALIDATED" if strict else "AUTO"}
        case "none":
            config = {"mode": "NONE"}
        case "required":
            config = {"mode": "VALIDATED" if strict else "ANY"}
        case ToolChoiceTool():
            config = {
                "mode": "VALIDATED" if strict else "ANY",
                "allowedFunctionNames": [tool_choice.tool_name],
            }
    return GoogleTools(
        tools=wire_tools,
        tool_config={"functionCallingConfig": config} if config is not None else None,
    )


def _declaration(tool: FunctionTool) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": tool.name, "description": tool.description or ""}
    parameters = to_openapi_schema(tool.input_schema)
    if parameters is not None:
        declaration["parameters"] = parameters
    return declaration
