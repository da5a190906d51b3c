"""Anthropic's file store (Files API beta): ``POST <base_url>/files`` (multipart)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pipeline._base import ProviderOptions, WireModel
from pipeline.files import UploadFileResult
from pipeline.prompt import ProviderReference
from providers._credentials import missing_api_key_error
from providers._http import send_raw
from providers._multipart import multipart_form
from providers._settings import ConnectionSettings

from .convert_messages import BETA_FILES_API
from .model import ANTHROPIC_VERSION, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from .wire import parse_error_body

__all__ = ["AnthropicFiles"]


class _FileMetadata(WireModel):
    id: str
    filename: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    created_at: str | None = None
    downloadable: bool | None = None


class AnthropicFiles:
    """Uploads to the Anthropic Files API with a model's key, base URL and headers."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self._settings = settings

    async def upload_file(
        self, data: bytes, *, media_type: str, filename: str | None, provider_options: ProviderOptions | None
    ) -> UploadFileResult:
        """One upload with the files beta header; the result's reference is ``{"anthropic": <file id>}``."""
        body, content_type = multipart_form({}, file=data, filename=filename, media_type=media_type)
        url, headers = self._endpoint()
        answer = await send_raw(
            self._settings.http_or_shared(),
            url,
            headers=headers,
            content=body,
            content_type=content_type,
            parse_error=parse_error_body,
        )
        response = answer.json("file upload response", url)
        try:
            file = _FileMetadata.model_validate(response.value)
        except ValidationError as error:
            raise response.unexpected("file upload response", error, url=url, request_body=None) from error
        metadata: dict[str, Any] = {
            "filename": file.filename,
            "mimeType": file.mime_type,
            "sizeBytes": file.size_bytes,
            "createdAt": file.created_at,
            "downloadable": file.downloadable,
        }
        return UploadFileResult(
            provider_reference=ProviderReference(reference={"anthropic": file.id}),
            media_type=file.mime_type or media_type,
            filename=file.filename or filename,
            provider_metadata={
                "anthropic": {key: value for key, value in metadata.items() if value is not None}
            },
        )

    def _endpoint(self) -> tuple[str, dict[str, str]]:
        """The Files API URL and headers: key (required at the public endpoint), version, beta, the
        constructor's headers."""
        base_url = self._settings.base_url_or(BASE_URL_ENV, DEFAULT_BASE_URL)
        api_key = self._settings.api_key_or_env(API_KEY_ENV)
        if not api_key and base_url == DEFAULT_BASE_URL:
            raise missing_api_key_error("Anthropic", API_KEY_ENV)
        headers = {"anthropic-version": ANTHROPIC_VERSION, "anthropic-beta": BETA_FILES_API}
        if api_key:
            headers["x-api-key"] = api_key
        return f"{base_url}/files", {**headers, **{k.lower(): v for k, v in self._settings.headers.items()}}
