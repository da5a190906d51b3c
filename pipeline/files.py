"""Upload a file once to a provider's file store, then reference it in many prompts.

``await upload_file(OpenAIProvider(), data=pdf_bytes, filename="report.pdf")`` returns an
:class:`UploadFileResult` whose ``provider_reference`` goes into a file part's ``data``
(``{"openai": "file-abc"}``); references from several providers merge with ``|``. The provider
packages implement :class:`FilesApi` (``OpenAIProvider().files()``, ``AnthropicProvider().files()``,
``GoogleProvider().files()``); this module holds what is the same for all, like the AI SDK's
``uploadFile``.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import Field

from ._base import ProviderMetadata, ProviderOptions, Record
from .errors import InvalidArgumentError
from .media_type import detect_media_type
from .prompt import ProviderReference
from .result import CallWarning

__all__ = ["FilesApi", "FilesProvider", "UploadFileResult", "upload_file"]


class UploadFileResult(Record):
    """An uploaded file: the reference to put in prompts, and what the provider said about it."""

    provider_reference: ProviderReference
    media_type: str | None = None
    filename: str | None = None
    provider_metadata: ProviderMetadata | None = None
    warnings: list[CallWarning] = Field(default_factory=list)


@runtime_checkable
class FilesApi(Protocol):
    """A provider's file store (one upload call; the provider maps its options and answer)."""

    async def upload_file(
        self, data: bytes, *, media_type: str, filename: str | None, provider_options: ProviderOptions | None
    ) -> UploadFileResult: ...


class FilesProvider(Protocol):
    """A provider that has a file store."""

    def files(self) -> FilesApi: ...


async def upload_file(
    api: FilesApi | FilesProvider,
    data: bytes | str | Path,
    *,
    media_type: str | None = None,
    filename: str | None = None,
    provider_options: ProviderOptions | None = None,
) -> UploadFileResult:
    """Upload ``data`` (bytes, base64 text, or a path to read) to ``api``'s file store.

    The media type is ``media_type``, else sniffed from the bytes, else ``text/plain`` for UTF-8
    text and ``application/octet-stream`` otherwise; a path gives its name as ``filename`` unless one
    is given. Bad arguments raise :class:`InvalidArgumentError` before any I/O; a failed upload
    raises the provider's typed error.
    """
    files = api if isinstance(api, FilesApi) else _files_of(api)
    if isinstance(data, Path):
        filename = filename if filename is not None else data.name
        content = data.read_bytes()
    elif isinstance(data, str):
        content = _base64(data)
    elif isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        raise InvalidArgumentError(
            "data", f"expected bytes, base64 text or a path, got {type(data).__name__}"
        )
    resolved = media_type or detect_media_type(content) or _text_or_binary(content)
    return await files.upload_file(
        content, media_type=resolved, filename=filename, provider_options=provider_options
    )


def _files_of(api: object) -> FilesApi:
    files = getattr(api, "files", None)
    if not callable(files):
        raise InvalidArgumentError(
            "api", f"{type(api).__name__} has no file store (it needs a files() method returning a FilesApi)"
        )
    found = files()
    if not isinstance(found, FilesApi):
        raise InvalidArgumentError("api", f"{type(api).__name__}.files() did not return a FilesApi")
    return found


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgumentError(
            "data", "a str must be base64 text; pass bytes or a path for raw content"
        ) from None


def _text_or_binary(content: bytes) -> str:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"
