"""Anthropic Messages API: ``AnthropicProvider``, ``AnthropicMessagesModel`` and the model-string hook."""

from __future__ import annotations

from pipeline.registry import register_provider

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
]


def register() -> None:
    """Make ``"anthropic/<model id>"`` resolve to a Messages API model with default settings."""
    register_provider("anthropic", AnthropicProvider().messages)
