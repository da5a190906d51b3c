"""Start a throwaway redis-server on 127.0.0.1 for tests (no persistence), and stop it.

Tests skip when the binary is missing, unless the ``CI`` environment variable is set: then a missing
binary is a failure, because CI must run the Redis tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["RedisServer", "redis_binary", "running_redis_server"]

_FALLBACK_BINARY = Path("/usr/bin/redis-server")


@dataclass
class RedisServer:
    """A running server: its URL, and a way to kill it mid-test."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def kill(self) -> None:
        """SIGKILL the server and wait for it to be gone."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def redis_binary() -> str:
    """The redis-server path; skips the test when absent (fails instead when ``CI`` is set)."""
    found = shutil.which("redis-server") or (str(_FALLBACK_BINARY) if _FALLBACK_BINARY.exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed, and CI requires the Redis tests to run")
        pytest.skip("redis-server is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis_server() -> Iterator[RedisServer]:
    """A redis-server on a free loopback port, without persistence; killed on exit."""
    binary = redis_binary()
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(port, process)
    try:
        deadline = time.monotonic() + 10
        while not _answers_ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.02)
        yield server
    finally:
        server.kill()
