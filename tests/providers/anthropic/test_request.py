"""providers/anthropic/request.py: CallParams to the Messages request body, betas and warnings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams
from providers.anthropic.request import build_request

HELLO = [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]
TOOL = {"name": "weather", "description": "Get weather", "inputSchema": {"type": "object", "properties": {}}}


def build(model_id: str = "claude-sonnet-4-5", *, stream: bool = False, **settings: Any) -> Any:
    return build_request(model_id, CallParams.model_validate({"prompt": HELLO, **settings}), stream=stream)


def warning_dicts(request: Any) -> list[dict[str, Any]]:
    return [w.model_dump(exclude_none=True) for w in request.warnings]


@pytest.mark.parametrize(
    ("model_id", "max_tokens"),
    [
        ("claude-opus-4-6", 128000),
        ("claude-sonnet-4-5-20250929", 64000),
        ("claude-haiku-4-5", 64000),
        ("claude-sonnet-4-20250514", 64000),
        ("claude-opus-4-1", 32000),
        ("claude-opus-4-20250514", 32000),
        ("claude-3-haiku-20240307", 4096),
    ],
)
def test_max_tokens_defaults_to_the_model_ceiling(model_id: str, max_tokens: int) -> None:
    request = build(model_id)
    assert request.body == {"model": model_id, "max_tokens": max_tokens, "messages": HELLO}
    assert request.warnings == []


@pytest.mark.parametrize(
    ("model_id", "max_tokens"),
    [("claude-future-9", 128000), ("claude-3-5-sonnet-20241022", 4096), ("MiniMax-M2", 4096)],
)
def test_unknown_models_get_a_compatibility_warning_when_max_tokens_is_not_set(
    model_id: str, max_tokens: int
) -> None:
    request = build(model_id)
    assert request.body["max_tokens"] == max_tokens
    assert warning_dicts(request)[0]["feature"] == "maxOutputTokens"
    assert build(model_id, maxOutputTokens=200_000).body["max_tokens"] == 200_000


def test_explicit_max_tokens_above_the_ceiling_is_clamped_with_a_warning_for_known_models() -> None:
    request = build("claude-3-haiku-20240307", maxOutputTokens=10000)
    assert request.body["max_tokens"] == 4096
    assert warning_dicts(request)[0]["feature"] == "maxOutputTokens"


@pytest.mark.parametrize(("given", "sent"), [(1.5, 1), (-0.5, 0), (0.3, 0.3)])
def test_temperature_is_clamped_to_zero_one(given: float, sent: float) -> None:
    request = build(temperature=given)
    assert request.body["temperature"] == sent
    assert len(request.warnings) == (0 if given == sent else 1)


def test_settings_anthropic_lacks_become_unsupported_warnings() -> None:
    request = build(frequencyPenalty=0.1, presencePenalty=0.2, seed=7, stopSequences=["END"], topK=5)
    assert [w["feature"] for w in warning_dicts(request)] == ["frequencyPenalty", "presencePenalty", "seed"]
    assert request.body["stop_sequences"] == ["END"]
    assert request.body["top_k"] == 5
    assert "seed" not in request.body


def test_top_p_is_dropped_when_temperature_is_set_for_claude_models() -> None:
    request = build(temperature=0.5, topP=0.9)
    assert request.body["temperature"] == 0.5
    assert "top_p" not in request.body
    assert warning_dicts(request)[0]["feature"] == "topP"


def test_sampling_parameters_are_removed_for_models_that_reject_them() -> None:
    request = build("claude-opus-4-7", temperature=0.5, topP=0.9, topK=3, maxOutputTokens=100)
    assert not {"temperature", "top_p", "top_k"} & set(request.body)
    assert [w["feature"] for w in warning_dicts(request)] == ["temperature", "topK", "topP"]


def test_enabled_thinking_without_budget_uses_1024_and_adds_it_to_max_tokens() -> None:
    request = build(maxOutputTokens=1000, providerOptions={"anthropic": {"thinking": {"type": "enabled"}}})
    assert request.body["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert request.body["max_tokens"] == 2024
    assert warning_dicts(request)[0]["feature"] == "extended thinking"


def test_adaptive_thinking_passes_display_and_effort() -> None:
    options = {"anthropic": {"thinking": {"type": "adaptive", "display": "omitted"}, "effort": "high"}}
    request = build("claude-opus-4-6", providerOptions=options)
    assert request.body["thinking"] == {"type": "adaptive", "display": "omitted"}
    assert request.body["output_config"] == {"effort": "high"}


def test_reasoning_none_disables_thinking_and_provider_options_win_over_reasoning() -> None:
    assert build(reasoning="none").body["thinking"] == {"type": "disabled"}
    options = {"anthropic": {"thinking": {"type": "enabled", "budgetTokens": 2000}}}
    assert build(reasoning="high", providerOptions=options).body["thinking"] == {
        "type": "enabled",
        "budget_tokens": 2000,
    }
    assert "thinking" not in build(reasoning="provider-default").body


def test_disabled_thinking_lowers_xhigh_effort_on_models_that_reject_it() -> None:
    options = {"anthropic": {"thinking": {"type": "disabled"}, "effort": "max"}}
    request = build("claude-opus-5", providerOptions=options, maxOutputTokens=100)
    assert request.body["output_config"] == {"effort": "high"}
    assert warning_dicts(request)[0]["feature"] == "providerOptions.anthropic.effort"


def test_tools_and_tool_choices() -> None:
    auto = build("claude-3-haiku-20240307", tools=[TOOL], toolChoice="auto")
    assert auto.body["tools"] == [
        {
            "name": "weather",
            "description": "Get weather",
            "input_schema": {"type": "object", "properties": {}},
        }
    ]
    assert auto.body["tool_choice"] == {"type": "auto"}
    assert build("claude-3-haiku-20240307", tools=[TOOL], toolChoice="required").body["tool_choice"] == {
        "type": "any"
    }
    none = build("claude-3-haiku-20240307", tools=[TOOL], toolChoice="none").body
    assert "tools" not in none and "tool_choice" not in none
    assert "tool_choice" not in build("claude-3-haiku-20240307", tools=[TOOL]).body


def test_tools_on_structured_output_models_send_strict_and_the_beta() -> None:
    request = build(tools=[{**TOOL, "strict": True}])
    assert request.body["tools"][0]["strict"] is True
    assert request.betas == ["structured-outputs-2025-11-13"]


def test_strict_is_dropped_with_a_warning_where_unsupported() -> None:
    request = build("claude-3-haiku-20240307", tools=[{**TOOL, "strict": False}])
    assert "strict" not in request.body["tools"][0]
    assert warning_dicts(request)[0]["feature"] == "strict"


def test_streaming_adds_eager_input_streaming_unless_tool_streaming_is_off() -> None:
    streamed = build(stream=True, tools=[TOOL])
    assert streamed.body["stream"] is True
    assert streamed.body["tools"][0]["eager_input_streaming"] is True
    quiet = build(stream=True, tools=[TOOL], providerOptions={"anthropic": {"toolStreaming": False}})
    assert "eager_input_streaming" not in quiet.body["tools"][0]
    assert "stream" not in build(tools=[TOOL]).body


def test_tool_definitions_take_cache_breakpoints() -> None:
    tool = {**TOOL, "providerOptions": {"anthropic": {"cacheControl": {"type": "ephemeral"}}}}
    assert build(tools=[tool]).body["tools"][0]["cache_control"] == {"type": "ephemeral"}


def test_json_response_format_uses_output_config_where_structured_outputs_exist() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    request = build(responseFormat={"type": "json", "schema": schema})
    sent = {**schema, "additionalProperties": False}  # sanitized for Anthropic's decoder
    assert request.body["output_config"] == {"format": {"type": "json_schema", "schema": sent}}
    assert not request.uses_json_response_tool


def test_json_response_format_uses_the_json_tool_elsewhere() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    request = build("claude-3-haiku-20240307", responseFormat={"type": "json", "schema": schema})
    assert request.uses_json_response_tool
    assert request.body["tools"] == [
        {"name": "json", "description": "Respond with a JSON object.", "input_schema": schema}
    ]
    assert request.body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}


def test_json_response_format_without_schema_is_ignored_with_a_warning() -> None:
    request = build(responseFormat={"type": "json"})
    assert "output_config" not in request.body and "tools" not in request.body
    assert warning_dicts(request)[0]["feature"] == "responseFormat"


def test_betas_union_prompt_betas_and_provider_option_betas() -> None:
    prompt = [
        {"role": "user", "content": [{"type": "file", "data": b"%PDF", "mediaType": "application/pdf"}]}
    ]
    params = CallParams.model_validate(
        {"prompt": prompt, "providerOptions": {"anthropic": {"anthropicBeta": ["x-beta", "pdfs-2024-09-25"]}}}
    )
    assert build_request("claude-sonnet-4-5", params, stream=False).betas == ["pdfs-2024-09-25", "x-beta"]


def test_call_level_options_reach_the_body() -> None:
    options = {
        "anthropic": {
            "cacheControl": {"type": "ephemeral"},
            "metadata": {"userId": "u1"},
            "speed": "fast",
            "inferenceGeo": "us",
        }
    }
    request = build(providerOptions=options)
    assert request.body["cache_control"] == {"type": "ephemeral"}
    assert request.body["metadata"] == {"user_id": "u1"}
    assert request.body["speed"] == "fast" and request.body["inference_geo"] == "us"
    assert request.betas == ["fast-mode-2026-02-01"]


def test_snake_case_provider_options_validate_too() -> None:
    request = build(providerOptions={"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 2048}}})
    assert request.body["thinking"] == {"type": "enabled", "budget_tokens": 2048}


def test_invalid_provider_options_raise_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="invalid anthropic provider options"):
        build(providerOptions={"anthropic": {"thinking": {"type": "sometimes"}}})


def test_body_omits_unset_keys() -> None:
    request = build()
    assert set(request.body) == {"model", "max_tokens", "messages"}


CACHED = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
PROMPTS: dict[str, list[dict[str, Any]]] = {
    "hello": HELLO,
    "rich": [
        {"role": "system", "content": "Be brief.", "providerOptions": CACHED},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "a", "providerOptions": CACHED},
                {"type": "file", "data": b"%PDF", "mediaType": "application/pdf", "providerOptions": CACHED},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "reasoning", "text": "hm", "providerOptions": {"anthropic": {"signature": "s"}}},
                {"type": "text", "text": "b", "providerOptions": CACHED},
            ],
        },
        {"role": "user", "content": [{"type": "text", "text": "c", "providerOptions": CACHED}]},
    ],
}
COMBINATIONS = [
    json.loads(line)
    for line in (Path(__file__).parent / "request_combinations.jsonl").read_text().splitlines()
]


@pytest.mark.parametrize(
    "case", COMBINATIONS, ids=[f"{index}-{case['model']}" for index, case in enumerate(COMBINATIONS)]
)
def test_combined_settings_build_the_recorded_request(case: dict[str, Any]) -> None:
    """Tools, tool choice, response format, reasoning, thinking, sampling and call options together.

    Each line of request_combinations.jsonl is one combination and the request recorded for it; the
    body must match key for key, in order, since that is how it is serialized.
    """
    params = CallParams.model_validate({**case["params"], "prompt": PROMPTS[case["params"]["prompt"]]})
    request = build_request(case["model"], params, stream=case["stream"])
    assert request.body == case["body"]
    assert json.dumps(request.body) == json.dumps(case["body"])
    assert request.betas == case["betas"]
    assert warning_dicts(request) == case["warnings"]
    assert request.uses_json_response_tool == case["usesJsonResponseTool"]
