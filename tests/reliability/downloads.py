"""The download host of the load test: per-call PNG images on a loopback server, and a download
function that fetches every attachment URL through the real :class:`SafeDownloader`."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace

from pipeline.download import DownloadedFile, DownloadRequest, SafeDownloader
from providers.testing import LoopbackServer, RawReply, RecordedRequest, Reply

__all__ = ["LoopbackDownloads", "image_path", "png_bytes", "serve_images"]

_IMAGE_PATH = re.compile(r"^/img/(\d+)\.png$")


def png_bytes(index: int) -> bytes:
    """A valid 1x1 PNG whose bytes differ per ``index`` (a text chunk names it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"call\x00" + str(index).encode())
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def image_path(index: int) -> str:
    """The download host's path of call ``index``'s image."""
    return f"/img/{index}.png"


def _image_reply(request: RecordedRequest) -> Reply:
    match = _IMAGE_PATH.match(request.path)
    if match is None:
        return RawReply(status=404, body=b"not found")
    # Served as octet-stream: the media type must come from sniffing the bytes.
    return RawReply(body=png_bytes(int(match.group(1))), headers={"content-type": "application/octet-stream"})


def serve_images(server: LoopbackServer) -> None:
    """Make ``server`` answer ``GET /img/<index>.png`` with :func:`png_bytes` of that index."""
    server.default_reply = _image_reply


class LoopbackDownloads:
    """A download function that downloads every attachment, also the image URLs OpenAI and Anthropic
    would fetch themselves: they cannot reach a loopback host. The downloads go through
    ``SafeDownloader(trusted_hosts=[host])``, so every other private address stays blocked."""

    def __init__(self, host: str) -> None:
        self._safe = SafeDownloader(trusted_hosts=[host])

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        return await self._safe([replace(request, is_url_supported_by_model=False) for request in requests])
