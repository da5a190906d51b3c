"""Anthropic provider tools, as the AI SDK's ``anthropic.tools``: ``tools.web_search_20250305(max_uses=3)``.

Each factory returns a :class:`~pipeline.params.ProviderTool` (``id="anthropic.<type>"``) to put in
``CallParams.tools``. ``name`` is how the tool appears in results (default: Anthropic's own name).
Server tools (web search, web fetch, code execution, tool search, advisor) run at Anthropic: their
calls and results come back as tool-call / tool-result parts with ``provider_executed=True``. Client
tools (bash, text editor, computer, memory) are called like function tools and run by the caller.
"""

from __future__ import annotations

from typing import Any

from pipeline.params import ProviderTool

__all__ = [
    "advisor_20260301",
    "bash_20241022",
    "bash_20250124",
    "code_execution_20250522",
    "code_execution_20250825",
    "code_execution_20260120",
    "computer_20241022",
    "computer_20250124",
    "computer_20251124",
    "memory_20250818",
    "text_editor_20241022",
    "text_editor_20250124",
    "text_editor_20250429",
    "text_editor_20250728",
    "tool_search_bm25_20251119",
    "tool_search_regex_20251119",
    "web_fetch_20250910",
    "web_fetch_20260209",
    "web_search_20250305",
    "web_search_20260209",
]


def _tool(tool_type: str, name: str, **args: Any) -> ProviderTool:
    """A provider tool with its arguments in the AI SDK's camelCase (unset ones left out)."""
    camel = {
        key.split("_")[0] + "".join(word.title() for word in key.split("_")[1:]): value
        for key, value in args.items()
        if value is not None
    }
    return ProviderTool(id=f"anthropic.{tool_type}", name=name, args=camel)


def _web_search(
    tool_type: str,
    name: str,
    max_uses: int | None,
    allowed_domains: list[str] | None,
    blocked_domains: list[str] | None,
    user_location: dict[str, Any] | None,
) -> ProviderTool:
    return _tool(
        tool_type,
        name,
        max_uses=max_uses,
        allowed_domains=allowed_domains,
        blocked_domains=blocked_domains,
        user_location=user_location,
    )


def web_search_20250305(
    *,
    name: str = "web_search",
    max_uses: int | None = None,
    allowed_domains: list[str] | None = None,
    blocked_domains: list[str] | None = None,
    user_location: dict[str, Any] | None = None,
) -> ProviderTool:
    """Web search run by Anthropic; results and their citations come back as sources.

    ``user_location``: ``{"type": "approximate", "city", "region", "country", "timezone"}``.
    """
    return _web_search("web_search_20250305", name, max_uses, allowed_domains, blocked_domains, user_location)


def web_search_20260209(
    *,
    name: str = "web_search",
    max_uses: int | None = None,
    allowed_domains: list[str] | None = None,
    blocked_domains: list[str] | None = None,
    user_location: dict[str, Any] | None = None,
) -> ProviderTool:
    """Web search that may filter its results with code execution (beta
    ``code-execution-web-tools-2026-02-09``)."""
    return _web_search("web_search_20260209", name, max_uses, allowed_domains, blocked_domains, user_location)


def _web_fetch(
    tool_type: str,
    name: str,
    max_uses: int | None,
    allowed_domains: list[str] | None,
    blocked_domains: list[str] | None,
    citations: bool | None,
    max_content_tokens: int | None,
) -> ProviderTool:
    return _tool(
        tool_type,
        name,
        max_uses=max_uses,
        allowed_domains=allowed_domains,
        blocked_domains=blocked_domains,
        citations=None if citations is None else {"enabled": citations},
        max_content_tokens=max_content_tokens,
    )


def web_fetch_20250910(
    *,
    name: str = "web_fetch",
    max_uses: int | None = None,
    allowed_domains: list[str] | None = None,
    blocked_domains: list[str] | None = None,
    citations: bool | None = None,
    max_content_tokens: int | None = None,
) -> ProviderTool:
    """Fetches a web page or PDF at Anthropic (beta ``web-fetch-2025-09-10``)."""
    return _web_fetch(
        "web_fetch_20250910", name, max_uses, allowed_domains, blocked_domains, citations, max_content_tokens
    )


def web_fetch_20260209(
    *,
    name: str = "web_fetch",
    max_uses: int | None = None,
    allowed_domains: list[str] | None = None,
    blocked_domains: list[str] | None = None,
    citations: bool | None = None,
    max_content_tokens: int | None = None,
) -> ProviderTool:
    """Web fetch that may process pages with code execution (beta ``code-execution-web-tools-2026-02-09``)."""
    return _web_fetch(
        "web_fetch_20260209", name, max_uses, allowed_domains, blocked_domains, citations, max_content_tokens
    )


