"""ProviderOptionsMiddleware: defaults under the call's params, and the dynamic (call/message/part) form."""

from __future__ import annotations

import pytest

from middleware.options.provider_options import (
    ProviderOptionsMiddleware,
    apply_default_settings,
    mark_anthropic_cache_breakpoints,
    with_provider_options,
)
from pipeline.chain import wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.generate import generate_text
from pipeline.params import CallParams, FunctionTool, ResponseFormatJson
from pipeline.prompt import SystemMessage, TextPart, UserMessage
from pipeline.testing import MockLanguageModel

PROMPT = [UserMessage(content=[TextPart(text="Hello")])]
ONE_HOUR = {"anthropic": {"cacheControl": {"type": "ephemeral", "ttl": "1h"}}}


async def call_through(middleware: ProviderOptionsMiddleware, params: CallParams) -> CallParams:
    model = MockLanguageModel()
    await wrap_model(model, middleware).do_generate(params)
    return model.generate_calls[0]


async def test_settings_apply_when_the_call_sets_nothing() -> None:
    middleware = ProviderOptionsMiddleware(
        settings={"temperature": 0.3, "maxOutputTokens": 100, "stop_sequences": ["END"], "seed": 7}
    )
    seen = await call_through(middleware, CallParams(prompt=PROMPT))
    settings = (seen.temperature, seen.max_output_tokens, seen.stop_sequences, seen.seed)
    assert settings == (0.3, 100, ["END"], 7)


async def test_call_values_win_and_lists_replace() -> None:
    middleware = ProviderOptionsMiddleware(settings={"temperature": 0.3, "stop_sequences": ["a", "b"]})
    seen = await call_through(middleware, CallParams(prompt=PROMPT, temperature=0.0, stop_sequences=["c"]))
    assert seen.temperature == 0.0
    assert seen.stop_sequences == ["c"]


async def test_none_in_the_call_means_not_set() -> None:
    middleware = ProviderOptionsMiddleware(settings={"temperature": 0.3})
    seen = await call_through(middleware, CallParams(prompt=PROMPT, temperature=None))
    assert seen.temperature == 0.3


async def test_headers_and_provider_options_merge_deeply_with_the_call_winning() -> None:
    middleware = ProviderOptionsMiddleware(
        settings={"headers": {"x-team": "a", "x-env": "prod"}},
        provider_options={"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 1000}, "x": 1}},
    )
    params = CallParams(
        prompt=PROMPT,
        headers={"x-env": "dev"},
        provider_options={"anthropic": {"thinking": {"budgetTokens": 50}}, "openai": {"user": "u"}},
    )
    seen = await call_through(middleware, params)
    assert seen.headers == {"x-team": "a", "x-env": "dev"}
    assert seen.provider_options == {
        "anthropic": {"thinking": {"type": "enabled", "budgetTokens": 50}, "x": 1},
        "openai": {"user": "u"},
    }


async def test_calls_never_share_the_default_containers() -> None:
    middleware = ProviderOptionsMiddleware(settings={"headers": {"x-team": "a"}, "stop_sequences": ["END"]})
    first = await call_through(middleware, CallParams(prompt=PROMPT))
    assert first.headers is not None and first.stop_sequences is not None
    first.headers["x-leak"] = "1"
    first.stop_sequences.append("LEAK")
    second = await call_through(middleware, CallParams(prompt=PROMPT))
    assert (second.headers, second.stop_sequences) == ({"x-team": "a"}, ["END"])


async def test_explicit_provider_options_merge_over_those_in_settings() -> None:
    middleware = ProviderOptionsMiddleware(
        settings={"providerOptions": {"openai": {"a": 1, "b": 1}}}, provider_options={"openai": {"b": 2}}
    )
    seen = await call_through(middleware, CallParams(prompt=PROMPT))
    assert seen.provider_options == {"openai": {"a": 1, "b": 2}}


async def test_records_such_as_tools_and_response_format_are_validated_and_replace() -> None:
    middleware = ProviderOptionsMiddleware(
        settings={
            "tools": [{"name": "weather", "inputSchema": {"type": "object"}}],
            "responseFormat": {"type": "json", "schema": {"type": "object"}},
        }
    )
    defaulted = await call_through(middleware, CallParams(prompt=PROMPT))
    assert defaulted.tools == [FunctionTool(name="weather", input_schema={"type": "object"})]
    assert isinstance(defaulted.response_format, ResponseFormatJson)
    own_tools = [FunctionTool(name="search")]
    replaced = await call_through(middleware, CallParams(prompt=PROMPT, tools=own_tools))
    assert replaced.tools == own_tools


async def test_settings_may_be_a_params_record() -> None:
    defaults = CallParams(prompt=[], top_p=0.9)
    seen = await call_through(ProviderOptionsMiddleware(settings=defaults), CallParams(prompt=PROMPT))
    assert seen.top_p == 0.9
    assert seen.prompt == PROMPT


def test_bad_settings_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="temprature"):
        ProviderOptionsMiddleware(settings={"temprature": 0.5})
    with pytest.raises(InvalidArgumentError, match="prompt"):
        ProviderOptionsMiddleware(settings={"prompt": "hi"})


