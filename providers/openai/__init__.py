"""OpenAI chat completions: ``OpenAIProvider``, ``OpenAIChatLanguageModel`` and the model-string hook."""

from __future__ import annotations

from pipeline.registry import register_provider

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
    """Make ``"openai/<model id>"`` resolve to a chat-completions model with default settings."""
    register_provider("openai", OpenAIProvider().chat)
