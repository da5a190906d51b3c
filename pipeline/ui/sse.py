"""The UI message stream's wire format: Server-Sent Events, one JSON chunk per ``data:`` line."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Final

import anyio

from .stream import UIMessageChunk

__all__ = ["UI_MESSAGE_STREAM_HEADERS", "encode_sse_chunk", "to_sse"]

UI_MESSAGE_STREAM_HEADERS: Final = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "connection": "keep-alive",
    "x-vercel-ai-ui-message-stream": "v1",
    "x-accel-buffering": "no",
}
"""The response headers the AI SDK sends with a UI message stream (``useChat`` checks the version)."""

_DONE: Final = "data: [DONE]\n\n"


def encode_sse_chunk(chunk: UIMessageChunk) -> str:
    """One chunk as an SSE event (compact JSON, as ``JSON.stringify`` writes it)."""
    return f"data: {json.dumps(chunk, separators=(',', ':'), ensure_ascii=False)}\n\n"


async def to_sse(chunks: AsyncIterator[UIMessageChunk]) -> AsyncGenerator[str, None]:
    """The SSE events of ``chunks``, then ``data: [DONE]``. Closing this closes ``chunks`` too."""
    try:
        async for chunk in chunks:
            yield encode_sse_chunk(chunk)
        yield _DONE
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await close()
