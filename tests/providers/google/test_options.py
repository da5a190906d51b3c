"""parse_google_options: providerOptions.google validation."""

from __future__ import annotations

import pytest

from pipeline.errors import InvalidArgumentError
from providers.google.options import GoogleOptions, parse_google_options


def test_absent_options_are_none() -> None:
    assert parse_google_options(None) is None
    assert parse_google_options({"openai": {"x": 1}}) is None


def test_camel_and_snake_case_validate_to_the_same_options() -> None:
    camel = parse_google_options(
        {
            "google": {
                "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True},
                "cachedContent": "c/1",
            }
        }
    )
    snake = parse_google_options(
        {
            "google": {
                "thinking_config": {"thinking_budget": 1024, "include_thoughts": True},
                "cached_content": "c/1",
            }
        }
    )
    assert camel == snake
    assert isinstance(camel, GoogleOptions)
    assert camel.thinking_config is not None
    assert camel.thinking_config.to_wire() == {"thinkingBudget": 1024, "includeThoughts": True}


def test_invalid_options_raise_invalid_argument_error() -> None:
    with pytest.raises(InvalidArgumentError, match="invalid google provider options"):
        parse_google_options({"google": {"safetySettings": [{"category": "NOPE", "threshold": "OFF"}]}})


def test_unknown_keys_are_ignored_like_the_ai_sdk_does() -> None:
    options = parse_google_options({"google": {"futureOption": 1, "thoughtSignature": "x"}})
    assert options == GoogleOptions()
