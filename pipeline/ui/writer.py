"""Compose a UI message stream by hand: custom ``data-*`` parts, metadata, and merged call streams
(the AI SDK's ``createUIMessageStream``)."""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectSendStream

from .stream import ErrorText, UIMessageChunk, default_error_text

__all__ = ["UIMessageStreamWriter", "create_ui_message_stream", "data_chunk"]


def data_chunk(
    name: str, data: Any, *, id: str | None = None, transient: bool | None = None
) -> UIMessageChunk:
    """A custom data part ``data-<name>``: with an ``id``, a later chunk of the same id replaces it;
    ``transient`` ones reach ``useChat``'s ``onData`` but are not kept in the message."""
    if not name or name != name.strip():
        raise ValueError(f"data part name must be a non-empty word, got {name!r}")
    chunk: UIMessageChunk = {"type": f"data-{name}"}
    if id is not None:
        chunk["id"] = id
    chunk["data"] = data
    if transient is not None:
        chunk["transient"] = transient
    return chunk


class UIMessageStreamWriter:
    """Handed to ``execute``: ``write`` one chunk, ``merge`` a whole chunk stream (in the background)."""

    def __init__(self, send: MemoryObjectSendStream[UIMessageChunk], group: anyio.abc.TaskGroup) -> None:
        self._send = send
        self._group = group

    async def write(self, chunk: UIMessageChunk) -> None:
        """Send one chunk (a dict with a ``type``, e.g. from :func:`data_chunk`)."""
        if not isinstance(chunk, dict) or not isinstance(chunk.get("type"), str):
            raise TypeError(f"a UI message chunk is a dict with a string 'type', got {type(chunk).__name__}")
        await self._send.send(chunk)

    def merge(self, chunks: AsyncIterator[UIMessageChunk]) -> None:
        """Forward every chunk of ``chunks`` (e.g. ``result.to_ui_message_stream()``) as it arrives."""
        send = self._send.clone()

        async def forward() -> None:
            async with send:
                try:
                    async for chunk in chunks:
                        await send.send(chunk)
                finally:
                    close = getattr(chunks, "aclose", None)
                    if close is not None:
                        with anyio.CancelScope(shield=True):
                            await close()

        self._group.start_soon(forward)


async def create_ui_message_stream(
    execute: Callable[[UIMessageStreamWriter], Awaitable[None]], *, on_error: ErrorText = default_error_text
) -> AsyncGenerator[UIMessageChunk, None]:
    """The chunks ``execute`` writes or merges, in arrival order; ends when ``execute`` and every merged
    stream are done. An exception in ``execute`` becomes an ``error`` chunk (see ``on_error``)."""
    send, receive = anyio.create_memory_object_stream[UIMessageChunk](math.inf)
    async with anyio.create_task_group() as group:
        writer = UIMessageStreamWriter(send, group)

        async def run() -> None:
            async with send:
                try:
                    await execute(writer)
                except Exception as error:
                    await send.send({"type": "error", "errorText": on_error(error)})

        group.start_soon(run)
        try:
            async with receive:
                async for chunk in receive:
                    yield chunk
        finally:
            group.cancel_scope.cancel()
