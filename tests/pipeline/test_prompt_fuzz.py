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
PART_TYPES = [
    "text",
    "image",
    "file",
    "reasoning",
    "tool-call",
    "tool-result",
    "media",
    "json",
    "content",
    "reasoning-file",
    "tool-approval-request",
    "custom",
    "imagee",
    "",
    None,
    7,
]
OUTPUT_TYPES = ["text", "json", "error-text", "error-json", "execution-denied", "content", "file-url", "x"]
FIELDS = [
    "text",
    "image",
    "data",
    "mediaType",
    "media_type",
    "filename",
    "toolCallId",
    "tool_call_id",
    "toolName",
    "tool_name",
    "input",
    "output",
    "providerExecuted",
    "providerOptions",
    "provider_options",
    "value",
    "reason",
    "type",
    "role",
    "content",
    "extra",
]

DATA_VALUES = [
    base64.b64encode(PNG).decode(),
    "not base64!",
    "abcde",
    "",
    "=",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:;base64,AAAA",
    "data:image/png;base64,",
    "data:text/plain,hi%zz",
    "data:",
    "https://example.com/a.png",
    "https://",
    "http:no-host",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "C:\\files\\a.png",
    "héllo",
    "https://exa mple.com/\x00",
    PNG,
    b"",
    bytearray(b"BM"),
    memoryview(b"%PDF"),
    httpx.URL("https://example.com/x"),
    httpx.URL("data:image/png;base64,AAAA"),
    httpx.URL("mailto:a@b"),
]
WEIRD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**70,
    1.5,
    float("nan"),
    float("inf"),
    "",
    "x" * 300,
    "\x00",
    b"\xff",
    object(),
    (),
    (1,),
    frozenset({1}),
    {1, 2},
    [],
    [[]],
    [None],
    {},
    {1: 2},
    {"": None},
    {"type": None},
    {"openai": 1},
    {"openai": {"k": [1, {"deep": object()}]}},
    [{"type": "text"}],
    {"role": "user"},
    {"type": "text", "text": 1},
    SystemMessage(content="s"),
    TextPart(text="t"),
    UserMessage(content="u"),
    httpx.URL("https://x.example"),
]
MEDIA_TYPES = ["image/png", "image", "application", "", "text/plain", "audio/*", 1, None]
OUTPUTS: list[Any] = [
    {"type": kind, "value": value}
    for kind in OUTPUT_TYPES
    for value in [
        "v",
        1,
        None,
        [],
        [{"type": "text", "text": "a"}],
        [{"type": "text"}],
        [
            {"type": "media", "data": data, "mediaType": media}
            for data, media in zip(DATA_VALUES[::3], MEDIA_TYPES, strict=False)
        ],
        [{"type": "file-data", "data": "AAAA"}],
        [5],
        {"a": 1},
    ]
] + [{"value": 1}, {"type": "execution-denied", "reason": 3}, {"type": "json"}, 5, "text", []]
FIELD_VALUES = st.sampled_from([*DATA_VALUES, *WEIRD_VALUES, *MEDIA_TYPES, *OUTPUTS, "a", "call_1", {"q": 1}])
ANY_VALUE = st.sampled_from(WEIRD_VALUES + DATA_VALUES)


@st.composite
def parts(draw: st.DrawFn) -> Any:
    roll = draw(st.integers(0, 19))
    if roll == 0:
        return draw(ANY_VALUE)
    if roll == 1:
        return TextPart(text="t")
    part: dict[Any, Any] = {} if roll == 2 else {"type": draw(st.sampled_from(PART_TYPES))}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        part[name] = draw(FIELD_VALUES)
    return part


@st.composite
def messages(draw: st.DrawFn) -> Any:
    roll = draw(st.integers(0, 29))
    if roll == 0:
        return draw(ANY_VALUE)
    if roll == 1:
        return UserMessage(content="u")
    message: dict[Any, Any] = {"role": draw(st.sampled_from(ROLES) | ANY_VALUE)}
    if roll != 2:
        message["content"] = draw(st.sampled_from(["", "hi"]) | st.lists(parts(), max_size=4) | ANY_VALUE)
    if roll == 3:
        message[draw(st.sampled_from(["providerOptions", "provider_options", "name"]))] = draw(ANY_VALUE)
    return message


CALLS = st.fixed_dictionaries(
    {},
    optional={
        "system": st.sampled_from(["s", ""])
        | st.lists(st.just("s") | messages(), max_size=2)
        | messages()
        | ANY_VALUE,
        "prompt": st.sampled_from(["p", ""]) | st.lists(messages(), max_size=4) | ANY_VALUE,
        "messages": st.lists(messages(), max_size=5) | st.tuples(messages()) | ANY_VALUE,
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


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CALLS)
def test_malformed_calls_raise_only_typed_prompt_errors(call: dict[str, Any]) -> None:
    _run(call)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages(), min_size=1, max_size=4))
def test_malformed_message_lists_raise_only_typed_prompt_errors(message_list: list[Any]) -> None:
    _run({"system": "s", "messages": message_list})


def test_fuzzer_reaches_both_valid_and_invalid_prompts() -> None:
    """Guard against a fuzzer that only ever produces one outcome (which would test nothing)."""
    outcomes: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None)
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


VALID_MESSAGES: list[dict[str, Any]] = [
    {
        "role": "system",
        "content": "Be brief.",
        "providerOptions": {"anthropic": {"cacheControl": {"type": "x"}}},
    },
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "Look:"},
            {"type": "image", "image": base64.b64encode(PNG).decode(), "mediaType": "image/png"},
            {
                "type": "file",
                "data": "https://example.com/a.pdf",
                "mediaType": "application/pdf",
                "filename": "a.pdf",
            },
        ],
    },
    {
        "role": "assistant",
        "content": [
            {"type": "reasoning", "text": "hm"},
            {"type": "tool-call", "toolCallId": "c1", "toolName": "look", "input": {"q": 1}},
        ],
    },
    {
        "role": "tool",
        "content": [
            {
                "type": "tool-result",
                "toolCallId": "c1",
                "toolName": "look",
                "output": {
                    "type": "content",
                    "value": [
                        {"type": "text", "text": "ok"},
                        {
                            "type": "media",
                            "data": "data:image/png;base64,iVBORw0KGgo=",
                            "mediaType": "image/png",
                        },
                    ],
                },
            }
        ],
    },
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key / index path inside a JSON-like value."""
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    found = []
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of ``value`` with the element at ``path`` replaced by ``new`` (or removed, for _DELETE)."""
    head, *rest = path
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    if rest:
        copy[head] = _replaced(copy[head], tuple(rest), new)
    elif new is _DELETE:
        del copy[head]
    else:
        copy[head] = new
    return copy


_DELETE = object()


def test_every_single_element_mutation_of_a_valid_prompt_raises_only_typed_errors() -> None:
    """Exhaustive: each element of a valid prompt replaced by each odd value (thousands of prompts)."""
    assert normalize_prompt(standardize_prompt(messages=VALID_MESSAGES))
    replacements = [*WEIRD_VALUES, *DATA_VALUES, *MEDIA_TYPES, "imagee", "tool", "content", _DELETE]
    tried = 0
    for path in _paths(VALID_MESSAGES):
        for new in replacements:
            _run({"messages": _replaced(VALID_MESSAGES, path, new)})
            tried += 1
    assert tried > 3000
