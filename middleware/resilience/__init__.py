"""Resilience stage: fallback to other models, shared rate limits, and the cost and budget of each call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

if TYPE_CHECKING:
    from .breaker import CircuitBreaker
    from .budget import BudgetMiddleware
    from .cost import CostMiddleware
    from .errors import BudgetExceededError, RateLimitExceededError
    from .fallback import FallbackMiddleware
    from .pricing import ModelPrice, UnpricedModelWarning
    from .rate_limit import RateLimitMiddleware

_HOMES = {
    "BudgetExceededError": ".errors",
    "BudgetMiddleware": ".budget",
    "CircuitBreaker": ".breaker",
    "CostMiddleware": ".cost",
    "FallbackMiddleware": ".fallback",
    "ModelPrice": ".pricing",
    "RateLimitExceededError": ".errors",
    "RateLimitMiddleware": ".rate_limit",
    "UnpricedModelWarning": ".pricing",
}
__all__ = [
    "BudgetExceededError",
    "BudgetMiddleware",
    "CircuitBreaker",
    "CostMiddleware",
    "FallbackMiddleware",
    "ModelPrice",
    "RateLimitExceededError",
    "RateLimitMiddleware",
    "UnpricedModelWarning",
]

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())
