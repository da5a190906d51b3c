"""Anthropic provider options: defaults when a call or a file part gives none, validation when it does."""

import pytest

from pipeline.errors import InvalidArgumentError
from providers.anthropic.options import (
    AnthropicCallOptions,
    AnthropicFilePartOptions,
    parse_call_options,
    parse_file_part_options,
)


def test_absent_options_are_the_defaults_with_no_field_set() -> None:
    for parsed, validated in [
        (parse_call_options(None), AnthropicCallOptions()),
        (parse_call_options({"openai": {"user": "u"}}), AnthropicCallOptions()),
        (parse_file_part_options(None), AnthropicFilePartOptions()),
    ]:
        assert parsed == validated
        assert parsed.model_dump() == validated.model_dump()
        assert parsed.model_fields_set == set()


def test_given_options_are_validated_in_both_spellings() -> None:
    camel = parse_call_options({"anthropic": {"sendReasoning": False, "disableParallelToolUse": True}})
    snake = parse_call_options({"anthropic": {"send_reasoning": False, "disable_parallel_tool_use": True}})
    assert camel == snake
    assert (camel.send_reasoning, camel.disable_parallel_tool_use) == (False, True)
    with pytest.raises(InvalidArgumentError, match="invalid anthropic provider options"):
        parse_call_options({"anthropic": {"effort": "extreme"}})
