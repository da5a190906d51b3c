"""Function and provider tools → the Responses API ``tools`` and ``tool_choice`` (pure), and the names
a provider tool's calls carry (the AI SDK's tool name mapping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import UnsupportedFunctionalityError
from pipeline.params import FunctionTool, ProviderTool, ToolChoice, ToolChoiceTool
from pipeline.result import CallWarning

from ..._tools import unsupported_tool_warnings
from .options import AllowedTools

__all__ = ["PROVIDER_TOOL_TYPES", "ToolNames", "prepare_tools"]

PROVIDER_TOOL_TYPES: dict[str, str] = {
    "openai.code_interpreter": "code_interpreter",
    "openai.computer": "computer",
    "openai.file_search": "file_search",
    "openai.image_generation": "image_generation",
    "openai.local_shell": "local_shell",
    "openai.shell": "shell",
    "openai.web_search": "web_search",
    "openai.web_search_preview": "web_search_preview",
    "openai.mcp": "mcp",
    "openai.apply_patch": "apply_patch",
    "openai.custom": "custom",
    "openai.tool_search": "tool_search",
    "openai.programmatic_tool_calling": "programmatic_tool_calling",
}
"""The provider tools this terminal runs: ``ProviderTool.id`` → the wire name of its calls."""

_BUILT_IN_CHOICES = frozenset(
    {
        "code_interpreter",
        "file_search",
        "image_generation",
        "web_search_preview",
        "web_search",
        "mcp",
        "apply_patch",
        "computer",
        "programmatic_tool_calling",
    }
)


@dataclass(frozen=True, slots=True)
class ToolNames:
    """Between the wire names of provider tools (``web_search``) and the names the caller gave them."""

    to_custom: dict[str, str] = field(default_factory=dict)
    to_provider: dict[str, str] = field(default_factory=dict)
    custom_tools: frozenset[str] = frozenset()
    provider_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tools: list[ProviderTool]) -> ToolNames:
        to_custom: dict[str, str] = {}
        to_provider: dict[str, str] = {}
        custom: set[str] = set()
        for tool in tools:
            wire = PROVIDER_TOOL_TYPES.get(tool.id)
            if wire is None:
                continue
            if wire == "custom":
                custom.add(tool.name)
                continue
            to_custom[wire] = tool.name
            to_provider[tool.name] = wire
        return cls(to_custom, to_provider, frozenset(custom), frozenset(tool.id for tool in tools))

    def custom_name(self, wire_name: str) -> str:
        """The caller's name for the provider tool ``wire_name`` (itself when the call did not declare it)."""
        return self.to_custom.get(wire_name, wire_name)

    def provider_name(self, name: str) -> str:
        """The wire name of the caller's tool ``name`` (itself for function tools)."""
        return self.to_provider.get(name, name)

    def has(self, tool_id: str) -> bool:
        return tool_id in self.provider_ids


def prepare_tools(
    functions: list[FunctionTool],
    provided: list[ProviderTool],
    tool_choice: ToolChoice | None,
    allowed_tools: AllowedTools | None,
    names: ToolNames,
) -> tuple[list[dict[str, Any]] | None, Any, list[CallWarning]]:
    """``tools``, ``tool_choice`` and warnings; provider tools this terminal does not own are skipped
    with an ``unsupported`` warning."""
    if not functions and not provided:
        return None, None, []
    tools: list[dict[str, Any]] = [_function_tool(tool) for tool in functions]
    unknown = [tool for tool in provided if tool.id not in PROVIDER_TOOL_TYPES]
    tools += [_provider_tool(tool) for tool in provided if tool.id in PROVIDER_TOOL_TYPES]
    warnings = unsupported_tool_warnings(unknown)
    if allowed_tools is not None:
        return tools, _allowed_tools(allowed_tools, functions, names), warnings
    return tools, _tool_choice(tool_choice, names), warnings


def _function_tool(tool: FunctionTool) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "type": "function",
        "name": tool.name,
        "description": tool.description,
        "parameters": tool.input_schema,
    }
    if tool.strict is not None:
        wire["strict"] = tool.strict
    options = (tool.provider_options or {}).get("openai") or {}
    for key, wire_key in (
        ("deferLoading", "defer_loading"),
        ("allowedCallers", "allowed_callers"),
        ("outputSchema", "output_schema"),
    ):
        if options.get(key) is not None:
            wire[wire_key] = options[key]
    return _without_none(wire)


