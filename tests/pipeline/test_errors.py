"""The library's errors are scrubbed when they are made, so no caller ever holds a secret in one."""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from pipeline.errors import APICallError, InvalidArgumentError, ModelCallError, RetryError
from pipeline.redact import REDACTED, forget_secret, register_secret

SHAPED_KEY = "sk-canary-0123456789abcdefghijkl"
OPAQUE_KEY = "opaque-tenant-credential-4417"


@pytest.fixture
def opaque_key() -> Iterator[str]:
    register_secret(OPAQUE_KEY)  # what a provider does with the key it is configured with
    yield OPAQUE_KEY
    forget_secret(OPAQUE_KEY)


def _renderings(error: BaseException) -> str:
    return " ".join((str(error), repr(error), "".join(traceback.format_exception(error)), repr(vars(error))))


def test_an_api_call_error_is_scrubbed_when_made(opaque_key: str) -> None:
    # Before: the echoed keys stayed in str / repr / traceback unless an observer rewrote the error.
    error = APICallError(
        f"Incorrect API key provided: {opaque_key}",
        url=f"https://user:{opaque_key}@api.example.com/v1/chat?key={SHAPED_KEY}",
        status_code=401,
        request_body={"messages": [{"role": "user", "content": "hi"}], "api_key": opaque_key},
        response_headers={"set-cookie": "sid=1", "x-request-id": "req_1", "x-echo": SHAPED_KEY},
        response_body=f'{{"error": {{"message": "Incorrect API key provided: {opaque_key}"}}}}',
        data={"error": {"message": f"key {SHAPED_KEY}", "code": 401}},
    )
    assert OPAQUE_KEY not in _renderings(error) and SHAPED_KEY not in _renderings(error)
    assert error.message == f"Incorrect API key provided: {REDACTED}"
    assert error.url == "https://api.example.com/v1/chat"
    assert error.response_headers == {"set-cookie": REDACTED, "x-request-id": "req_1", "x-echo": REDACTED}
    assert error.response_body == f'{{"error": {{"message": "Incorrect API key provided: {REDACTED}"}}}}'
    assert error.data == {"error": {"message": f"key {REDACTED}", "code": 401}}
    assert error.request_body == {"messages": [{"role": "user", "content": "hi"}], "api_key": REDACTED}
    assert error.status_code == 401 and error.is_retryable is False


def test_repr_never_shows_credentials_of_a_base_url() -> None:
    # Before: APICallError.__repr__ showed https://user:pass@host.
    error = APICallError("Cannot connect to API", url="https://user:pass-9931@proxy.example/v1/messages")
    assert (
        repr(error)
        == "APICallError('Cannot connect to API', status_code=None, url='https://proxy.example/v1/messages')"
    )


def test_response_bodies_keep_everything_but_secrets() -> None:
    body = "e" * 5000
    error = APICallError("Bad gateway", url="https://h.example/x", status_code=502, response_body=body)
    assert error.response_body == body


def test_a_stream_error_report_is_scrubbed_like_any_other(opaque_key: str) -> None:
    # What a stream error event after content becomes (pipeline.stream_text_result).
    event = {"type": "error", "error": {"message": f"key {opaque_key} revoked"}}
    error = ModelCallError(f"The model stream reported an error: {event}")
    assert OPAQUE_KEY not in _renderings(error) and f"key {REDACTED} revoked" in str(error)


def test_a_retry_error_message_built_from_its_attempts_is_clean(opaque_key: str) -> None:
    attempt = APICallError(f"bad key {opaque_key}", url="https://h.example/x", status_code=500)
    retry = RetryError(
        f"Failed after 1 attempt. Last error: {attempt}", reason="maxRetriesExceeded", errors=[attempt]
    )
    retry.__cause__ = attempt
    assert OPAQUE_KEY not in _renderings(retry)


def test_a_missing_key_message_keeps_its_words() -> None:
    # Before (through LoggingMiddleware): "[REDACTED] API key is missing. Pass api_key=[REDACTED] ..."
    error = InvalidArgumentError(
        "apiKey", "openai API key is missing. Pass api_key=... or set OPENAI_API_KEY."
    )
    assert str(error) == (
        "Invalid argument for 'apiKey': openai API key is missing. Pass api_key=... or set OPENAI_API_KEY."
    )
