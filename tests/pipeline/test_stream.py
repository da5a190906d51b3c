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


def test_add_text_delta_folds_as_add_does() -> None:
    from pipeline.stream import StreamCollector, TextDeltaPart, TextEndPart, TextStartPart

    parts = [
        TextStartPart(id="a"),
        TextDeltaPart(id="a", delta="Hel"),
        TextDeltaPart(id="b", delta="other block, never started"),
        TextDeltaPart(id="a", delta="lo", provider_metadata={"p": {"k": 1}}),
        TextDeltaPart(id="a", delta="!"),
        TextEndPart(id="a"),
    ]
    by_add, by_fast_path = StreamCollector(), StreamCollector()
    for part in parts:
        by_add.add(part)
        if type(part) is TextDeltaPart:
            by_fast_path.add_text_delta(part)
        else:
            by_fast_path.add(part)
    assert by_fast_path.result() == by_add.result()
    assert [item.model_dump() for item in by_fast_path.result().content] == [
        {"type": "text", "text": "Hello!", "providerMetadata": {"p": {"k": 1}}},
        {"type": "text", "text": "other block, never started", "providerMetadata": None},
    ]
