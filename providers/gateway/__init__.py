"""The Vercel AI Gateway: ``GatewayProvider`` and the ``"gateway/<provider>/<model>"`` model strings.

With ``pipeline.set_default_provider("gateway")`` (or ``MODELPIPE_DEFAULT_PROVIDER=gateway``) every model
string goes through the gateway whole: ``"openai/gpt-4o"`` is the gateway's ``openai/gpt-4o``.
"""

from __future__ import annotations

from pipeline.registry import register_embedding_provider, register_provider

from .model import GatewayEmbeddingModel, GatewayLanguageModel, GatewayProvider

__all__ = ["GatewayEmbeddingModel", "GatewayLanguageModel", "GatewayProvider", "register"]


def register() -> None:
    """Make ``"gateway/<provider>/<model>"`` resolve to gateway models with default settings."""
    register_provider("gateway", GatewayProvider().language_model)
    register_embedding_provider("gateway", GatewayProvider().embedding)
