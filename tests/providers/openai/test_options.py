import pytest

from pipeline.errors import InvalidArgumentError
from providers.openai.options import OpenAIChatOptions, parse_openai_options


def test_absent_options_give_defaults() -> None:
    assert parse_openai_options(None) == OpenAIChatOptions()
    assert parse_openai_options({"anthropic": {"x": 1}}) == OpenAIChatOptions()
    defaults = parse_openai_options(None)
    assert defaults.model_fields_set == set()  # merging keeps only the keys a caller set
    assert defaults.model_dump() == OpenAIChatOptions().model_dump()


def test_camel_and_snake_case_keys_are_accepted() -> None:
    camel = parse_openai_options({"openai": {"reasoningEffort": "low", "parallelToolCalls": False}})
    snake = parse_openai_options({"openai": {"reasoning_effort": "low", "parallel_tool_calls": False}})
    assert camel == snake
    assert camel.reasoning_effort == "low"
    assert camel.parallel_tool_calls is False


def test_unknown_keys_are_ignored() -> None:
    assert parse_openai_options({"openai": {"imageDetail": "low", "user": "u"}}).user == "u"


def test_invalid_value_raises_invalid_argument_naming_the_provider() -> None:
    with pytest.raises(InvalidArgumentError, match="invalid openai provider options") as caught:
        parse_openai_options({"openai": {"reasoningEffort": "extreme"}})
    assert "reasoningEffort" in str(caught.value)


def test_metadata_values_are_length_limited() -> None:
    with pytest.raises(InvalidArgumentError):
        parse_openai_options({"openai": {"metadata": {"k": "v" * 513}}})


def test_later_keys_override_earlier_ones() -> None:
    options = parse_openai_options(
        {"openai": {"user": "a", "store": True}, "ollama": {"user": "b"}}, ("openai", "ollama")
    )
    assert (options.user, options.store) == ("b", True)
    with pytest.raises(InvalidArgumentError, match="invalid ollama provider options"):
        parse_openai_options({"ollama": {"store": "maybe"}}, ("openai", "ollama"))
