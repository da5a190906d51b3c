"""AI SDK conformance cases for prompt standardization, conversion and media-type sniffing.

The cases in ``standardize.json``, ``convert_prompt.json`` and ``media_type.json`` restate the AI SDK 7
unit tests (see each file's ``source``). AI SDK 7 names map to ours: ``instructions`` is ``system``,
``convertToLanguageModelPrompt`` is standardize + normalize, provider-level file data
``{type: 'data'|'url'|'reference', ...}`` is our ``bytes`` / ``httpx.URL`` / ``ProviderReference``, and the
AI SDK's logged deprecation warnings are our :class:`~pipeline.prompt.PromptDeprecationWarning` s.
Deliberate divergences and AI SDK 7 features we do not carry are marked xfail with the reason.
"""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline import errors
from pipeline.media_type import detect_media_type, get_top_level_media_type, is_full_media_type
from pipeline.normalize import normalize_prompt
from pipeline.prompt import (
    AssistantMessage,
    Message,
    PromptDeprecationWarning,
    SystemMessage,
    TextOutput,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    messages_adapter,
)
from pipeline.standardize import standardize_prompt

HERE = Path(__file__).parent

SPEC_WINS = "deliberate divergence: the prompt spec allows system messages inside prompt / messages"
XFAIL = {
    "standardize:system message in messages rejected by default": SPEC_WINS,
    "standardize:system message in prompt array rejected by default": SPEC_WINS,
    "standardize:generateText rejects system message in messages by default": SPEC_WINS,
    "standardize:allowed system message with part array fails schema validation": (
        "wording: we raise InvalidPromptError naming the bad element ('messages[0].content: system message "
        "content must be a string, ...') instead of the generic 'do not match the ModelMessage[] schema'"
    ),
}


def _load(group: str) -> list[Any]:
    cases = json.loads((HERE / f"{group}.json").read_text())["cases"]
    params = []
    for case in cases:
        case_id = f"{group}:{case['name']}"
        marks = [pytest.mark.xfail(reason=XFAIL[case_id], strict=True)] if case_id in XFAIL else []
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


def _decode_conventions(value: Any) -> Any:
    """Expected values in Python terms: ``$bytes`` -> bytes, ``$url`` -> URL text, base64 data -> bytes."""
    if isinstance(value, list):
        return [_decode_conventions(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return bytes.fromhex(value["$bytes"])
    if "$url" in value:
        return str(httpx.URL(value["$url"]))
    decoded = {key: _decode_conventions(item) for key, item in value.items() if item is not None}
    if decoded.get("type") == "data" and isinstance(decoded.get("data"), str):
        decoded["data"] = base64.b64decode(decoded["data"])
    return decoded


def _given(value: Any) -> Any:
    """A case's input in Python terms: ``{"$bytes": hex}`` -> bytes, ``{"$url": text}`` -> a URL."""
    if isinstance(value, list):
        return [_given(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$bytes" in value:
        return bytes.fromhex(value["$bytes"])
    if "$url" in value:
        return httpx.URL(value["$url"])
    return {key: _given(item) for key, item in value.items()}


def _provider_shape(value: Any) -> Any:
    """Our normalized models in the AI SDK's provider-level shape (tagged file data, no None fields)."""
    if isinstance(value, list):
        return [_provider_shape(item) for item in value]
    if not isinstance(value, dict):
        return value
    shaped = {key: _provider_shape(item) for key, item in value.items() if item is not None}
    if shaped.get("type") in ("file", "reasoning-file"):
        data = shaped["data"]
        if isinstance(data, httpx.URL):
            shaped["data"] = {"type": "url", "url": str(data)}
        elif not (isinstance(data, dict) and data.get("type") == "reference"):
            shaped["data"] = {"type": "data", "data": data}
    return shaped


def _dump(messages: list[Message]) -> Any:
    return _provider_shape(messages_adapter.dump_python(messages, by_alias=True, exclude_none=True))


def _answer_client_tool_calls(message: Message) -> list[Message]:
    """A one-message prompt plus results for its client tool calls.

    ``convertToLanguageModelMessage`` converts one message without the prompt-level missing-result check
    that our ``normalize_prompt`` always runs, so those cases get their tool calls answered.
    """
    if not isinstance(message, AssistantMessage) or isinstance(message.content, str):
        return [message]
    calls = [
        part for part in message.content if isinstance(part, ToolCallPart) and not part.provider_executed
    ]
    results = [
        ToolResultPart(tool_call_id=call.tool_call_id, tool_name=call.tool_name, output=TextOutput(value=""))
        for call in calls
    ]
    return [message, ToolMessage(content=results)] if results else [message]


def _expect_error(expect: dict[str, Any], run: Any) -> None:
    error_class = getattr(errors, expect["error"])
    with pytest.raises(error_class) as caught:
        run()
    if "message_contains" in expect:
        assert expect["message_contains"] in str(caught.value)


def _system(instructions: Any) -> list[Message]:
    if instructions is None:
        return []
    items = instructions if isinstance(instructions, list) else [instructions]
    return [
        SystemMessage(content=item) if isinstance(item, str) else SystemMessage.model_validate(item)
        for item in items
    ]


@pytest.mark.parametrize("case", _load("standardize"))
def test_standardize(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]

    def run() -> list[Message]:
        return standardize_prompt(
            system=given.get("instructions", given.get("system")),
            prompt=given.get("prompt"),
            messages=given.get("messages"),
        )

    if "error" in expect:
        _expect_error(expect, run)
        return
    assert run() == _system(expect.get("instructions")) + messages_adapter.validate_python(expect["messages"])


@pytest.mark.parametrize("case", _load("convert_prompt"))
def test_convert_prompt(case: dict[str, Any]) -> None:
    given, expect = _given(case["input"]), case["expect"]

    def run() -> list[Message]:
        if given["fn"] == "convertToLanguageModelMessage":
            (message,) = standardize_prompt(messages=[given["message"]])
            return normalize_prompt(_answer_client_tool_calls(message))[:1]
        return normalize_prompt(
            standardize_prompt(system=given.get("instructions"), messages=given["messages"])
        )

    if "error" in expect:
        _expect_error(expect, run)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        actual = _dump(run())
    deprecations = [f"AI SDK Warning: {w.message}" for w in caught if w.category is PromptDeprecationWarning]
    if "deprecation_warnings" in expect:
        assert deprecations == expect["deprecation_warnings"]
    if "deprecation_warning_count" in expect:
        assert len(deprecations) == expect["deprecation_warning_count"]
    if "prompt" in expect:
        assert actual == _decode_conventions(expect["prompt"])
    if "message" in expect:
        assert actual == [_decode_conventions(expect["message"])]
    if "output" in expect:
        assert actual[0]["content"][0]["output"] == _decode_conventions(expect["output"])


@pytest.mark.parametrize("case", _load("media_type"))
def test_media_type(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    if given["fn"] == "detectMediaType":
        data = bytes.fromhex(given["hex"]) if "hex" in given else given["base64"]
        assert detect_media_type(data, given.get("topLevelType")) == expect["mediaType"]
    elif given["fn"] == "getTopLevelMediaType":
        assert get_top_level_media_type(given["mediaType"]) == expect["result"]
    else:
        assert given["fn"] == "isFullMediaType"
        assert is_full_media_type(given["mediaType"]) is expect["result"]
