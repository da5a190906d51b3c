"""Server-sent events: an incremental WHATWG ``text/event-stream`` parser.

Pure parsing, no I/O: :class:`SSEDecoder` turns text into :class:`SSEEvent` objects, and :func:`iter_sse`
adapts it to an async byte stream (incremental UTF-8 decoding, a per-event size cap).

Rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
lines end with CRLF, LF or CR; a leading BOM is dropped; lines starting with ``:`` are comments;
``field:value`` drops one leading space of the value; ``data`` lines are joined with ``\\n``; unknown fields
are ignored; an ``id`` containing NUL is ignored; a non-integer ``retry`` is ignored (and so is one too long
to be a sane delay, over 18 digits); a blank line dispatches the event (only if it has data); an incomplete
event at the end of the stream is dropped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncGenerator, AsyncIterator
from typing import NamedTuple

from pipeline.errors import StreamProtocolError

__all__ = ["DEFAULT_MAX_EVENT_BYTES", "SSEDecoder", "SSEEvent", "iter_sse"]

DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024
"""Default cap on one event (its data plus the line being read), 16 MiB."""

_LINE_END = re.compile(r"\r\n|\r|\n")
_MAX_RETRY_DIGITS = 18
"""A longer ``retry`` value (over 31 million years in ms) is ignored rather than parsed."""
_BOM = "\ufeff"


class SSEEvent(NamedTuple):
    """One dispatched event. ``event`` is ``None`` when the stream named no type (``"message"`` in browsers).

    ``id`` is the last event ID seen so far in the stream (it persists across events, per the spec);
    ``retry`` is the reconnection time in ms sent since the previous event, if any. (A named tuple:
    immutable, and half the cost of a frozen dataclass to build, once per event.)
    """

    event: str | None
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental event-stream parser: call :meth:`feed` with text (or :meth:`feed_bytes` with raw
    bytes) as it arrives, then :meth:`flush`.

    ``max_event_bytes`` caps the UTF-8 bytes buffered for one event (data lines plus the unfinished line);
    exceeding it raises :class:`~pipeline.errors.StreamProtocolError`.
    """

    def __init__(self, *, max_event_bytes: int | None = None) -> None:
        self._max_event_bytes = max_event_bytes
        self._reset()

    def _reset(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._started = False
        self._skip_lf = False
        self._partial: list[str] = []
        self._partial_size = 0
        self._event_type: str | None = None
        self._data: list[str] = []
        self._data_size = 0
        self._last_id: str | None = None
        self._retry: int | None = None
        self._idle = False
        self._failure: StreamProtocolError | None = None

    def feed_bytes(self, chunk: bytes, *, final: bool = False) -> list[SSEEvent]:
        """Like :meth:`feed` for raw bytes: UTF-8 is decoded incrementally (a character split across
        chunks is kept whole; invalid bytes become U+FFFD). Pass ``final=True`` at the end of the stream."""
        if self._idle and chunk.startswith(b"data: ") and chunk.endswith(b"\n\n") and chunk.count(b"\n") == 2:
            event = self._single_data_event(chunk)
            if event is not None:
                return [event]
        events = self.feed(self._utf8.decode(chunk, final))
        self._idle = self._nothing_pending()
        return events

    def _nothing_pending(self) -> bool:
        """Between events with nothing pending: a whole ``data:`` event can be parsed on its own.

        Kept in ``_idle`` after each :meth:`feed_bytes` (the fast path leaves the state as it was).
        """
        return (
            self._started
            and self._failure is None
            and not self._skip_lf
            and not self._partial
            and not self._data
            and self._event_type is None
            and self._retry is None
            and not self._utf8.getstate()[0]
        )

    def _single_data_event(self, chunk: bytes) -> SSEEvent | None:
        """The fast path for the common chunk ``data: <one line>\\n\\n`` (no CR, nothing pending).

        Gives exactly what :meth:`feed` would; ``None`` (nothing consumed) when the line holds a CR.
        """
        if b"\r" in chunk:
            return None
        limit = self._max_event_bytes
        if limit is not None and len(chunk) - 7 > limit:  # the value's bytes plus its line break
            raise StreamProtocolError(
                f"Server-sent event exceeds the size limit of {limit} bytes", max_bytes=limit
            )
        return SSEEvent(None, chunk[6:-2].decode("utf-8", errors="replace"), self._last_id, None)

    def feed(self, text: str) -> list[SSEEvent]:
        """Parse ``text`` (any piece of the stream) and return the events completed by it.

        An event over the size limit raises :class:`~pipeline.errors.StreamProtocolError`; when ``text``
        completed events before it, they are returned first and the error is raised by the next call.
        """
        self._idle = False  # until feed_bytes looks again
        if self._failure is not None:
            raise self._failure
        if not text:
            return []
        events: list[SSEEvent] = []
        try:
            self._parse(text, events)
        except StreamProtocolError as error:
            if not events:
                raise
            self._failure = error
        return events

    def _parse(self, text: str, events: list[SSEEvent]) -> None:
        """Parse ``text``, appending each event it completes to ``events``."""
        if not self._started:
            self._started = True
            text = text.removeprefix(_BOM)
        if self._skip_lf:
            self._skip_lf = False
            text = text.removeprefix("\n")
        if "\r" in text:
            lines = _LINE_END.split(text)
            self._skip_lf = text.endswith("\r")
        else:
            lines = text.split("\n")
        rest = lines.pop()  # the unfinished last line ("" when the text ends with a line break)
        if lines and self._partial:
            self._partial.append(lines[0])
            lines[0] = "".join(self._partial)
            self._partial.clear()
            self._partial_size = 0
        for line in lines:
            if line.startswith("data:"):  # the common line, handled inline
                value = line[6:] if line.startswith(" ", 5) else line[5:]
                self._data.append(value)
                self._data_size += (len(value) if value.isascii() else _utf8_size(value)) + 1  # inlined
                self._check_size()
            elif not line:
                event = self._dispatch()
                if event is not None:
                    events.append(event)
            else:
                self._process_field(line)
        if rest:
            self._partial.append(rest)
            self._partial_size += _utf8_size(rest)
            self._check_size()

    def flush(self) -> list[SSEEvent]:
        """End of stream: drop any incomplete event (per the spec) and reset; returns no events."""
        self._reset()
        return []

    def _process_field(self, line: str) -> None:
        if line.startswith(":"):
            return
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
            self._data_size += _utf8_size(value) + 1
            self._check_size()
        elif field == "event":
            self._event_type = value
        elif field == "id" and "\0" not in value:
            self._last_id = value
        elif field == "retry" and value.isascii() and value.isdigit() and len(value) <= _MAX_RETRY_DIGITS:
            self._retry = int(value)

    def _dispatch(self) -> SSEEvent | None:
        event_type, data, retry = self._event_type, self._data, self._retry
        self._event_type, self._data, self._data_size, self._retry = None, [], 0, None
        if not data:
            return None
        joined = data[0] if len(data) == 1 else "\n".join(data)
        return SSEEvent(event_type or None, joined, self._last_id, retry)

    def _check_size(self) -> None:
        limit = self._max_event_bytes
        if limit is not None and self._data_size + self._partial_size > limit:
            raise StreamProtocolError(
                f"Server-sent event exceeds the size limit of {limit} bytes", max_bytes=limit
            )


async def iter_sse(
    chunks: AsyncIterator[bytes], *, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
) -> AsyncGenerator[SSEEvent, None]:
    """Parse an async stream of raw bytes into events.

    UTF-8 is decoded incrementally (a character split across chunks is kept whole; invalid bytes become
    U+FFFD). An event larger than ``max_event_bytes`` (UTF-8 bytes) raises
    :class:`~pipeline.errors.StreamProtocolError`.
    """
    decoder = SSEDecoder(max_event_bytes=max_event_bytes)
    async for chunk in chunks:
        for event in decoder.feed_bytes(chunk):
            yield event
    for event in decoder.feed_bytes(b"", final=True):
        yield event
    decoder.flush()


def _utf8_size(text: str) -> int:
    """The UTF-8 size of ``text`` in bytes (``isascii`` is O(1) in CPython: ASCII text costs no encoding)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", errors="surrogatepass"))
