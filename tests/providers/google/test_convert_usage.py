"""convert_google_usage: usageMetadata -> Usage."""

from __future__ import annotations

from providers.google.convert_usage import convert_google_usage
from providers.google.wire import UsageMetadata


def test_missing_usage_is_all_unknown() -> None:
    usage = convert_google_usage(None)
    assert usage.input_tokens is None
    assert usage.output_tokens is None
    assert usage.total_tokens is None


def test_cached_and_thought_tokens_are_split_out() -> None:
    usage = convert_google_usage(
        UsageMetadata(
            promptTokenCount=100, cachedContentTokenCount=30, candidatesTokenCount=20, thoughtsTokenCount=5
        )
    )
    assert usage.input_tokens == 100
    assert usage.input_token_details.cache_read_tokens == 30
    assert usage.input_token_details.no_cache_tokens == 70
    assert usage.input_token_details.cache_write_tokens is None
    assert usage.output_tokens == 25
    assert usage.output_token_details.text_tokens == 20
    assert usage.output_token_details.reasoning_tokens == 5
    assert usage.total_tokens == 125
    assert usage.raw == {
        "promptTokenCount": 100,
        "cachedContentTokenCount": 30,
        "candidatesTokenCount": 20,
        "thoughtsTokenCount": 5,
    }


def test_absent_counts_count_as_zero() -> None:
    usage = convert_google_usage(UsageMetadata(promptTokenCount=7))
    assert usage.input_tokens == 7
    assert usage.output_tokens == 0
    assert usage.input_token_details.cache_read_tokens == 0
    assert usage.output_token_details.reasoning_tokens == 0
