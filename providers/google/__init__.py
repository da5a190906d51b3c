"""Google Gemini (Generative Language API) terminal: ``GoogleProvider().chat("gemini-2.5-flash")``.

Model strings ``"google/<model id>"`` resolve once :func:`register` has run. Gemini's own tools (Google
Search grounding, URL context, code execution, ...) are in :mod:`providers.google.tools`.
"""

from __future__ import annotations

from pipeline.registry import register_embedding_provider, register_provider

from . import tools
from .convert_messages import GooglePrompt, convert_to_google_messages
from .embedding import GoogleEmbeddingModel, GoogleEmbeddingOptions
from .json_schema import to_openapi_schema
from .map_finish_reason import map_google_finish_reason
from .map_stream import GoogleStreamMapper
from .model import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    GoogleLanguageModel,
)
from .options import GoogleOptions, SafetySetting, ThinkingConfig
from .provider import GoogleProvider

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "GoogleEmbeddingModel",
    "GoogleEmbeddingOptions",
    "GoogleLanguageModel",
    "GoogleOptions",
    "GooglePrompt",
    "GoogleProvider",
    "GoogleStreamMapper",
    "SafetySetting",
    "ThinkingConfig",
    "convert_to_google_messages",
    "map_google_finish_reason",
    "register",
    "to_openapi_schema",
    "tools",
]


def register() -> None:
    """Make ``"google/<model id>"`` model strings resolve to :class:`GoogleLanguageModel` (to
    :class:`GoogleEmbeddingModel` in ``embed``)."""
    register_provider("google", lambda model_id: GoogleLanguageModel(model_id))
    register_embedding_provider("google", lambda model_id: GoogleEmbeddingModel(model_id))
