import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.params import CallParams
from providers.openai.options import parse_openai_options
from providers.openai.request import build_chat_body, stream_body

HELLO = [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]


def body_for(model_id: str, **settings: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    params = CallParams.model_validate({"prompt": HELLO, **settings})
    body, warnings = build_chat_body(model_id, params, parse_openai_options(params.provider_options))
    return body, [warning.to_json_dict() for warning in warnings]


def test_standard_settings_map_to_wire_names() -> None:
    body, warnings = body_for(
        "gpt-4o",
        maxOutputTokens=100,
        temperature=0.3,
        topP=0.9,
        frequencyPenalty=0.1,
        presencePenalty=0.2,
        stopSequences=["END"],
        seed=7,
    )
    assert body == {
        "model": "gpt-4o",
        "max_tokens": 100,
        "temperature": 0.3,
        "top_p": 0.9,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.2,
        "stop": ["END"],
        "seed": 7,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    assert warnings == []


def test_top_k_is_unsupported() -> None:
    body, warnings = body_for("gpt-4o", topK=5)
    assert "top_k" not in body
    assert warnings == [{"type": "unsupported", "feature": "topK"}]


def test_reasoning_models_use_max_completion_tokens_and_drop_logit_bias() -> None:
    body, warnings = body_for(
        "o3", maxOutputTokens=500, providerOptions={"openai": {"logitBias": {"50256": -100}, "logprobs": 3}}
    )
    assert body["max_completion_tokens"] == 500
    assert "max_tokens" not in body and "logit_bias" not in body and "top_logprobs" not in body
    assert "logprobs" not in body
    assert {w["message"] for w in warnings} == {
        "logitBias is not supported for reasoning models",
        "topLogprobs is not supported for reasoning models",
        "logprobs is not supported for reasoning models",
    }


def test_explicit_max_completion_tokens_wins_for_reasoning_models() -> None:
    body, _ = body_for("o3", maxOutputTokens=500, providerOptions={"openai": {"maxCompletionTokens": 900}})
    assert body["max_completion_tokens"] == 900


def test_gpt_5_1_keeps_sampling_when_reasoning_is_none() -> None:
    body, warnings = body_for("gpt-5.1", temperature=0.4, reasoning="none")
    assert body["temperature"] == 0.4 and body["reasoning_effort"] == "none"
    assert warnings == []


def test_provider_default_reasoning_sends_nothing() -> None:
    body, _ = body_for("o3", reasoning="provider-default")
    assert "reasoning_effort" not in body


def test_logprobs_true_asks_for_zero_alternatives() -> None:
    body, _ = body_for("gpt-4o", providerOptions={"openai": {"logprobs": True}})
    assert (body["logprobs"], body["top_logprobs"]) == (True, 0)


def test_provider_options_are_passed_through() -> None:
    body, _ = body_for(
        "gpt-4o",
        providerOptions={
            "openai": {
                "user": "u-1",
                "parallelToolCalls": False,
                "metadata": {"team": "a"},
                "prediction": {"type": "content", "content": "x"},
                "serviceTier": "auto",
                "store": False,
            }
        },
    )
    assert body["user"] == "u-1"
    assert body["parallel_tool_calls"] is False
    assert body["metadata"] == {"team": "a"}
    assert body["prediction"] == {"type": "content", "content": "x"}
    assert body["service_tier"] == "auto"
    assert body["store"] is False


def test_flex_tier_only_for_supported_models() -> None:
    body, warnings = body_for("gpt-4o", providerOptions={"openai": {"serviceTier": "flex"}})
    assert "service_tier" not in body
    assert warnings[0]["feature"] == "serviceTier"
    body, warnings = body_for("o3", providerOptions={"openai": {"serviceTier": "flex"}})
    assert body["service_tier"] == "flex" and warnings == []


def test_json_schema_strictness_follows_the_option() -> None:
    schema = {"type": "object", "properties": {}}
    body, _ = body_for(
        "gpt-4o",
        responseFormat={"type": "json", "schema": schema},
        providerOptions={"openai": {"strictJsonSchema": False}},
    )
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"schema": schema, "strict": False, "name": "response"},
    }


def test_tools_and_tool_choice() -> None:
    tool = {
        "type": "function",
        "name": "weather",
        "description": "Get weather",
        "inputSchema": {"type": "object"},
    }
    body, _ = body_for(
        "gpt-4o", tools=[tool, {**tool, "name": "time", "strict": True}], toolChoice="required"
    )
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "weather", "description": "Get weather", "parameters": {"type": "object"}},
        },
        {
            "type": "function",
            "function": {
                "name": "time",
                "description": "Get weather",
                "parameters": {"type": "object"},
                "strict": True,
            },
        },
    ]
    assert body["tool_choice"] == "required"
    body, _ = body_for("gpt-4o", tools=[tool], toolChoice={"type": "tool", "toolName": "weather"})
    assert body["tool_choice"] == {"type": "function", "function": {"name": "weather"}}


def test_empty_tool_list_sends_no_tools() -> None:
    body, _ = body_for("gpt-4o", tools=[], toolChoice="auto")
    assert "tools" not in body and "tool_choice" not in body


def test_stream_body_asks_for_usage() -> None:
    body, _ = body_for("gpt-4o")
    assert stream_body(body) == {**body, "stream": True, "stream_options": {"include_usage": True}}


PROMPTS: dict[str, list[dict[str, Any]]] = {
    "hello": HELLO,
    "with_system": [{"role": "system", "content": "Be brief."}, *HELLO],
}
COMBINATIONS = [
    json.loads(line)
    for line in (Path(__file__).parent / "request_combinations.jsonl").read_text().splitlines()
]


@pytest.mark.parametrize(
    "case", COMBINATIONS, ids=[f"{index}-{case['model']}" for index, case in enumerate(COMBINATIONS)]
)
def test_combined_settings_build_the_recorded_body(case: dict[str, Any]) -> None:
    """Tools, tool choice, response format, reasoning, sampling, service tier and logprobs together.

    Each line of request_combinations.jsonl is one combination and the body and warnings recorded
    for it; the body must match key for key, in order, since that is how it is serialized.
    """
    params = CallParams.model_validate({**case["params"], "prompt": PROMPTS[case["params"]["prompt"]]})
    body, warnings = build_chat_body(case["model"], params, parse_openai_options(params.provider_options))
    if case["stream"]:
        body = stream_body(body)
    assert body == case["body"]
    assert json.dumps(body) == json.dumps(case["body"])
    assert [warning.to_json_dict() for warning in warnings] == case["warnings"]
