"""Anthropic provider options (``providerOptions.anthropic``) at call, message and part level.

camelCase and snake_case keys both validate; unknown keys are ignored (as the AI SDK's schemas
strip them). A known key with a bad value raises ``InvalidArgumentError``.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidArgumentError
from providers._options import OptionsModel

__all__ = [
    "AnthropicCallOptions",
    "AnthropicFilePartOptions",
    "AnthropicReasoningOptions",
    "ContainerOptions",
    "ContainerSkill",
    "ContextManagementOptions",
    "McpServer",
    "McpToolConfiguration",
    "ThinkingOptions",
    "cache_control_of",
    "parse_call_options",
    "parse_file_part_options",
    "parse_reasoning_options",
]

PROVIDER = "anthropic"

Effort = Literal["low", "medium", "high", "xhigh", "max"]


class ThinkingOptions(OptionsModel):
    """Extended thinking: ``enabled`` with a token budget, ``adaptive``, or ``disabled``."""

    type: Literal["enabled", "adaptive", "disabled"]
    budget_tokens: int | None = None
    display: Literal["summarized", "omitted"] | None = None


class _Metadata(OptionsModel):
    user_id: str | None = None


class McpToolConfiguration(OptionsModel):
    enabled: bool | None = None
    allowed_tools: list[str] | None = None


class McpServer(OptionsModel):
    """A remote MCP server Anthropic connects to (the MCP connector)."""

    type: Literal["url"]
    name: str
    url: str
    authorization_token: str | None = None
    tool_configuration: McpToolConfiguration | None = None


class ContainerSkill(OptionsModel):
    """An Agent Skill: ``anthropic`` with a ``skill_id``, or ``custom`` with a ``provider_reference``."""

    type: Literal["anthropic", "custom"]
    skill_id: str | None = None
    provider_reference: dict[str, str] | None = None
    version: str | None = None


class ContainerOptions(OptionsModel):
    """The code execution container to reuse (``id``) and the skills to load into it."""

    id: str | None = None
    skills: list[ContainerSkill] | None = None


class ContextManagementOptions(OptionsModel):
    """``edits``: clear_tool_uses_20250919, clear_thinking_20251015 and compact_20260112 strategies
    (each a dict with ``type`` and its camelCase settings)."""

    edits: list[dict[str, Any]]


class AnthropicCallOptions(OptionsModel):
    """Call-level options (``provider_options={"anthropic": {...}}``)."""

    send_reasoning: bool = True
    thinking: ThinkingOptions | None = None
    effort: Effort | None = None
    disable_parallel_tool_use: bool | None = None
    cache_control: dict[str, Any] | None = None
    anthropic_beta: list[str] | None = None
    structured_output_mode: Literal["outputFormat", "jsonTool", "auto"] | None = None
    tool_streaming: bool | None = None
    metadata: _Metadata | None = None
    speed: Literal["fast", "standard"] | None = None
    inference_geo: str | None = None
    mcp_servers: list[McpServer] | None = None
    container: ContainerOptions | None = None
    context_management: ContextManagementOptions | None = None


class AnthropicFilePartOptions(OptionsModel):
    """File-part options: document ``title`` / ``context`` and ``citations``."""

    title: str | None = None
    context: str | None = None
    citations: dict[str, Any] | None = None


class AnthropicReasoningOptions(OptionsModel):
    """Reasoning-part metadata that lets thinking be sent back: ``signature`` or ``redactedData``."""

    signature: str | None = None
    redacted_data: str | None = None


def _section(provider_options: ProviderOptions | None) -> dict[str, Any] | None:
    return (provider_options or {}).get(PROVIDER)


_OptionsT = TypeVar("_OptionsT", bound=OptionsModel)


def _parse(model: type[_OptionsT], provider_options: ProviderOptions | None) -> _OptionsT | None:
    section = _section(provider_options)
    if section is None:
        return None
    try:
        return model.model_validate(section)
    except ValidationError as error:
        raise InvalidArgumentError(
            "providerOptions", f"invalid {PROVIDER} provider options: {error.errors()[0]['msg']}"
        ) from error


def parse_call_options(provider_options: ProviderOptions | None) -> AnthropicCallOptions:
    """The call-level options (defaults when absent)."""
    return _parse(AnthropicCallOptions, provider_options) or _CALL_DEFAULTS


def parse_file_part_options(provider_options: ProviderOptions | None) -> AnthropicFilePartOptions:
    """A file part's options (defaults when absent)."""
    return _parse(AnthropicFilePartOptions, provider_options) or _FILE_PART_DEFAULTS


def parse_reasoning_options(provider_options: ProviderOptions | None) -> AnthropicReasoningOptions | None:
    """A reasoning part's metadata, or ``None`` when it has no ``anthropic`` section."""
    return _parse(AnthropicReasoningOptions, provider_options)


def cache_control_of(provider_options: ProviderOptions | None) -> dict[str, Any] | None:
    """``cacheControl`` (or ``cache_control``) from an ``anthropic`` section, passed through as is."""
    section = _section(provider_options) or {}
    value = section.get("cacheControl", section.get("cache_control"))
    return dict(value) if isinstance(value, dict) and value else None


# The options of a call or a file part that gives none (frozen, so one instance serves all), made without
# validation: every field holds its own default.
_CALL_DEFAULTS = AnthropicCallOptions.model_construct()
_FILE_PART_DEFAULTS = AnthropicFilePartOptions.model_construct()
