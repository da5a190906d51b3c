from providers.openai.map_usage import convert_openai_usage
from providers.openai.wire import ChatUsage


def test_missing_usage_leaves_every_number_unknown() -> None:
    usage = convert_openai_usage(None)
    assert usage.input_tokens is None and usage.output_tokens is None and usage.total_tokens is None
    assert usage.input_token_details.cache_read_tokens is None
    assert usage.raw is None


def test_cached_and_cache_write_tokens_split_the_input() -> None:
    raw = {
        "prompt_tokens": 2000,
        "completion_tokens": 20,
        "total_tokens": 2020,
        "prompt_tokens_details": {"cached_tokens": 1152, "cache_write_tokens": 256},
    }
    usage = convert_openai_usage(ChatUsage.model_validate(raw))
    details = usage.input_token_details
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (2000, 20, 2020)
    assert (details.cache_read_tokens, details.cache_write_tokens, details.no_cache_tokens) == (
        1152,
        256,
        592,
    )
    assert usage.raw == raw


def test_reasoning_tokens_are_part_of_the_output() -> None:
    raw = {
        "prompt_tokens": 15,
        "completion_tokens": 20,
        "completion_tokens_details": {"reasoning_tokens": 10},
    }
    usage = convert_openai_usage(ChatUsage.model_validate(raw))
    assert usage.output_token_details.reasoning_tokens == 10
    assert usage.output_token_details.text_tokens == 10
    assert usage.input_token_details.cache_read_tokens == 0
    assert usage.input_token_details.cache_write_tokens is None