def test_apply_default_settings_returns_the_same_params_when_nothing_changes() -> None:
    params = CallParams(prompt=PROMPT, temperature=0.1)
    assert apply_default_settings(params, {"temperature": 0.9}) is params
    assert apply_default_settings(params, {}) is params


def test_include_raw_chunks_default_applies_only_while_the_call_leaves_it_off() -> None:
    assert apply_default_settings(CallParams(prompt=PROMPT), {"include_raw_chunks": True}).include_raw_chunks


def test_with_provider_options_merges_under_existing_options() -> None:
    part = TextPart(text="x", provider_options=ONE_HOUR)
    marked = with_provider_options(part, {"anthropic": {"cacheControl": {"type": "ephemeral"}, "y": 1}})
    expected = {"anthropic": {"cacheControl": {"type": "ephemeral", "ttl": "1h"}, "y": 1}}
    assert marked.provider_options == expected
    assert part.provider_options == ONE_HOUR


def test_cache_breakpoints_mark_the_last_system_and_last_user_message() -> None:
    prompt = [
        SystemMessage(content="You are terse."),
        UserMessage(content=[TextPart(text="first")]),
        UserMessage(content=[TextPart(text="second")]),
    ]
    marked = mark_anthropic_cache_breakpoints(CallParams(prompt=prompt)).prompt
    ephemeral = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
    assert [message.provider_options for message in marked] == [ephemeral, None, ephemeral]


def test_cache_breakpoints_take_a_custom_cache_control_and_skip_prompts_without_targets() -> None:
    params = CallParams(prompt=[UserMessage(content=[TextPart(text="q")])])
    marked = mark_anthropic_cache_breakpoints(params, cache_control={"type": "ephemeral", "ttl": "1h"})
    assert marked.prompt[0].provider_options == ONE_HOUR
    empty = CallParams(prompt=[])
    assert mark_anthropic_cache_breakpoints(empty) is empty


async def test_async_transform_runs_after_the_defaults() -> None:
    async def transform(params: CallParams) -> CallParams:
        assert params.temperature == 0.5
        return params.model_copy(update={"seed": 42})

    middleware = ProviderOptionsMiddleware(settings={"temperature": 0.5}, transform=transform)
    seen = await call_through(middleware, CallParams(prompt=PROMPT))
    assert seen.seed == 42


async def test_options_at_call_message_and_part_level_reach_the_model_request() -> None:
    def inject(params: CallParams) -> CallParams:
        params = mark_anthropic_cache_breakpoints(params)
        last = params.prompt[-1]
        assert isinstance(last, UserMessage) and isinstance(last.content, list)
        content = [*last.content[:-1], with_provider_options(last.content[-1], {"openai": {"detail": "low"}})]
        prompt = [*params.prompt[:-1], last.model_copy(update={"content": content})]
        return params.model_copy(update={"prompt": prompt})

    model = MockLanguageModel()
    wrapped = wrap_model(
        model,
        ProviderOptionsMiddleware(provider_options={"anthropic": {"sendReasoning": False}}, transform=inject),
    )
    await generate_text(wrapped, system="Be brief.", prompt="Hi", provider_options={"openai": {"user": "u1"}})

    request = model.generate_calls[0].to_json_dict()
    assert request["providerOptions"] == {"anthropic": {"sendReasoning": False}, "openai": {"user": "u1"}}
    system, user = request["prompt"]
    assert system["providerOptions"] == {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
    assert user["providerOptions"] == {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
    assert user["content"][-1]["providerOptions"] == {"openai": {"detail": "low"}}


async def test_stream_calls_get_the_same_treatment() -> None:
    model = MockLanguageModel()
    wrapped = wrap_model(model, ProviderOptionsMiddleware(settings={"temperature": 0.2}))
    await wrapped.do_stream(CallParams(prompt=PROMPT))
    assert model.stream_calls[0].temperature == 0.2
