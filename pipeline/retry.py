"""Retries with exponential backoff and jitter, honouring the server's Retry-After.

Retries run outside the middleware chain, so every attempt re-runs it (transforms, cache lookup, logs).
Only errors that say so (``APICallError.is_retryable``) are retried; cancellation never is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

import anyio

from .errors import APICallError, InvalidArgumentError, RetryError

__all__ = ["RetryPolicy", "RetryReason", "backoff_delay", "retry_delay", "retry_policy", "with_retries"]

T = TypeVar("T")

RetryReason = Literal["maxRetriesExceeded", "errorNotRetryable", "retryAfterTooLong"]
"""Why retrying stopped (:attr:`RetryError.reason`): the attempts ran out, the last error says a retry
cannot help, or the server asked for a longer wait than ``max_retry_after`` allows."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait between attempts; pass one as ``max_retries=`` to any entry point.

    The delay before retry ``n`` (0-based) is ``min(initial_delay * 2**n, max_delay)`` shortened by up to
    ``jitter`` (a fraction); a server-requested delay up to ``max_retry_after`` seconds replaces it. A
    longer request is not slept through: retrying stops there.
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
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            _check_seconds(name, getattr(self, name))
        if not _is_number(self.jitter) or not 0 <= self.jitter <= 1:
            raise InvalidArgumentError("jitter", "jitter must be a number from 0 to 1")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _check_seconds(name: str, value: float) -> None:
    if not _is_number(value) or value < 0:
        raise InvalidArgumentError(name, f"{name} must be a number of seconds >= 0")


_COMMON_POLICIES = tuple(RetryPolicy(max_retries=count) for count in range(6))
"""The default-delay policies of small ``max_retries`` numbers, built once instead of once per call."""


def retry_policy(max_retries: int | RetryPolicy) -> RetryPolicy:
    """The policy an entry point's ``max_retries`` argument asks for (a number: the default delays)."""
    if isinstance(max_retries, RetryPolicy):
        return max_retries
    if type(max_retries) is int and 0 <= max_retries < len(_COMMON_POLICIES):
        return _COMMON_POLICIES[max_retries]
    return RetryPolicy(max_retries=max_retries)


def backoff_delay(policy: RetryPolicy, retries_taken: int, uniform: float) -> float:
    """The exponential delay before the next attempt; ``uniform`` is a number in [0, 1)."""
    base = min(policy.initial_delay * math.pow(2, retries_taken), policy.max_delay)
    return base * (1.0 - policy.jitter * uniform)


def retry_delay(policy: RetryPolicy, error: APICallError, retries_taken: int, uniform: float) -> float:
    """Seconds to wait before retrying after ``error`` (a retry the policy allows): the server's
    ``retry_after`` when positive, else the backoff delay."""
    requested = error.retry_after
    if requested is not None and requested > 0:
        return requested
    return backoff_delay(policy, retries_taken, uniform)


def _refusal(policy: RetryPolicy, error: APICallError) -> RetryReason | None:
    """Why ``error`` must not be retried, or ``None`` when it may be."""
    if not error.is_retryable:
        return "errorNotRetryable"
    if error.retry_after is not None and error.retry_after > policy.max_retry_after:
        return "retryAfterTooLong"
    return None


async def with_retries(
    attempt: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    uniform: Callable[[], float] = random.random,
) -> T:
    """Run ``attempt(n)`` (n = 1, 2, ...) until it succeeds or retrying is no longer allowed.

    With ``max_retries=0``, or when the first error is not to be retried, the original error is raised;
    otherwise a :class:`RetryError` holding every attempt's error and why retrying stopped.
    """
    errors: list[APICallError] = []
    while True:
        number = len(errors) + 1
        try:
            return await attempt(number)
        except APICallError as error:
            errors.append(error)
            retries_taken = len(errors) - 1
            refusal = _refusal(policy, error)
            if refusal is None and retries_taken < policy.max_retries:
                await sleep(retry_delay(policy, error, retries_taken, uniform()))
                continue
            if policy.max_retries == 0 or len(errors) == 1:
                raise
            raise _retry_error(policy, errors, refusal or "maxRetriesExceeded") from error


def _retry_error(policy: RetryPolicy, errors: list[APICallError], reason: RetryReason) -> RetryError:
    last = errors[-1]
    attempts = f"Failed after {len(errors)} attempts"
    if reason == "errorNotRetryable":
        message = f"{attempts} with non-retryable error: '{last}'"
    elif reason == "retryAfterTooLong":
        message = (
            f"{attempts}: the server asked to wait {last.retry_after or 0:g} s before retrying, longer than "
            f"max_retry_after ({policy.max_retry_after:g} s). Last error: {last}"
        )
    else:
        message = f"{attempts}. Last error: {last}"
    return RetryError(message, reason=reason, errors=errors)
