"""The AI SDK's Anthropic conformance cases (groups to_anthropic, from_anthropic), restated.

Prompt conversion cases call :func:`convert_to_anthropic_prompt`; doGenerate / doStream cases go through
the real terminal with an ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import pipeline.errors
from pipeline.params import CallParams
from pipeline.prompt import ProviderReference, messages_adapter
from pipeline.stream import StreamPart
from providers.anthropic import AnthropicProvider
from providers.anthropic.cache_control import CacheBreakpoints
from providers.anthropic.convert_messages import convert_to_anthropic_prompt

HERE = Path(__file__).parent
GROUPS = ("to_anthropic", "from_anthropic")
CASES = [case for group in GROUPS for case in json.loads((HERE / f"{group}.json").read_text())["cases"]]

DIVERGENCES = {
    "error event mid-stream forwarded as error part (no finish)": (
        "an error event before any output (here after message_start and an empty text block) raises "
        "from do_stream, typed, so the call can be retried; after output it is forwarded as a part"
    ),
}

_TEXT_REPLY = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "ok"}],
    "model": "claude-3-haiku-20240307",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 4, "output_tokens": 1},
}


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case["name"] in DIVERGENCES:
        marks.append(pytest.mark.xfail(reason=DIVERGENCES[case["name"]], strict=True))
    return pytest.param(case, id=f"{case['group']}:{case['name']}", marks=marks)


# ---- case inputs as our types -------------------------------------------------------------------


def _bytes_of(text: str) -> bytes:
    """Base64 as bytes; strings that are not base64 (the SDK tests pass placeholders) as their UTF-8."""
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return text.encode()


def _file_data(data: dict[str, Any]) -> Any:
    if data["type"] == "url":
        return httpx.URL(data["url"]["$url"])
    if data["type"] == "text":
        return data["text"].encode()  # inline text: our normalized prompt carries it as bytes
    if data["type"] == "reference":
        return ProviderReference(reference=data["reference"])
    return _bytes_of(data["data"])


def _part(part: dict[str, Any]) -> dict[str, Any]:
    part = dict(part)
    if part.get("type") == "file":
        part["data"] = _file_data(part["data"])
    if part.get("type") == "tool-result" and part["output"]["type"] == "content":
        items = []
        for item in part["output"]["value"]:
            if item["type"] == "file":
                item = {**item, "type": "media", "data": _file_data(item["data"])}
            items.append(item)
        part["output"] = {**part["output"], "value": items}
    return part


def _prompt(raw: list[dict[str, Any]]) -> list[Any]:
    messages = []
    for message in raw:
        content = message["content"]
        if isinstance(content, list):
            message = {**message, "content": [_part(part) for part in content]}
        messages.append(message)
    return messages_adapter.validate_python(messages)


def _params(case_input: dict[str, Any]) -> CallParams:
    keys = (
        *("maxOutputTokens", "temperature", "topP", "frequencyPenalty", "presencePenalty"),
        *("stopSequences", "seed", "responseFormat", "tools", "toolChoice", "reasoning"),
        *("providerOptions", "headers"),
    )
    prompt = case_input.get("prompt") or [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]
    values = {key: case_input[key] for key in keys if key in case_input}
    if "topK" in case_input:
        values["topK"] = max(1, round(case_input["topK"]))  # our top_k is an integer
    return CallParams.model_validate({"prompt": _prompt(prompt), **values})


def _expected_wire(value: Any, placeholders: dict[str, str]) -> Any:
    """Expected wire JSON with the SDK's non-base64 placeholders re-encoded as our bytes encode them."""
    if isinstance(value, dict):
        return {key: _expected_wire(item, placeholders) for key, item in value.items()}
    if isinstance(value, list):
        return [_expected_wire(item, placeholders) for item in value]
    if isinstance(value, str) and value in placeholders:
        return placeholders[value]
    return value


