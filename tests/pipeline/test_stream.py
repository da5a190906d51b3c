"""Stream parts: the exception an error part stands for."""

from __future__ import annotations

import pytest

from pipeline.errors import APICallError, ModelStreamError
from pipeline.stream import error_part_exception


def test_an_exception_is_raised_as_itself() -> None:
    error = APICallError("Overloaded", url="http://127.0.0.1/v1", status_code=529)
    assert error_part_exception(error) is error


@pytest.mark.parametrize(
    ("payload", "message", "error_type"),
    [
        (
            {"type": "overloaded_error", "message": "Overloaded"},
            "Overloaded (overloaded_error)",
            "overloaded_error",
        ),
        ({"error": {"message": "Rate limited", "code": 429}}, "Rate limited (429)", "429"),
        ({"message": "overloaded"}, "overloaded", None),
        ({"type": "server_error"}, "server_error", "server_error"),
        ("upstream broke", "upstream broke", None),
        ({"unexpected": 1}, "{'unexpected': 1}", None),
        (None, "None", None),
    ],
)
def test_any_other_value_becomes_a_model_stream_error_with_a_readable_message(
    payload: object, message: str, error_type: str | None
) -> None:
    error = error_part_exception(payload)
    assert isinstance(error, ModelStreamError)
    assert str(error) == f"The model stream reported an error: {message}"
    assert (error.error, error.error_type) == (payload, error_type)