def code_execution_20250522(*, name: str = "code_execution") -> ProviderTool:
    """Python code execution in an Anthropic sandbox (beta ``code-execution-2025-05-22``)."""
    return _tool("code_execution_20250522", name)


def code_execution_20250825(*, name: str = "code_execution") -> ProviderTool:
    """Bash and file editing in an Anthropic container, and programmatic tool calling (beta
    ``code-execution-2025-08-25``). Calls carry ``type`` ``bash_code_execution``,
    ``text_editor_code_execution`` or ``programmatic-tool-call`` in their input."""
    return _tool("code_execution_20250825", name)


def code_execution_20260120(*, name: str = "code_execution") -> ProviderTool:
    """Code execution, generally available (no beta header)."""
    return _tool("code_execution_20260120", name)


def tool_search_regex_20251119(*, name: str = "tool_search_tool_regex") -> ProviderTool:
    """Lets the model find deferred tools (``deferLoading``) by regular expression."""
    return _tool("tool_search_regex_20251119", name)


def tool_search_bm25_20251119(*, name: str = "tool_search_tool_bm25") -> ProviderTool:
    """Lets the model find deferred tools (``deferLoading``) by natural-language query (BM25)."""
    return _tool("tool_search_bm25_20251119", name)


def advisor_20260301(
    *,
    model: str,
    name: str = "advisor",
    max_uses: int | None = None,
    max_tokens: int | None = None,
    caching: dict[str, Any] | None = None,
) -> ProviderTool:
    """Consults a stronger ``model`` at Anthropic (beta ``advisor-tool-2026-03-01``)."""
    return _tool(
        "advisor_20260301", name, model=model, max_uses=max_uses, max_tokens=max_tokens, caching=caching
    )


def bash_20241022(*, name: str = "bash") -> ProviderTool:
    """A client-executed bash tool (beta ``computer-use-2024-10-22``)."""
    return _tool("bash_20241022", name)


def bash_20250124(*, name: str = "bash") -> ProviderTool:
    """A client-executed bash tool (beta ``computer-use-2025-01-24``)."""
    return _tool("bash_20250124", name)


def text_editor_20241022(*, name: str = "str_replace_editor") -> ProviderTool:
    """A client-executed text editor (beta ``computer-use-2024-10-22``)."""
    return _tool("text_editor_20241022", name)


def text_editor_20250124(*, name: str = "str_replace_editor") -> ProviderTool:
    """A client-executed text editor (beta ``computer-use-2025-01-24``)."""
    return _tool("text_editor_20250124", name)


def text_editor_20250429(*, name: str = "str_replace_based_edit_tool") -> ProviderTool:
    """A client-executed text editor without ``undo_edit`` (beta ``computer-use-2025-01-24``)."""
    return _tool("text_editor_20250429", name)


def text_editor_20250728(
    *, name: str = "str_replace_based_edit_tool", max_characters: int | None = None
) -> ProviderTool:
    """A client-executed text editor; ``max_characters`` truncates what ``view`` returns."""
    return _tool("text_editor_20250728", name, max_characters=max_characters)


def _computer(
    tool_type: str,
    name: str,
    display_width_px: int,
    display_height_px: int,
    display_number: int | None,
    enable_zoom: bool | None = None,
) -> ProviderTool:
    return _tool(
        tool_type,
        name,
        display_width_px=display_width_px,
        display_height_px=display_height_px,
        display_number=display_number,
        enable_zoom=enable_zoom,
    )


def computer_20241022(
    *,
    display_width_px: int,
    display_height_px: int,
    display_number: int | None = None,
    name: str = "computer",
) -> ProviderTool:
    """A client-executed computer-use tool (beta ``computer-use-2024-10-22``)."""
    return _computer("computer_20241022", name, display_width_px, display_height_px, display_number)


def computer_20250124(
    *,
    display_width_px: int,
    display_height_px: int,
    display_number: int | None = None,
    name: str = "computer",
) -> ProviderTool:
    """A client-executed computer-use tool (beta ``computer-use-2025-01-24``)."""
    return _computer("computer_20250124", name, display_width_px, display_height_px, display_number)


def computer_20251124(
    *,
    display_width_px: int,
    display_height_px: int,
    display_number: int | None = None,
    enable_zoom: bool | None = None,
    name: str = "computer",
) -> ProviderTool:
    """A client-executed computer-use tool with zoom (beta ``computer-use-2025-11-24``)."""
    return _computer(
        "computer_20251124", name, display_width_px, display_height_px, display_number, enable_zoom
    )


def memory_20250818(*, name: str = "memory") -> ProviderTool:
    """A client-executed memory directory tool (beta ``context-management-2025-06-27``)."""
    return _tool("memory_20250818", name)
