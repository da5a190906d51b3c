"""OpenAI ``usage`` → :class:`pipeline.result.Usage` (cache read / write and reasoning details)."""

from __future__ import annotations

from pipeline.result import InputTokenDetails, OutputTokenDetails, Usage

from .wire import ChatUsage

__all__ = ["convert_openai_usage"]


def convert_openai_usage(usage: ChatUsage | None) -> Usage:
    """Missing usage gives all-``None`` numbers; missing fields inside a usage count as 0.

    ``cached_tokens`` are cache reads; ``cache_write_tokens`` (sent by some compatible servers)
    are cache writes; non-cached input is the rest. Reasoning tokens are part of the output.
    """
    if usage is None:
        return Usage()
    prompt_tokens = usage.prompt_tokens or 0
    completion_tokens = usage.completion_tokens or 0
    prompt_details = usage.prompt_tokens_details
    cache_read = (prompt_details.cached_tokens if prompt_details else None) or 0
    cache_write = prompt_details.cache_write_tokens if prompt_details else None
    completion_details = usage.completion_tokens_details
    reasoning = (completion_details.reasoning_tokens if completion_details else None) or 0
    return Usage(
        input_tokens=prompt_tokens,
        output_tokens=completion_tokens,
        total_tokens=prompt_tokens + completion_tokens,
        input_token_details=InputTokenDetails(
            no_cache_tokens=prompt_tokens - cache_read - (cache_write or 0),
            cache_read_tokens=cache_read,
            cache_write_tokens=cache_write,
        ),
        output_token_details=OutputTokenDetails(
            text_tokens=completion_tokens - reasoning, reasoning_tokens=reasoning
        ),
        raw=usage.model_dump(exclude_unset=True),
    )
