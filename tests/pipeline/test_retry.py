"""Retry policy: which errors retry, delays, Retry-After, and how failures are reported."""

from __future__ import annotations

import pytest

from pipeline.errors import APICallError, InvalidArgumentError, RetryError
from pipeline.retry import RetryPolicy, backoff_delay, retry_policy, with_retries


def _error(status: int, retry_after: float | None = None, retryable: bool | None = None) -> APICallError:
    return APICallError(
        f"status {status}",
        url="http://x/v1",
        status_code=status,
        retry_after=retry_after,
        is_retryable=retryable,
    )


class Script:
    """Fails with the given errors in turn, then returns "ok"; records sleeps."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.attempts: list[int] = []
        self.sleeps: list[float] = []

    async def attempt(self, number: int) -> str:
        self.attempts.append(number)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


async def _run(script: Script, policy: RetryPolicy | None = None) -> str:
    return await with_retries(
        script.attempt, policy or RetryPolicy(), sleep=script.sleep, uniform=lambda: 0.0
    )


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
async def test_retryable_statuses_are_retried_until_success(status: int) -> None:
    script = Script(_error(status), _error(status))
    assert await _run(script) == "ok"
    assert script.attempts == [1, 2, 3]
    assert script.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_non_retryable_statuses_raise_the_original_error_after_one_attempt(status: int) -> None:
    error = _error(status)
    script = Script(error)
    with pytest.raises(APICallError) as raised:
        await _run(script)
    assert raised.value is error
    assert script.attempts == [1]


async def test_exhausted_retries_raise_retry_error_with_every_attempt() -> None:
    errors = [_error(500), _error(502), _error(503)]
    script = Script(*errors)
    with pytest.raises(RetryError) as raised:
        await _run(script)
    assert raised.value.reason == "maxRetriesExceeded"
    assert raised.value.errors == errors
    assert raised.value.last_error is errors[-1]
    assert "Failed after 3 attempts. Last error: status 503" in str(raised.value)


async def test_non_retryable_error_after_a_retry_is_wrapped() -> None:
    script = Script(_error(500), _error(400))
    with pytest.raises(RetryError) as raised:
        await _run(script)
    assert raised.value.reason == "errorNotRetryable"
    assert len(raised.value.errors) == 2


async def test_max_retries_zero_raises_the_original_error() -> None:
    error = _error(500)
    script = Script(error)
    with pytest.raises(APICallError) as raised:
        await _run(script, RetryPolicy(max_retries=0))
    assert raised.value is error


async def test_server_retry_after_replaces_backoff_up_to_sixty_seconds() -> None:
    script = Script(_error(429, retry_after=0.25), _error(503, retry_after=60.0))
    assert await _run(script) == "ok"
    assert script.sleeps == [0.25, 60.0]


async def test_retry_after_over_the_cap_is_not_slept_and_is_kept_on_the_error() -> None:
    error = _error(429, retry_after=300.0)
    script = Script(error)
    with pytest.raises(APICallError) as raised:
        await _run(script)
    assert raised.value.retry_after == 300.0
    assert script.sleeps == []


async def test_a_retry_after_over_the_cap_after_a_retry_says_so_in_the_retry_error() -> None:
    errors = [_error(500), _error(429, retry_after=300.0)]
    script = Script(*errors)
    with pytest.raises(RetryError) as raised:
        await _run(script)
    assert raised.value.reason == "retryAfterTooLong"
    assert raised.value.errors == errors
    assert str(raised.value) == (
        "Failed after 2 attempts: the server asked to wait 300 s before retrying, longer than "
        "max_retry_after (60 s). Last error: status 429"
    )
    assert script.sleeps == [0.5]


async def test_max_retry_after_is_the_policy_s_cap() -> None:
    script = Script(_error(429, retry_after=90.0))
    assert await _run(script, RetryPolicy(max_retry_after=120.0)) == "ok"
    assert script.sleeps == [90.0]


async def test_server_can_veto_or_force_a_retry() -> None:
    forced = Script(_error(400, retryable=True))
    assert await _run(forced) == "ok"
    vetoed = Script(_error(503, retryable=False))
    with pytest.raises(APICallError):
        await _run(vetoed)
    assert vetoed.attempts == [1]


async def test_other_exceptions_are_never_retried() -> None:
    script = Script(ValueError("bug"))
    with pytest.raises(ValueError):
        await _run(script)
    assert script.attempts == [1]


def test_backoff_schedule_with_jitter_bounds() -> None:
    policy = RetryPolicy(max_retries=5)
    low = [backoff_delay(policy, n, 0.999999) for n in range(5)]
    high = [backoff_delay(policy, n, 0.0) for n in range(5)]
    assert high == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert all(h * 0.75 <= lo < h for lo, h in zip(low, high, strict=True))
    assert backoff_delay(policy, 10, 0.0) == 8.0


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_invalid_max_retries_is_a_typed_error(bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="max_retries"):
        RetryPolicy(max_retries=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "bad"),
    [("initial_delay", -1.0), ("max_delay", "8"), ("max_retry_after", float("nan")), ("jitter", 1.5)],
)
def test_invalid_delays_are_typed_errors_naming_the_setting(field: str, bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match=field):
        RetryPolicy(**{field: bad})  # type: ignore[arg-type]


def test_an_entry_point_s_max_retries_is_a_number_or_a_policy() -> None:
    policy = RetryPolicy(max_retries=4, initial_delay=0.0)
    assert retry_policy(policy) is policy
    assert retry_policy(3) == RetryPolicy(max_retries=3)
