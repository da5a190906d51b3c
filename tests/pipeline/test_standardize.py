"""standardize_prompt: the system / prompt / messages rules and readable, typed validation errors."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from pipeline.errors import (
    InvalidArgumentError,
    InvalidDataContentError,
    InvalidMessageRoleError,
    InvalidPromptError,
)
from pipeline.prompt import (
    AssistantMessage,
    ImagePart,
    SystemMessage,
    TextPart,
    ToolCallPart,
    UserMessage,
)
from pipeline.standardize import standardize_prompt, standardize_prompt_with_paths


def _error(**kwargs: Any) -> InvalidPromptError:
    with pytest.raises(InvalidPromptError) as caught:
        standardize_prompt(**kwargs)
    return caught.value


def _user(*parts: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(parts)}]


# --- the call-level rules -------------------------------------------------------------------------


def test_text_prompt_becomes_one_user_message() -> None:
    assert standardize_prompt(prompt="Hi") == [UserMessage(content="Hi")]


def test_system_string_comes_first() -> None:
    assert standardize_prompt(system="Be brief.", prompt="Hi") == [
        SystemMessage(content="Be brief."),
        UserMessage(content="Hi"),
    ]


def test_system_may_be_a_message_dict_or_a_list_of_them_keeping_provider_options() -> None:
    cached = {
        "role": "system",
        "content": "A",
        "providerOptions": {"anthropic": {"cacheControl": {"type": "x"}}},
    }
    result = standardize_prompt(system=[cached, SystemMessage(content="B"), "C"], prompt="Hi")
    assert result[:3] == [
        SystemMessage(content="A", provider_options={"anthropic": {"cacheControl": {"type": "x"}}}),
        SystemMessage(content="B"),
        SystemMessage(content="C"),
    ]
    assert standardize_prompt(system={"role": "system", "content": "A"}, prompt="x")[0] == SystemMessage(
        content="A"
    )


def test_prompt_may_be_a_message_list() -> None:
    assert standardize_prompt(prompt=[{"role": "user", "content": "Hi"}]) == [UserMessage(content="Hi")]


def test_system_messages_are_allowed_inside_messages() -> None:
    result = standardize_prompt(
        messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    )
    assert result == [SystemMessage(content="S"), UserMessage(content="U")]


def test_message_models_pass_through_unchanged() -> None:
    messages = [UserMessage(content=[TextPart(text="a")]), AssistantMessage(content="b")]
    assert standardize_prompt(messages=messages) == messages
    assert standardize_prompt(messages=tuple(messages)) == messages


def test_dicts_may_hold_part_models() -> None:
    result = standardize_prompt(
        messages=[{"role": "user", "content": [TextPart(text="a"), ImagePart(image=b"x")]}]
    )
    assert result == [UserMessage(content=[TextPart(text="a"), ImagePart(image=b"x")])]


def test_user_level_data_is_kept_for_normalization() -> None:
    encoded = base64.b64encode(b"abc").decode()
    result = standardize_prompt(
        messages=_user(
            {"type": "image", "image": encoded},
            {"type": "image", "image": httpx.URL("https://a.example/x.png")},
        )
    )
    assert result[0].content == [
        ImagePart(image=encoded),
        ImagePart(image=httpx.URL("https://a.example/x.png")),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Invalid prompt: prompt or messages must be defined"),
        (
            {"prompt": "a", "messages": [{"role": "user", "content": "b"}]},
            "Invalid prompt: prompt and messages cannot be defined at the same time",
        ),
        ({"messages": []}, "Invalid prompt: messages must not be empty"),
        ({"prompt": []}, "Invalid prompt: messages must not be empty"),
        (
            {"messages": {"role": "user", "content": "x"}},
            "Invalid prompt: messages must be a list of messages, got dict of length 2",
        ),
        ({"messages": "hello"}, "Invalid prompt: messages must be a list of messages, got str of length 5"),
        ({"prompt": 42}, "Invalid prompt: prompt must be a string or a list of messages, got int"),
        (
            {"system": 3, "prompt": "x"},
            "Invalid prompt: system must be a string, SystemMessage, or list of SystemMessage, got int",
        ),
        (
            {"system": [{"role": "user", "content": "x"}], "prompt": "x"},
            "Invalid prompt: system[0]: system must be a string, SystemMessage, or list of SystemMessage, "
            "got dict of length 2",
        ),
        (
            {"system": UserMessage(content="x"), "prompt": "x"},
            "Invalid prompt: system must be a string, SystemMessage, or list of SystemMessage, "
            "got UserMessage",
        ),
    ],
)
def test_call_level_errors_use_ai_sdk_wording(kwargs: dict[str, Any], message: str) -> None:
    error = _error(**kwargs)
    assert type(error) is InvalidPromptError
    assert str(error) == message


# --- message and part errors name the path -------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "path", "reason"),
    [
        ([5], "messages[0]", "message must be an object with a 'role', got int"),
        (
            [{"content": "x"}],
            "messages[0]",
            "message needs 'role'; use 'system', 'user', 'assistant' or 'tool'",
        ),
        ([{"role": "user"}], "messages[0]", "user message needs 'content'"),
        (
            [{"role": "user", "content": 5}],
            "messages[0].content",
            "user message content must be a string or a list of parts, got int",
        ),
        (
            [{"role": "system", "content": [{"type": "text", "text": "t"}]}],
            "messages[0].content",
            "system message content must be a string, got list of length 1",
        ),
        (
            [{"role": "tool", "content": "x"}],
            "messages[0].content",
            "tool message content must be a list of tool-result / tool-approval-response parts, "
            "got str of length 1",
        ),
        (_user("hi"), "messages[0].content[0]", "part must be an object with a 'type', got str of length 2"),
        (
            _user({"text": "hi"}),
            "messages[0].content[0]",
            "part needs 'type'; expected one of 'text', 'image', 'file'",
        ),
        (
            _user({"type": "imagee"}),
            "messages[0].content[0]",
            "unknown part type 'imagee'; expected one of 'text', 'image', 'file'",
        ),
        (
            _user({"type": "tool-call", "toolCallId": "a", "toolName": "b", "input": {}}),
            "messages[0].content[0]",
            "part type 'tool-call' is not allowed in a user message; expected one of 'text', 'image', 'file'",
        ),
        (
            [{"role": "tool", "content": [{"type": "text", "text": "x"}]}],
            "messages[0].content[0]",
            "part type 'text' is not allowed in a tool message; "
            "expected one of 'tool-result', 'tool-approval-response'",
        ),
        (
            [{"role": "assistant", "content": [{"type": "image", "image": "aGk="}]}],
            "messages[0].content[0]",
            "part type 'image' is not allowed in an assistant message; "
            "expected one of 'text', 'file', 'reasoning', 'reasoning-file', 'custom', 'tool-call', "
            "'tool-result', 'tool-approval-request'",
        ),
        (_user({"type": "image"}), "messages[0].content[0]", "image part needs 'image'"),
        (_user({"type": "file", "data": "aGk="}), "messages[0].content[0]", "file part needs 'mediaType'"),
        (_user({"type": "text", "text": "a", "colour": 1}), "messages[0].content[0].colour", "unknown field"),
        ([{"role": "user", "content": "a", "name": "x"}], "messages[0].name", "unknown field"),
        (
            [{"role": "user", "content": "a", "providerOptions": {"openai": 5}}],
            "messages[0].providerOptions.openai",
            "input should be a valid dictionary, got int",
        ),
        (
            [{"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "a", "toolName": "b"}]}],
            "messages[0].content[0]",
            "tool-call part needs 'input'",
        ),
        (
            [
                {
                    "role": "assistant",
                    "content": [{"type": "tool-call", "tool_call_id": 7, "tool_name": "b", "input": 1}],
                }
            ],
            "messages[0].content[0].tool_call_id",
            "input should be a valid string, got int",
        ),
    ],
)
def test_message_errors_name_the_bad_element(messages: list[Any], path: str, reason: str) -> None:
    error = _error(messages=[{"role": "user", "content": "first"}, *messages])
    shifted = path.replace("messages[0]", "messages[1]", 1)
    assert error.path == shifted
    assert error.reason == reason
    assert str(error) == f"Invalid prompt: {shifted}: {reason}"


def _tool_result(output: Any) -> list[dict[str, Any]]:
    return [
        {
            "role": "tool",
            "content": [{"type": "tool-result", "toolCallId": "c", "toolName": "t", "output": output}],
        }
    ]


@pytest.mark.parametrize(
    ("output", "path", "reason"),
    [
        (
            {"type": "jsn", "value": 1},
            "messages[0].content[0].output",
            "unknown output type 'jsn'; expected one of 'text', 'json', 'error-text', 'error-json', "
            "'execution-denied', 'content'",
        ),
        ({"type": "json"}, "messages[0].content[0].output", "json output needs 'value'"),
        ({"value": 1}, "messages[0].content[0].output", "output needs 'type'"),
        (
            {"type": "content", "value": [{"type": "text"}]},
            "messages[0].content[0].output.value[0]",
            "text item needs 'text'",
        ),
        (
            {"type": "content", "value": [{"type": "text", "text": 5}]},
            "messages[0].content[0].output.value[0].text",
            "input should be a valid string, got int",
        ),
        (
            {"type": "content", "value": [{"type": "picture"}]},
            "messages[0].content[0].output.value[0]",
            "unknown item type 'picture'; expected one of 'text', 'media', 'file', 'custom'",
        ),
    ],
)
def test_tool_output_errors_drop_union_tags_from_the_path(output: Any, path: str, reason: str) -> None:
    error = _error(messages=_tool_result(output))
    assert (error.path, error.reason) == (path, reason)


def test_unknown_role_raises_invalid_message_role_error() -> None:
    error = _error(messages=[{"role": "bot", "content": "x"}])
    assert isinstance(error, InvalidMessageRoleError)
    assert error.role == "bot"
    assert error.path == "messages[0].role"
    assert "'system', 'user', 'assistant' or 'tool'" in str(error)


def test_error_paths_follow_the_parameter_used() -> None:
    assert _error(prompt=[{"role": "bot", "content": "x"}]).path == "prompt[0].role"
    assert _error(system=[SystemMessage(content="a"), {"role": "system", "content": 1}], prompt="x").path == (
        "system[1].content"
    )


def test_bad_data_types_raise_invalid_data_content_error() -> None:
    error = _error(messages=_user({"type": "image", "image": 12345}))
    assert isinstance(error, InvalidDataContentError)
    assert error.path == "messages[0].content[0].image"
    assert "got int" in error.reason
    media = _error(
        messages=_tool_result(
            {"type": "content", "value": [{"type": "media", "data": [1], "mediaType": "image/png"}]}
        )
    )
    assert isinstance(media, InvalidDataContentError)
    assert media.path == "messages[0].content[0].output.value[0].data"


def test_errors_never_echo_the_payload() -> None:
    secret = "SECRET" * 50
    cases: list[dict[str, Any]] = [
        {"messages": [{"role": secret, "content": "x"}]},
        {"messages": _user({"type": secret})},
        {"messages": _user({"type": "text", "text": "a", secret: 1})},
        {"messages": _user({"type": "image", "image": {"payload": secret}})},
        {"messages": _user({"type": "text", "text": [secret]})},
        {"messages": _tool_result({"type": secret})},
        {"messages": secret},
        {"prompt": {"text": secret}},
        {"system": [secret.encode()], "prompt": "x"},
    ]
    for kwargs in cases:
        error = _error(**kwargs)
        assert "SECRET" not in str(error), str(error)
    assert "<str of length 300>" in str(_error(messages=[{"role": secret, "content": "x"}]))


def test_snake_case_and_camel_case_validate_alike() -> None:
    camel = [
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool-call",
                    "toolCallId": "a",
                    "toolName": "b",
                    "input": {},
                    "providerExecuted": True,
                }
            ],
        }
    ]
    snake = [
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool-call",
                    "tool_call_id": "a",
                    "tool_name": "b",
                    "input": {},
                    "provider_executed": True,
                }
            ],
        }
    ]
    expected = [
        AssistantMessage(
            content=[ToolCallPart(tool_call_id="a", tool_name="b", input={}, provider_executed=True)]
        )
    ]
    assert standardize_prompt(messages=camel) == standardize_prompt(messages=snake) == expected


@pytest.mark.parametrize(
    ("call", "paths"),
    [
        ({"prompt": "hi"}, ["prompt"]),
        ({"system": "s", "prompt": "hi"}, ["system", "prompt"]),
        (
            {"system": ["s", "t"], "prompt": [{"role": "user", "content": "hi"}]},
            ["system[0]", "system[1]", "prompt[0]"],
        ),
        (
            {
                "system": "s",
                "messages": [{"role": "system", "content": "t"}, {"role": "user", "content": "hi"}],
            },
            ["system", "messages[0]", "messages[1]"],
        ),
    ],
)
def test_each_message_comes_with_where_the_caller_wrote_it(call: dict[str, Any], paths: list[str]) -> None:
    messages, found = standardize_prompt_with_paths(**call)
    assert found == paths
    assert messages == standardize_prompt(**call)


def test_instructions_is_another_name_for_system() -> None:
    expected = [SystemMessage(content="Be brief."), UserMessage(content="hi")]
    assert standardize_prompt(instructions="Be brief.", prompt="hi") == expected
    assert standardize_prompt(system="Be brief.", instructions="Be brief.", prompt="hi") == expected
    assert standardize_prompt_with_paths(instructions=["a", "b"], prompt="hi")[1] == [
        "instructions[0]",
        "instructions[1]",
        "prompt",
    ]


def test_system_and_different_instructions_are_refused() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        standardize_prompt(system="Be brief.", instructions="Be verbose.", prompt="hi")
    assert caught.value.argument == "instructions"
    assert "another name for system" in str(caught.value)


def test_a_malformed_instructions_value_is_named_as_given() -> None:
    error = _error(instructions=[{"role": "user", "content": "x"}], prompt="hi")
    assert error.path == "instructions[0]"
    assert error.reason.startswith("instructions must be a string")
