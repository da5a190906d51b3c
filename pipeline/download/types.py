"""The download-function contract shared by the download middleware and the default downloader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

__all__ = ["DownloadFunction", "DownloadRequest", "DownloadedFile"]


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """One attachment URL of the prompt, and whether the model could fetch it by itself."""

    url: httpx.URL
    is_url_supported_by_model: bool


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    """The bytes of a downloaded attachment and the media type the server declared (if any)."""

    data: bytes
    media_type: str | None


DownloadFunction = Callable[[list[DownloadRequest]], Awaitable[list[DownloadedFile | None]]]
"""Receives every attachment URL in prompt order; returns, position by position, the downloaded
file or ``None`` to pass that URL to the model unchanged (the AI SDK's ``experimental_download``)."""
