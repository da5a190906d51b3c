"""The UI message stream as a Starlette (FastAPI) response: SSE with the protocol's headers.

Starlette is the optional ``web`` extra (``pip install 'modelpipe[web]'``); it is imported when a
response is made, so the rest of the library works without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio

from .sse import UI_MESSAGE_STREAM_HEADERS, to_sse
from .stream import UIMessageChunk

__all__ = ["ui_message_stream_response"]


def ui_message_stream_response(
    chunks: AsyncIterator[UIMessageChunk], *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Any:
    """A ``StreamingResponse`` sending ``chunks`` as the UI message stream (``x-vercel-ai-ui-message-stream:
    v1``). A client that disconnects cancels the stream at once, even while it waits for the model."""
    try:
        from starlette.responses import StreamingResponse
        from starlette.types import Receive, Scope, Send
    except ImportError as error:
        raise ImportError(
            "UI message stream responses need Starlette: pip install 'modelpipe[web]'"
        ) from error

    class UIMessageStreamResponse(StreamingResponse):
        """Streams until done or until the client disconnects, then closes the body (and the call)."""

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            body = self.body_iterator
            try:
                async with anyio.create_task_group() as group:

                    async def stream() -> None:
                        with contextlib.suppress(OSError):  # OSError: the connection is gone
                            await self.stream_response(send)
                        group.cancel_scope.cancel()

                    async def watch() -> None:
                        await self.listen_for_disconnect(receive)
                        group.cancel_scope.cancel()

                    group.start_soon(stream)
                    group.start_soon(watch)
            finally:
                close = getattr(body, "aclose", None)
                if close is not None:
                    with anyio.CancelScope(shield=True):
                        await close()

    return UIMessageStreamResponse(
        to_sse(chunks), status_code=status, headers={**UI_MESSAGE_STREAM_HEADERS, **(headers or {})}
    )
