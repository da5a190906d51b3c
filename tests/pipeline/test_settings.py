"""Call settings: one list of names, typed for callers, validated into CallParams; settings that cannot be
sent as JSON raise InvalidArgumentError naming the path."""

from __future__ import annotations

import inspect
import math
from typing import Any

import pytest

from pipeline import generate_text
from pipeline.embed import embed, embed_many
from pipeline.embed_testing import MockEmbeddingModel
from pipeline.errors import InvalidArgumentError
from pipeline.generate import stream_text
from pipeline.objects import generate_object, stream_object
from pipeline.params import CallParams
from pipeline.prompt import UserMessage
from pipeline.sendable import MAX_NESTING_DEPTH
from pipeline.settings import CallSettings, build_call_params
from pipeline.testing import MockLanguageModel

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


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("temperature", math.inf),
        ("top_p", -math.inf),
        ("presence_penalty", math.inf),
        ("frequency_penalty", -math.inf),
    ],
)
def test_infinite_sampling_settings_are_refused(setting: str, value: float) -> None:
    with pytest.raises(InvalidArgumentError, match=f"{setting} must be a finite number") as caught:
        build_call_params(PROMPT, **{setting: value})
    assert caught.value.argument == setting


@pytest.mark.parametrize(
    ("settings", "path"),
    [
        ({"provider_options": {"openai": {"foo": [1, 2, math.nan]}}}, "provider_options.openai.foo[2]"),
        (
            {"provider_options": {"openai": {"logit_bias": {"50256": -math.inf}}}},
            "provider_options.openai.logit_bias['50256']",
        ),
        (
            {"tools": [{"name": "t", "inputSchema": {"properties": {"x": {"maximum": math.inf}}}}]},
            "tools[0].input_schema.properties.x.maximum",
        ),
        (
            {"tools": [{"name": "t", "providerOptions": {"anthropic": {"cache": {1, 2}}}}]},
            "tools[0].provider_options.anthropic.cache",
        ),
        (
            {"response_format": {"type": "json", "schema": {"minimum": -math.inf}}},
            "response_format.json_schema.minimum",
        ),
        ({"stop_sequences": ["ok", "bad \ud800"]}, "stop_sequences[1]"),
    ],
)
def test_unsendable_settings_are_refused_by_path(settings: dict[str, Any], path: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build_call_params(PROMPT, **settings)
    assert caught.value.argument == path
    assert path in str(caught.value)


def test_provider_options_nested_5000_deep_are_a_typed_error_not_a_recursion_error() -> None:
    with pytest.raises(InvalidArgumentError, match=f"nested more than {MAX_NESTING_DEPTH} levels deep"):
        build_call_params(PROMPT, provider_options={"openai": {"x": _nested(5000)}})


def test_options_and_schemas_at_the_nesting_limit_are_accepted() -> None:
    params = build_call_params(
        PROMPT,
        provider_options={"openai": _nested(MAX_NESTING_DEPTH - 1)},
        tools=[{"name": "t", "inputSchema": _nested(MAX_NESTING_DEPTH)}],
    )
    assert params.tools is not None and params.tools[0].input_schema == _nested(MAX_NESTING_DEPTH)


async def test_unsendable_settings_fail_before_the_model_is_called() -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidArgumentError):
        await generate_text(model, prompt="Hi", provider_options={"openai": {"temperature": math.nan}})
    with pytest.raises(InvalidArgumentError):
        await generate_text(model, prompt="Hi", temperature=math.inf)
    assert model.calls == []


def _generate_text(model: MockLanguageModel, **options: Any) -> Any:
    return generate_text(model, prompt="Hi", **options)


def _stream_text(model: MockLanguageModel, **options: Any) -> Any:
    return stream_text(model, prompt="Hi", **options)


def _generate_object(model: MockLanguageModel, **options: Any) -> Any:
    return generate_object(model, schema={"type": "object"}, prompt="Hi", **options)


def _stream_object(model: MockLanguageModel, **options: Any) -> Any:
    return stream_object(model, schema={"type": "object"}, prompt="Hi", **options)


def _embed(model: MockLanguageModel, **options: Any) -> Any:
    return embed(MockEmbeddingModel(), "Hi", **options)


def _embed_many(model: MockLanguageModel, **options: Any) -> Any:
    return embed_many(MockEmbeddingModel(), ["Hi"], **options)


_TEXT_TYPOS = [
    ("temprature", "temperature"),
    ("maxOutputTokens", "max_output_tokens"),
    ("retry", "max_retries"),
]
_EMBED_TYPOS = [("retry", "max_retries"), ("providerOptions", "provider_options"), ("maxParallelCalls", None)]


@pytest.mark.parametrize(
    ("entry_point", "call", "given", "suggested"),
    [
        *[("generate_text", _generate_text, *typo) for typo in _TEXT_TYPOS],
        *[("stream_text", _stream_text, *typo) for typo in _TEXT_TYPOS],
        *[("generate_object", _generate_object, *typo) for typo in _TEXT_TYPOS],
        *[("stream_object", _stream_object, *typo) for typo in _TEXT_TYPOS],
        *[("embed", _embed, *typo) for typo in _EMBED_TYPOS],
        ("embed_many", _embed_many, "maxParallelCalls", "max_parallel_calls"),
    ],
)
async def test_an_unknown_keyword_names_the_entry_point_and_the_closest_valid_name(
    entry_point: str, call: Any, given: str, suggested: str | None
) -> None:
    model = MockLanguageModel()
    with pytest.raises(InvalidArgumentError) as raised:
        outcome = call(model, **{given: 1})
        if inspect.isawaitable(outcome):
            await outcome
    message = str(raised.value)
    assert raised.value.argument == given
    assert f"{entry_point}() got an unknown argument {given!r}" in message
    if suggested is None:
        assert "did you mean" not in message
    else:
        assert message.endswith(f"; did you mean {suggested!r}?")
    assert model.calls == []


def test_an_unknown_keyword_far_from_every_name_gets_no_suggestion() -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        stream_text(MockLanguageModel(), prompt="Hi", xyzzy=1)
    assert str(raised.value).endswith("stream_text() got an unknown argument 'xyzzy'")


def test_top_k_is_a_whole_number_a_written_decision() -> None:
    """Decision (AI SDK parity): the AI SDK types ``topK`` as a JS number and passes 1.5 on; every API
    that takes it (Anthropic ``top_k``, Gemini ``topK``) wants an integer, so anything but a Python int is
    refused before any I/O, a float too (as for ``max_output_tokens`` and ``seed``): say ``int(x)``."""
    assert build_call_params(PROMPT, top_k=3).top_k == 3
    for value in (2.5, 3.0):
        with pytest.raises(InvalidArgumentError, match="top_k must be an integer"):
            build_call_params(PROMPT, top_k=value)  # type: ignore[arg-type]
