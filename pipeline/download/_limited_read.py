"""Reading a download body under a per-file and a per-call byte limit, counted on decoded bytes.

Only ``identity`` and ``gzip`` bodies are accepted (the request offers nothing else); gzip is
decoded here with a bound on each step's output, so a small compressed body can never expand past
the limit in memory. A declared ``Content-Length`` above the limit is refused before reading.
"""

from __future__ import annotations

import zlib

import httpx

from ..errors import DownloadError, DownloadTooLargeError

__all__ = ["ACCEPT_ENCODING", "ByteBudget", "read_limited"]

ACCEPT_ENCODING = "identity, gzip"
"""The encodings a bounded read can decode step by step."""

_GZIP = frozenset({"gzip", "x-gzip"})


class ByteBudget:
    """The bytes all downloads of one call may still read together (shared by its parallel downloads)."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, count: int, url: str) -> None:
        """Count ``count`` more bytes; raise once the call's total passes the limit."""
        self.used += count
        if self.used > self.limit:
            raise DownloadTooLargeError(
                url,
                max_bytes=self.limit,
                message=f"Downloads of this call exceeded the total maximum size of {self.limit} bytes "
                f"(while reading {url}).",
            )


async def read_limited(response: httpx.Response, *, url: str, max_bytes: int, budget: ByteBudget) -> bytes:
    """The decoded body of a streamed ``response``; at most ``max_bytes`` (``max_bytes + 1`` fails).

    ``url`` is the redacted URL used in error messages. The caller closes the response.
    """
    if response.is_stream_consumed:  # a custom transport answered with a body already read and decoded
        return _checked(response.content, url, max_bytes, budget)
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in _GZIP and encoding not in ("identity", ""):
        raise DownloadError(url, cause=f"unsupported Content-Encoding {encoding!r}")
    declared = response.headers.get("content-length")
    if encoding not in _GZIP and declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes, f" (Content-Length: {declared})")
    decoder = _GzipDecoder(url, max_bytes + 1) if encoding in _GZIP else None
    chunks: list[bytes] = []
    total = 0
    async for raw in response.aiter_raw():
        chunk = decoder.feed(raw) if decoder is not None else raw
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(url, max_bytes, "")
        budget.take(len(chunk), url)
        chunks.append(chunk)
    if decoder is not None:
        decoder.finish()
    return b"".join(chunks)


def _checked(data: bytes, url: str, max_bytes: int, budget: ByteBudget) -> bytes:
    if len(data) > max_bytes:
        raise _too_large(url, max_bytes, "")
    budget.take(len(data), url)
    return data


class _GzipDecoder:
    """Decodes gzip chunk by chunk, never producing more than ``max_output`` bytes in total."""

    __slots__ = ("_decoder", "_max_output", "_produced", "_started", "_url")

    def __init__(self, url: str, max_output: int) -> None:
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._max_output = max_output
        self._produced = 0
        self._started = False
        self._url = url

    def feed(self, raw: bytes) -> bytes:
        """The decoded bytes of ``raw`` (stops early once the output bound is reached)."""
        pieces: list[bytes] = []
        pending = raw
        self._started = self._started or bool(raw)
        try:
            while pending and not self._decoder.eof and self._produced < self._max_output:
                piece = self._decoder.decompress(pending, self._max_output - self._produced)
                pending = self._decoder.unconsumed_tail
                self._produced += len(piece)
                pieces.append(piece)
        except zlib.error as error:
            raise DownloadError(self._url, cause=f"invalid gzip body: {error}") from error
        return b"".join(pieces)

    def finish(self) -> None:
        """Raise if a gzip stream began but ended early (an empty body is an empty file)."""
        if self._started and not self._decoder.eof:
            raise DownloadError(self._url, cause="truncated gzip body")


def _too_large(url: str, max_bytes: int, detail: str) -> DownloadTooLargeError:
    message = f"Download of {url} exceeded maximum size of {max_bytes} bytes{detail}."
    return DownloadTooLargeError(url, max_bytes=max_bytes, message=message)
