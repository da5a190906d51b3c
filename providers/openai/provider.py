"""OpenAIProvider: shared settings, and models made from them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from pipeline.model import SupportedUrls
from providers._http import HttpClient
from providers._settings import ConnectionArguments, ConnectionSettings

from .connection import OPENAI, ChatEndpoint, OpenAIConnection

if TYPE_CHECKING:
    from .embedding import OpenAIEmbeddingModel
    from .files import OpenAIFiles
    from .model import OpenAIChatLanguageModel
    from .responses import OpenAIResponsesLanguageModel

__all__ = ["OpenAIProvider", "is_chat_only_model"]


class _ModelArguments(ConnectionArguments):
    organization: str | None
    project: str | None
    endpoint: ChatEndpoint


class OpenAIProvider:
    """Makes OpenAI models that share one set of settings.

    ``provider("gpt-4o")`` and ``provider.responses("gpt-4o")`` are Responses API models (as the AI SDK's
    ``openai(...)`` since v5); ``provider.chat("gpt-4o")`` is a chat-completions model. For an
    OpenAI-compatible endpoint (any other ``endpoint.name``) ``provider(...)`` stays chat completions.
    Unset ``api_key`` / ``base_url`` are read from ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` at call time.
    HTTP: at most one of ``http=`` (a :class:`~providers._http.HttpClient`
    shared with other models), ``http_client=`` (your ``httpx.AsyncClient``, used as is) or ``transport=``
    (an httpx transport under pooled clients of its own); none: the process-wide pooled client.
    Attachment URLs go to the API as is only at OpenAI's own base URL (it fetches images itself);
    elsewhere they are downloaded safely and inlined, unless ``supported_urls=`` (e.g.
    :data:`~providers.openai.model.IMAGE_URLS`) says the server fetches them.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        endpoint: ChatEndpoint = OPENAI,
        supported_urls: SupportedUrls | None = None,
    ) -> None:
        if supported_urls is not None:
            endpoint = dataclasses.replace(endpoint, supported_urls=supported_urls)
        self._endpoint = endpoint
        settings = ConnectionSettings.from_arguments(api_key, base_url, headers, http, http_client, transport)
        self._model_arguments: _ModelArguments = {
            **settings.as_arguments(),
            "organization": organization,
            "project": project,
            "endpoint": endpoint,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._endpoint.name!r})"

    @property
    def name(self) -> str:
        return self._endpoint.name

    def chat(self, model_id: str) -> OpenAIChatLanguageModel:
        """A chat-completions model with this provider's settings."""
        from .model import OpenAIChatLanguageModel  # imported on first use (import time)

        return OpenAIChatLanguageModel(model_id, **self._model_arguments)

    def responses(self, model_id: str) -> OpenAIResponsesLanguageModel:
        """A Responses API model (``POST <base>/responses``) with this provider's settings."""
        from .responses import OpenAIResponsesLanguageModel  # imported on first use (import time)

        return OpenAIResponsesLanguageModel(model_id, **self._model_arguments)

    def __call__(self, model_id: str) -> OpenAIResponsesLanguageModel | OpenAIChatLanguageModel:
        """The default model: the Responses API for OpenAI itself; chat completions for an
        OpenAI-compatible server (an endpoint named other than ``"openai"``: Ollama, vLLM, Groq, ...)
        and for OpenAI's audio models, which only chat completions serves (``gpt-4o-audio-preview``:
        the prompt spec's audio example; the AI SDK would send it to the Responses API, which refuses
        audio input)."""
        if self._endpoint.name == OPENAI.name and not is_chat_only_model(model_id):
            return self.responses(model_id)
        return self.chat(model_id)

    def embedding(self, model_id: str) -> OpenAIEmbeddingModel:
        """An embeddings model (``POST <base>/embeddings``) with this provider's settings."""
        from .embedding import OpenAIEmbeddingModel  # imported on first use (import time)

        return OpenAIEmbeddingModel(model_id, **self._model_arguments)

    def files(self) -> OpenAIFiles:
        """The Files API with this provider's settings (see :func:`pipeline.files.upload_file`)."""
        from .files import OpenAIFiles  # imported on first use (import time)

        arguments = self._model_arguments
        settings = ConnectionSettings(
            api_key=arguments["api_key"],
            base_url=arguments["base_url"],
            headers=arguments["headers"],
            http=arguments["http"],
        )
        return OpenAIFiles(
            OpenAIConnection(self._endpoint, settings, arguments["organization"], arguments["project"])
        )


def is_chat_only_model(model_id: str) -> bool:
    """OpenAI models the Responses API does not serve: the audio models (``gpt-4o-audio-preview``,
    ``gpt-4o-mini-audio-preview``)."""
    return "-audio-" in model_id or model_id.endswith("-audio")