def _placeholders(case_input: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "data" and isinstance(value.get("data"), str):
                text = value["data"]
                found[text] = base64.b64encode(_bytes_of(text)).decode()
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(case_input.get("prompt"))
    return found


def _drop_absent(value: Any) -> Any:
    """Expectation with ``{"$absent": true}`` keys removed (absence is then checked by equality)."""
    if isinstance(value, dict):
        return {key: _drop_absent(item) for key, item in value.items() if item != {"$absent": True}}
    if isinstance(value, list):
        return [_drop_absent(item) for item in value]
    return value


def _sdk_equal(actual: Any, expected: Any) -> bool:
    """SDK-shape equality: ``None`` equals a missing key."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = set(expected) | set(actual)
        return all(_sdk_equal(actual.get(key), expected.get(key)) for key in keys)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(_sdk_equal, actual, expected))
    return bool(actual == expected)


def _warnings(warnings: list[Any]) -> list[dict[str, Any]]:
    return [warning.model_dump(mode="json", exclude_none=True, by_alias=True) for warning in warnings]


# ---- convertToAnthropicPrompt -------------------------------------------------------------------


def _check_conversion(case: dict[str, Any]) -> None:
    case_input, expect = case["input"], case["expect"]
    cache = CacheBreakpoints()
    if "error" in expect:
        error_class = getattr(pipeline.errors, expect["error"])
        with pytest.raises(error_class, match=expect["message_contains"]):
            convert_to_anthropic_prompt(_prompt(case_input["prompt"]), cache=cache)
        return
    result = convert_to_anthropic_prompt(
        _prompt(case_input["prompt"]), send_reasoning=case_input.get("sendReasoning", True), cache=cache
    )
    placeholders = _placeholders(case_input)
    if "system" in expect:
        assert result.system == _expected_wire(_drop_absent(expect["system"]), placeholders) or (
            expect["system"] == {"$absent": True} and result.system is None
        )
    if "messages" in expect:
        assert result.messages == _expected_wire(expect["messages"], placeholders)
    if "betas" in expect:
        assert sorted(result.betas) == sorted(expect["betas"])
    for message in expect.get("messages_contain", []):
        assert message in result.messages
    for beta in expect.get("betas_contain", []):
        assert beta in result.betas
    first_block = result.messages[0]["content"][0] if result.messages else None
    if "first_block" in expect:
        assert first_block == expect["first_block"]
    if "first_block_media_type" in expect:
        assert first_block is not None
        assert first_block["source"]["media_type"] == expect["first_block_media_type"]
    if "warnings" in expect:
        assert _warnings(result.warnings) == expect["warnings"]
    if "cache_warnings" in expect:
        assert _warnings(cache.warnings) == expect["cache_warnings"]
    if "system_block_cache_control" in expect:
        assert result.system is not None
        assert [block.get("cache_control") for block in result.system] == expect["system_block_cache_control"]
    if "first_block_cache_control_per_message" in expect:
        actual = [message["content"][0].get("cache_control") for message in result.messages]
        expected = [
            None if item == {"$absent": True} else item
            for item in expect["first_block_cache_control_per_message"]
        ]
        assert actual == expected


# ---- doGenerate / doStream ----------------------------------------------------------------------


def _model(case_input: dict[str, Any], handler: Any) -> Any:
    provider = AnthropicProvider(
        api_key="test-api-key",
        base_url="https://api.anthropic.com/v1",
        transport=httpx.MockTransport(handler),
    )
    return provider(case_input["modelId"])


def _sse(events: list[str]) -> bytes:
    return "".join(f"data: {event}\n\n" for event in events).encode()


def _usage_json(usage: Any) -> dict[str, Any]:
    return {
        "inputTokens": {
            "total": usage.input_tokens,
            "noCache": usage.input_token_details.no_cache_tokens,
            "cacheRead": usage.input_token_details.cache_read_tokens,
            "cacheWrite": usage.input_token_details.cache_write_tokens,
        },
        "outputTokens": {
            "total": usage.output_tokens,
            "text": usage.output_token_details.text_tokens,
            "reasoning": usage.output_token_details.reasoning_tokens,
        },
        "raw": usage.raw,
    }


def _part_json(part: StreamPart) -> dict[str, Any]:
    """A stream part in the AI SDK's JSON shape (finish reason and usage nested as the SDK nests them)."""
    if part.type == "finish":
        return {
            "type": "finish",
            "finishReason": {"unified": part.finish_reason, "raw": part.raw_finish_reason},
            "usage": _usage_json(part.usage),
            "providerMetadata": part.provider_metadata,
        }
    if part.type == "error":
        return {"type": "error", "error": part.error}
    return part.model_dump(mode="json", exclude_none=True, by_alias=True)


def _subset(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            _subset(actual.get(key), item) for key, item in expected.items()
        )
    return bool(actual == expected)


async def _check_generate_request(case: dict[str, Any]) -> None:
    case_input, expect = case["input"], case["expect"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_TEXT_REPLY)

    result = await _model(case_input, handler).do_generate(_params(case_input))
    body = json.loads(seen[0].content)
    assert result.request.body == body
    if "body" in expect:
        assert body == expect["body"]
    if "body_subset" in expect:
        assert _subset(body, expect["body_subset"]), body
    for key in expect.get("body_absent_keys", []):
        assert key not in body
    if "warnings" in expect:
        assert _warnings(result.warnings) == expect["warnings"]
    for warning in expect.get("warnings_contain", []):
        assert warning in _warnings(result.warnings)
    for name, value in (expect.get("request_headers") or {}).items():
        assert seen[0].headers.get(name) == value


async def _check_generate_response(case: dict[str, Any]) -> None:
    case_input, expect = case["input"], case["expect"]
    model = _model(case_input, lambda request: httpx.Response(200, json=case_input["response_body"]))
    result = await model.do_generate(_params(case_input))
    if "content" in expect:
        actual = [part.model_dump(mode="json", exclude_none=True, by_alias=True) for part in result.content]
        assert _sdk_equal(actual, expect["content"])
    if "finishReason" in expect:
        assert {"unified": result.finish_reason, "raw": result.raw_finish_reason} == expect["finishReason"]
    if "usage" in expect:
        assert _sdk_equal(_usage_json(result.usage), expect["usage"])
    if "usage_output" in expect:
        assert _usage_json(result.usage)["outputTokens"] == expect["usage_output"]
    if "providerMetadata" in expect:
        assert _sdk_equal(result.provider_metadata, expect["providerMetadata"])
    if "warnings" in expect:
        assert _warnings(result.warnings) == expect["warnings"]


async def _check_stream(case: dict[str, Any]) -> None:
    case_input, expect = case["input"], case["expect"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, content=_sse(case_input["sse_data"]), headers={"content-type": "text/event-stream"}
        )

    model = _model(case_input, handler)
    if "throws" in expect:
        throws = expect["throws"]
        with pytest.raises(getattr(pipeline.errors, throws["error"])) as caught:
            await model.do_stream(_params(case_input))
        error = caught.value
        assert error.message == throws["message"]
        assert error.status_code == throws["statusCode"]
        assert error.is_retryable == throws["isRetryable"]
        assert error.response_body == throws["responseBody"]
        assert error.request_body == throws["requestBodyValues"]
        return
    result = await model.do_stream(_params(case_input))
    parts = [_part_json(part) async for part in result.stream]
    if "parts" in expect:
        assert _sdk_equal(parts, expect["parts"]), parts
    if "finish_subset" in expect:
        assert _subset(parts[-1], expect["finish_subset"]), parts[-1]


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
async def test_anthropic_conformance_case(case: dict[str, Any]) -> None:
    case_input = case["input"]
    if case_input["fn"] == "convertToAnthropicPrompt":
        _check_conversion(case)
    elif case_input["fn"] == "doStream":
        await _check_stream(case)
    elif "response_body" in case_input:
        await _check_generate_response(case)
    else:
        await _check_generate_request(case)


def test_every_case_of_both_groups_is_restated() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) == 53
    assert {case["group"] for case in CASES} == set(GROUPS)