def _provider_tool(tool: ProviderTool) -> dict[str, Any]:
    args = tool.args
    match PROVIDER_TOOL_TYPES[tool.id]:
        case "web_search":
            filters = args.get("filters")
            return _without_none(
                {
                    "type": "web_search",
                    "filters": _without_none(
                        {
                            "allowed_domains": filters.get("allowedDomains"),
                            "blocked_domains": filters.get("blockedDomains"),
                        }
                    )
                    if filters is not None
                    else None,
                    "external_web_access": args.get("externalWebAccess"),
                    "search_context_size": args.get("searchContextSize"),
                    "user_location": args.get("userLocation"),
                }
            )
        case "web_search_preview":
            return _without_none(
                {
                    "type": "web_search_preview",
                    "search_context_size": args.get("searchContextSize"),
                    "user_location": args.get("userLocation"),
                }
            )
        case "file_search":
            ranking = args.get("ranking")
            return _without_none(
                {
                    "type": "file_search",
                    "vector_store_ids": args.get("vectorStoreIds"),
                    "max_num_results": args.get("maxNumResults"),
                    "ranking_options": _without_none(
                        {"ranker": ranking.get("ranker"), "score_threshold": ranking.get("scoreThreshold")}
                    )
                    if ranking
                    else None,
                    "filters": args.get("filters"),
                }
            )
        case "code_interpreter":
            container = args.get("container")
            if container is None:
                wire_container: Any = {"type": "auto"}
            elif isinstance(container, str):
                wire_container = container
            else:
                wire_container = _without_none({"type": "auto", "file_ids": container.get("fileIds")})
            return {"type": "code_interpreter", "container": wire_container}
        case "image_generation":
            mask = args.get("inputImageMask")
            return _without_none(
                {
                    "type": "image_generation",
                    "background": args.get("background"),
                    "input_fidelity": args.get("inputFidelity"),
                    "input_image_mask": _without_none(
                        {"file_id": mask.get("fileId"), "image_url": mask.get("imageUrl")}
                    )
                    if mask
                    else None,
                    "model": args.get("model"),
                    "moderation": args.get("moderation"),
                    "partial_images": args.get("partialImages"),
                    "quality": args.get("quality"),
                    "output_compression": args.get("outputCompression"),
                    "output_format": args.get("outputFormat"),
                    "size": args.get("size"),
                }
            )
        case "mcp":
            return _mcp_tool(args)
        case "shell":
            return _without_none(
                {"type": "shell", "environment": _shell_environment(args.get("environment"))}
            )
        case "tool_search":
            return _without_none(
                {
                    "type": "tool_search",
                    "execution": args.get("execution"),
                    "description": args.get("description"),
                    "parameters": args.get("parameters"),
                }
            )
        case "custom":
            return _without_none(
                {
                    "type": "custom",
                    "name": tool.name,
                    "description": args.get("description"),
                    "format": args.get("format"),
                }
            )
        case wire_type:  # local_shell, apply_patch, computer: no settings
            return {"type": wire_type}


def _mcp_tool(args: dict[str, Any]) -> dict[str, Any]:
    allowed = args.get("allowedTools")
    if isinstance(allowed, dict):
        allowed = _without_none(
            {"read_only": allowed.get("readOnly"), "tool_names": allowed.get("toolNames")}
        )
    approval = args.get("requireApproval")
    if isinstance(approval, dict):
        never = approval.get("never")
        approval = (
            {"never": _without_none({"tool_names": never.get("toolNames")})} if never is not None else None
        )
    return _without_none(
        {
            "type": "mcp",
            "server_label": args.get("serverLabel"),
            "allowed_tools": allowed,
            "authorization": args.get("authorization"),
            "connector_id": args.get("connectorId"),
            "headers": args.get("headers"),
            "require_approval": approval or "never",
            "server_description": args.get("serverDescription"),
            "server_url": args.get("serverUrl"),
        }
    )


def _shell_environment(environment: dict[str, Any] | None) -> dict[str, Any] | None:
    if environment is None:
        return None
    kind = environment.get("type")
    if kind == "containerReference":
        return {"type": "container_reference", "container_id": environment.get("containerId")}
    if kind == "containerAuto":
        return _without_none(
            {
                "type": "container_auto",
                "file_ids": environment.get("fileIds"),
                "memory_limit": environment.get("memoryLimit"),
                "network_policy": environment.get("networkPolicy"),
                "skills": environment.get("skills"),
            }
        )
    return {"type": "local", **{key: value for key, value in environment.items() if key != "type"}}


def _tool_choice(tool_choice: ToolChoice | None, names: ToolNames) -> Any:
    if not isinstance(tool_choice, ToolChoiceTool):
        return tool_choice
    name = names.provider_name(tool_choice.tool_name)
    if name in _BUILT_IN_CHOICES:
        return {"type": name}
    if name in names.custom_tools:
        return {"type": "custom", "name": name}
    return {"type": "function", "name": name}


def _allowed_tools(allowed: AllowedTools, functions: list[FunctionTool], names: ToolNames) -> dict[str, Any]:
    known = {tool.name for tool in functions}
    entries: list[dict[str, Any]] = []
    for name in allowed.tool_names:
        wire = names.provider_name(name)
        if name in known:
            entries.append({"type": "function", "name": name})
        elif name in names.custom_tools:
            entries.append({"type": "custom", "name": name})
        elif wire in _BUILT_IN_CHOICES:
            entries.append({"type": wire})
    if not entries:
        raise UnsupportedFunctionalityError(
            f"allowedTools with only tools that cannot be allow-listed ({', '.join(allowed.tool_names)})"
        )
    return {"type": "allowed_tools", "mode": allowed.mode or "auto", "tools": entries}


def _without_none(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}
