"""HTTP/1.1 on the wire for the pooled connections: a request's bytes out, a response's parse in.

Both sides are pure (no I/O): :func:`request_head` validates and frames a request head as h11 did
(the same rules: header names are tokens; values hold no control characters and no line breaks; exactly
one ``Host``; one consistent ``Content-Length``; ``Transfer-Encoding`` only ``chunked``), and
:class:`BodyFramer` frames its body. :class:`ResponseReader` feeds received bytes to llhttp, Node's C
parser, through ``httptools`` (MagicStack's binding, which uvicorn runs on): the pure-Python h11
parse of one small JSON answer costs about 40 us of CPU, llhttp's about 2.

Errors are httpcore's, so httpx maps them as before: a malformed or oversized response is a
``RemoteProtocolError``, a request we must not send a ``LocalProtocolError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import httpcore
import httptools

__all__ = ["MAX_RESPONSE_HEAD", "BodyFramer", "ResponseReader", "request_head"]

MAX_RESPONSE_HEAD = 100 * 1024
"""The largest response head (status line and headers) read before giving up, as httpcore's h11 limit."""

_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_FIELD_VALUE = re.compile(rb"(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?")
_TARGET = re.compile(rb"[\x21-\x7e]+")
_DIGITS = re.compile(rb"[0-9]{1,20}")


def request_head(
    method: bytes, target: bytes, headers: Sequence[tuple[bytes, bytes]]
) -> tuple[bytes, BodyFramer]:
    """The request line and headers, ready to write, and the framer of the body they announce.

    Raises ``httpcore.LocalProtocolError`` (naming the part) for a request that would be invalid or
    ambiguous on the wire: a header injection, a missing or repeated ``Host``, conflicting lengths.
    """
    if not _TOKEN.fullmatch(method):
        raise httpcore.LocalProtocolError(f"Illegal method {method!r}")
    if not _TARGET.fullmatch(target):
        raise httpcore.LocalProtocolError(f"Illegal target characters in {target!r}")
    lines = [method, b" ", target, b" HTTP/1.1\r\n"]
    hosts = 0
    length: bytes | None = None
    chunked = False
    close = False
    for name, value in headers:
        if not _TOKEN.fullmatch(name):
            raise httpcore.LocalProtocolError(f"Illegal header name {name!r}")
        if not _FIELD_VALUE.fullmatch(value):
            raise httpcore.LocalProtocolError(f"Illegal header value {value!r}")
        lowered = name.lower()
        if lowered == b"host":
            hosts += 1
        elif lowered == b"content-length":
            lengths = {part.strip() for part in value.split(b",")}
            declared = lengths.pop()
            if lengths or (length is not None and length != declared):
                raise httpcore.LocalProtocolError("conflicting Content-Length headers")
            if not _DIGITS.fullmatch(declared):
                raise httpcore.LocalProtocolError("bad Content-Length")
            length = declared
        elif lowered == b"transfer-encoding":
            if chunked:
                raise httpcore.LocalProtocolError("multiple Transfer-Encoding headers")
            if value.lower() != b"chunked":
                raise httpcore.LocalProtocolError("Only Transfer-Encoding: chunked is supported")
            chunked = True
        elif lowered == b"connection":
            close = close or b"close" in value.lower()
        lines += (name, b": ", value, b"\r\n")
    if hosts != 1:
        raise httpcore.LocalProtocolError(
            "Missing mandatory Host: header" if not hosts else "Found multiple Host: headers"
        )
    lines.append(b"\r\n")
    framer = BodyFramer(None if chunked else int(length or b"0"), asks_close=close)
    return b"".join(lines), framer


class BodyFramer:
    """Frames one request body: chunked (``length`` is ``None``) or exactly ``length`` bytes."""

    __slots__ = ("_left", "asks_close")

    def __init__(self, length: int | None, *, asks_close: bool = False) -> None:
        self._left = length
        self.asks_close = asks_close
        """The request said ``Connection: close``: its connection is not reused."""

    def frame(self, chunk: bytes) -> bytes:
        """The bytes that carry ``chunk``; ``LocalProtocolError`` past the declared length."""
        if self._left is None:
            return b"%x\r\n%b\r\n" % (len(chunk), chunk) if chunk else b""
        self._left -= len(chunk)
        if self._left < 0:
            raise httpcore.LocalProtocolError("Too much data for declared Content-Length")
        return chunk

    def end(self) -> bytes:
        """The bytes that end the body; ``LocalProtocolError`` short of the declared length."""
        if self._left is None:
            return b"0\r\n\r\n"
        if self._left:
            raise httpcore.LocalProtocolError("Too little data for declared Content-Length")
        return b""


