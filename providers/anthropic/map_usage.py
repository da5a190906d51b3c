"""Anthropic ``usage`` to :class:`pipeline.result.Usage`."""

from __future__ import annotations

from typing import Any

from pipeline.result import Usage

from .wire import WireUsage

__all__ = ["convert_usage", "reported_usage"]

_EXECUTOR_ITERATIONS = ("compaction", "message")
_ITERATION_FIELDS = (
    "type",
    "model",
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)


def reported_usage(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``usage`` object as the AI SDK reports it raw: every top-level field, but ``iterations``
    entries and ``output_tokens_details`` only with the fields its schema reads."""
    if raw is None:
        return None
    usage = dict(raw)
    if isinstance(usage.get("iterations"), list):
        usage["iterations"] = [
            {key: item[key] for key in _ITERATION_FIELDS if key in item} if isinstance(item, dict) else item
            for item in usage["iterations"]
        ]
    details = usage.get("output_tokens_details")
    if isinstance(details, dict):
        usage["output_tokens_details"] = {key: details[key] for key in ("thinking_tokens",) if key in details}
    return usage


def convert_usage(usage: WireUsage, raw: dict[str, Any] | None = None) -> Usage:
    """Unified usage. Input total = input + cache read + cache write (Anthropic's ``input_tokens``
    excludes cached tokens); reasoning comes from ``output_tokens_details.thinking_tokens``.

    When ``iterations`` are reported (compaction), the executor iterations are summed instead.
    """
    input_tokens = usage.input_tokens or 0
    output_tokens = usage.output_tokens or 0
    iterations = usage.iterations or []
    served_by_fallback = any(item.get("type") == "fallback_message" for item in iterations)
    executor = [item for item in iterations if item.get("type") in _EXECUTOR_ITERATIONS]
    if executor and not served_by_fallback:
        input_tokens = sum(int(item.get("input_tokens") or 0) for item in executor)
        output_tokens = sum(int(item.get("output_tokens") or 0) for item in executor)

    cache_read = usage.cache_read_input_tokens or 0
    cache_write = usage.cache_creation_input_tokens or 0
    details = usage.output_tokens_details or {}
    reasoning = details.get("thinking_tokens")
    return Usage.of(
        input_tokens=input_tokens + cache_read + cache_write,
        output_tokens=output_tokens,
        no_cache_tokens=input_tokens,
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
        reasoning_tokens=reasoning,
        text_tokens=None if reasoning is None else output_tokens - reasoning,
        raw=raw if raw is not None else usage.model_dump(exclude_none=True),
    )
