"""Provider tools a terminal cannot run: skipped with the AI SDK's ``unsupported`` warning."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.params import ProviderTool
from pipeline.result import CallWarning

__all__ = ["unsupported_tool_warnings"]


def unsupported_tool_warnings(tools: Iterable[ProviderTool]) -> list[CallWarning]:
    """One warning per provider tool this terminal does not know, named by its ``id``."""
    return [
        CallWarning(type="unsupported", feature=f"provider-defined tool {tool.id}", details=tool.name)
        for tool in tools
    ]
