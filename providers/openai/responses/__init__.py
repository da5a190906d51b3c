"""The OpenAI Responses API (``POST /responses``): request builder, response and stream mappers, terminal."""

from __future__ import annotations

from .model import RESPONSES_URLS, OpenAIResponsesLanguageModel
from .options import OpenAIResponsesOptions

__all__ = ["RESPONSES_URLS", "OpenAIResponsesLanguageModel", "OpenAIResponsesOptions"]
