"""The WHATWG event-stream parser: spec cases, arbitrary chunk splits, UTF-8 splits and the size cap."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import StreamProtocolError
from providers._sse import SSEDecoder, SSEEvent, iter_sse


def parse_whole(text: str) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events = decoder.feed(text)
    assert decoder.flush() == []
    return events


def reference_parse(text: str) -> list[SSEEvent]:
    """An independent, whole-text reading of the WHATWG rules, to compare the incremental parser with."""
    text = text.removeprefix("\ufeff")
    *lines, _incomplete = re.split(r"\r\n|\r|\n", text)
    events: list[SSEEvent] = []
    event_type: str | None = None
    data: list[str] = []
    last_id: str | None = None
    retry: int | None = None
    for line in lines:
        if line == "":
            if data:
                events.append(SSEEvent(event_type or None, "\n".join(data), last_id, retry))
            event_type, data, retry = None, [], None
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            name, value = line.split(":", 1)
            value = value[1:] if value.startswith(" ") else value
        else:
            name, value = line, ""
        if name == "data":
            data.append(value)
        elif name == "event":
            event_type = value
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and re.fullmatch(r"[0-9]+", value):
            retry = int(value)
    return events


async def chunks_of(data: bytes, cuts: list[int]) -> AsyncIterator[bytes]:
    previous = 0
    for cut in sorted(set(cuts)):
        yield data[previous:cut]
        previous = cut
    yield data[previous:]


async def parse_bytes(data: bytes, cuts: list[int], **options: int) -> list[SSEEvent]:
    return [event async for event in iter_sse(chunks_of(data, cuts), **options)]


SPEC_CASES: list[tuple[str, str, list[SSEEvent]]] = [
    ("lf", "data: a\n\n", [SSEEvent(None, "a")]),
    ("crlf", "data: a\r\n\r\n", [SSEEvent(None, "a")]),
    ("cr", "data: a\r\rdata: b\r\r", [SSEEvent(None, "a"), SSEEvent(None, "b")]),
    ("mixed endings", "data: a\r\ndata: b\rdata: c\n\r\n", [SSEEvent(None, "a\nb\nc")]),
    ("multi-line data", "data: one\ndata: two\ndata:\n\n", [SSEEvent(None, "one\ntwo\n")]),
    ("no space after colon", "data:x\n\n", [SSEEvent(None, "x")]),
    ("only one space dropped", "data:  x\n\n", [SSEEvent(None, " x")]),
    ("field without colon", "data\n\n", [SSEEvent(None, "")]),
    ("comment ignored", ": keep-alive\ndata: a\n: more\n\n", [SSEEvent(None, "a")]),
    ("only comments", ": ping\n\n: ping\n\n", []),
    ("bom stripped", "\ufeffdata: a\n\n", [SSEEvent(None, "a")]),
    ("second bom kept", "\ufeff\ufeffdata: a\n\ndata: b\n\n", [SSEEvent(None, "b")]),
    ("event name", "event: delta\ndata: {}\n\n", [SSEEvent("delta", "{}")]),
    ("empty event name is None", "event:\ndata: a\n\n", [SSEEvent(None, "a")]),
    ("event name reset", "event: x\ndata: 1\n\ndata: 2\n\n", [SSEEvent("x", "1"), SSEEvent(None, "2")]),
    ("event without data not dispatched", "event: ping\n\ndata: a\n\n", [SSEEvent(None, "a")]),
    ("unknown field ignored", "foo: bar\ndata: a\nDATA: b\n\n", [SSEEvent(None, "a")]),
    ("id persists", "id: 7\ndata: a\n\ndata: b\n\n", [SSEEvent(None, "a", "7"), SSEEvent(None, "b", "7")]),
    ("id with nul ignored", "id: 1\n\nid: 2\0x\ndata: a\n\n", [SSEEvent(None, "a", "1")]),
    (
        "empty id resets",
        "id: 1\ndata: a\n\nid\ndata: b\n\n",
        [SSEEvent(None, "a", "1"), SSEEvent(None, "b", "")],
    ),
    ("retry integer", "retry: 1500\ndata: a\n\n", [SSEEvent(None, "a", None, 1500)]),
    (
        "retry not integer",
        "retry: 1.5\ndata: a\n\nretry: x1\ndata: b\n\n",
        [SSEEvent(None, "a"), SSEEvent(None, "b")],
    ),
    (
        "retry only for its event",
        "retry: 5\ndata: a\n\ndata: b\n\n",
        [SSEEvent(None, "a", None, 5), SSEEvent(None, "b")],
    ),
    ("trailing event dropped", "data: a\n\ndata: b\n", [SSEEvent(None, "a")]),
    ("unterminated line dropped", "data: a\n\ndata: b", [SSEEvent(None, "a")]),
    ("colon in value kept", 'data: {"a": 1}\n\n', [SSEEvent(None, '{"a": 1}')]),
    ("done marker is plain data", "data: [DONE]\n\n", [SSEEvent(None, "[DONE]")]),
]


@pytest.mark.parametrize(
    ("stream", "expected"), [(s, e) for _, s, e in SPEC_CASES], ids=[name for name, _, _ in SPEC_CASES]
)
def test_spec_cases(stream: str, expected: list[SSEEvent]) -> None:
    assert parse_whole(stream) == expected
    assert reference_parse(stream) == expected


@pytest.mark.parametrize(
    ("stream", "expected"), [(s, e) for _, s, e in SPEC_CASES], ids=[name for name, _, _ in SPEC_CASES]
)
def test_spec_cases_fed_one_character_at_a_time(stream: str, expected: list[SSEEvent]) -> None:
    decoder = SSEDecoder()
    events = [event for char in stream for event in decoder.feed(char)]
    assert events == expected


def test_crlf_split_across_feeds_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed("data: a\r") == []
    assert decoder.feed("\n") == []
    assert decoder.feed("\r") == [SSEEvent(None, "a")]
    assert decoder.feed("\ndata: b\r\n\r\n") == [SSEEvent(None, "b")]


def test_flush_drops_the_incomplete_event_and_resets() -> None:
    decoder = SSEDecoder()
    decoder.feed("event: x\nid: 3\ndata: partial\n")
    assert decoder.flush() == []
    assert decoder.feed("data: next\n\n") == [SSEEvent(None, "next")]


_line_endings = st.sampled_from(["\n", "\r", "\r\n"])
_characters = st.characters(categories=["L", "N", "P", "S", "Zs", "Cc"], exclude_characters="\r\n")
_values = st.text(_characters, max_size=12)
_lines = st.one_of(
    st.tuples(st.sampled_from(["data", "event", "id", "retry", "other", "data ", ""]), _values).map(
        lambda pair: f"{pair[0]}:{pair[1]}"
    ),
    st.builds(lambda value: "data: " + value, _values),
    st.builds(lambda value: "retry: " + value, st.integers(0, 10**6).map(str)),
    st.just(""),
    st.just("data"),
)


@st.composite
def event_streams(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", "\ufeff"]))]
    for line in draw(st.lists(_lines, max_size=25)):
        parts.append(line + draw(_line_endings))
    parts.append(draw(st.sampled_from(["", "data: tail", "data: tail\n"])))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(stream=event_streams(), data=st.data())
async def test_any_byte_split_gives_the_same_events(stream: str, data: st.DataObject) -> None:
    encoded = stream.encode("utf-8")
    cuts = data.draw(st.lists(st.integers(0, len(encoded)), max_size=12))
    expected = reference_parse(stream)
    assert parse_whole(stream) == expected
    assert await parse_bytes(encoded, cuts) == expected


async def test_multibyte_characters_split_across_chunks() -> None:
    payload = "data: héllo 🌍 日本\n\n".encode()
    every_byte = list(range(1, len(payload)))
    assert await parse_bytes(payload, every_byte) == [SSEEvent(None, "héllo 🌍 日本")]


async def test_bom_split_across_chunks_is_stripped() -> None:
    assert await parse_bytes(b"\xef\xbb\xbfdata: a\n\n", [1, 2]) == [SSEEvent(None, "a")]


async def test_invalid_utf8_becomes_replacement_character() -> None:
    assert await parse_bytes(b"data: a\xffb\n\n", []) == [SSEEvent(None, "a\ufffdb")]


async def test_event_over_the_cap_raises_typed_error() -> None:
    big = b"data: " + b"x" * 2000 + b"\n\n"
    with pytest.raises(StreamProtocolError) as caught:
        await parse_bytes(big, [100, 500], max_event_bytes=1000)
    assert caught.value.max_bytes == 1000
    assert "1000" in str(caught.value)


async def test_line_without_newline_over_the_cap_raises_before_buffering_more() -> None:
    async def endless() -> AsyncIterator[bytes]:
        yield b"data: "
        for _ in range(1000):
            yield b"y" * 100

    with pytest.raises(StreamProtocolError):
        async for _ in iter_sse(endless(), max_event_bytes=5000):
            pass


async def test_many_data_lines_count_towards_the_cap() -> None:
    stream = b"".join(b"data: " + b"z" * 50 + b"\n" for _ in range(100)) + b"\n"
    with pytest.raises(StreamProtocolError):
        await parse_bytes(stream, [], max_event_bytes=1000)


async def test_cap_applies_per_event_not_per_stream() -> None:
    stream = b"".join(b"data: " + b"z" * 500 + b"\n\n" for _ in range(100))
    events = await parse_bytes(stream, [7, 900, 20000], max_event_bytes=1000)
    assert len(events) == 100
    assert all(event.data == "z" * 500 for event in events)


def test_feed_bytes_keeps_a_split_character_and_flush_forgets_it() -> None:
    decoder = SSEDecoder()
    assert decoder.feed_bytes(b"data: caf\xc3") == []
    assert decoder.feed_bytes(b"\xa9\n\n") == [SSEEvent(None, "caf\u00e9")]
    assert decoder.feed_bytes(b"data: \xc3") == []
    assert decoder.flush() == []
    assert decoder.feed_bytes(b"data: x\n\n") == [SSEEvent(None, "x")]


def test_feed_splits_lines_on_every_line_ending_in_one_piece() -> None:
    text = "data: a\r\ndata:b\rdata\n\nevent: e\r\nid: 7\ndata:  c\r\r"
    assert SSEDecoder().feed(text) == [SSEEvent(None, "a\nb\n"), SSEEvent("e", " c", "7")]


_WHOLE_EVENTS = st.sampled_from(
    ["data: a\n\n", 'data: {"x": 1}\n\n', "data: é\n\n", "data: a\rb\n\n", "data: \n\n"]
)
_OTHER_PIECES = st.sampled_from(
    ["id: 7\n", "event: kind\n", "retry: 5\n", "data: p\n", "da", "\r", ": note\n", "\n", "data: x\r\n\r\n"]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(_WHOLE_EVENTS, _OTHER_PIECES), max_size=20), bom=st.booleans())
def test_whole_event_chunks_after_any_state_match_the_reference(pieces: list[str], bom: bool) -> None:
    """Feeding one piece at a time (a whole ``data:`` event takes the fast path when nothing is pending)
    gives the events of the reference parser."""
    stream = ("\ufeff" if bom else "") + "".join(pieces)
    decoder = SSEDecoder()
    events = [] if not bom else decoder.feed_bytes("\ufeff".encode())
    for piece in pieces:
        events += decoder.feed_bytes(piece.encode("utf-8"))
    assert events == reference_parse(stream)


def test_whole_event_chunk_after_a_split_character_keeps_the_pending_bytes() -> None:
    decoder = SSEDecoder()
    assert decoder.feed_bytes(b"data: a\n\n") == [SSEEvent(None, "a")]
    assert decoder.feed_bytes(b"\xc3") == []
    assert decoder.feed_bytes(b"data: b\n\n") == []  # the line is "\ufffddata: b": an unknown field


def test_whole_event_chunk_with_invalid_utf8_becomes_replacement_character() -> None:
    decoder = SSEDecoder()
    decoder.feed_bytes(b": start\n")
    assert decoder.feed_bytes(b"data: a\xffb\n\n") == [SSEEvent(None, "a\ufffdb")]


def test_whole_event_chunk_over_the_cap_raises() -> None:
    decoder = SSEDecoder(max_event_bytes=4)
    decoder.feed_bytes(b": start\n")
    assert decoder.feed_bytes(b"data: abc\n\n") == [SSEEvent(None, "abc")]
    with pytest.raises(StreamProtocolError):
        decoder.feed_bytes(b"data: abcd\n\n")


def test_events_completed_before_an_event_over_the_cap_come_first_then_the_error() -> None:
    """A network read can hold several events: those before the one over the cap are handed out, and
    the error is raised by the next feed (the end of the stream included), never swallowed."""
    decoder = SSEDecoder(max_event_bytes=8)
    decoder.feed_bytes(b": start\n")
    read = b"data: one\n\ndata: two\n\ndata: " + b"x" * 20 + b"\n\n"
    assert [event.data for event in decoder.feed_bytes(read)] == ["one", "two"]
    with pytest.raises(StreamProtocolError):
        decoder.feed_bytes(b"data: three\n\n")  # not taken by the whole-event fast path either
    ended = SSEDecoder(max_event_bytes=8)
    assert [event.data for event in ended.feed_bytes(read)] == ["one", "two"]
    with pytest.raises(StreamProtocolError):
        ended.feed_bytes(b"", final=True)


def test_text_fed_between_byte_chunks_is_never_skipped_by_the_fast_path() -> None:
    decoder = SSEDecoder()
    assert [event.data for event in decoder.feed_bytes(b"data: x\n\n")] == ["x"]
    assert [event.data for event in decoder.feed_bytes(b"data: y\n\n")] == ["y"]  # the fast path
    assert decoder.feed("data: a") == []  # an unfinished line fed as text
    assert [event.data for event in decoder.feed_bytes(b"data: b\n\n")] == ["adata: b"]
    assert [event.data for event in decoder.feed_bytes(b"data: z\n\n")] == ["z"]


def test_the_event_cap_counts_utf8_bytes_not_characters() -> None:
    """Four characters of three bytes each are 12 bytes: over a cap of 10, on both parsing paths."""
    decoder = SSEDecoder(max_event_bytes=10)
    decoder.feed_bytes(b": start\n")
    with pytest.raises(StreamProtocolError):
        decoder.feed_bytes("data: €€€€\n\n".encode())  # the whole-event fast path
    with pytest.raises(StreamProtocolError):
        SSEDecoder(max_event_bytes=10).feed("data: €€€€\n\n")  # the line parser
    assert SSEDecoder(max_event_bytes=10).feed("data: €€€\n\n") == [SSEEvent(None, "€€€")]


def test_a_retry_field_of_thousands_of_digits_is_ignored_not_an_error() -> None:
    decoder = SSEDecoder()
    events = decoder.feed("retry: " + "9" * 5000 + "\ndata: x\n\n")
    assert events == [SSEEvent(None, "x", None, None)]
    assert decoder.feed("retry: 1500\ndata: y\n\n") == [SSEEvent(None, "y", None, 1500)]
