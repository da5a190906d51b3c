"""GoogleProvider: makes Gemini language and embedding models that share settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from pipeline.redact import redact_url
from providers._http import HttpClient
from providers._settings import ConnectionSettings

from .embedding import GoogleEmbeddingModel
from .files import GoogleFiles
from .model import GoogleLanguageModel, new_response_id

__all__ = ["GoogleProvider"]


class GoogleProvider:
    """Makes Gemini models that share settings and one HTTP client: ``google.chat("gemini-2.5-flash")``.

    HTTP: at most one of ``http=`` (a :class:`~providers._http.HttpClient`
    shared with other models), ``http_client=`` (your ``httpx.AsyncClient``, used as is) or ``transport=``
    (an httpx transport under pooled clients of its own); none: the process-wide pooled client.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        generate_id: Callable[[], str] = new_response_id,
    ) -> None:
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, http, http_client, transport
        )
        self._generate_id = generate_id

    def __repr__(self) -> str:
        base_url = self._settings.base_url
        return f"GoogleProvider(base_url={redact_url(base_url) if base_url else None!r})"

    def chat(self, model_id: str) -> GoogleLanguageModel:
        """A Gemini language model."""
        return GoogleLanguageModel(model_id, **self._settings.as_arguments(), generate_id=self._generate_id)

    __call__ = chat
    language_model = chat

    def embedding(self, model_id: str) -> GoogleEmbeddingModel:
        """An embeddings model (``:batchEmbedContents``) with this provider's settings."""
        return GoogleEmbeddingModel(model_id, **self._settings.as_arguments())

    def files(self) -> GoogleFiles:
        """The Gemini Files API with this provider's settings (see :func:`pipeline.files.upload_file`)."""
        return GoogleFiles(self._settings)
