"""Blocking MCP client for ``generate_text_sync`` / ``stream_text_sync``.

The async client is entered on the same long-lived event loop the ``*_sync`` functions use, so the
tools it hands out run there when a blocking call executes them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

from ..prompt import Message
from ..sync import _shared_portal
from ..tools import Tool
from .client import DEFAULT_TIMEOUT, MCPClient, create_mcp_client
from .elicitation import ElicitationHandler
from .transports import MCPTransport

__all__ = ["MCPClientSync", "create_mcp_client_sync"]


class MCPClientSync:
    """The blocking face of an :class:`~pipeline.mcp.MCPClient` (same methods, no ``await``)."""

    def __init__(self, client: MCPClient, call: Any) -> None:
        self.client = client
        self._call = call

    def tools(self, *, schemas: Mapping[str, type[BaseModel]] | None = None) -> dict[str, Tool]:
        tools: dict[str, Tool] = self._call(functools.partial(self.client.tools, schemas=schemas))
        return tools

    def call_tool(
        self, name: str, arguments: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        answer: dict[str, Any] = self._call(
            functools.partial(self.client.call_tool, name, arguments, timeout=timeout)
        )
        return answer

    def resources(self) -> list[Any]:
        return list(self._call(self.client.resources))

    def read_resource(self, uri: str) -> list[Any]:
        return list(self._call(self.client.read_resource, uri))

    def prompts(self) -> list[Any]:
        return list(self._call(self.client.prompts))

    def get_prompt(self, name: str, arguments: Mapping[str, str] | None = None) -> list[Message]:
        return list(self._call(self.client.get_prompt, name, arguments))


@contextmanager
def create_mcp_client_sync(
    transport: MCPTransport,
    *,
    on_elicitation: ElicitationHandler | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    name: str = "modelpipe",
) -> Iterator[MCPClientSync]:
    """:func:`~pipeline.mcp.create_mcp_client` as a plain ``with`` block::

        with create_mcp_client_sync(StdioTransport("python", args=["server.py"])) as client:
            result = generate_text_sync(model, tools=client.tools(), max_steps=5, prompt="...")

    An async ``on_elicitation`` runs on the shared loop; a sync one there too, so it must not block
    for long (ask in a thread of your own if it has to wait for a person).
    """
    portal = _shared_portal()
    context = create_mcp_client(transport, on_elicitation=on_elicitation, timeout=timeout, name=name)
    with portal.wrap_async_context_manager(context) as client:
        yield MCPClientSync(client, portal.call)
