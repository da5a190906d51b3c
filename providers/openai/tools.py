"""Tools OpenAI runs itself (Responses API): ``providers.openai.tools.web_search()`` and the rest.

Each returns a :class:`~pipeline.params.ProviderTool` (``id="openai.<type>"``) to put in a call's ``tools``
beside function tools, like the AI SDK's ``openai.tools.webSearch(...)``. ``name`` is what the tool's
calls and results are called (default: the OpenAI type). Settings are Python keywords; they are kept in
the AI SDK's spelling in ``args`` and mapped to the wire by the Responses terminal. Their calls come back
as tool-call parts with ``provider_executed=True`` followed by their results; the chat-completions
terminal does not run them (it warns ``unsupported``).
"""

from __future__ import annotations

from typing import Any, Literal

from pipeline.params import ProviderTool

__all__ = [
    "apply_patch",
    "code_interpreter",
    "computer",
    "file_search",
    "image_generation",
    "local_shell",
    "mcp",
    "programmatic_tool_calling",
    "shell",
    "tool_search",
    "web_search",
    "web_search_preview",
]

SearchContextSize = Literal["low", "medium", "high"]


def _tool(tool_type: str, name: str | None, **args: Any) -> ProviderTool:
    return ProviderTool(
        id=f"openai.{tool_type}",
        name=name or tool_type,
        args={key: value for key, value in args.items() if value is not None},
    )


def web_search(
    *,
    search_context_size: SearchContextSize | None = None,
    user_location: dict[str, Any] | None = None,
    allowed_domains: list[str] | None = None,
    blocked_domains: list[str] | None = None,
    external_web_access: bool | None = None,
    name: str | None = None,
) -> ProviderTool:
    """Web search. ``user_location`` is ``{"type": "approximate", "country": "GB", "city": ...}``."""
    filters = (
        {"allowedDomains": allowed_domains, "blockedDomains": blocked_domains}
        if allowed_domains is not None or blocked_domains is not None
        else None
    )
    return _tool(
        "web_search",
        name,
        searchContextSize=search_context_size,
        userLocation=user_location,
        filters={key: value for key, value in filters.items() if value is not None} if filters else None,
        externalWebAccess=external_web_access,
    )


def web_search_preview(
    *,
    search_context_size: SearchContextSize | None = None,
    user_location: dict[str, Any] | None = None,
    name: str | None = None,
) -> ProviderTool:
    """The preview web search tool."""
    return _tool(
        "web_search_preview", name, searchContextSize=search_context_size, userLocation=user_location
    )


def file_search(
    vector_store_ids: list[str],
    *,
    max_num_results: int | None = None,
    ranker: str | None = None,
    score_threshold: float | None = None,
    filters: dict[str, Any] | None = None,
    name: str | None = None,
) -> ProviderTool:
    """Search the given vector stores (add ``include=["file_search_call.results"]`` for the hits' text)."""
    ranking = {
        key: value
        for key, value in {"ranker": ranker, "scoreThreshold": score_threshold}.items()
        if value is not None
    } or None
    return _tool(
        "file_search",
        name,
        vectorStoreIds=vector_store_ids,
        maxNumResults=max_num_results,
        ranking=ranking,
        filters=filters,
    )


def code_interpreter(*, container: str | list[str] | None = None, name: str | None = None) -> ProviderTool:
    """Run Python in a sandbox: ``container`` is a container id, or the ids of files to put in a new one."""
    wire_container: Any = {"fileIds": container} if isinstance(container, list) else container
    return _tool("code_interpreter", name, container=wire_container)


def image_generation(
    *,
    background: Literal["auto", "opaque", "transparent"] | None = None,
    input_fidelity: Literal["low", "high"] | None = None,
    model: str | None = None,
    moderation: Literal["auto"] | None = None,
    output_compression: int | None = None,
    output_format: Literal["png", "jpeg", "webp"] | None = None,
    partial_images: int | None = None,
    quality: Literal["auto", "low", "medium", "high"] | None = None,
    size: str | None = None,
    name: str | None = None,
) -> ProviderTool:
    """Generate images; the result is the base64 image."""
    return _tool(
        "image_generation",
        name,
        background=background,
        inputFidelity=input_fidelity,
        model=model,
        moderation=moderation,
        outputCompression=output_compression,
        outputFormat=output_format,
        partialImages=partial_images,
        quality=quality,
        size=size,
    )


def mcp(
    server_label: str,
    *,
    server_url: str | None = None,
    connector_id: str | None = None,
    authorization: str | None = None,
    headers: dict[str, str] | None = None,
    allowed_tools: list[str] | None = None,
    require_approval: Literal["always", "never"] | None = None,
    server_description: str | None = None,
    name: str | None = None,
) -> ProviderTool:
    """A remote MCP server the Responses API calls itself (calls come back as ``mcp.<tool>``)."""
    return _tool(
        "mcp",
        name,
        serverLabel=server_label,
        serverUrl=server_url,
        connectorId=connector_id,
        authorization=authorization,
        headers=headers,
        allowedTools=allowed_tools,
        requireApproval=require_approval,
        serverDescription=server_description,
    )


def local_shell(*, name: str | None = None) -> ProviderTool:
    """The local shell tool: the model asks, the caller runs the command and returns the output."""
    return _tool("local_shell", name)


def shell(*, environment: dict[str, Any] | None = None, name: str | None = None) -> ProviderTool:
    """The shell tool; ``environment`` in the AI SDK's shape (``{"type": "containerAuto", ...}`` runs it
    in an OpenAI container, so its calls are provider-executed)."""
    return _tool("shell", name, environment=environment)


def apply_patch(*, name: str | None = None) -> ProviderTool:
    """The apply-patch tool: the model proposes file operations, the caller applies them."""
    return _tool("apply_patch", name)


def tool_search(
    *,
    execution: Literal["server", "client"] | None = None,
    description: str | None = None,
    parameters: dict[str, Any] | None = None,
    name: str | None = None,
) -> ProviderTool:
    """Tool search over deferred tools (function tools marked ``deferLoading``): run by OpenAI, or with
    ``execution="client"`` asked of the caller."""
    return _tool("tool_search", name, execution=execution, description=description, parameters=parameters)


def programmatic_tool_calling(*, name: str | None = None) -> ProviderTool:
    """Let the model write code that OpenAI runs to call the function tools (marked with
    ``providerOptions.openai.allowedCallers``)."""
    return _tool("programmatic_tool_calling", name)


def computer(*, name: str | None = None) -> ProviderTool:
    """The computer-use tool: the model asks for actions, the caller performs them."""
    return _tool("computer", name)
