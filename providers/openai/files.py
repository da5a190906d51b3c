"""OpenAI's file store: ``POST <base_url>/files`` (multipart), for prompts that reference a file id."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pipeline._base import ProviderOptions, Record, WireModel
from pipeline.errors import InvalidArgumentError
from pipeline.files import UploadFileResult
from pipeline.prompt import ProviderReference
from providers._http import send_raw
from providers._multipart import multipart_form

from .connection import OpenAIConnection
from .error_mapping import parse_openai_error

__all__ = ["OpenAIFiles", "OpenAIFilesOptions"]


class OpenAIFilesOptions(Record):
    """``provider_options["openai"]`` of an upload: ``purpose`` (default ``assistants``) and
    ``expiresAfter`` in seconds from creation."""

    purpose: str = "assistants"
    expires_after: int | None = None


class _FileObject(WireModel):
    id: str
    filename: str | None = None
    purpose: str | None = None
    bytes: int | None = None
    created_at: int | None = None
    status: str | None = None
    expires_at: int | None = None


class OpenAIFiles:
    """Uploads to the OpenAI Files API with a provider's settings (:func:`pipeline.files.upload_file`)."""

    def __init__(self, connection: OpenAIConnection) -> None:
        self._connection = connection

    async def upload_file(
        self, data: bytes, *, media_type: str, filename: str | None, provider_options: ProviderOptions | None
    ) -> UploadFileResult:
        """One upload; the result's reference is ``{"openai": <file id>}``."""
        options = _options(provider_options)
        fields = {"purpose": options.purpose}
        if options.expires_after is not None:
            fields |= {
                "expires_after[anchor]": "created_at",
                "expires_after[seconds]": str(options.expires_after),
            }
        body, content_type = multipart_form(fields, file=data, filename=filename, media_type=media_type)
        url, headers = self._connection.target("/files", None)
        answer = await send_raw(
            self._connection.settings.http_or_shared(),
            url,
            headers=headers,
            content=body,
            content_type=content_type,
            parse_error=parse_openai_error,
        )
        response = answer.json("file upload response", url)
        try:
            file = _FileObject.model_validate(response.value)
        except ValidationError as error:
            raise response.unexpected("file upload response", error, url=url, request_body=None) from error
        metadata: dict[str, Any] = {
            "filename": file.filename,
            "purpose": file.purpose,
            "bytes": file.bytes,
            "createdAt": file.created_at,
            "status": file.status,
            "expiresAt": file.expires_at,
        }
        return UploadFileResult(
            provider_reference=ProviderReference(reference={"openai": file.id}),
            media_type=media_type,
            filename=file.filename or filename,
            provider_metadata={
                "openai": {key: value for key, value in metadata.items() if value is not None}
            },
        )


def _options(provider_options: ProviderOptions | None) -> OpenAIFilesOptions:
    try:
        return OpenAIFilesOptions.model_validate((provider_options or {}).get("openai") or {})
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidArgumentError(
            "providerOptions.openai", f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        ) from None
