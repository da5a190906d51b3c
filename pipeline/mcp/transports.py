"""Where an MCP server is: a process spoken to over stdio, or an HTTP endpoint.

The transports are plain descriptions, checked when made; the official SDK's transport is opened
only when a client connects (``pipeline.mcp.create_mcp_client``).
"""

from __future__ import annotations

import io
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

import httpx

from ..errors import InvalidArgumentError

__all__ = ["HttpTransport", "MCPTransport", "SseTransport", "StdioTransport"]


def _check_strings(name: str, values: Mapping[str, str]) -> None:
    for key, value in values.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidArgumentError(name, f"{name} must map strings to strings (got {key!r}: {value!r})")


def _check_url(url: str) -> None:
    if not isinstance(url, str) or httpx.URL(url).scheme not in ("http", "https") or not httpx.URL(url).host:
        raise InvalidArgumentError("url", f"an MCP server URL must be an absolute http(s) URL, got {url!r}")


@dataclass(frozen=True)
class StdioTransport:
    """Start ``command args...`` as a child process and speak MCP over its stdin/stdout.

    ``env`` is added to the SDK's safe default environment (``PATH``, ``HOME``, ...), not to the
    whole environment of this process. The server's stderr goes to ``stderr`` (a file with a file
    descriptor; by default this process's stderr, or the original one where ``sys.stderr`` has been
    replaced by something without a descriptor, as in notebooks and captured test output). The
    process ends when the client closes, also on cancellation.
    """

    command: str
    args: Sequence[str] = ()
    env: Mapping[str, str] | None = None
    cwd: str | None = None
    stderr: TextIO | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.command, str) or not self.command.strip():
            raise InvalidArgumentError("command", "StdioTransport needs a command to run")
        if isinstance(self.args, str) or not all(isinstance(arg, str) for arg in self.args):
            raise InvalidArgumentError("args", "StdioTransport args must be a list of strings")
        if self.env is not None:
            _check_strings("env", self.env)

    def describe(self) -> str:
        return f"stdio: {self.command}"

    def open(self) -> Any:
        """The SDK's stdio transport (an async context manager yielding its stream pair)."""
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=self.command,
            args=list(self.args),
            env=None if self.env is None else dict(self.env),
            cwd=self.cwd,
        )
        return stdio_client(params, errlog=self.stderr or _stderr())


@dataclass(frozen=True)
class HttpTransport:
    """An MCP server's Streamable HTTP endpoint (e.g. ``http://127.0.0.1:8000/mcp``).

    ``headers`` go with every request (e.g. ``Authorization``). With ``sse_fallback`` (the default), a
    server that refuses Streamable HTTP with an HTTP 4xx is tried once more over the older
    HTTP+SSE transport at the same URL, as the MCP specification's backwards-compatibility note says.
    """

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    sse_fallback: bool = True

    def __post_init__(self) -> None:
        _check_url(self.url)
        _check_strings("headers", self.headers)

    def describe(self) -> str:
        return f"http: {self.url}"

    def open(self) -> Any:
        return _streamable_http(self.url, dict(self.headers))

    def fallback(self) -> SseTransport | None:
        return SseTransport(self.url, self.headers) if self.sse_fallback else None


@dataclass(frozen=True)
class SseTransport:
    """An MCP server's older HTTP+SSE endpoint (e.g. ``http://127.0.0.1:8000/sse``)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_url(self.url)
        _check_strings("headers", self.headers)

    def describe(self) -> str:
        return f"sse: {self.url}"

    def open(self) -> Any:
        from mcp.client.sse import sse_client

        return sse_client(self.url, headers=dict(self.headers))


MCPTransport = StdioTransport | HttpTransport | SseTransport


def _stderr() -> TextIO:
    """``sys.stderr`` when it has a file descriptor a child process can inherit, else the original."""
    for candidate in (sys.stderr, sys.__stderr__):
        try:
            if candidate is not None:
                candidate.fileno()
                return candidate
        except (io.UnsupportedOperation, AttributeError, ValueError):
            continue
    raise OSError(
        "no stderr with a file descriptor for the MCP server process; pass StdioTransport(stderr=...)"
    )


@asynccontextmanager
async def _streamable_http(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    """The SDK's Streamable HTTP transport over an HTTP client that carries ``headers`` (closed here:
    the SDK leaves a client it was given open)."""
    import httpx2  # the SDK's HTTP client library
    from mcp.client.streamable_http import streamable_http_client

    # The SDK's own defaults: 30 s to connect and send, 300 s between reads of a held-open stream.
    timeout = httpx2.Timeout(30.0, read=300.0)
    async with (
        httpx2.AsyncClient(headers=headers, timeout=timeout) as http_client,
        streamable_http_client(url, http_client=http_client) as streams,
    ):
        yield streams