class ResponseReader:
    """One response's parse. :meth:`feed` takes bytes as they arrive; the head (``status``,
    ``reason``, ``headers``), the body ``pieces`` not yet taken and ``complete`` fill in as llhttp
    reports them. Informational (1xx) responses before the final one are skipped.

    A body error found after some body bytes in the same read is kept in ``failure`` so that those
    bytes are handed out first; any other error is raised at once.
    """

    __slots__ = (
        "_head_only",
        "_head_size",
        "_informational",
        "_parser",
        "_reason_parts",
        "_received_any",
        "complete",
        "failure",
        "head_complete",
        "headers",
        "keep_alive",
        "pieces",
        "reason",
        "status",
        "stray",
    )

    def __init__(self, *, head_only: bool = False) -> None:
        """``head_only``: the response to a HEAD request, which ends with its head."""
        self._parser = httptools.HttpResponseParser(self)
        self._parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)  # bare LF, as h11
        self._head_only = head_only
        self._head_size = 0
        self._informational = False
        self._reason_parts: list[bytes] = []
        self._received_any = False
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_complete = False
        self.pieces: list[bytes] = []
        self.complete = False
        self.keep_alive = False
        self.stray = False
        """Bytes came after the response: the connection must not carry another request."""
        self.failure: httpcore.RemoteProtocolError | None = None

    @property
    def http_version(self) -> bytes:
        """The response's version, as httpcore reports it (``b"HTTP/1.1"``)."""
        return b"HTTP/" + self._parser.get_http_version().encode()

    def feed(self, data: bytes) -> None:
        """Parse ``data``, the next bytes received; ``b""`` is the end of the connection."""
        if not data:
            self._end_of_input()
            return
        self._received_any = True
        if not self.head_complete:
            self._head_size += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            raise httpcore.RemoteProtocolError(
                "the server switched protocols, which was not asked for"
            ) from upgrade
        except httptools.HttpParserError as error:
            if self.complete:
                self.stray = True
            elif self.head_complete and self.pieces:
                self.failure = httpcore.RemoteProtocolError(f"malformed response body: {error}")
            else:
                raise httpcore.RemoteProtocolError(f"malformed response: {error}") from error
        if not self.head_complete and self._head_size > MAX_RESPONSE_HEAD:
            raise httpcore.RemoteProtocolError(
                f"the response head is longer than {MAX_RESPONSE_HEAD} bytes without ending"
            )

    def close(self) -> bool:
        """Let go of the parser, which refers back to this reader through its callbacks: the pair is
        freed at once instead of waiting for the cyclic collector (which a program may have turned
        off). Nothing may be fed afterwards.

        Returns whether the response ended cleanly: read to its end, no byte after it, and the server
        keeps the connection open.
        """
        del self._parser
        return self.complete and self.keep_alive and not self.stray

    def _end_of_input(self) -> None:
        if self.complete:
            return
        if not self.head_complete:
            if not self._received_any:
                raise httpcore.RemoteProtocolError("Server disconnected without sending a response.")
            raise httpcore.RemoteProtocolError("peer closed connection in the middle of the response head")
        if self._body_has_length():
            raise httpcore.RemoteProtocolError("peer closed connection without sending complete message body")
        self.complete = True  # a body without a length ends where the connection does
        self.keep_alive = False

    def _body_has_length(self) -> bool:
        """Whether the head framed the body (a length, chunks, or a status without a body); asked only
        when the connection ends before llhttp saw the body end."""
        return self.status in (204, 304) or any(
            (lowered := name.lower()) == b"content-length"
            or (lowered == b"transfer-encoding" and b"chunked" in value.lower())
            for name, value in self.headers
        )

    # llhttp's callbacks, through httptools

    def on_message_begin(self) -> None:
        if self.complete:
            self.stray = True

    def on_status(self, part: bytes) -> None:
        self._reason_parts.append(part)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.head_complete:  # a chunked body's trailer fields are dropped, as h11 does
            self.headers.append((name, value.rstrip(b" \t")))

    def on_headers_complete(self) -> None:
        if self.complete:
            return
        status = self._parser.get_status_code()
        if 100 <= status < 200 and status != 101:
            self._informational = True
            return
        self.status = status
        self.reason = b"".join(self._reason_parts)
        self.head_complete = True
        if self._head_only:
            self._finish()

    def on_body(self, part: bytes) -> None:
        if self.complete:
            self.stray = True
        else:
            self.pieces.append(part)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            self._reason_parts = []
            self.headers = []
        elif not self.complete:
            self._finish()

    def _finish(self) -> None:
        self.complete = True
        self.keep_alive = self._parser.should_keep_alive()
