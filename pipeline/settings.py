"""Call settings: the keyword settings every entry point takes, validated the AI SDK way before any
network I/O, then packed into :class:`~pipeline.params.CallParams`.

:class:`CallSettings` lists them once, typed as callers may give them; ``CallParams`` holds the same
names after validation (a test keeps the two in step).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypedDict, TypeVar, Unpack, cast

from pydantic import ValidationError
from pydantic.alias_generators import to_snake

from .errors import InvalidArgumentError
from .params import CallParams, FunctionTool, ProviderTool, ReasoningLevel, ResponseFormat, ToolChoice
from .prompt import Message
from .sendable import find_unsendable_model

__all__ = ["CallSettings", "build_call_params", "checked_keywords", "unknown_argument_error"]

P = ParamSpec("P")
R = TypeVar("R")


class CallSettings(TypedDict, total=False):
    """Settings shared by every entry point; ``None`` (or leaving one out) means the provider's default."""

    max_output_tokens: int | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    presence_penalty: float | None
    frequency_penalty: float | None
    stop_sequences: Sequence[str] | None
    seed: int | None
    response_format: ResponseFormat | Mapping[str, Any] | None
    tool_choice: ToolChoice | Mapping[str, Any] | None
    reasoning: ReasoningLevel | None
    headers: Mapping[str, str | None] | None
    provider_options: Mapping[str, Mapping[str, Any]] | None
    include_raw_chunks: bool


_NUMBERS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_INTEGERS = ("max_output_tokens", "top_k", "seed")
_MINIMUMS = {"max_output_tokens": 1}


def _check_number(name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidArgumentError(name, f"{name} must be a number")
    if not math.isfinite(value):
        raise InvalidArgumentError(name, f"{name} must be a finite number")


def _check_integer(name: str, value: Any, minimum: int | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(name, f"{name} must be an integer")
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(name, f"{name} must be >= {minimum}")


def _checked(settings: CallSettings) -> dict[str, Any]:
    """``settings`` validated by name (``InvalidArgumentError`` names the bad one), in CallParams form."""
    fields: dict[str, Any] = dict(settings)
    for name in _INTEGERS:
        _check_integer(name, fields.get(name), _MINIMUMS.get(name))
    for name in _NUMBERS:
        _check_number(name, fields.get(name))
    stop_sequences = fields.get("stop_sequences")
    if stop_sequences is not None:
        if isinstance(stop_sequences, str) or not all(isinstance(s, str) for s in stop_sequences):
            raise InvalidArgumentError("stop_sequences", "stop_sequences must be a list of strings")
        fields["stop_sequences"] = list(stop_sequences)
    headers = fields.get("headers")
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise InvalidArgumentError("headers", "headers must be a mapping of header names to strings")
        fields["headers"] = (
            {str(key): str(value) for key, value in headers.items() if value is not None} if headers else None
        )
    return fields


def build_call_params(
    prompt: list[Message],
    *,
    tools: Sequence[FunctionTool | ProviderTool | Mapping[str, Any]] | None = None,
    **settings: Unpack[CallSettings],
) -> CallParams:
    """Validate the settings (``InvalidArgumentError`` names the bad or unknown one) and build the params."""
    fields = _checked(settings)
    fields["prompt"] = prompt
    fields["tools"] = list(tools) if tools is not None else None
    try:
        params = CallParams.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise InvalidArgumentError(name, first["msg"]) from None
    _check_sendable(params)
    return params


def _check_sendable(params: CallParams) -> None:
    """Every setting but the prompt (normalization checks that one) must be sendable (:mod:`.sendable`)."""
    problem = find_unsendable_model(params, "", exclude={"prompt"})
    if problem is not None:
        raise InvalidArgumentError(problem.path, problem.reason)


def checked_keywords(*typed: type) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate an entry point so an unknown keyword argument is an :class:`InvalidArgumentError`.

    The known names are the function's own parameters and the keys of the ``typed`` dicts its
    ``**options`` take (e.g. :class:`CallSettings`). The error names the entry point and suggests the
    closest known name (AI SDK camelCase spellings map to snake_case: ``maxOutputTokens`` ->
    ``max_output_tokens``). A coroutine function stays one and raises when awaited.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        parameters = inspect.signature(function).parameters.values()
        known = frozenset(
            [p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            + [name for typed_dict in typed for name in typed_dict.__annotations__]
        )
        entry_point = function.__name__

        def check(keywords: Mapping[str, Any]) -> None:
            for name in keywords:
                if name not in known:
                    raise unknown_argument_error(entry_point, name, known)

        if inspect.iscoroutinefunction(function):
            coroutine_function = cast(Callable[P, Awaitable[Any]], function)

            @functools.wraps(function)
            async def checked_coroutine(*args: P.args, **kwargs: P.kwargs) -> Any:
                check(kwargs)
                return await coroutine_function(*args, **kwargs)

            return cast(Callable[P, R], checked_coroutine)

        @functools.wraps(function)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            check(kwargs)
            return function(*args, **kwargs)

        return checked

    return decorate


def unknown_argument_error(entry_point: str, name: str, known: Iterable[str]) -> InvalidArgumentError:
    """``generate_text() got an unknown argument 'temprature'; did you mean 'temperature'?``"""
    message = f"{entry_point}() got an unknown argument {name!r}"
    suggestion = _closest(name, sorted(known))
    if suggestion is not None:
        message += f"; did you mean {suggestion!r}?"
    return InvalidArgumentError(name, message)


def _closest(name: str, known: list[str]) -> str | None:
    """The known name ``name`` most likely meant: its snake_case form, else the closest spelling."""
    snake = to_snake(name)
    if snake in known:
        return snake
    import difflib  # only for a misspelt argument: not worth its import time on every start

    matches = difflib.get_close_matches(snake, known, n=1, cutoff=0.5)
    return matches[0] if matches else None
