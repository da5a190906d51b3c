"""Gemini ``usageMetadata`` -> Usage (pure)."""

from __future__ import annotations

from pipeline.result import Usage

from .wire import UsageMetadata

__all__ = ["convert_google_usage"]


def convert_google_usage(usage: UsageMetadata | None) -> Usage:
    """Input = prompt tokens (cache read = cached content tokens); output = candidates + thoughts."""
    if usage is None:
        return Usage()
    prompt = usage.promptTokenCount or 0
    candidates = usage.candidatesTokenCount or 0
    cached = usage.cachedContentTokenCount or 0
    thoughts = usage.thoughtsTokenCount or 0
    return Usage.of(
        input_tokens=prompt,
        output_tokens=candidates + thoughts,
        no_cache_tokens=prompt - cached,
        cache_read_tokens=cached,
        text_tokens=candidates,
        reasoning_tokens=thoughts,
        raw=usage.model_dump(exclude_none=True),
    )
