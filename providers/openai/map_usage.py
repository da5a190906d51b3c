"""OpenAI-style ``usage`` -> :class:`pipeline.result.Usage` (cache read / write and reasoning details).

Compatible servers count differently; ``provider`` (the endpoint name) picks the reading the AI SDK's
provider package for that server uses: DeepSeek reports cache hits as ``prompt_cache_hit_tokens``, xAI's
``completion_tokens`` leave reasoning out, Groq leaves unreported details unset.
"""

from __future__ import annotations

from pipeline.result import InputTokenDetails, OutputTokenDetails, Usage

from .wire import ChatUsage

__all__ = ["convert_openai_usage"]


def convert_openai_usage(usage: ChatUsage | None, provider: str = "openai") -> Usage:
    """Missing usage gives all-``None`` numbers; missing fields inside a usage count as 0.

    ``cached_tokens`` are cache reads; ``cache_write_tokens`` (sent by some compatible servers)
    are cache writes; non-cached input is the rest. Reasoning tokens are part of the output, and
    the text tokens (output minus reasoning) never go below 0: xAI through a generic compatible
    endpoint reports more reasoning than completion tokens (as the AI SDK, they are clamped).
    """
    if usage is None:
        return Usage()
    if provider == "xai":
        return _xai_usage(usage)
    prompt_tokens = usage.prompt_tokens or 0
    completion_tokens = usage.completion_tokens or 0
    prompt_details = usage.prompt_tokens_details
    completion_details = usage.completion_tokens_details
    cached = prompt_details.cached_tokens if prompt_details else None
    reported_reasoning = completion_details.reasoning_tokens if completion_details else None
    if provider == "deepseek":
        cached = usage.prompt_cache_hit_tokens
    cache_read = cached or 0
    cache_write = prompt_details.cache_write_tokens if prompt_details else None
    reasoning = reported_reasoning or 0
    if provider == "groq":  # unreported details stay unset, as in the AI SDK's Groq provider
        return _usage(
            usage,
            prompt_tokens,
            completion_tokens,
            cache_read=cached,
            no_cache=prompt_tokens - (cached or 0),
            text=completion_tokens - (reported_reasoning or 0),
            reasoning=reported_reasoning,
        )
    return _usage(
        usage,
        prompt_tokens,
        completion_tokens,
        cache_read=cache_read,
        cache_write=cache_write,
        no_cache=prompt_tokens - cache_read - (cache_write or 0),
        text=max(0, completion_tokens - reasoning),
        reasoning=reasoning,
    )


def _xai_usage(usage: ChatUsage) -> Usage:
    """xAI: reasoning comes on top of ``completion_tokens``; cached tokens may be outside the prompt."""
    prompt_tokens = usage.prompt_tokens or 0
    completion_tokens = usage.completion_tokens or 0
    details = usage.prompt_tokens_details
    cache_read = (details.cached_tokens if details else None) or 0
    completion_details = usage.completion_tokens_details
    reasoning = (completion_details.reasoning_tokens if completion_details else None) or 0
    includes_cached = cache_read <= prompt_tokens
    return _usage(
        usage,
        prompt_tokens if includes_cached else prompt_tokens + cache_read,
        completion_tokens + reasoning,
        cache_read=cache_read,
        no_cache=prompt_tokens - cache_read if includes_cached else prompt_tokens,
        text=completion_tokens,
        reasoning=reasoning,
    )


def _usage(
    raw: ChatUsage,
    input_tokens: int,
    output_tokens: int,
    *,
    cache_read: int | None,
    no_cache: int,
    text: int,
    reasoning: int | None,
    cache_write: int | None = None,
) -> Usage:
    return Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        input_token_details=InputTokenDetails(
            no_cache_tokens=no_cache, cache_read_tokens=cache_read, cache_write_tokens=cache_write
        ),
        output_token_details=OutputTokenDetails(text_tokens=text, reasoning_tokens=reasoning),
        raw=raw.model_dump(exclude_unset=True),
    )
