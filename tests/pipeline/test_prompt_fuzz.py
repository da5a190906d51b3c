"""Fuzzing: no malformed prompt makes standardize / normalize raise anything but their typed errors."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InvalidPromptError, UnsupportedFunctionalityError
from pipeline.normalize import normalize_prompt
from pipeline.prompt import SystemMessage, TextPart, UserMessage
from pipeline.standardize import standardize_prompt

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")

ROLES = ["system", "user", "assistant", "tool", "developer", "function", "", "User", None, 3]
PART_TYPES = ["text", "image", "file", "reasoning", "tool-call", "tool-result", "media", "json", "content",
              "reasoning-file", "tool-approval-request", "custom", "imagee", "", None, 7]
OUTPUT_TYPES = ["text", "json", "error-text", "error-json", "execution-denied", "content", "file-url", "x"]
FIELDS = ["text", "image", "data", "mediaType", "media_type", "filename", "toolCallId", "tool_call_id",
          "toolName", "tool_name", "input", "output", "providerExecuted", "providerOptions", "provider_options",
          "value", "reason", "type", "role", "content", "extra"]

DATA_VALUES = st.sampled_from([
    base64.b64encode(PNG).decode(), "not base64!", "abcde", "", "=", "data:image/png;base64,iVBORw0KGgo=",
    "data:;base64,AAAA", "data:image/png;base64,", "data:text/plain,hi%zz", "data:", "https://example.com/a.png",
    "https://", "http:no-host", "ftp://example.com/x", "file:///etc/passwd", "C:\\files\\a.png", "héllo",
    "https://exa mple.com/\x00", PNG, b"", bytearray(b"BM"), memoryview(b"%PDF"),
    httpx.URL("https://example.com/x"), httpx.URL("data:image/png;base64,AAAA"), httpx.URL("mailto:a@b"),
])

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=6), st.binary(max_size=6),
    st.sampled_from([object(), (), frozenset({1}), {1, 2}, httpx.URL("https://x.example"), float("inf")]),
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.tuples(children)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=4) | st.integers(), children, max_size=3),
    max_leaves=8,
)


@st.composite
def outputs(draw: st.DrawFn) -> Any:
    output: dict[Any, Any] = {"type": draw(st.sampled_from(OUTPUT_TYPES) | JSONISH)}
    if draw(st.booleans()):
        output["value"] = draw(
            st.lists(st.fixed_dictionaries({"type": st.sampled_from(["text", "media", "file-data", 5]),
                                            "text": SCALARS, "data": DATA_VALUES,
                                            "mediaType": st.sampled_from(["image/png", "image", "", 1])}),
                     max_size=2)
            | JSONISH
        )
    return output if draw(st.integers(0, 9)) else draw(JSONISH)


FIELD_VALUES = st.one_of(st.text(max_size=5), DATA_VALUES, outputs(), JSONISH,
                         st.sampled_from(["image/png", "image", "application", "", "text/plain"]))


@st.composite
def parts(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(JSONISH)
    part: dict[Any, Any] = {"type": draw(st.sampled_from(PART_TYPES))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        part[name] = draw(FIELD_VALUES)
    if draw(st.integers(0, 9)) == 0:
        del part["type"]
    return part if draw(st.integers(0, 19)) else TextPart(text=draw(st.text(max_size=3)))


@st.composite
def messages(draw: st.DrawFn) -> Any:
    roll = draw(st.integers(0, 29))
    if roll == 0:
        return draw(JSONISH)
    if roll == 1:
        return UserMessage(content=draw(st.text(max_size=3)))
    message: dict[Any, Any] = {"role": draw(st.sampled_from(ROLES) | JSONISH)}
    if draw(st.integers(0, 14)):
        message["content"] = draw(st.text(max_size=4) | st.lists(parts(), max_size=4) | JSONISH)
    for name in draw(st.lists(st.sampled_from(["providerOptions", "provider_options", "name", "extra"]), max_size=1)):
        message[name] = draw(JSONISH)
    return message


CALLS = st.fixed_dictionaries(
    {},
    optional={
        "system": st.text(max_size=3) | st.lists(st.text(max_size=3) | messages(), max_size=2) | messages()
        | st.just(SystemMessage(content="s")) | JSONISH,
        "prompt": st.text(max_size=3) | st.lists(messages(), max_size=4) | JSONISH,
        "messages": st.lists(messages(), max_size=5) | st.tuples(messages()) | JSONISH,
    },
)


def _run(call: dict[str, Any]) -> None:
    """Standardize then normalize; only the documented error types may escape."""
    try:
        standardized = standardize_prompt(**call)
    except InvalidPromptError as error:
        assert error.reason
        return
    try:
        normalize_prompt(standardized)
    except (InvalidPromptError, UnsupportedFunctionalityError):
        return


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CALLS)
def test_malformed_calls_raise_only_typed_prompt_errors(call: dict[str, Any]) -> None:
    _run(call)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages(), min_size=1, max_size=4))
def test_malformed_message_lists_raise_only_typed_prompt_errors(message_list: list[Any]) -> None:
    _run({"system": "s", "messages": message_list})


def test_fuzzer_reaches_both_valid_and_invalid_prompts() -> None:
    """Guard against a fuzzer that only ever produces one outcome (which would test nothing)."""
    outcomes: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.lists(messages(), min_size=1, max_size=2))
    def sample(message_list: list[Any]) -> None:
        try:
            normalize_prompt(standardize_prompt(messages=message_list))
            outcomes.add("valid")
        except InvalidPromptError as error:
            outcomes.add(type(error).__name__)
        except UnsupportedFunctionalityError:
            outcomes.add("unsupported")

    sample()
    assert {"valid", "InvalidPromptError", "InvalidMessageRoleError"} <= outcomes
