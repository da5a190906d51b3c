"""Standardize the user's prompt: validate ``system`` / ``prompt`` / ``messages`` into message models.

The result is the *user-level* message list (system prompt first); :func:`pipeline.normalize.normalize_prompt`
then produces the normalized prompt that middleware and providers see. Every malformed input raises a
typed :class:`~pipeline.errors.InvalidPromptError` whose ``path`` names the bad element, e.g.
``messages[2].content[0]: image part needs 'image'``. Offending values are never echoed, only their
type and length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError
from pydantic.alias_generators import to_camel, to_snake
from pydantic_core import ErrorDetails

from ._base import Record
from .errors import InvalidArgumentError, InvalidDataContentError, InvalidMessageRoleError, InvalidPromptError
from .prompt import (
    AssistantMessage,
    CustomPart,
    FilePart,
    ImagePart,
    Message,
    ReasoningFilePart,
    ReasoningPart,
    SystemMessage,
    TextPart,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)

__all__ = ["standardize_prompt", "standardize_prompt_with_paths"]

_MESSAGE_CLASSES: Final[
    dict[str, type[SystemMessage] | type[UserMessage] | type[AssistantMessage] | type[ToolMessage]]
] = {
    "system": SystemMessage,
    "user": UserMessage,
    "assistant": AssistantMessage,
    "tool": ToolMessage,
}
_PART_CLASSES: Final[dict[str, type[Record]]] = {
    "text": TextPart,
    "image": ImagePart,
    "file": FilePart,
    "reasoning": ReasoningPart,
    "reasoning-file": ReasoningFilePart,
    "custom": CustomPart,
    "tool-call": ToolCallPart,
    "tool-result": ToolResultPart,
    "tool-approval-request": ToolApprovalRequestPart,
    "tool-approval-response": ToolApprovalResponsePart,
}
_ALLOWED_PART_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "user": ("text", "image", "file"),
    "assistant": (
        "text",
        "file",
        "reasoning",
        "reasoning-file",
        "custom",
        "tool-call",
        "tool-result",
        "tool-approval-request",
    ),
    "tool": ("tool-result", "tool-approval-response"),
}
_MESSAGE_TYPES: Final = (SystemMessage, UserMessage, AssistantMessage, ToolMessage)
_PART_TYPES: Final = (
    TextPart,
    ImagePart,
    FilePart,
    ReasoningPart,
    ReasoningFilePart,
    CustomPart,
    ToolCallPart,
    ToolResultPart,
    ToolApprovalRequestPart,
    ToolApprovalResponsePart,
)
_DATA_FIELDS: Final = frozenset({"data", "image"})
_DATA_ERROR_TYPES: Final = frozenset({"string_type", "bytes_type", "is_instance_of"})
_DATA_FORMS: Final = "base64 text, a data: or http(s) URL, bytes, or a URL object"
_SYSTEM_FORMS: Final = " must be a string, SystemMessage, or list of SystemMessage"
_MISSING: Final = object()
_MAX_SHOWN = 40


def standardize_prompt(
    *, system: Any = None, prompt: Any = None, messages: Any = None, instructions: Any = None
) -> list[Message]:
    """Validate a call's prompt into user-level messages, the system prompt first.

    ``system`` is a string, a :class:`SystemMessage` (or its dict), or a list of them;
    ``instructions`` is the newer AI SDK's name for it (giving both is an
    :class:`~pipeline.errors.InvalidArgumentError` unless they are equal). Exactly one of ``prompt``
    (a string or a message list) and ``messages`` must be given. Messages may be models or dicts with
    camelCase or snake_case keys; system messages are allowed among them.
    """
    return standardize_prompt_with_paths(
        system=system, prompt=prompt, messages=messages, instructions=instructions
    )[0]


def standardize_prompt_with_paths(
    *, system: Any = None, prompt: Any = None, messages: Any = None, instructions: Any = None
) -> tuple[list[Message], list[str]]:
    """:func:`standardize_prompt`, plus where each message came from as the caller wrote it
    (``system``, ``system[0]``, ``prompt``, ``prompt[1]``, ``messages[2]``), for later error paths."""
    if prompt is None and messages is None:
        raise InvalidPromptError("prompt or messages must be defined")
    if prompt is not None and messages is not None:
        raise InvalidPromptError("prompt and messages cannot be defined at the same time")
    system_name, system = _system_or_instructions(system, instructions)
    leading = _standardize_system(system, system_name)
    leading_paths = (
        [system_name] if len(leading) == 1 and not _is_list(system) else _indexed(system_name, leading)
    )
    if isinstance(prompt, str):
        return [*leading, UserMessage(content=prompt)], [*leading_paths, "prompt"]
    name, given = ("prompt", prompt) if prompt is not None else ("messages", messages)
    standardized = _standardize_messages(given, name)
    return [*leading, *standardized], [*leading_paths, *_indexed(name, standardized)]


def _indexed(name: str, items: Sequence[Any]) -> list[str]:
    return [f"{name}[{index}]" for index in range(len(items))]


def _system_or_instructions(system: Any, instructions: Any) -> tuple[str, Any]:
    """The system prompt given and the argument's name (``instructions`` only when given alone)."""
    if instructions is None:
        return "system", system
    if system is not None and system != instructions:
        raise InvalidArgumentError(
            "instructions",
            "instructions is another name for system; give one of them (or both with the same value)",
        )
    return ("system", system) if system is not None else ("instructions", instructions)


