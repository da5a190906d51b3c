"""Request fields for Anthropic-side features (pure): the MCP connector, the code execution
container with Agent Skills, and context management edits, each with the betas it needs."""

from __future__ import annotations

from typing import Any

from pipeline.errors import InvalidArgumentError
from pipeline.params import ProviderTool, ToolDefinition
from pipeline.result import CallWarning

from .options import AnthropicCallOptions, ContainerOptions, ContextManagementOptions, McpServer

__all__ = ["ServerFields", "server_fields"]

BETA_MCP_CLIENT = "mcp-client-2025-04-04"
BETA_CONTEXT_MANAGEMENT = "context-management-2025-06-27"
BETA_COMPACT = "compact-2026-01-12"
_SKILL_BETAS = ("code-execution-2025-08-25", "skills-2025-10-02", "files-api-2025-04-14")
_CODE_EXECUTION_FOR_SKILLS = ("anthropic.code_execution_20250825", "anthropic.code_execution_20260120")

_EDIT_SETTINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "clear_tool_uses_20250919": (
        ("trigger", "trigger"),
        ("keep", "keep"),
        ("clearAtLeast", "clear_at_least"),
        ("clearToolInputs", "clear_tool_inputs"),
        ("excludeTools", "exclude_tools"),
    ),
    "clear_thinking_20251015": (("keep", "keep"),),
    "compact_20260112": (
        ("trigger", "trigger"),
        ("pauseAfterCompaction", "pause_after_compaction"),
        ("instructions", "instructions"),
    ),
}


class ServerFields:
    """Body fields (``mcp_servers``, ``container``, ``context_management``), betas and warnings."""

    def __init__(self) -> None:
        self.body: dict[str, Any] = {}
        self.betas: list[str] = []
        self.warnings: list[CallWarning] = []


def _mcp_server(server: McpServer) -> dict[str, Any]:
    wire: dict[str, Any] = {"type": server.type, "name": server.name, "url": server.url}
    if server.authorization_token is not None:
        wire["authorization_token"] = server.authorization_token
    config = server.tool_configuration
    if config is not None:
        wire["tool_configuration"] = {
            key: value
            for key, value in (("allowed_tools", config.allowed_tools), ("enabled", config.enabled))
            if value is not None
        }
    return wire


def _container(container: ContainerOptions) -> str | dict[str, Any] | None:
    """An id string, or ``{id, skills}`` when skills are loaded."""
    if not container.skills:
        return container.id
    skills = []
    for index, skill in enumerate(container.skills):
        if skill.type == "custom":
            skill_id = (skill.provider_reference or {}).get("anthropic")
            if skill_id is None:
                raise InvalidArgumentError(
                    "providerOptions",
                    f"anthropic container.skills[{index}]: a custom skill needs providerReference.anthropic",
                )
        else:
            skill_id = skill.skill_id
        wire = {"type": skill.type, "skill_id": skill_id}
        if skill.version is not None:
            wire["version"] = skill.version
        skills.append(wire)
    wire_container: dict[str, Any] = {"skills": skills}
    if container.id is not None:
        wire_container = {"id": container.id, **wire_container}
    return wire_container


def _context_management(options: ContextManagementOptions, fields: ServerFields) -> dict[str, Any]:
    edits = []
    for edit in options.edits:
        strategy = str(edit.get("type"))
        settings = _EDIT_SETTINGS.get(strategy)
        if settings is None:
            fields.warnings.append(
                CallWarning(type="other", message=f"Unknown context management strategy: {strategy}")
            )
            continue
        wire = {"type": strategy}
        wire.update({snake: edit[camel] for camel, snake in settings if edit.get(camel) is not None})
        edits.append(wire)
    return {"edits": edits}


def server_fields(options: AnthropicCallOptions, tools: list[ToolDefinition] | None) -> ServerFields:
    """The fields for the MCP servers, container and context management set in ``options``."""
    fields = ServerFields()
    if options.mcp_servers:
        fields.body["mcp_servers"] = [_mcp_server(server) for server in options.mcp_servers]
        fields.betas.append(BETA_MCP_CLIENT)
    if options.container is not None:
        container = _container(options.container)
        if container is not None:
            fields.body["container"] = container
        if options.container.skills:
            fields.betas.extend(_SKILL_BETAS)
            if not any(
                isinstance(tool, ProviderTool) and tool.id in _CODE_EXECUTION_FOR_SKILLS
                for tool in tools or []
            ):
                fields.warnings.append(
                    CallWarning(type="other", message="code execution tool is required when using skills")
                )
    if options.context_management is not None:
        fields.body["context_management"] = _context_management(options.context_management, fields)
        fields.betas.append(BETA_CONTEXT_MANAGEMENT)
        if any(edit.get("type") == "compact_20260112" for edit in options.context_management.edits):
            fields.betas.append(BETA_COMPACT)
    return fields
