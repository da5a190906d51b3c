"""Media types: byte-signature sniffing and small helpers (the AI SDK's ``detectMediaType`` tables).

Sniffing looks only at the first bytes of the data (18, or past an ID3v2 tag for MP3), so it is cheap
for large attachments and for base64 text, of which only the leading characters are decoded.
"""

from __future__ import annotations

import base64
import re

__all__ = [
    "detect_media_type",
    "get_top_level_media_type",
    "is_full_media_type",
]

_Signature = tuple[str, tuple[int | None, ...]]
"""A media type and the byte prefix that identifies it (``None`` matches any byte)."""

_IMAGE: tuple[_Signature, ...] = (
    ("image/gif", (0x47, 0x49, 0x46)),
    ("image/png", (0x89, 0x50, 0x4E, 0x47)),
    ("image/jpeg", (0xFF, 0xD8)),
    ("image/webp", (0x52, 0x49, 0x46, 0x46, None, None, None, None, 0x57, 0x45, 0x42, 0x50)),
    ("image/bmp", (0x42, 0x4D)),
    ("image/tiff", (0x49, 0x49, 0x2A, 0x00)),
    ("image/tiff", (0x4D, 0x4D, 0x00, 0x2A)),
    ("image/avif", (0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66)),
    ("image/heic", (0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63)),
)

_DOCUMENT: tuple[_Signature, ...] = (("application/pdf", (0x25, 0x50, 0x44, 0x46)),)

_AUDIO_WITHOUT_MP4: tuple[_Signature, ...] = (
    ("audio/mpeg", (0xFF, 0xFB)),
    ("audio/mpeg", (0xFF, 0xFA)),
    ("audio/mpeg", (0xFF, 0xF3)),
    ("audio/mpeg", (0xFF, 0xF2)),
    ("audio/mpeg", (0xFF, 0xE3)),
    ("audio/mpeg", (0xFF, 0xE2)),
    ("audio/wav", (0x52, 0x49, 0x46, 0x46, None, None, None, None, 0x57, 0x41, 0x56, 0x45)),
    ("audio/ogg", (0x4F, 0x67, 0x67, 0x53)),
    ("audio/flac", (0x66, 0x4C, 0x61, 0x43)),
    ("audio/aac", (0x40, 0x15, 0x00, 0x00)),
    ("audio/webm", (0x1A, 0x45, 0xDF, 0xA3)),
)

_FTYP = (0x00, 0x00, 0x00, None, 0x66, 0x74, 0x79, 0x70)

_AUDIO: tuple[_Signature, ...] = (*_AUDIO_WITHOUT_MP4, ("audio/mp4", _FTYP))

_VIDEO: tuple[_Signature, ...] = (
    ("video/mp4", _FTYP),
    ("video/webm", (0x1A, 0x45, 0xDF, 0xA3)),
    ("video/quicktime", (0x00, 0x00, 0x00, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74)),
    ("video/x-msvideo", (0x52, 0x49, 0x46, 0x46)),
)

_TABLES: dict[str, tuple[_Signature, ...]] = {
    "image": _IMAGE,
    "audio": _AUDIO,
    "video": _VIDEO,
    "application": _DOCUMENT,
}

# Without a top-level type, an MP4 container (ftyp) is reported as video, as the AI SDK does.
_ALL: tuple[_Signature, ...] = (*_IMAGE, *_DOCUMENT, *_AUDIO_WITHOUT_MP4, *_VIDEO)

_SNIFF_BYTES = 18
_MAX_SIGNATURE_BYTES = 12
_MAX_ID3_TAG_BYTES = 128 * 1024
_ID3_SCAN_BYTES = _MAX_ID3_TAG_BYTES + _MAX_SIGNATURE_BYTES

_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_WHITESPACE = re.compile(r"\s+")


def _decode_prefix(data: bytes | str, max_bytes: int) -> bytes:
    """The first ``max_bytes`` bytes of raw data, or of base64 text (only whole leading groups decoded).

    Text that is not base64 (or base64url) decodes to nothing, so it matches no signature.
    """
    if not isinstance(data, str):
        return bytes(data[:max_bytes])
    max_chars = -(-max_bytes // 3) * 4
    text = _WHITESPACE.sub("", data[:max_chars]).rstrip("=").replace("-", "+").replace("_", "/")
    if _NOT_BASE64.search(text) or len(text) % 4 == 1:
        return b""
    return base64.b64decode(text + "=" * (-len(text) % 4))[:max_bytes]


def _has_id3(prefix: bytes) -> bool:
    return len(prefix) > 10 and prefix[:3] == b"ID3"


def _strip_id3(data: bytes) -> bytes:
    size = ((data[6] & 0x7F) << 21) | ((data[7] & 0x7F) << 14) | ((data[8] & 0x7F) << 7) | (data[9] & 0x7F)
    return data[size + 10 :]


def _matches(prefix: bytes, signature: tuple[int | None, ...]) -> bool:
    return len(prefix) >= len(signature) and all(
        byte is None or prefix[index] == byte for index, byte in enumerate(signature)
    )


def detect_media_type(data: bytes | str, top_level_type: str | None = None) -> str | None:
    """The media type whose byte signature ``data`` (bytes or base64 text) starts with, else ``None``.

    ``top_level_type`` (``"image"``, ``"audio"``, ``"video"``, ``"application"``) restricts the search to
    that table; any other top-level type finds nothing. Without it every table is searched (image,
    PDF, audio, video; a bare MP4 ``ftyp`` box is reported as ``video/mp4``).
    """
    if top_level_type is None:
        signatures = _ALL
    elif top_level_type in _TABLES:
        signatures = _TABLES[top_level_type]
    else:
        return None
    prefix = _decode_prefix(data, _SNIFF_BYTES)
    if _has_id3(prefix):
        prefix = _strip_id3(_decode_prefix(data, _ID3_SCAN_BYTES))
    return next((media_type for media_type, sig in signatures if _matches(prefix, sig)), None)


def get_top_level_media_type(media_type: str) -> str:
    """The part before ``/``: ``"image/png"`` -> ``"image"``, ``"image"`` -> ``"image"``."""
    return media_type.partition("/")[0]


def is_full_media_type(media_type: str) -> bool:
    """True for ``type/subtype`` with a non-empty subtype other than ``*``."""
    _, slash, subtype = media_type.partition("/")
    return bool(slash) and subtype not in ("", "*")
