"""Function tools, Gemini's own tools and tool choice -> Gemini ``tools`` and ``toolConfig`` (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.params import FunctionTool, ProviderTool, ToolChoice, ToolChoiceTool
from pipeline.result import CallWarning

from .capabilities import GoogleModelCapabilities, model_capabilities
from .json_schema import to_openapi_schema

__all__ = ["GoogleTools", "prepare_tools"]

_GEMINI2_TOOLS = {
    "google.google_search": "Google Search requires Gemini 2.0 or newer.",
    "google.enterprise_web_search": "Enterprise Web Search requires Gemini 2.0 or newer.",
    "google.url_context": "The URL context tool is not supported with other Gemini models than Gemini 2.",
    "google.code_execution": (
        "The code execution tool is not supported with other Gemini models than Gemini 2."
    ),
    "google.vertex_rag_store": "The RAG store tool is not supported with other Gemini models than Gemini 2.",
    "google.google_maps": (
        "The Google Maps grounding tool is not supported with Gemini models other than Gemini 2 or newer."
    ),
}
_FILE_SEARCH_DETAILS = "The file search tool is only supported with Gemini 2.5 models and Gemini 3 models."


@dataclass(frozen=True)
class GoogleTools:
    """The ``tools`` and ``toolConfig`` request fields (``None`` = leave the key out) and warnings."""

    tools: list[dict[str, Any]] | None
    tool_config: dict[str, Any] | None
    warnings: list[CallWarning] = field(default_factory=list)


def prepare_tools(
    tools: Sequence[FunctionTool] | None,
    tool_choice: ToolChoice | None,
    provider_tools: Sequence[ProviderTool] = (),
    *,
    model_id: str = "",
    vertex: bool = False,
) -> GoogleTools:
    """``functionDeclarations`` (input schemas in Gemini's OpenAPI subset), Gemini's tools, calling mode.

    Function tools only: auto -> AUTO, none -> NONE, required -> ANY, a named tool -> ANY with
    ``allowedFunctionNames``; when any tool is ``strict``, AUTO / ANY become VALIDATED.
    With provider tools (as the AI SDK): each becomes its Gemini entry (``googleSearch``, ``urlContext``,
    ``codeExecution``, ...) or an ``unsupported`` warning for models too old for it. Mixed with function
    tools, Gemini 3 gets both plus ``functionCallingConfig`` VALIDATED (or the forced choice) and
    ``includeServerSideToolInvocations`` (not on Vertex AI); older models get only the provider tools
    and a warning.
    """
    functions = list(tools or ())
    if not functions and not provider_tools:
        return GoogleTools(tools=None, tool_config=None)
    if provider_tools:
        capabilities = model_capabilities(model_id)
        return _with_provider_tools(functions, provider_tools, tool_choice, capabilities, vertex)
    return _functions_only(functions, tool_choice)


def _with_provider_tools(
    functions: list[FunctionTool],
    provider_tools: Sequence[ProviderTool],
    tool_choice: ToolChoice | None,
    capabilities: GoogleModelCapabilities,
    vertex: bool,
) -> GoogleTools:
    warnings: list[CallWarning] = []
    if functions and not capabilities.uses_gemini3_features:
        warnings.append(
            CallWarning(type="unsupported", feature="combination of function and provider-defined tools")
        )
    entries: list[dict[str, Any]] = []
    for tool in provider_tools:
        entry, details = _provider_entry(tool, capabilities)
        if entry is not None:
            entries.append(entry)
        else:
            warnings.append(
                CallWarning(type="unsupported", feature=f"provider-defined tool {tool.id}", details=details)
            )
    if functions and capabilities.uses_gemini3_features and entries:
        config: dict[str, Any] = {"mode": "VALIDATED"}
        match tool_choice:
            case "none":
                config = {"mode": "NONE"}
            case "required":
                config = {"mode": "ANY"}
            case ToolChoiceTool():
                config = {"mode": "ANY", "allowedFunctionNames": [tool_choice.tool_name]}
        return GoogleTools(
            tools=[*entries, {"functionDeclarations": [_declaration(tool) for tool in functions]}],
            tool_config={
                "functionCallingConfig": config,
                **({} if vertex else {"includeServerSideToolInvocations": True}),
            },
            warnings=warnings,
        )
    return GoogleTools(tools=entries or None, tool_config=None, warnings=warnings)


def _provider_entry(
    tool: ProviderTool, capabilities: GoogleModelCapabilities
) -> tuple[dict[str, Any] | None, str | None]:
    """The Gemini ``tools`` entry for one provider tool, or ``None`` and the reason it is skipped."""
    if tool.id == "google.file_search":
        return (
            ({"fileSearch": dict(tool.args)}, None)
            if capabilities.supports_file_search
            else (
                None,
                _FILE_SEARCH_DETAILS,
            )
        )
    if tool.id not in _GEMINI2_TOOLS:
        return None, None
    if not capabilities.supports_gemini2_tools:
        return None, _GEMINI2_TOOLS[tool.id]
    match tool.id:
        case "google.google_search":
            return {"googleSearch": dict(tool.args)}, None
        case "google.enterprise_web_search":
            return {"enterpriseWebSearch": {}}, None
        case "google.url_context":
            return {"urlContext": {}}, None
        case "google.code_execution":
            return {"codeExecution": {}}, None
        case "google.google_maps":
            return {"googleMaps": {}}, None
    store: dict[str, Any] = {"rag_resources": {"rag_corpus": tool.args.get("ragCorpus")}}
    if tool.args.get("topK") is not None:
        store["similarity_top_k"] = tool.args["topK"]
    return {"retrieval": {"vertex_rag_store": store}}, None


def _functions_only(tools: list[FunctionTool], tool_choice: ToolChoice | None) -> GoogleTools:
    declarations = [_declaration(tool) for tool in tools]
    strict = any(tool.strict is True for tool in tools)
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
        tools=[{"functionDeclarations": declarations}],
        tool_config={"functionCallingConfig": config} if config is not None else None,
    )


def _declaration(tool: FunctionTool) -> dict[str, Any]:
    declaration: dict[str, Any] = {"name": tool.name, "description": tool.description or ""}
    parameters = to_openapi_schema(tool.input_schema)
    if parameters is not None:
        declaration["parameters"] = parameters
    return declaration
