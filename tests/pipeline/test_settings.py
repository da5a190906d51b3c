"""Call settings: one list of names, typed for callers, validated into CallParams."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams
from pipeline.prompt import UserMessage
from pipeline.settings import CallSettings, build_call_params

PROMPT = [UserMessage(content="Hi")]


def test_the_settings_are_exactly_the_call_params_besides_prompt_and_tools() -> None:
    assert set(CallSettings.__annotations__) == set(CallParams.model_fields) - {"prompt", "tools"}


def test_every_setting_reaches_the_params() -> None:
    params = build_call_params(
        PROMPT,
        tools=[{"name": "look"}],
        max_output_tokens=10,
        temperature=0.2,
        top_p=0.9,
        top_k=3,
        presence_penalty=0.1,
        frequency_penalty=0.3,
        stop_sequences=("END",),
        seed=1,
        response_format={"type": "json"},
        tool_choice="auto",
        reasoning="low",
        headers={"x-a": "1", "x-b": None},
        provider_options={"openai": {"user": "u"}},
        include_raw_chunks=True,
    )
    assert params.stop_sequences == ["END"] and params.headers == {"x-a": "1"}
    assert params.tools is not None and params.tools[0].name == "look"
    assert (params.max_output_tokens, params.top_k, params.seed) == (10, 3, 1)
    assert params.include_raw_chunks is True


def test_an_unknown_setting_is_a_typed_error_naming_it() -> None:
    settings: dict[str, Any] = {"temprature": 0.5}
    with pytest.raises(InvalidArgumentError) as raised:
        build_call_params(PROMPT, **settings)
    assert raised.value.argument == "temprature"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("top_k", 1.5, "top_k must be an integer"),
        ("frequency_penalty", float("nan"), "frequency_penalty must be a number"),
        ("headers", ["x-a"], "headers must be a mapping"),
        ("reasoning", "very", "reasoning"),
    ],
)
def test_bad_values_are_typed_errors_naming_the_setting(setting: str, value: object, message: str) -> None:
    settings: dict[str, Any] = {setting: value}
    with pytest.raises(InvalidArgumentError, match=message) as raised:
        build_call_params(PROMPT, **settings)
    assert raised.value.argument == setting
