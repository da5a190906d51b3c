"""build_request: CallParams -> request body and warnings (beyond the golden fixtures)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams
from providers.google.request_body import build_request


def params(**fields: Any) -> CallParams:
    return CallParams.model_validate(
        {"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}], **fields}
    )


def test_unset_settings_leave_an_empty_generation_config_and_no_optional_keys() -> None:
    body = build_request("gemini-2.5-flash", params()).body
    assert body == {"generationConfig": {}, "contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}


def test_text_response_format_adds_nothing() -> None:
    body = build_request("gemini-2.5-flash", params(responseFormat={"type": "text"})).body
    assert body["generationConfig"] == {}


def test_json_response_format_without_schema_sets_only_the_mime_type() -> None:
    body = build_request("gemini-2.5-flash", params(responseFormat={"type": "json"})).body
    assert body["generationConfig"] == {"responseMimeType": "application/json"}


def test_explicit_thinking_budget_wins_over_reasoning() -> None:
    request = build_request(
        "gemini-2.5-flash",
        params(reasoning="high", providerOptions={"google": {"thinkingConfig": {"thinkingBudget": 10}}}),
    )
    assert request.body["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 10}


def test_include_thoughts_is_merged_with_the_reasoning_budget() -> None:
    request = build_request(
        "gemini-2.5-flash",
        params(reasoning="low", providerOptions={"google": {"thinkingConfig": {"includeThoughts": True}}}),
    )
    assert request.body["generationConfig"]["thinkingConfig"] == {
        "thinkingBudget": 6554,
        "includeThoughts": True,
    }


def test_gemma_models_get_no_system_instruction() -> None:
    request = build_request(
        "gemma-3-27b-it",
        CallParams.model_validate(
            {
                "prompt": [
                    {"role": "system", "content": "Rules"},
                    {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                ]
            }
        ),
    )
    assert "systemInstruction" not in request.body
    assert request.body["contents"][0]["parts"] == [{"text": "Rules\n\n"}, {"text": "Hi"}]


def test_gemini_3_tool_call_without_signature_warns() -> None:
    request = build_request(
        "gemini-3-pro-preview",
        CallParams.model_validate(
            {
                "prompt": [
                    {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                    {
                        "role": "assistant",
                        "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "t", "input": {}}],
                    },
                ]
            }
        ),
    )
    assert request.body["contents"][1]["parts"][0]["thoughtSignature"] == "skip_thought_signature_validator"
    assert [warning.type for warning in request.warnings] == ["other"]


def test_invalid_provider_options_fail_before_any_request() -> None:
    with pytest.raises(InvalidArgumentError, match="invalid google provider options"):
        build_request("gemini-2.5-flash", params(providerOptions={"google": {"thinkingConfig": "lots"}}))
