"""Anthropic provider tools on the wire (pure): definitions, betas and the tool name mapping.

A :class:`~pipeline.params.ProviderTool` ``anthropic.<type>`` becomes ``{"type": <type>, "name": ...}``
with its arguments in snake_case; server tools (web search / fetch, code execution, tool search,
advisor) run at Anthropic, client tools (bash, text editor, computer, memory) are run by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pipeline.errors import InvalidArgumentError
from pipeline.params import FunctionTool, ProviderTool, ToolDefinition
from providers._options import OptionsModel

__all__ = [
    "PROVIDER_TOOL_NAMES",
    "ToolNameMapping",
    "provider_tool_definition",
]

PROVIDER_TOOL_NAMES: dict[str, str] = {
    "anthropic.code_execution_20250522": "code_execution",
    "anthropic.code_execution_20250825": "code_execution",
    "anthropic.code_execution_20260120": "code_execution",
    "anthropic.computer_20241022": "computer",
    "anthropic.computer_20250124": "computer",
    "anthropic.computer_20251124": "computer",
    "anthropic.text_editor_20241022": "str_replace_editor",
    "anthropic.text_editor_20250124": "str_replace_editor",
    "anthropic.text_editor_20250429": "str_replace_based_edit_tool",
    "anthropic.text_editor_20250728": "str_replace_based_edit_tool",
    "anthropic.bash_20241022": "bash",
    "anthropic.bash_20250124": "bash",
    "anthropic.memory_20250818": "memory",
    "anthropic.web_search_20250305": "web_search",
    "anthropic.web_search_20260209": "web_search",
    "anthropic.web_fetch_20250910": "web_fetch",
    "anthropic.web_fetch_20260209": "web_fetch",
    "anthropic.tool_search_regex_20251119": "tool_search_tool_regex",
    "anthropic.tool_search_bm25_20251119": "tool_search_tool_bm25",
    "anthropic.advisor_20260301": "advisor",
}
"""The name Anthropic uses for each provider tool (its blocks and ``server_tool_use`` carry it)."""

_BETAS: dict[str, str] = {
    "anthropic.code_execution_20250522": "code-execution-2025-05-22",
    "anthropic.code_execution_20250825": "code-execution-2025-08-25",
    "anthropic.computer_20241022": "computer-use-2024-10-22",
    "anthropic.computer_20250124": "computer-use-2025-01-24",
    "anthropic.computer_20251124": "computer-use-2025-11-24",
    "anthropic.text_editor_20241022": "computer-use-2024-10-22",
    "anthropic.text_editor_20250124": "computer-use-2025-01-24",
    "anthropic.text_editor_20250429": "computer-use-2025-01-24",
    "anthropic.bash_20241022": "computer-use-2024-10-22",
    "anthropic.bash_20250124": "computer-use-2025-01-24",
    "anthropic.memory_20250818": "context-management-2025-06-27",
    "anthropic.web_fetch_20250910": "web-fetch-2025-09-10",
    "anthropic.web_fetch_20260209": "code-execution-web-tools-2026-02-09",
    "anthropic.web_search_20260209": "code-execution-web-tools-2026-02-09",
    "anthropic.advisor_20260301": "advisor-tool-2026-03-01",
}
"""The beta header each provider tool needs (tools not listed need none)."""


class _ComputerArgs(OptionsModel):
    display_width_px: int
    display_height_px: int
    display_number: int | None = None


class _ZoomingComputerArgs(_ComputerArgs):
    enable_zoom: bool | None = None


class _TextEditorArgs(OptionsModel):
    max_characters: int | None = None


class _WebSearchArgs(OptionsModel):
    max_uses: int | None = None
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    user_location: dict[str, Any] | None = None


class _WebFetchArgs(OptionsModel):
    max_uses: int | None = None
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    citations: dict[str, Any] | None = None
    max_content_tokens: int | None = None


class _AdvisorArgs(OptionsModel):
    model: str
    max_uses: int | None = None
    max_tokens: int | None = None
    caching: dict[str, Any] | None = None


_ARGS: dict[str, type[OptionsModel]] = {
    "computer": _ComputerArgs,
    "computer_20251124": _ZoomingComputerArgs,
    "text_editor_20250728": _TextEditorArgs,
    "web_search": _WebSearchArgs,
    "web_fetch": _WebFetchArgs,
    "advisor": _AdvisorArgs,
}


def _args_model(tool_type: str) -> type[OptionsModel] | None:
    if tool_type in _ARGS:
        return _ARGS[tool_type]
    return _ARGS.get(tool_type.rsplit("_", 1)[0])


def _wire_args(tool: ProviderTool, tool_type: str) -> dict[str, Any]:
    """The tool's arguments validated and in snake_case (unset ones left out)."""
    model = _args_model(tool_type)
    if model is None:
        return {}
    try:
        args = model.model_validate(tool.args)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(item) for item in first["loc"])
        raise InvalidArgumentError(
            "tools", f"{tool.id} ({tool.name!r}) args.{location}: {first['msg']}"
        ) from error
    return args.model_dump(exclude_none=True)


def provider_tool_definition(tool: ProviderTool) -> tuple[dict[str, Any], str | None] | None:
    """``(definition, beta)`` for an Anthropic provider tool, or ``None`` when the id is not one.

    Raises ``InvalidArgumentError`` when the tool's arguments are invalid.
    """
    name = PROVIDER_TOOL_NAMES.get(tool.id)
    if name is None:
        return None
    tool_type = tool.id.removeprefix("anthropic.")
    if tool_type.startswith("tool_search_"):
        tool_type = tool_type.replace("tool_search_", "tool_search_tool_", 1)
    definition: dict[str, Any] = {"type": tool_type, "name": name, **_wire_args(tool, tool_type)}
    return definition, _BETAS.get(tool.id)


@dataclass(frozen=True, slots=True)
class ToolNameMapping:
    """Between the names the caller gave provider tools and the names Anthropic uses for them."""

    custom_by_provider: dict[str, str]

    @classmethod
    def of(cls, tools: list[ToolDefinition] | None) -> ToolNameMapping:
        mapping: dict[str, str] = {}
        for tool in tools or []:
            if isinstance(tool, FunctionTool):
                continue
            provider_name = PROVIDER_TOOL_NAMES.get(tool.id)
            if provider_name is not None:
                mapping[provider_name] = tool.name
        return cls(mapping)

    def to_custom(self, provider_name: str) -> str:
        """The caller's name for a provider tool (the provider name when the caller sent none)."""
        return self.custom_by_provider.get(provider_name, provider_name)

    def to_provider(self, custom_name: str) -> str:
        """Anthropic's name for the tool the caller calls ``custom_name``."""
        for provider_name, custom in self.custom_by_provider.items():
            if custom == custom_name:
                return provider_name
        return custom_name

    def has(self, provider_name: str) -> bool:
        """Whether the caller sent the provider tool Anthropic calls ``provider_name``."""
        return provider_name in self.custom_by_provider
