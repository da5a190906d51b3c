"""The AI SDK's OpenAI chat conformance cases (groups to_openai_chat, from_openai_chat), restated.

Requests and replies go through the real terminal with an ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import pipeline.errors
from pipeline.params import CallParams
from pipeline.prompt import ProviderReference, messages_adapter
from pipeline.result import Usage
from pipeline.stream import StreamPart, StreamStartPart
from providers.openai import OpenAIProvider
from providers.openai.convert_messages import convert_to_openai_chat_messages

HERE = Path(__file__).parent
GROUPS = ("to_openai_chat", "from_openai_chat")
CASES = [case for group in GROUPS for case in json.loads((HERE / f"{group}.json").read_text())["cases"]]

DIVERGENCES = {
    "unparsable chunk -> error part (JSON parse error), finish 'error'": (
        "an error before any output raises from do_stream (here InvalidResponseDataError), typed, instead "
        "of being yielded; after output it is an error part as in the AI SDK"
    ),
}
ERROR_CLASSES = {"JSONParseError": pipeline.errors.InvalidResponseDataError}

_TEXT_REPLY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1711115037,
    "model": "gpt-3.5-turbo-0125",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 4, "completion_tokens": 1, "total_tokens": 5},
}
_DEFAULT_SSE = [
    json.dumps(
        {"id": "c", "created": 1, "model": "m", "choices": [{"index": 0, "delta": {"content": "ok"}}]}
    ),
    "[DONE]",
]


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case["name"] in DIVERGENCES:
        marks.append(pytest.mark.xfail(reason=DIVERGENCES[case["name"]], strict=True))
    return pytest.param(case, id=f"{case['group']}:{case['name']}", marks=marks)


# ---- converting case inputs to our types -------------------------------------------------------


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$bytes" in value:
            return bytes.fromhex(value["$bytes"])
        if "$url" in value:
            return httpx.URL(value["$url"])
        return {key: _decode_value(item) for key, item in value.items() if item != {"$undefined": True}}
    if isinstance(value, list):
        return [_decode_value(item) for item in value]
    return value


def _prompt(raw: list[dict[str, Any]]) -> list[Any]:
    """An AI SDK provider-level prompt as our normalized messages (file data → bytes or URL)."""
    messages = []
    for message in _decode_value(raw):
        content = message["content"]
        if isinstance(content, list):
            for part in content:
                if part.get("type") == "file":
                    data = part["data"]
                    part["data"] = (
                        ProviderReference(reference=data["reference"])
                        if data["type"] == "reference"
                        else data["url"]
                        if data["type"] == "url"
                        else data["data"]
                        if isinstance(data["data"], bytes)
                        else base64.b64decode(data["data"])
                    )
                if part.get("type") == "tool-call":
                    part.setdefault("input", None)
        messages.append(message)
    return messages_adapter.validate_python(messages)


def _params(case_input: dict[str, Any]) -> CallParams:
    keys = (
        *("maxOutputTokens", "temperature", "topP", "topK", "frequencyPenalty", "presencePenalty"),
        *("stopSequences", "seed", "responseFormat", "tools", "toolChoice", "reasoning"),
        *("providerOptions", "headers"),
    )
    prompt = case_input.get("prompt") or [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]
    values = {key: case_input[key] for key in keys if key in case_input}
    return CallParams.model_validate({"prompt": _prompt(prompt), **values})


def _model(case_input: dict[str, Any], handler: Any) -> Any:
    settings = case_input.get("provider_settings") or {"apiKey": "test-api-key"}
    provider = OpenAIProvider(
        api_key=settings.get("apiKey"),
        organization=settings.get("organization"),
        project=settings.get("project"),
        headers=settings.get("headers"),
        base_url="https://api.openai.com/v1",
        transport=httpx.MockTransport(handler),
    )
    return provider.chat(case_input["modelId"])


# ---- converting our outputs to the AI SDK's shapes ---------------------------------------------


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _sdk_usage(usage: Usage) -> dict[str, Any]:
    inputs, outputs = usage.input_token_details, usage.output_token_details
    return {
        "inputTokens": {
            "total": usage.input_tokens,
            "noCache": inputs.no_cache_tokens,
            "cacheRead": inputs.cache_read_tokens,
            "cacheWrite": inputs.cache_write_tokens,
        },
        "outputTokens": {
            "total": usage.output_tokens,
            "text": outputs.text_tokens,
            "reasoning": outputs.reasoning_tokens,
        },
        "raw": usage.raw,
    }


def _sdk_part(part: StreamPart) -> dict[str, Any]:
    if part.type == "finish":
        return {
            "type": "finish",
            "finishReason": {"unified": part.finish_reason, "raw": part.raw_finish_reason},
            "providerMetadata": part.provider_metadata,
            "usage": _sdk_usage(part.usage),
        }
    if part.type == "response-metadata":
        return {"type": part.type, "id": part.id, "modelId": part.model_id, "timestamp": _iso(part.timestamp)}
    if part.type == "error":
        error = part.error
        return {
            "type": "error",
            "error": error if isinstance(error, dict) else {"$error": type(error).__name__},
        }
    return part.to_json_dict()


def _drop_none(value: Any) -> Any:
    """SDK-shape comparison: a missing key equals None."""
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def _same(actual: Any, expected: Any) -> bool:
    if expected == "$any_string":
        return isinstance(actual, str)
    if isinstance(expected, dict) and "$error" in expected:
        if not isinstance(actual, dict) or "$error" not in actual:
            return False
        wanted = ERROR_CLASSES.get(expected["$error"], getattr(pipeline.errors, expected["$error"], None))
        return wanted is not None and actual["$error"] == wanted.__name__
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_same(actual[key], item) for key, item in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


def _assert_sdk_equal(actual: Any, expected: Any) -> None:
    assert _same(_drop_none(actual), _drop_none(expected)), (actual, expected)


def _assert_error(error: BaseException, expect: dict[str, Any]) -> None:
    assert type(error).__name__ == expect["error"] or isinstance(
        error, getattr(pipeline.errors, expect["error"])
    )
    if "message_contains" in expect:
        assert expect["message_contains"] in str(error)
    if "message_regex" in expect:
        assert re.search(expect["message_regex"], str(error))


# ---- the cases --------------------------------------------------------------------------------


def _sse_handler(sse_data: list[str], requests: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        text = "".join(f"data: {item}\n\n" for item in sse_data)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())

    return handler


def _json_handler(body: Any, requests: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=body)

    return handler


async def _run_stream(model: Any, params: CallParams) -> list[StreamPart]:
    result = await model.do_stream(params)
    return [part async for part in result.stream]


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
async def test_conformance_case(case: dict[str, Any]) -> None:
    case_input, expect = case["input"], case["expect"]
    if case_input["fn"] == "convertToOpenAIChatMessages":
        try:
            prompt = _prompt(case_input["prompt"])
            messages, _ = convert_to_openai_chat_messages(
                prompt, case_input.get("systemMessageMode", "system")
            )
        except NotImplementedError:
            pytest.fail("input form not supported")
        except pipeline.errors.ModelPipeError as error:
            assert "error" in expect, error
            _assert_error(error, expect)
            return
        assert "error" not in expect
        assert messages == expect["messages"]
        return

    requests: list[httpx.Request] = []
    params = _params(case_input)
    streaming = case_input["fn"] == "doStream"
    if streaming:
        model = _model(case_input, _sse_handler(case_input.get("sse_data", _DEFAULT_SSE), requests))
        if "throws" in expect:
            with pytest.raises(pipeline.errors.APICallError) as caught:
                await _run_stream(model, params)
            throws = expect["throws"]
            _assert_error(caught.value, throws)
            assert caught.value.message == throws["message"]
            assert caught.value.status_code == throws["statusCode"]
            assert caught.value.is_retryable == throws["isRetryable"]
            return
        parts = await _run_stream(model, params)
        assert isinstance(parts[0], StreamStartPart)
        warnings = parts[0].warnings
    else:
        model = _model(case_input, _json_handler(case_input.get("response_body", _TEXT_REPLY), requests))
        result = await model.do_generate(params)
        warnings = result.warnings
    sent_body = json.loads(requests[0].content)

    if "body" in expect:
        assert sent_body == expect["body"]
    if "request_body" in expect:
        assert sent_body == expect["request_body"]
    for key in expect.get("body_absent_keys", []):
        assert key not in sent_body
    if "warnings" in expect:
        _assert_sdk_equal([warning.to_json_dict() for warning in warnings], expect["warnings"])
    if "request_headers" in expect:
        sent_headers = {name.lower(): value for name, value in requests[0].headers.items()}
        for name, value in expect["request_headers"].items():
            assert sent_headers[name] == value
    if "user_agent_contains" in expect:
        # Divergence: our user agent names this library, not the AI SDK.
        assert "modelpipe/" in requests[0].headers["user-agent"]

    if streaming:
        sdk_parts = [_sdk_part(part) for part in parts]
        if "parts" in expect:
            _assert_sdk_equal(sdk_parts, expect["parts"])
        if "last_part" in expect:
            _assert_sdk_equal(sdk_parts[-1], expect["last_part"])
        if "text_deltas" in expect:
            _assert_sdk_equal([p for p in sdk_parts if p["type"] == "text-delta"], expect["text_deltas"])
        for wanted in expect.get("contains_parts", []):
            assert any(_same(_drop_none(p), _drop_none(wanted)) for p in sdk_parts), wanted
        return

    if "content" in expect:
        _assert_sdk_equal([part.to_json_dict() for part in result.content], expect["content"])
    if "finishReason" in expect:
        assert {"unified": result.finish_reason, "raw": result.raw_finish_reason} == expect["finishReason"]
    if "usage" in expect:
        _assert_sdk_equal(_sdk_usage(result.usage), expect["usage"])
    if "response" in expect:
        response = result.response
        actual = {"id": response.id, "modelId": response.model_id, "timestamp": _iso(response.timestamp)}
        _assert_sdk_equal(actual, expect["response"])


def test_every_case_is_collected() -> None:
    assert len(CASES) == 55
