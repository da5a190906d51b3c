"""Retries with exponential backoff and jitter, honouring the server's Retry-After.

Retries run outside the middleware chain, so every attempt re-runs it (transforms, cache lookup, logs).
Only errors that say so (``APICallError.is_retryable``) are retried; cancellation never is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio

from .errors import APICallError, InvalidArgumentError, RetryError

__all__ = ["RetryPolicy", "backoff_delay", "retry_delay", "with_retries"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait between attempts.

    The delay before retry ``n`` (0-based) is ``min(initial_delay * 2**n, max_delay)`` shortened by up to
    ``jitter`` (a fraction); a server-requested delay up to ``max_retry_after`` seconds replaces it.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InvalidArgumentError("max_retries", "max_retries must be an integer")
        if self.max_retries < 0:
            raise InvalidArgumentError("max_retries", "max_retries must be >= 0")


def backoff_delay(policy: RetryPolicy, retries_taken: int, uniform: float) -> float:
    """The exponential delay before the next attempt; ``uniform`` is a number in [0, 1)."""
    base = min(policy.initial_delay * math.pow(2, retries_taken), policy.max_delay)
    return base * (1.0 - policy.jitter * uniform)


def retry_delay(policy: RetryPolicy, error: APICallError, retries_taken: int, uniform: float) -> float | None:
    """Seconds to wait before retrying after ``error``, or ``None`` when the error must not be retried.

    A server-requested delay (``retry_after``) is honoured when it is positive and at most
    ``max_retry_after``; a longer request is not slept through (the error is raised at once).
    """
    if not error.is_retryable:
        return None
    requested = error.retry_after
    if requested is not None and requested > 0:
        return requested if requested <= policy.max_retry_after else None
    return backoff_delay(policy, retries_taken, uniform)


async def with_retries(
    attempt: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    uniform: Callable[[], float] = random.random,
) -> T:
    """Run ``attempt(n)`` (n = 1, 2, ...) until it succeeds or retrying is no longer allowed.

    With ``max_retries=0``, or when the first error is not retryable, the original error is raised;
    otherwise a :class:`RetryError` holding every attempt's error.
    """
    errors: list[BaseException] = []
    while True:
        number = len(errors) + 1
        try:
            return await attempt(number)
        except APICallError as error:
            errors.append(error)
            retries_taken = len(errors) - 1
            delay = retry_delay(policy, error, retries_taken, uniform())
            if delay is None or policy.max_retries == 0 or retries_taken >= policy.max_retries:
                final = _final_error(policy, errors, delay is None)
                if final is error:
                    raise
                raise final from error
            await sleep(delay)


def _final_error(policy: RetryPolicy, errors: list[BaseException], not_retryable: bool) -> BaseException:
    last = errors[-1]
    if policy.max_retries == 0 or len(errors) == 1:
        return last
    if not_retryable:
        return RetryError(
            f"Failed after {len(errors)} attempts with non-retryable error: '{last}'",
            reason="errorNotRetryable",
            errors=errors,
        )
    return RetryError(
        f"Failed after {len(errors)} attempts. Last error: {last}",
        reason="maxRetriesExceeded",
        errors=errors,
    )
