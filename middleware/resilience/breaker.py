"""A small circuit breaker per model: skip a model that keeps failing until a cool-down has passed."""

from __future__ import annotations

import time
from collections.abc import Callable

from pipeline.errors import InvalidArgumentError

__all__ = ["CircuitBreaker"]


class CircuitBreaker:
    """Opens a name (a model) after ``threshold`` consecutive failures; after ``cooldown`` seconds one
    trial call is let through (half-open). A success closes it; a failed trial reopens it.

    Process-local and shared by the calls of one :class:`~middleware.resilience.FallbackMiddleware`.
    """

    def __init__(
        self, *, threshold: int = 3, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            raise InvalidArgumentError("threshold", f"must be an integer >= 1, got {threshold!r}")
        if isinstance(cooldown, bool) or not isinstance(cooldown, int | float) or not cooldown >= 0:
            raise InvalidArgumentError("cooldown", f"must be a number of seconds >= 0, got {cooldown!r}")
        self.threshold = threshold
        self.cooldown = float(cooldown)
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}

    def is_open(self, name: str) -> bool:
        """True while ``name`` is being skipped (its cool-down has not passed)."""
        until = self._open_until.get(name)
        return until is not None and self._clock() < until

    def admit(self, name: str) -> bool:
        """Whether a call to ``name`` may go ahead now; after the cool-down this caller is the trial
        (others keep being skipped for another cool-down unless it succeeds)."""
        until = self._open_until.get(name)
        if until is None:
            return True
        now = self._clock()
        if now < until:
            return False
        self._open_until[name] = now + self.cooldown
        return True

    def record_success(self, name: str) -> None:
        self._failures.pop(name, None)
        self._open_until.pop(name, None)

    def record_failure(self, name: str) -> None:
        failures = self._failures.get(name, 0) + 1
        self._failures[name] = failures
        if failures >= self.threshold:
            self._open_until[name] = self._clock() + self.cooldown

    def __repr__(self) -> str:
        return f"CircuitBreaker(threshold={self.threshold}, cooldown={self.cooldown:g})"
