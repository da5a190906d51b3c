"""A ``multipart/form-data`` body for file uploads, encoded by httpx (no encoder of our own)."""

from __future__ import annotations

import httpx

__all__ = ["multipart_form"]


def multipart_form(
    fields: dict[str, str], *, file: bytes, filename: str | None, media_type: str
) -> tuple[bytes, str]:
    """The body and its ``content-type`` (with the boundary): ``fields`` as text, then the ``file`` part."""
    request = httpx.Request(
        "POST",
        "http://multipart.invalid/",
        data=fields,
        files={"file": (filename or "file", file, media_type)},
    )
    return request.read(), request.headers["content-type"]
