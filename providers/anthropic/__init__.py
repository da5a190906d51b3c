"""Anthropic Messages API: ``AnthropicProvider``, ``AnthropicMessagesModel``, the model-string hook
and ``tools`` (the provider tools, e.g. ``tools.web_search_20250305()``)."""

from __future__ import annotations

from pipeline.registry import register_provider

from . import tools
from .capabilities import ModelCapabilities, model_capabilities
from .model import AnthropicMessagesModel, AnthropicProvider
from .options import AnthropicCallOptions

__all__ = [
    "AnthropicCallOptions",
    "AnthropicMessagesModel",
    "AnthropicProvider",
    "ModelCapabilities",
    "model_capabilities",
    "register",
    "tools",
]


def register() -> None:
    """Make ``"anthropic/<model id>"`` resolve to a Messages API model with default settings."""
    register_provider("anthropic", AnthropicProvider().messages)
