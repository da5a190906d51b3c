"""Serve a recorded fixture from a loopback server with the real framing and run it through a terminal.

JSON bodies are answered as ``application/json``; ``.chunks.txt`` files (one JSON payload a line) as an
SSE stream, each line one ``data: <line>\\n\\n`` event (plus ``data: [DONE]`` where the API sends it);
``.sse`` files are sent byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.stream import StreamPart
from providers.testing.server import JsonReply, LoopbackServer, Reply, SSEReply

__all__ = ["fixture_reply", "replay_generate", "replay_stream"]

ModelFactory = Callable[[str], Any]
"""Base URL of the loopback server -> a language model pointed at it."""


def fixture_reply(path: Path, *, done_event: bool = False) -> Reply:
    """The recorded response as the server sends it."""
    if path.suffix == ".json":
        return JsonReply(json.loads(path.read_text()), headers={"content-type": "application/json"})
    if path.suffix == ".sse":
        return SSEReply([path.read_bytes()])
    events: list[str | tuple[str | None, str] | bytes] = [
        f"data: {line}\n\n".encode() for line in path.read_text().split("\n") if line.strip()
    ]
    if done_event:
        events.append(b"data: [DONE]\n\n")
    return SSEReply(events, headers={"content-type": "text/event-stream"})


async def replay_generate(
    path: Path, make_model: ModelFactory, params: CallParams, *, done_event: bool = False
) -> GenerateResult:
    """``do_generate`` against the recorded JSON body."""
    return await _replay(path, make_model, done_event, lambda model: model.do_generate(params))


async def replay_stream(
    path: Path, make_model: ModelFactory, params: CallParams, *, done_event: bool = False
) -> list[StreamPart]:
    """``do_stream`` against the recorded stream, read to the end."""

    async def run(model: Any) -> list[StreamPart]:
        result = await model.do_stream(params)
        return [part async for part in result.stream]

    return await _replay(path, make_model, done_event, run)


async def _replay(
    path: Path, make_model: ModelFactory, done_event: bool, run: Callable[[Any], Awaitable[Any]]
) -> Any:
    with LoopbackServer() as server:
        server.default_reply = fixture_reply(path, done_event=done_event)
        return await run(make_model(server.base_url))
