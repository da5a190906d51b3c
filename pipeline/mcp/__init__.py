"""Model Context Protocol (MCP) tools, resources, prompts and elicitation, on the official MCP SDK.

Install the ``mcp`` extra (``pip install 'modelpipe[mcp]'``); importing this package works without
it, connecting raises :class:`MissingMCPExtraError`::

    from pipeline import generate_text
    from pipeline.mcp import StdioTransport, create_mcp_client

    async with create_mcp_client(StdioTransport("python", args=["server.py"])) as client:
        result = await generate_text(model, tools=await client.tools(), max_steps=5, prompt="...")
"""

from .client import MCPClient, MCPTool, create_mcp_client
from .convert import prompt_messages, tool_model_output
from .elicitation import ElicitationHandler, ElicitationRequest, ElicitationResponse
from .errors import (
    MCPClientError,
    MCPConnectionClosedError,
    MCPConnectionError,
    MCPInvalidResultError,
    MCPRequestError,
    MCPTimeoutError,
    MCPToolError,
    MissingMCPExtraError,
)
from .sync import MCPClientSync, create_mcp_client_sync
from .transports import HttpTransport, MCPTransport, SseTransport, StdioTransport

__all__ = [
    "ElicitationHandler",
    "ElicitationRequest",
    "ElicitationResponse",
    "HttpTransport",
    "MCPClient",
    "MCPClientError",
    "MCPClientSync",
    "MCPConnectionClosedError",
    "MCPConnectionError",
    "MCPInvalidResultError",
    "MCPRequestError",
    "MCPTimeoutError",
    "MCPTool",
    "MCPToolError",
    "MCPTransport",
    "MissingMCPExtraError",
    "SseTransport",
    "StdioTransport",
    "create_mcp_client",
    "create_mcp_client_sync",
    "prompt_messages",
    "tool_model_output",
]
