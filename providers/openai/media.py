"""Resolve a file part's media type to the full ``type/subtype`` form the chat API needs."""

from __future__ import annotations

import httpx

from pipeline.errors import UnsupportedFunctionalityError
from pipeline.media_type import detect_media_type, get_top_level_media_type, is_full_media_type

__all__ = ["resolve_full_media_type"]


def resolve_full_media_type(media_type: str, data: bytes | httpx.URL) -> str:
    """``media_type`` if full, else sniffed from inline bytes; otherwise UnsupportedFunctionalityError."""
    if is_full_media_type(media_type):
        return media_type
    if isinstance(data, bytes):
        detected = detect_media_type(data, get_top_level_media_type(media_type))
        if detected is not None:
            return detected
        reason = "could not be auto-detected"
    else:
        reason = "is not passed as inline bytes"
    raise UnsupportedFunctionalityError(
        f'file of media type "{media_type}" must specify subtype since it {reason}'
    )
