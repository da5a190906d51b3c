"""OpenAI: ``OpenAIProvider``, the Responses API and chat-completions models, and the model-string hook.

Every name is imported on first use, so ``import providers.openai`` stays cheap (httpx and the wire
models load with the first provider or model built).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

if TYPE_CHECKING:
    from .connection import IMAGE_URLS, OPENAI, ChatEndpoint
    from .embedding import OpenAIEmbeddingModel, OpenAIEmbeddingOptions
    from .model import OpenAIChatLanguageModel
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

_HOMES = {
    "IMAGE_URLS": ".connection",
    "OPENAI": ".connection",
    "ChatEndpoint": ".connection",
    "OpenAIEmbeddingModel": ".embedding",
    "OpenAIEmbeddingOptions": ".embedding",
    "OpenAIChatLanguageModel": ".model",
    "OpenAIChatOptions": ".options",
    "OpenAIProvider": ".provider",
    "OpenAIResponsesLanguageModel": ".responses",
    "OpenAIResponsesOptions": ".responses",
}

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())


def register() -> None:
    """Make ``"openai/<model id>"`` resolve as ``OpenAIProvider()(model id)`` does (the Responses API,
    chat completions for audio models; an embeddings model in ``embed``) with default settings."""
    from pipeline.registry import register_embedding_provider, register_provider

    from .provider import OpenAIProvider

    provider = OpenAIProvider()
    register_provider("openai", provider)
    register_embedding_provider("openai", provider.embedding)
