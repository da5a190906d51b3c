"""A fast loopback server speaking the OpenAI chat-completions wire protocol, for benchmarks.

Run it in its own process (``python -m benchmarks.server``); it prints ``PORT <n>`` once listening.
Every reply is precomputed bytes, so its cost per request is a fraction of any client's: the runner
measures it from ``GET /stats`` (requests served, connections that carried a chat request, and the
server process's own CPU seconds).

``POST /v1/chat/completions`` answers a ``chat.completion`` JSON body, or with ``"stream": true`` an
event stream of :data:`STREAM_CHUNKS` text deltas (each its own chunk), a finish chunk, a usage chunk
and ``[DONE]``. ``POST /v1/responses`` answers the same text as a Responses API ``response`` body, or
streamed as ``response.created``, the message item, :data:`STREAM_CHUNKS` ``output_text`` deltas and
``response.completed``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import time
from typing import Any

__all__ = [
    "ANSWER_TEXT",
    "STREAM_CHUNKS",
    "completion_bytes",
    "main",
    "responses_bytes",
    "responses_stream_bytes",
    "stream_event_bytes",
]

ANSWER_TEXT = "Hello from the loopback benchmark server!"
STREAM_CHUNKS = 50
_MODEL = "gpt-4o-mini-2024-07-18"
_STREAM_FLAG = re.compile(rb'"stream"\s*:\s*true')
_USAGE = {"prompt_tokens": 12, "completion_tokens": STREAM_CHUNKS, "total_tokens": 12 + STREAM_CHUNKS}


def completion_bytes() -> bytes:
    """The whole HTTP response (head and body) for a non-streaming call."""
    body = json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1711115037,
            "model": _MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ANSWER_TEXT, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": _USAGE,
            "system_fingerprint": "fp_bench",
        }
    ).encode()
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def _chunk(delta: dict[str, Any] | None, finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1711115037,
        "model": _MODEL,
        "system_fingerprint": "fp_bench",
        "choices": []
        if delta is None
        else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def stream_event_bytes() -> list[bytes]:
    """The response head, then one chunked-encoding chunk per server-sent event, then the last chunk."""
    payloads = [json.dumps(_chunk({"role": "assistant", "content": ""}))]
    payloads += [json.dumps(_chunk({"content": f"tok{index} "})) for index in range(STREAM_CHUNKS)]
    payloads.append(json.dumps(_chunk({}, "stop")))
    payloads.append(json.dumps({**_chunk(None), "usage": _USAGE}))
    payloads.append("[DONE]")
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    events = [f"data: {payload}\n\n".encode() for payload in payloads]
    return [head, *(b"%x\r\n%s\r\n" % (len(event), event) for event in events), b"0\r\n\r\n"]


def _response(text: str, status: str = "completed") -> dict[str, Any]:
    return {
        "id": "resp_bench",
        "object": "response",
        "created_at": 1711115037,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "model": _MODEL,
        "output": [
            {
                "id": "msg_bench",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
            }
        ]
        if status == "completed"
        else [],
        "service_tier": "default",
        "usage": {
            "input_tokens": 12,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": STREAM_CHUNKS,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 12 + STREAM_CHUNKS,
        },
    }


def responses_bytes() -> bytes:
    """The whole HTTP response for a non-streaming ``POST /v1/responses``."""
    body = json.dumps(_response(ANSWER_TEXT)).encode()
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def responses_stream_bytes() -> list[bytes]:
    """A streamed ``POST /v1/responses``: head, one chunk per event, last chunk."""
    text = "".join(f"tok{index} " for index in range(STREAM_CHUNKS))
    item = {"id": "msg_bench", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    done_item = _response(text)["output"][0]
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": _response("", "in_progress")},
        {"type": "response.output_item.added", "output_index": 0, "item": item},
    ]
    events += [
        {
            "type": "response.output_text.delta",
            "item_id": "msg_bench",
            "output_index": 0,
            "content_index": 0,
            "delta": f"tok{index} ",
        }
        for index in range(STREAM_CHUNKS)
    ]
    events += [
        {"type": "response.output_item.done", "output_index": 0, "item": done_item},
        {"type": "response.completed", "response": _response(text)},
    ]
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    encoded = [
        f"event: {event['type']}\ndata: {json.dumps({**event, 'sequence_number': number})}\n\n".encode()
        for number, event in enumerate(events)
    ]
    return [head, *(b"%x\r\n%s\r\n" % (len(event), event) for event in encoded), b"0\r\n\r\n"]


class _Stats:
    def __init__(self) -> None:
        self.requests = 0
        self.chat_connections = 0
        self.live = 0

    def body(self) -> bytes:
        return json.dumps(
            {
                "requests": self.requests,
                "chat_connections": self.chat_connections,
                "live_connections": self.live,
                "cpu_seconds": time.process_time(),
            }
        ).encode()


class _Connection(asyncio.Protocol):
    def __init__(self, stats: _Stats, completion: bytes, stream: list[bytes]) -> None:
        self._stats = stats
        self._completion = completion
        self._stream = stream
        self._responses = responses_bytes()
        self._responses_stream = responses_stream_bytes()
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._counted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._stats.live += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._stats.live -= 1

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            head_end = self._buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self._buffer[:head_end]
            length = _content_length(head)
            end = head_end + 4 + length
            if len(self._buffer) < end:
                return
            body = self._buffer[head_end + 4 : end]
            self._buffer = self._buffer[end:]
            self._answer(head, body)

    def _answer(self, head: bytes, body: bytes) -> None:
        transport = self._transport
        assert transport is not None
        if head.startswith(b"GET /stats"):
            stats = self._stats.body()
            transport.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(stats), stats)
            )
            transport.close()
            return
        self._stats.requests += 1
        if not self._counted:
            self._counted = True
            self._stats.chat_connections += 1
        responses = head.startswith(b"POST /v1/responses")
        if _STREAM_FLAG.search(body):
            for piece in self._responses_stream if responses else self._stream:
                transport.write(piece)
        else:
            transport.write(self._responses if responses else self._completion)


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


async def _serve(port: int) -> None:
    stats = _Stats()
    completion, stream = completion_bytes(), stream_event_bytes()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Connection(stats, completion, stream), "127.0.0.1", port, backlog=1024
    )
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(_serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