def _standardize_system(system: Any, name: str) -> list[Message]:
    if system is None:
        return []
    if isinstance(system, str | SystemMessage | Mapping):
        return [_standardize_system_item(system, None, name)]
    if _is_list(system):
        return [_standardize_system_item(item, index, name) for index, item in enumerate(system)]
    raise InvalidPromptError(f"{name}{_SYSTEM_FORMS}, got {_describe(system)}")


def _standardize_system_item(item: Any, index: int | None, name: str) -> Message:
    path = name if index is None else f"{name}[{index}]"
    if isinstance(item, str):
        return SystemMessage(content=item)
    if isinstance(item, SystemMessage):
        return item
    if isinstance(item, Mapping) and _get(item, "role") == "system":
        return _standardize_message(item, path)
    raise InvalidPromptError(
        f"{name}{_SYSTEM_FORMS}, got {_describe(item)}", path=None if index is None else path
    )


def _standardize_messages(value: Any, name: str) -> list[Message]:
    if not _is_list(value):
        expected = "a string or a list of messages" if name == "prompt" else "a list of messages"
        raise InvalidPromptError(f"{name} must be {expected}, got {_describe(value)}")
    if len(value) == 0:
        raise InvalidPromptError("messages must not be empty")
    return [_standardize_message(item, f"{name}[{index}]") for index, item in enumerate(value)]


def _standardize_message(item: Any, path: str) -> Message:
    if isinstance(item, _MESSAGE_TYPES):
        return item
    if not isinstance(item, Mapping):
        raise InvalidPromptError(f"message must be an object with a 'role', got {_describe(item)}", path=path)
    role = _get(item, "role")
    if role is _MISSING:
        raise InvalidPromptError(
            "message needs 'role'; use 'system', 'user', 'assistant' or 'tool'", path=path
        )
    if not isinstance(role, str) or role not in _MESSAGE_CLASSES:
        shown = _Shown(role)
        raise InvalidMessageRoleError(role if shown.is_short() else shown, path=f"{path}.role")
    content = _get(item, "content")
    if content is _MISSING:
        raise InvalidPromptError(f"{role} message needs 'content'", path=path)
    parts = _standardize_content(role, content, f"{path}.content")
    fields = {key: value for key, value in item.items() if key != "content"}
    try:
        message: Message = _MESSAGE_CLASSES[role].model_validate({**fields, "content": parts})
    except ValidationError as error:
        raise _translate(error, item, path, f"{role} message") from None
    return message


def _standardize_content(role: str, content: Any, path: str) -> Any:
    if role == "system":
        if not isinstance(content, str):
            raise InvalidPromptError(
                f"system message content must be a string, got {_describe(content)}", path=path
            )
        return content
    if role == "tool":
        if not _is_list(content):
            raise InvalidPromptError(
                "tool message content must be a list of tool-result / tool-approval-response parts, "
                f"got {_describe(content)}",
                path=path,
            )
    elif isinstance(content, str):
        return content
    elif not _is_list(content):
        raise InvalidPromptError(
            f"{role} message content must be a string or a list of parts, got {_describe(content)}", path=path
        )
    return [_standardize_part(part, role, f"{path}[{index}]") for index, part in enumerate(content)]


def _standardize_part(part: Any, role: str, path: str) -> Record:
    allowed = _ALLOWED_PART_TYPES[role]
    expected = ", ".join(repr(name) for name in allowed)
    if isinstance(part, _PART_TYPES):
        part_type: Any = part.type
    elif isinstance(part, Mapping):
        part_type = _get(part, "type")
    else:
        raise InvalidPromptError(f"part must be an object with a 'type', got {_describe(part)}", path=path)
    if part_type is _MISSING:
        raise InvalidPromptError(f"part needs 'type'; expected one of {expected}", path=path)
    if not isinstance(part_type, str) or part_type not in _PART_CLASSES:
        raise InvalidPromptError(
            f"unknown part type {_Shown(part_type)!r}; expected one of {expected}", path=path
        )
    if part_type not in allowed:
        raise InvalidPromptError(
            f"part type {part_type!r} is not allowed in {_article(role)} {role} message; "
            f"expected one of {expected}",
            path=path,
        )
    if isinstance(part, Record):
        return part
    try:
        return _PART_CLASSES[part_type].model_validate(part)
    except ValidationError as error:
        raise _translate(error, part, path, f"{part_type} part") from None


