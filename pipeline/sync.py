"""Blocking facade: generate_text_sync(), stream_text_sync(), generate_object_sync(),
stream_object_sync(), embed_sync() and embed_many_sync().

Calls run on one long-lived event loop in a background thread (an anyio blocking portal), so they
work from a plain script and from a thread whose own event loop is running, and HTTP connections
are pooled across calls.
"""

from __future__ import annotations

import atexit
import functools
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, ParamSpec, Self, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from .embed import embed, embed_many
from .generate import generate_text, stream_text
from .objects import GenerateObjectResult, StreamObjectResult, generate_object, stream_object
from .stream import StreamPart
from .stream_text_result import StreamTextResult
from .text_result import GenerateTextResult

__all__ = [
    "StreamObjectSyncResult",
    "StreamTextSyncResult",
    "embed_many_sync",
    "embed_sync",
    "generate_object_sync",
    "generate_text_sync",
    "stream_object_sync",
    "stream_text_sync",
]

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")
P = ParamSpec("P")

_lock = threading.Lock()
_portal: BlockingPortal | None = None
_portal_cm: AbstractContextManager[BlockingPortal] | None = None


def _shared_portal() -> BlockingPortal:
    global _portal, _portal_cm
    with _lock:
        if _portal is None:
            _portal_cm = start_blocking_portal()
            _portal = _portal_cm.__enter__()
            atexit.register(_stop_portal)
        return _portal


def _stop_portal() -> None:
    global _portal, _portal_cm
    with _lock:
        if _portal_cm is not None:
            _portal_cm.__exit__(None, None, None)
        _portal, _portal_cm = None, None


def _blocking(function: Callable[P, Awaitable[T]], name: str, doc: str) -> Callable[P, T]:
    """``function`` run to completion on the shared portal loop; same parameters (and signature)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return _shared_portal().call(functools.partial(function, *args, **kwargs))

    run.__name__ = run.__qualname__ = name
    run.__module__, run.__doc__ = __name__, doc
    return run


def _streaming(
    function: Callable[P, R], wrapper: Callable[[R, BlockingPortal], S], name: str, doc: str
) -> Callable[P, S]:
    """``function``'s stream, read with plain ``for`` loops through the shared portal loop."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> S:
        return wrapper(function(*args, **kwargs), _shared_portal())

    run.__name__ = run.__qualname__ = name
    run.__module__, run.__doc__ = __name__, doc
    return run


generate_text_sync = _blocking(
    generate_text,
    "generate_text_sync",
    "The blocking form of :func:`pipeline.generate.generate_text` (same arguments).",
)
generate_object_sync = _blocking(
    generate_object,
    "generate_object_sync",
    "The blocking form of :func:`pipeline.objects.generate_object` (same arguments).",
)
embed_sync = _blocking(
    embed, "embed_sync", "The blocking form of :func:`pipeline.embed.embed` (same arguments)."
)
embed_many_sync = _blocking(
    embed_many,
    "embed_many_sync",
    "The blocking form of :func:`pipeline.embed.embed_many` (same arguments).",
)


class _PortalStream:
    """Reads an async streamed result with plain ``for`` loops through the shared portal loop."""

    def __init__(self, result: StreamTextResult | StreamObjectResult[Any], portal: BlockingPortal) -> None:
        self._result = result
        self._portal = portal

    def _iterate(self, make: Callable[[], Any]) -> Iterator[Any]:
        iterator: AsyncGenerator[Any, None] = self._portal.call(_make_async, make)
        try:
            while True:
                try:
                    yield self._portal.call(iterator.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            self._portal.call(iterator.aclose)

    def close(self) -> None:
        """Stop the stream and close everything underneath."""
        self._portal.call(self._result.aclose)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StreamTextSyncResult(_PortalStream):
    """A streamed call read with plain ``for`` loops; use ``with`` (or ``close()``) to leave early."""

    _result: StreamTextResult

    @property
    def text_stream(self) -> Iterator[str]:
        """The text deltas, as they arrive."""
        return self._iterate(lambda: self._result.text_stream)

    @property
    def full_stream(self) -> Iterator[StreamPart]:
        """Every typed stream part, as it arrives."""
        return self._iterate(lambda: self._result.full_stream)

    def result(self) -> GenerateTextResult:
        """Read the rest of the stream and return the final result."""
        return self._portal.call(self._result.result)

    def text(self) -> str:
        return self.result().text


class StreamObjectSyncResult(_PortalStream):
    """A streamed structured-output call read with plain ``for`` loops; ``with`` (or ``close()``) to
    leave early."""

    _result: StreamObjectResult[Any]

    @property
    def partial_object_stream(self) -> Iterator[Any]:
        """Growing partial objects, as they arrive."""
        return self._iterate(lambda: self._result.partial_object_stream)

    @property
    def text_stream(self) -> Iterator[str]:
        """The raw JSON text deltas, as they arrive."""
        return self._iterate(lambda: self._result.text_stream)

    def result(self) -> GenerateObjectResult[Any]:
        """Read the rest of the stream and return the final, validated result."""
        return self._portal.call(self._result.result)

    def object(self) -> Any:
        """The final validated object (reads the stream to its end)."""
        return self.result().object


stream_text_sync = _streaming(
    stream_text,
    StreamTextSyncResult,
    "stream_text_sync",
    "The blocking form of :func:`pipeline.generate.stream_text`; bad input raises here.",
)
stream_object_sync = _streaming(
    stream_object,
    StreamObjectSyncResult,
    "stream_object_sync",
    "The blocking form of :func:`pipeline.objects.stream_object`; bad input raises here.",
)


async def _make_async(make: Callable[[], T]) -> T:
    """Create the async iterator on the portal's loop (async generators belong to one loop)."""
    return make()
