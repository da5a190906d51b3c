"""Typed errors of the resilience stage; both are :class:`~pipeline.errors.ModelCallError` s raised
before the model is called, so nothing was sent and nothing was spent."""

from __future__ import annotations

from pipeline.errors import ModelCallError

__all__ = ["BudgetExceededError", "RateLimitExceededError"]


class RateLimitExceededError(ModelCallError):
    """The rate limit ``limit`` (``"requests"``, ``"tokens"`` or ``"retry-after"``) on ``key`` would not
    admit the call within ``max_wait`` seconds; ``retry_after`` is when it would have (seconds from now)."""

    def __init__(self, *, key: str, limit: str, max_wait: float, retry_after: float | None) -> None:
        self.key = key
        self.limit = limit
        self.max_wait = max_wait
        self.retry_after = retry_after
        later = f"; it frees up in {retry_after:.3g} s" if retry_after is not None else ""
        super().__init__(
            f"Rate limit exceeded: the {limit} limit of {key!r} did not admit the call within "
            f"max_wait={max_wait:g} s{later}"
        )


class BudgetExceededError(ModelCallError):
    """The budget ``key`` has spent ``spent_usd`` of its ``max_usd``: the call was refused before I/O."""

    def __init__(self, *, key: str, spent_usd: float, max_usd: float, window: float | None) -> None:
        self.key = key
        self.spent_usd = spent_usd
        self.max_usd = max_usd
        self.window = window
        period = f" in the current {window:g} s window" if window is not None else ""
        super().__init__(
            f"Budget exceeded: {key!r} has spent ${spent_usd:.6f} of ${max_usd:.6f}{period}; "
            "the call was not sent"
        )