def _translate(error: ValidationError, root: Any, path: str, noun: str) -> InvalidPromptError:
    """The first pydantic error as a prompt error located by a readable path (union tags dropped)."""
    first = error.errors(include_url=False, include_input=False, include_context=True)[0]
    error_type = first["type"]
    suffix, owner, field = _locate(root, first)
    located = path + suffix
    if error_type == "missing" and field is not None:
        return InvalidPromptError(f"{_owner_label(owner, suffix, noun)} needs {field!r}", path=located)
    last_key = suffix.rsplit(".", 1)[-1]
    kind = "output" if last_key == "output" else "item"
    got = _describe(_value_at(root, first))
    context = first.get("ctx") or {}
    if error_type in _DATA_ERROR_TYPES and last_key in _DATA_FIELDS:
        return InvalidDataContentError(f"{last_key} must be {_DATA_FORMS}; got {got}", path=located)
    if error_type == "union_tag_invalid":
        tag = _Shown(context.get("tag"))
        return InvalidPromptError(
            f"unknown {kind} type {tag!r}; expected one of {context.get('expected_tags')}", path=located
        )
    if error_type == "union_tag_not_found":
        return InvalidPromptError(f"{kind} needs 'type'", path=located)
    if error_type == "extra_forbidden":
        return InvalidPromptError("unknown field", path=located)
    message = first["msg"][:1].lower() + first["msg"][1:]
    return InvalidPromptError(f"{message}, got {got}", path=located)


def _locate(root: Any, detail: ErrorDetails) -> tuple[str, Any, str | None]:
    """Walk ``detail['loc']`` through the input: (path suffix, node reached, missing field or ``None``).

    Location entries that do not exist in the input are union tags (``'str'``, ``'json'``, ...) and are
    skipped, except a final missing field, which is returned separately.
    """
    node: Any = root
    suffix = ""
    loc = detail["loc"]
    for index, key in enumerate(loc):
        found = _child_key(node, key)
        if found is not _MISSING:
            node = node[found]
            suffix += f"[{found}]" if isinstance(found, int) else f".{_Shown(found)}"
        elif index == len(loc) - 1 and detail["type"] == "missing" and isinstance(key, str):
            return suffix, node, key
    return suffix, node, None


def _child_key(node: Any, key: str | int) -> Any:
    if isinstance(node, Mapping):
        candidates = [key, to_snake(key), to_camel(key)] if isinstance(key, str) else [key]
        return next((candidate for candidate in candidates if candidate in node), _MISSING)
    if _is_list(node) and isinstance(key, int) and 0 <= key < len(node):
        return key
    return _MISSING


def _value_at(root: Any, detail: ErrorDetails) -> Any:
    node: Any = root
    for key in detail["loc"]:
        found = _child_key(node, key)
        if found is not _MISSING:
            node = node[found]
    return node


def _owner_label(owner: Any, owner_suffix: str, noun: str) -> str:
    if owner_suffix == "":
        return noun
    owner_type = owner.get("type") if isinstance(owner, Mapping) else None
    kind = "output" if owner_suffix.endswith(".output") else "item"
    return f"{_Shown(owner_type)} {kind}" if isinstance(owner_type, str) else kind


def _article(role: str) -> str:
    """The article before a role name (of the four, only "assistant" takes "an")."""
    return "an" if role == "assistant" else "a"


def _get(mapping: Mapping[Any, Any], key: str) -> Any:
    return mapping.get(key, _MISSING)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray | memoryview)


def _describe(value: Any) -> str:
    """A value's type (and length, for sized values), never its content."""
    if value is None:
        return "null"
    name = type(value).__name__
    if isinstance(value, str | bytes | bytearray | Sequence | Mapping):
        return f"{name} of length {len(value)}"
    return name


class _Shown:
    """A user-given name (role, part type, key) shown verbatim only when short and printable."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def is_short(self) -> bool:
        return isinstance(self.value, str) and len(self.value) <= _MAX_SHOWN and self.value.isprintable()

    def __repr__(self) -> str:
        return repr(self.value) if self.is_short() else f"<{_describe(self.value)}>"

    def __str__(self) -> str:
        return str(self.value) if self.is_short() else f"<{_describe(self.value)}>"
