import json

import pytest

from providers.openai.error_mapping import parse_openai_error, stream_error_status, stream_error_to_api_error


def test_error_body_message_and_data_are_extracted() -> None:
    body = {
        "error": {"message": "Rate limit reached", "type": "requests", "param": None, "code": "rate_limit"}
    }
    message, data = parse_openai_error(429, json.dumps(body))
    assert message == "Rate limit reached"
    assert data == body


@pytest.mark.parametrize("body", ["", "<html>bad gateway</html>", '{"detail": "nope"}'])
def test_unrecognised_error_body_gives_the_status_phrase(body: str) -> None:
    assert parse_openai_error(502, body) == ("Bad Gateway", None)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ({"code": 400}, 400),
        ({"code": "503"}, 503),
        ({"code": 200, "type": "server_error"}, 500),
        ({"code": "insufficient_quota"}, 429),
        ({"type": "rate_limit_exceeded"}, 429),
        ({"type": "authentication_error"}, 401),
        ({"type": "permission_denied"}, 403),
        ({"code": "model_not_found"}, 404),
        ({"code": "context_length_exceeded"}, 400),
        ({"type": "invalid_request_error"}, 400),
        ({"type": "overloaded"}, 503),
        ({"type": "timeout"}, 504),
        ({"type": "server_error", "code": None}, 500),
    ],
)
def test_in_stream_error_status_comes_from_code_or_keywords(error: dict[str, object], status: int) -> None:
    assert stream_error_status(error) == status


def test_early_stream_error_becomes_retryable_api_call_error() -> None:
    frame = {"message": "Overloaded", "type": "overloaded_error", "param": None, "code": None}
    error = stream_error_to_api_error(
        frame, url="http://x/chat/completions", request_body={"a": 1}, headers={}
    )
    assert (error.message, error.status_code, error.is_retryable) == ("Overloaded", 503, True)
    assert error.data == frame
    assert json.loads(error.response_body or "") == frame


def test_error_without_message_gets_a_generic_one() -> None:
    error = stream_error_to_api_error("boom", url="u", request_body=None, headers=None)
    assert error.status_code == 500
    assert "before any output" in error.message
