"""Attachment downloading, part of every call: URLs the model cannot fetch itself become bytes, safely.

The default :class:`SafeDownloader` refuses private, loopback, link-local and metadata addresses (on
every redirect hop and every resolved address) and caps size and time; a custom download function
replaces it (the AI SDK's ``experimental_download``).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_package

if TYPE_CHECKING:
    from .attachments import download_attachments, is_url_supported, resolve_downloaded_media_type
    from .safe_download import SafeDownloader
    from .types import DownloadedFile, DownloadFunction, DownloadRequest

__all__ = [
    "DownloadFunction",
    "DownloadRequest",
    "DownloadedFile",
    "SafeDownloader",
    "download_attachments",
    "is_url_supported",
    "resolve_downloaded_media_type",
]

# Each name is imported on first use: a call without URL attachments never loads the downloader.
_HOMES = {
    "download_attachments": ".attachments",
    "is_url_supported": ".attachments",
    "resolve_downloaded_media_type": ".attachments",
    "SafeDownloader": ".safe_download",
    "DownloadedFile": ".types",
    "DownloadFunction": ".types",
    "DownloadRequest": ".types",
}

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())
