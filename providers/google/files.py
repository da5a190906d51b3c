"""Gemini's file store (Files API): a resumable upload, then waiting while the file is processed."""

from __future__ import annotations

import json
from typing import TypeVar

import anyio
from pydantic import ValidationError

from pipeline._base import ProviderOptions, Record, WireModel
from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.files import UploadFileResult
from pipeline.prompt import ProviderReference
from pipeline.result import CallWarning
from providers._http import JsonResponse, send_raw
from providers._settings import ConnectionSettings

from .model import BASE_URL_ENV, DEFAULT_BASE_URL, google_request_headers, parse_google_error

__all__ = ["GoogleFiles", "GoogleFilesOptions"]


class GoogleFilesOptions(Record):
    """``provider_options["google"]`` of an upload: a display name, and how to wait while the file is
    ``PROCESSING`` (poll interval and total wait, in seconds)."""

    display_name: str | None = None
    poll_interval: float = 2.0
    poll_timeout: float = 300.0


class _File(WireModel):
    name: str
    uri: str
    mimeType: str | None = None
    displayName: str | None = None
    sizeBytes: str | None = None
    createTime: str | None = None
    expirationTime: str | None = None
    state: str | None = None


class _Uploaded(WireModel):
    file: _File


class GoogleFiles:
    """Uploads to the Gemini Files API with the provider's key and base URL."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self._settings = settings

    async def upload_file(
        self, data: bytes, *, media_type: str, filename: str | None, provider_options: ProviderOptions | None
    ) -> UploadFileResult:
        """Start a resumable upload, send the bytes, wait while ``PROCESSING``; the reference is the file's
        URI (``{"google": "https://generativelanguage.googleapis.com/v1beta/files/..."}``)."""
        options = _options(provider_options)
        base_url = self._settings.base_url_or(BASE_URL_ENV, DEFAULT_BASE_URL)
        headers = google_request_headers(self._settings, None)
        http = self._settings.http_or_shared()
        start_url = f"{base_url.removesuffix('/v1beta')}/upload/v1beta/files"
        started = await send_raw(
            http,
            start_url,
            headers={
                **headers,
                "x-goog-upload-protocol": "resumable",
                "x-goog-upload-command": "start",
                "x-goog-upload-header-content-length": str(len(data)),
                "x-goog-upload-header-content-type": media_type,
            },
            content=_start_body(options),
            content_type="application/json",
            parse_error=parse_google_error,
        )
        upload_url = started.headers.get("x-goog-upload-url")
        if not upload_url:
            raise APICallError(
                "No upload URL returned from initiation request", url=start_url, status_code=200
            )
        uploaded = await send_raw(
            http,
            upload_url,
            headers={"x-goog-upload-offset": "0", "x-goog-upload-command": "upload, finalize"},
            content=data,
            content_type=media_type,
            parse_error=parse_google_error,
        )
        response = uploaded.json("file upload response", upload_url)
        file = _validated(_Uploaded, response, "file upload response", upload_url).file
        file = await self._wait_while_processing(file, base_url, headers, options)
        return UploadFileResult(
            provider_reference=ProviderReference(reference={"google": file.uri}),
            media_type=file.mimeType or media_type,
            filename=filename,
            provider_metadata={"google": _metadata(file)},
            warnings=[CallWarning(type="unsupported", feature="filename")] if filename is not None else [],
        )

    async def _wait_while_processing(
        self, file: _File, base_url: str, headers: dict[str, str], options: GoogleFilesOptions
    ) -> _File:
        url = f"{base_url}/{file.name}"
        with anyio.fail_after(options.poll_timeout):
            while file.state == "PROCESSING":
                await anyio.sleep(options.poll_interval)
                answer = await send_raw(
                    self._settings.http_or_shared(),
                    url,
                    method="GET",
                    headers=headers,
                    parse_error=parse_google_error,
                )
                file = _validated(
                    _File, answer.json("file status response", url), "file status response", url
                )
        if file.state == "FAILED":
            raise APICallError(
                f"File processing failed for {file.name}", url=url, status_code=200, is_retryable=False
            )
        return file


def _start_body(options: GoogleFilesOptions) -> bytes:
    file = {"display_name": options.display_name} if options.display_name is not None else {}
    return json.dumps({"file": file}).encode()


_Wire = TypeVar("_Wire", bound=WireModel)


def _validated(model: type[_Wire], response: JsonResponse, what: str, url: str) -> _Wire:
    try:
        return model.model_validate(response.value)
    except ValidationError as error:
        raise response.unexpected(what, error, url=url, request_body=None) from error


def _metadata(file: _File) -> dict[str, str]:
    fields = {
        "name": file.name,
        "displayName": file.displayName,
        "mimeType": file.mimeType,
        "sizeBytes": file.sizeBytes,
        "state": file.state,
        "createTime": file.createTime,
        "expirationTime": file.expirationTime,
    }
    return {key: value for key, value in fields.items() if value is not None}


def _options(provider_options: ProviderOptions | None) -> GoogleFilesOptions:
    try:
        return GoogleFilesOptions.model_validate((provider_options or {}).get("google") or {})
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidArgumentError(
            "providerOptions.google", f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None
