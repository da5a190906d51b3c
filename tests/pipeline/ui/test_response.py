"""The SSE response over a real loopback HTTP server: headers, body, and a client that goes away."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from pipeline import stream_text
from pipeline.chain import wrap_model
from pipeline.params import CallParams
from pipeline.stream import StreamPart, StreamResult, StreamStartPart, TextDeltaPart, TextStartPart
from pipeline.testing import MockLanguageModel, text_stream_parts
from pipeline.ui import UI_MESSAGE_STREAM_HEADERS, encode_sse_chunk
from tests.optional import require_module

require_module("starlette")
uvicorn = require_module("uvicorn")
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """``app`` on a free 127.0.0.1 port (uvicorn, in this event loop); yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: server.serve(sockets=[sock]))
        while not server.started:
            await anyio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
    sock.close()


def test_sse_encoding_is_compact_json_per_data_line() -> None:
    assert encode_sse_chunk({"type": "text-delta", "id": "0", "delta": "é"}) == (
        'data: {"type":"text-delta","id":"0","delta":"é"}\n\n'
    )


async def test_response_sends_the_protocol_headers_and_the_done_marker() -> None:
    model = MockLanguageModel(stream=text_stream_parts(["Hel", "lo"]))

    async def chat(request: Request) -> Response:
        result = stream_text(model, prompt="hi")
        response: Response = result.to_ui_message_stream_response(headers={"x-extra": "1"})
        return response

    app = Starlette(routes=[Route("/chat", chat, methods=["POST"])])
    async with serve(app) as base, httpx.AsyncClient() as client:
        reply = await client.post(f"{base}/chat")
    for name, value in UI_MESSAGE_STREAM_HEADERS.items():
        assert reply.headers[name].startswith(value)
    assert reply.headers["x-extra"] == "1"
    events = reply.text.split("\n\n")
    assert events[0] == 'data: {"type":"start"}' and events[-2] == "data: [DONE]"
    assert 'data: {"type":"text-delta","id":"0","delta":"Hel"}' in events


async def test_a_client_that_disconnects_cancels_the_model_call_and_nothing_is_cached() -> None:
    streaming = anyio.Event()
    closed = anyio.Event()

    async def slow(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            try:
                yield StreamStartPart()
                yield TextStartPart(id="0")
                yield TextDeltaPart(id="0", delta="first")
                streaming.set()
                await anyio.sleep_forever()  # the model takes its time; the client leaves meanwhile
            finally:
                closed.set()

        return StreamResult(stream=parts())

    store = MemoryStore()
    model = wrap_model(MockLanguageModel(stream=slow), CacheMiddleware(store))

    async def chat(request: Request) -> Response:
        response: Response = stream_text(model, prompt="hi").to_ui_message_stream_response()
        return response

    async with serve(Starlette(routes=[Route("/chat", chat, methods=["POST"])])) as base:
        async with httpx.AsyncClient() as client, client.stream("POST", f"{base}/chat") as reply:
            lines = reply.aiter_lines()
            async for line in lines:
                if "first" in line:
                    break
        with anyio.fail_after(10):  # a bound on a hang, not a timing assertion
            await closed.wait()
    assert streaming.is_set()
    assert len(store) == 0


def test_the_core_and_pipeline_ui_import_without_starlette() -> None:
    code = (
        "import sys\n"
        "for name in ('starlette', 'fastapi', 'uvicorn'): sys.modules[name] = None\n"
        "import pipeline, pipeline.ui\n"
        "from pipeline.ui import convert_to_model_messages, to_ui_message_stream\n"
        "try:\n"
        "    pipeline.ui.ui_message_stream_response(iter(()))\n"
        "except ImportError as error:\n"
        "    assert 'modelpipe[web]' in str(error), error\n"
        "else:\n"
        "    raise SystemExit('no ImportError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
