"""The pooled connections' HTTP/1.1 framing and parse (providers/_http1_wire.py), checked against h11,
the parser httpcore ships and the one they replace: the same bytes must give the same request bytes,
the same response head and body, and the same refusals."""

from __future__ import annotations

import gc

import h11
import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers._http1_wire import MAX_RESPONSE_HEAD, BodyFramer, ResponseReader, request_head

_HEADERS = [(b"Host", b"api.example.com"), (b"Content-Type", b"application/json"), (b"Content-Length", b"2")]


def _h11_request(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> bytes:
    connection = h11.Connection(h11.CLIENT)
    wire = connection.send(h11.Request(method=method, target=target, headers=headers)) or b""
    for chunk in chunks:
        wire += connection.send(h11.Data(data=chunk)) or b""
    return wire + (connection.send(h11.EndOfMessage()) or b"")


def _ours(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> bytes:
    head, framer = request_head(method, target, headers)
    return head + b"".join(framer.frame(chunk) for chunk in chunks) + framer.end()


@pytest.mark.parametrize(
    ("target", "headers", "chunks"),
    [
        pytest.param(b"/v1/chat?x=1", _HEADERS, [b"{}"], id="sized"),
        pytest.param(
            b"/",
            [(b"Host", b"h"), (b"Transfer-Encoding", b"chunked")],
            [b"abc", b"", b"0123456789abcdefX"],
            id="chunked",
        ),
        pytest.param(b"/", [(b"Host", b"h")], [], id="no-body"),
    ],
)
def test_a_request_is_the_bytes_h11_writes(
    target: bytes, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> None:
    assert _ours(b"POST", target, headers, chunks) == _h11_request(b"POST", target, headers, chunks)


def _host_and(*headers: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    return [(b"Host", b"h"), *headers]


@pytest.mark.parametrize(
    ("method", "target", "headers", "message"),
    [
        pytest.param(
            b"POST",
            b"/",
            _host_and((b"X-A", b"1\r\nX-Injected: 1")),
            "Illegal header value",
            id="crlf-in-value",
        ),
        pytest.param(b"POST", b"/", _host_and((b"X-A", b"1\n")), "Illegal header value", id="lf-in-value"),
        pytest.param(
            b"POST", b"/", _host_and((b"X-A", b"a\x00b")), "Illegal header value", id="nul-in-value"
        ),
        pytest.param(
            b"POST", b"/", _host_and((b"X-A", b" padded")), "Illegal header value", id="leading-space"
        ),
        pytest.param(b"POST", b"/", _host_and((b"X A", b"1")), "Illegal header name", id="space-in-name"),
        pytest.param(b"POST", b"/", _host_and((b"X-A:", b"1")), "Illegal header name", id="colon-in-name"),
        pytest.param(b"POST", b"/", _host_and((b"", b"1")), "Illegal header name", id="empty-name"),
        pytest.param(b"PO ST", b"/", _host_and(), "Illegal method", id="space-in-method"),
        pytest.param(b"POST", b"/a b", _host_and(), "Illegal target", id="space-in-target"),
        pytest.param(b"POST", b"/\r\nX: y", _host_and(), "Illegal target", id="crlf-in-target"),
        pytest.param(b"POST", b"/", [], "Missing mandatory Host", id="no-host"),
        pytest.param(b"POST", b"/", _host_and((b"host", b"b")), "multiple Host", id="two-hosts"),
        pytest.param(
            b"POST", b"/", _host_and((b"Content-Length", b"1, 2")), "conflicting Content-Length", id="cl-list"
        ),
        pytest.param(
            b"POST",
            b"/",
            _host_and((b"Content-Length", b"1"), (b"content-length", b"2")),
            "conflicting Content-Length",
            id="two-cl",
        ),
        pytest.param(
            b"POST", b"/", _host_and((b"Content-Length", b"-1")), "bad Content-Length", id="cl-sign"
        ),
        pytest.param(
            b"POST", b"/", _host_and((b"Transfer-Encoding", b"gzip")), "Only Transfer-Encoding", id="te-gzip"
        ),
    ],
)
def test_a_request_h11_refuses_is_refused_before_a_byte_leaves(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], message: str
) -> None:
    with pytest.raises(h11.LocalProtocolError):
        _h11_request(method, target, headers, [])
    with pytest.raises(httpcore.LocalProtocolError, match=message):
        request_head(method, target, headers)


def test_a_body_must_match_its_declared_length() -> None:
    framer = BodyFramer(3)
    assert framer.frame(b"ab") == b"ab"
    with pytest.raises(httpcore.LocalProtocolError, match="Too little data"):
        framer.end()
    with pytest.raises(httpcore.LocalProtocolError, match="Too much data"):
        framer.frame(b"cd")
    _, no_length = request_head(b"POST", b"/", [(b"Host", b"h")])
    with pytest.raises(httpcore.LocalProtocolError, match="Too much data"):
        no_length.frame(b"x")


def test_connection_close_in_the_request_is_remembered() -> None:
    _, framer = request_head(b"GET", b"/", [(b"Host", b"h"), (b"Connection", b"Close")])
    assert framer.asks_close
    _, framer = request_head(b"GET", b"/", [(b"Host", b"h"), (b"Connection", b"keep-alive")])
    assert not framer.asks_close


# The response side, differentially against h11.

_header_names = st.sampled_from([b"x-request-id", b"Content-Type", b"openai-model", b"Set-Cookie", b"X-A"])
_header_values = st.binary(min_size=1, max_size=30).map(
    lambda raw: bytes(32 + byte % 95 for byte in raw).strip() or b"v"
)


@st.composite
def _responses(draw: st.DrawFn) -> tuple[bytes, int, list[tuple[bytes, bytes]], bytes]:
    status = draw(st.sampled_from([200, 201, 400, 404, 429, 500, 503]))
    headers = draw(st.lists(st.tuples(_header_names, _header_values), max_size=6))
    body = draw(st.binary(max_size=300))
    if draw(st.booleans()):
        chunks = draw(st.lists(st.binary(min_size=1, max_size=80), max_size=5))
        body = b"".join(chunks)
        framing = [(b"Transfer-Encoding", b"chunked")]
        wire_body = b"".join(b"%x\r\n%b\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"
    else:
        framing = [(b"Content-Length", str(len(body)).encode())]
        wire_body = body
    all_headers = headers + framing
    head = b"HTTP/1.1 %d Reason Phrase\r\n" % status + b"".join(
        n + b": " + v + b"\r\n" for n, v in all_headers
    )
    return head + b"\r\n" + wire_body, status, all_headers, body


def _h11_parse(wire: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    connection = h11.Connection(h11.CLIENT)
    connection.send(
        h11.Request(method=b"POST", target=b"/", headers=[(b"Host", b"h"), (b"Content-Length", b"0")])
    )
    connection.send(h11.EndOfMessage())
    connection.receive_data(wire)
    response = connection.next_event()
    assert isinstance(response, h11.Response)
    body = b""
    while type(event := connection.next_event()) is h11.Data:
        body += event.data
    assert type(event) is h11.EndOfMessage
    return response.status_code, list(response.headers.raw_items()), body


def _read(wire: bytes, cuts: list[int]) -> ResponseReader:
    reader = ResponseReader()
    start = 0
    for cut in sorted({*cuts, len(wire)}):
        reader.feed(wire[start:cut])
        start = cut
    return reader


@given(_responses(), st.lists(st.integers(min_value=1, max_value=700), max_size=6))
def test_a_response_split_anywhere_parses_as_h11_parses_it(
    response: tuple[bytes, int, list[tuple[bytes, bytes]], bytes], cuts: list[int]
) -> None:
    wire, status, _, body = response
    reader = _read(wire, [cut for cut in cuts if cut < len(wire)])
    h11_status, h11_headers, h11_body = _h11_parse(wire)
    assert (reader.status, b"".join(reader.pieces)) == (h11_status, h11_body) == (status, body)
    assert [(name.lower(), value) for name, value in reader.headers] == [
        (name.lower(), value) for name, value in h11_headers
    ]
    assert reader.complete and reader.keep_alive and not reader.stray
    assert reader.reason == b"Reason Phrase"
    assert reader.http_version == b"HTTP/1.1"


def test_informational_responses_before_the_answer_are_skipped() -> None:
    reader = _read(
        b"HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi", [7, 30]
    )
    assert (reader.status, reader.reason, reader.headers, reader.pieces) == (
        200,
        b"OK",
        [(b"content-length", b"2")],
        [b"hi"],
    )
    assert reader.complete and reader.keep_alive


def test_a_body_without_a_length_ends_with_the_connection() -> None:
    reader = _read(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", [])
    assert not reader.complete
    reader.feed(b"")
    assert reader.complete and not reader.keep_alive
    assert b"".join(reader.pieces) == b"all of it"


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        pytest.param(b"", "Server disconnected without sending a response", id="nothing"),
        pytest.param(b"HTTP/1.1 200 OK\r\ncontent-le", "middle of the response head", id="mid-head"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc", "without sending complete", id="mid-body"
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n",
            "without sending complete",
            id="chunked",
        ),
    ],
)
def test_the_connection_ending_early_is_a_remote_protocol_error(wire: bytes, message: str) -> None:
    reader = _read(wire, []) if wire else ResponseReader()
    with pytest.raises(httpcore.RemoteProtocolError, match=message):
        reader.feed(b"")


@pytest.mark.parametrize(
    "wire",
    [
        pytest.param(b"HTTP/1.1 2OO OK\r\n\r\n", id="status"),
        pytest.param(b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", id="header-without-colon"),
        pytest.param(b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n", id="two-lengths"),
        pytest.param(b"SSH-2.0-OpenSSH\r\n\r\n", id="not-http"),
    ],
)
def test_a_malformed_response_head_is_a_remote_protocol_error(wire: bytes) -> None:
    with pytest.raises(h11.RemoteProtocolError):
        _h11_parse(wire)
    with pytest.raises(httpcore.RemoteProtocolError, match="malformed response"):
        ResponseReader().feed(wire)


@pytest.mark.parametrize(
    "wire",
    [
        pytest.param(b"HTTP/1.1 200 OK\ncontent-length: 2\nX: y\n\nok", id="bare-lf"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX: a \t \r\ncontent-length: 2\r\n\r\nok", id="trailing-space"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX:\r\ncontent-length: 2\r\n\r\nok", id="empty-value"),
        pytest.param(b"HTTP/1.1 200\r\ncontent-length: 2\r\n\r\nok", id="no-reason"),
        pytest.param(b"HTTP/1.1 200 OK\r\nX: caf\xc3\xa9\r\ncontent-length: 2\r\n\r\nok", id="utf8-value"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;ext=1\r\nok\r\n0\r\nTrailer: x\r\n\r\n",
            id="chunk-extension-and-trailer",
        ),
    ],
)
def test_the_answers_h11_tolerates_read_the_same(wire: bytes) -> None:
    reader = _read(wire, [])
    assert (reader.status, reader.headers, b"".join(reader.pieces)) == _h11_parse(wire)
    assert reader.complete


@pytest.mark.parametrize(
    "wire",
    [
        pytest.param(b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\ncontent-length: 0\r\n\r\n", id="obs-fold"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            id="length-and-chunked",
        ),
    ],
)
def test_what_h11_tolerates_but_llhttp_refuses_is_refused(wire: bytes) -> None:
    """A written decision: a header folded over two lines (obsolete since RFC 7230) and a length next
    to chunked framing (the shape of a smuggling attempt) are refused, as Node's fetch refuses them;
    h11 unfolded the one and let chunked win in the other."""
    _h11_parse(wire)
    with pytest.raises(httpcore.RemoteProtocolError, match="malformed response"):
        ResponseReader().feed(wire)


def test_a_broken_chunk_after_good_ones_keeps_their_bytes_for_the_caller_first() -> None:
    reader = ResponseReader()
    reader.feed(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n")
    assert reader.pieces == [b"abc"]
    assert isinstance(reader.failure, httpcore.RemoteProtocolError)
    assert not reader.complete


def test_a_response_head_that_never_ends_is_refused_past_the_limit() -> None:
    reader = ResponseReader()
    reader.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(httpcore.RemoteProtocolError, match="longer than"):
        for _ in range(MAX_RESPONSE_HEAD // 1000 + 1):
            reader.feed(b"X-Padding: " + b"a" * 987 + b"\r\n")


def test_bytes_after_the_response_mark_the_connection_unusable() -> None:
    wire = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
    clean = _read(wire, [])
    assert not clean.stray and clean.close()
    for trailing in (b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", b"garbage"):
        reader = _read(wire + trailing, [])
        assert reader.complete and reader.pieces == [b"ok"] and reader.stray and reader.failure is None
        assert not reader.close()


def test_the_server_asking_to_close_or_speaking_http_1_0_ends_keep_alive() -> None:
    assert not _read(b"HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n", []).close()
    assert not _read(b"HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n", []).close()
    assert _read(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\ncontent-length: 0\r\n\r\n", []).close()
    unfinished = ResponseReader()
    unfinished.feed(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab")
    assert not unfinished.close()


def test_a_head_response_ends_with_its_head_and_no_content_has_no_body() -> None:
    reader = ResponseReader(head_only=True)
    reader.feed(b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n")
    assert reader.complete and reader.keep_alive and reader.pieces == []
    reader = _read(b"HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n", [])
    assert reader.complete and reader.keep_alive and reader.pieces == []


def test_a_switch_of_protocols_nobody_asked_for_is_refused() -> None:
    with pytest.raises(httpcore.RemoteProtocolError, match="switched protocols"):
        ResponseReader().feed(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        )


def test_a_closed_reader_leaves_nothing_for_the_cyclic_collector() -> None:
    """The parser's callbacks refer back to the reader: without close() every response would leave a
    cycle behind, a leak in a program that turns the collector off."""
    gc.collect()
    gc.disable()
    try:
        for _ in range(100):
            reader = _read(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", [])
            reader.close()
        del reader
        assert gc.collect() == 0
    finally:
        gc.enable()
