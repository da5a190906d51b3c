"""OpenAI: ``OpenAIProvider``, the Responses API and chat-completions models, and the model-string hook."""

from __future__ import annotations

from pipeline.registry import register_embedding_provider, register_provider

from .embedding import OpenAIEmbeddingModel, OpenAIEmbeddingOptions
from .model import IMAGE_URLS, OPENAI, ChatEndpoint, OpenAIChatLanguageModel
from .options import OpenAIChatOptions
from .provider import OpenAIProvider
from .responses import OpenAIResponsesLanguageModel, OpenAIResponsesOptions

__all__ = [
    "IMAGE_URLS",
    "OPENAI",
    "ChatEndpoint",
    "OpenAIChatLanguageModel",
    "OpenAIChatOptions",
    "OpenAIEmbeddingModel",
    "OpenAIEmbeddingOptions",
    "OpenAIProvider",
    "OpenAIResponsesLanguageModel",
    "OpenAIResponsesOptions",
    "register",
]


def register() -> None:
    """Make ``"openai/<model id>"`` resolve to a Responses API model (an embeddings model in ``embed``)
    with default settings."""
    provider = OpenAIProvider()
    register_provider("openai", provider.responses)
    register_embedding_provider("openai", provider.embedding)
