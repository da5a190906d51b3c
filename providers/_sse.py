"""Server-sent events: an incremental WHATWG ``text/event-stream`` parser.

Pure parsing, no I/O: :class:`SSEDecoder` turns text into :class:`SSEEvent` objects, and :func:`iter_sse`
adapts it to an async byte stream (incremental UTF-8 decoding, a per-event size cap).

Rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
lines end with CRLF, LF or CR; a leading BOM is dropped; lines starting with ``:`` are comments;
``field:value`` drops one leading space of the value; ``data`` lines are joined with ``\\n``; unknown fields
are ignored; an ``id`` containing NUL is ignored; a non-integer ``retry`` is ignored; a blank line dispatches
the event (only if it has data); an incomplete event at the end of the stream is dropped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from pipeline.errors import StreamProtocolError

__all__ = ["DEFAULT_MAX_EVENT_BYTES", "SSEDecoder", "SSEEvent", "iter_sse"]

DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024
"""Default cap on one event (its data plus the line being read), 16 MiB."""

_LINE_END = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass(frozen=True)
class SSEEvent:
    """One dispatched event. ``event`` is ``None`` when the stream named no type (``"message"`` in browsers).

    ``id`` is the last event ID seen so far in the stream (it persists across events, per the spec);
    ``retry`` is the reconnection time in ms sent since the previous event, if any.
    """

    event: str | None
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental event-stream parser: call :meth:`feed` with text as it arrives, then :meth:`flush`.

    ``max_event_size`` caps the characters buffered for one event (data lines plus the unfinished line);
    exceeding it raises :class:`~pipeline.errors.StreamProtocolError`.
    """

    def __init__(self, *, max_event_size: int | None = None) -> None:
        self._max_event_size = max_event_size
        self._reset()

    def _reset(self) -> None:
        self._started = False
        self._skip_lf = False
        self._partial: list[str] = []
        self._partial_size = 0
        self._event_type: str | None = None
        self._data: list[str] = []
        self._data_size = 0
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, text: str) -> list[SSEEvent]:
        """Parse ``text`` (any piece of the stream) and return the events completed by it."""
        if not text:
            return []
        if not self._started:
            self._started = True
            text = text.removeprefix(_BOM)
        if self._skip_lf:
            self._skip_lf = False
            text = text.removeprefix("\n")
        events: list[SSEEvent] = []
        position = 0
        for match in _LINE_END.finditer(text):
            line = text[position : match.start()]
            if self._partial:
                self._partial.append(line)
                line = "".join(self._partial)
                self._partial.clear()
                self._partial_size = 0
            position = match.end()
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        if text.endswith("\r"):
            self._skip_lf = True
        rest = text[position:]
        if rest:
            self._partial.append(rest)
            self._partial_size += len(rest)
            self._check_size()
        return events

    def flush(self) -> list[SSEEvent]:
        """End of stream: drop any incomplete event (per the spec) and reset; returns no events."""
        self._reset()
        return []

    def _process_line(self, line: str) -> SSEEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
            self._data_size += len(value) + 1
            self._check_size()
        elif field == "event":
            self._event_type = value
        elif field == "id" and "\0" not in value:
            self._last_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> SSEEvent | None:
        event_type, data, retry = self._event_type, self._data, self._retry
        self._event_type, self._data, self._data_size, self._retry = None, [], 0, None
        if not data:
            return None
        return SSEEvent(event=event_type or None, data="\n".join(data), id=self._last_id, retry=retry)

    def _check_size(self) -> None:
        limit = self._max_event_size
        if limit is not None and self._data_size + self._partial_size > limit:
            raise StreamProtocolError(
                f"Server-sent event exceeds the size limit of {limit} bytes", max_bytes=limit
            )


async def iter_sse(
    chunks: AsyncIterator[bytes], *, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> AsyncGenerator[SSEEvent, None]:
    """Parse an async stream of raw bytes into events.

    UTF-8 is decoded incrementally (a character split across chunks is kept whole; invalid bytes become
    U+FFFD). An event larger than ``max_event_bytes`` (counted in decoded characters) raises
    :class:`~pipeline.errors.StreamProtocolError`.
    """
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
    decoder = SSEDecoder(max_event_size=max_event_bytes)
    async for chunk in chunks:
        for event in decoder.feed(utf8.decode(chunk)):
            yield event
    for event in decoder.feed(utf8.decode(b"", final=True)):
        yield event
    decoder.flush()
