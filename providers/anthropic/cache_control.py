"""Cache breakpoints: at most four per request, never on thinking blocks."""

from __future__ import annotations

from typing import Any

from pipeline._base import ProviderOptions
from pipeline.result import CallWarning

from .options import cache_control_of

__all__ = ["MAX_CACHE_BREAKPOINTS", "CacheBreakpoints"]

MAX_CACHE_BREAKPOINTS = 4


class CacheBreakpoints:
    """Hands out ``cache_control`` values for one request, counting breakpoints.

    One instance per request (messages and tools share the count); the 5th and later
    breakpoints are dropped with a warning.
    """

    def __init__(self) -> None:
        self.count = 0
        self.warnings: list[CallWarning] = []

    def take(
        self, provider_options: ProviderOptions | None, *, context: str, can_cache: bool = True
    ) -> dict[str, Any] | None:
        """The ``cache_control`` to send, or ``None`` (absent, not allowed here, or over the limit)."""
        value = cache_control_of(provider_options)
        if value is None:
            return None
        if not can_cache:
            self.warnings.append(
                CallWarning(
                    type="unsupported",
                    feature="cache_control on non-cacheable context",
                    details=f"cache_control cannot be set on {context}. It will be ignored.",
                )
            )
            return None
        self.count += 1
        if self.count > MAX_CACHE_BREAKPOINTS:
            self.warnings.append(
                CallWarning(
                    type="unsupported",
                    feature="cacheControl breakpoint limit",
                    details=(
                        f"Maximum {MAX_CACHE_BREAKPOINTS} cache breakpoints exceeded (found {self.count}). "
                        "This breakpoint will be ignored."
                    ),
                )
            )
            return None
        return value
