"""Typed MCP client failures, all under :class:`MCPClientError`."""

from __future__ import annotations

from ..errors import ModelPipeError

__all__ = [
    "MCPClientError",
    "MCPConnectionClosedError",
    "MCPConnectionError",
    "MCPInvalidResultError",
    "MCPRequestError",
    "MCPTimeoutError",
    "MCPToolError",
    "MissingMCPExtraError",
]


class MCPClientError(ModelPipeError):
    """Base class of the MCP client's errors; ``server`` names the server (transport) concerned."""

    def __init__(self, message: str, *, server: str | None) -> None:
        self.server = server
        super().__init__(message if server is None else f"{message} [{server}]")


class MissingMCPExtraError(MCPClientError, ImportError):
    """The official MCP SDK is not installed (``pip install 'modelpipe[mcp]'``)."""


class MCPConnectionError(MCPClientError):
    """The server could not be started or reached, or the initial handshake failed."""


class MCPConnectionClosedError(MCPClientError):
    """The connection ended while a request was waiting (the server process exited, the HTTP session
    went away), or a request was made after the client closed."""


class MCPTimeoutError(MCPClientError, TimeoutError):
    """A request (e.g. a tool call) got no answer within its timeout; ``timeout`` is in seconds."""

    def __init__(self, message: str, *, server: str, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(message, server=server)


class MCPRequestError(MCPClientError):
    """The server answered a request with a JSON-RPC error (unknown tool, invalid params, ...)."""

    def __init__(self, message: str, *, server: str, code: int) -> None:
        self.code = code
        super().__init__(message, server=server)


class MCPInvalidResultError(MCPClientError):
    """The server's answer does not have the shape the protocol requires."""


class MCPToolError(MCPClientError):
    """A tool call answered with ``isError``; the server's text is the message. Inside a
    ``generate_text`` tool loop the model sees it as an error tool result instead."""

    def __init__(self, message: str, *, server: str, tool_name: str) -> None:
        self.tool_name = tool_name
        super().__init__(message, server=server)
