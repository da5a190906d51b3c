"""OpenAI: ``OpenAIProvider``, the Responses API and chat-completions models, and the model-string hook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.registry import register_embedding_provider, register_provider

from .embedding import OpenAIEmbeddingModel, OpenAIEmbeddingOptions
from .model import IMAGE_URLS, OPENAI, ChatEndpoint, OpenAIChatLanguageModel
from .options import OpenAIChatOptions
from .provider import OpenAIProvider

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """The Responses API names, imported on first use (``import providers.openai`` stays cheap)."""
    if name in ("OpenAIResponsesLanguageModel", "OpenAIResponsesOptions"):
        from . import responses

        return getattr(responses, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register() -> None:
    """Make ``"openai/<model id>"`` resolve as ``OpenAIProvider()(model id)`` does (the Responses API,
    chat completions for audio models; an embeddings model in ``embed``) with default settings."""
    provider = OpenAIProvider()
    register_provider("openai", provider)
    register_embedding_provider("openai", provider.embedding)
