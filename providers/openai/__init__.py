"""OpenAI chat completions: ``OpenAIProvider``, ``OpenAIChatLanguageModel`` and the model-string hook."""

from __future__ import annotations

from pipeline.registry import register_embedding_provider, register_provider

from .embedding import OpenAIEmbeddingModel, OpenAIEmbeddingOptions
from .model import IMAGE_URLS, OPENAI, ChatEndpoint, OpenAIChatLanguageModel
from .options import OpenAIChatOptions
from .provider import OpenAIProvider

__all__ = [
    "IMAGE_URLS",
    "OPENAI",
    "ChatEndpoint",
    "OpenAIChatLanguageModel",
    "OpenAIChatOptions",
    "OpenAIEmbeddingModel",
    "OpenAIEmbeddingOptions",
    "OpenAIProvider",
    "register",
]


def register() -> None:
    """Make ``"openai/<model id>"`` resolve to a chat-completions model (an embeddings model in
    ``embed``) with default settings."""
    provider = OpenAIProvider()
    register_provider("openai", provider.chat)
    register_embedding_provider("openai", provider.embedding)
