"""Real MCP servers (the SDK's own) for the client tests: stdio processes and HTTP servers on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.mcp import StdioTransport

SERVER = Path(__file__).with_name("server_app.py")


def stdio_transport() -> StdioTransport:
    return StdioTransport(sys.executable, args=[str(SERVER), "stdio"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(mode: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVER), mode, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):  # up to 10 s for the server to listen
            if process.poll() is not None:
                raise RuntimeError(f"the {mode} MCP server exited with {process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        path = "/mcp" if mode == "http" else "/sse"
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    """A Streamable HTTP MCP server's endpoint."""
    yield from _serve("http")


@pytest.fixture(scope="module")
def sse_url() -> Iterator[str]:
    """An HTTP+SSE (older transport) MCP server's endpoint."""
    yield from _serve("sse")
