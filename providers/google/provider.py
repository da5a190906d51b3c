"""GoogleProvider: makes Gemini language and embedding models that share settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from providers._http import HttpClient

from .embedding import GoogleEmbeddingModel
from .model import GoogleLanguageModel, new_response_id

__all__ = ["GoogleProvider"]


class GoogleProvider:
    """Makes Gemini models that share settings and one HTTP client: ``google.chat("gemini-2.5-flash")``."""

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
        if http is None and (http_client is not None or transport is not None):
            http = HttpClient(client=http_client, transport=transport)
        self._settings: dict[str, Any] = {
            "api_key": api_key,
            "base_url": base_url,
            "headers": headers,
            "http": http,
            "generate_id": generate_id,
        }

    def __repr__(self) -> str:
        return f"GoogleProvider(base_url={self._settings['base_url']!r})"

    def chat(self, model_id: str) -> GoogleLanguageModel:
        """A Gemini language model."""
        return GoogleLanguageModel(model_id, **self._settings)

    __call__ = chat
    language_model = chat

    def embedding(self, model_id: str) -> GoogleEmbeddingModel:
        """An embeddings model (``:batchEmbedContents``) with this provider's settings."""
        settings = {name: value for name, value in self._settings.items() if name != "generate_id"}
        return GoogleEmbeddingModel(model_id, **settings)
