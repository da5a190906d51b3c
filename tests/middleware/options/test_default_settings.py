"""DefaultSettingsMiddleware: the AI SDK's default settings, on generate and stream."""

from __future__ import annotations

import pytest

from middleware.options.default_settings import DefaultSettingsMiddleware
from pipeline.chain import wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.generate import generate_text, stream_text
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from pipeline.testing import MockLanguageModel

PROMPT = [UserMessage(content=[TextPart(text="Hello")])]


async def test_defaults_apply_on_generate_when_the_call_sets_nothing() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(
        model, DefaultSettingsMiddleware(settings={"temperature": 0.7, "maxOutputTokens": 50})
    )
    result = await generate_text(wrapped, prompt="Hi")
    assert result.text == "Hello!"
    seen = model.generate_calls[0]
    assert (seen.temperature, seen.max_output_tokens) == (0.7, 50)


async def test_defaults_apply_on_stream_and_the_call_wins() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, DefaultSettingsMiddleware(settings={"temperature": 0.7, "seed": 3}))
    async with stream_text(wrapped, prompt="Hi", temperature=0.1) as result:
        assert await result.text() == "Hello!"
    seen = model.stream_calls[0]
    assert (seen.temperature, seen.seed) == (0.1, 3)


async def test_a_call_value_of_none_uses_the_default() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, DefaultSettingsMiddleware(settings={"temperature": 0.7}))
    await wrapped.do_generate(CallParams(prompt=PROMPT, temperature=None))
    await wrapped.do_stream(CallParams(prompt=PROMPT, temperature=None))
    assert [call.params.temperature for call in model.calls] == [0.7, 0.7]


async def test_a_call_value_of_zero_is_kept() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, DefaultSettingsMiddleware(settings={"temperature": 0.7}))
    await wrapped.do_generate(CallParams(prompt=PROMPT, temperature=0))
    assert model.generate_calls[0].temperature == 0


async def test_provider_options_and_headers_merge_deeply_and_lists_replace() -> None:
    middleware = DefaultSettingsMiddleware(
        settings={
            "headers": {"x-team": "a", "x-env": "prod"},
            "providerOptions": {"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 1000}}},
            "stop_sequences": ["a", "b"],
        }
    )
    model = MockLanguageModel()
    params = CallParams(
        prompt=PROMPT,
        headers={"x-env": "dev"},
        provider_options={"anthropic": {"thinking": {"budgetTokens": 50, "type": None}}},
        stop_sequences=["c"],
    )
    await wrap_model(model, middleware).do_generate(params)
    seen = model.generate_calls[0]
    assert seen.headers == {"x-team": "a", "x-env": "dev"}
    assert seen.provider_options == {"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 50}}}
    assert seen.stop_sequences == ["c"]


async def test_headers_stay_unset_when_neither_side_sets_them() -> None:
    model = MockLanguageModel()
    await wrap_model(model, DefaultSettingsMiddleware(settings={"temperature": 0.7})).do_generate(
        CallParams(prompt=PROMPT)
    )
    assert model.generate_calls[0].headers is None


async def test_shared_defaults_are_never_aliased_by_a_call() -> None:
    middleware = DefaultSettingsMiddleware(settings={"headers": {"x-team": "a"}})
    model = MockLanguageModel()
    await wrap_model(model, middleware).do_generate(CallParams(prompt=PROMPT))
    assert model.generate_calls[0].headers is not None
    model.generate_calls[0].headers["x-team"] = "changed"
    assert middleware.defaults["headers"] == {"x-team": "a"}


def test_bad_settings_fail_when_the_middleware_is_built() -> None:
    with pytest.raises(ValueError, match="temprature"):
        DefaultSettingsMiddleware(settings={"temprature": 0.5})
    with pytest.raises(InvalidArgumentError, match="prompt"):
        DefaultSettingsMiddleware(settings={"prompt": "hi"})
