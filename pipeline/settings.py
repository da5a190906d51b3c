"""Call settings: validated the AI SDK way before any network I/O, then packed into CallParams."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from .errors import InvalidArgumentError
from .params import CallParams, FunctionTool, ReasoningLevel, ResponseFormat, ToolChoice
from .prompt import Message
from .sendable import find_unsendable_model

__all__ = ["build_call_params"]


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


def build_call_params(
    prompt: list[Message],
    *,
    max_output_tokens: int | None = None,
    temperature: float | None = None,
    top_p: float | None = None,
    top_k: int | None = None,
    presence_penalty: float | None = None,
    frequency_penalty: float | None = None,
    stop_sequences: Sequence[str] | None = None,
    seed: int | None = None,
    response_format: ResponseFormat | Mapping[str, Any] | None = None,
    tools: Sequence[FunctionTool | Mapping[str, Any]] | None = None,
    tool_choice: ToolChoice | Mapping[str, Any] | None = None,
    reasoning: ReasoningLevel | None = None,
    headers: Mapping[str, str | None] | None = None,
    provider_options: Mapping[str, Mapping[str, Any]] | None = None,
    include_raw_chunks: bool = False,
) -> CallParams:
    """Validate the settings (``InvalidArgumentError`` names the bad one) and build the params."""
    _check_integer("max_output_tokens", max_output_tokens, minimum=1)
    for name, value in (
        ("temperature", temperature),
        ("top_p", top_p),
        ("presence_penalty", presence_penalty),
        ("frequency_penalty", frequency_penalty),
    ):
        _check_number(name, value)
    _check_integer("top_k", top_k)
    _check_integer("seed", seed)
    if stop_sequences is not None and (
        isinstance(stop_sequences, str) or not all(isinstance(s, str) for s in stop_sequences)
    ):
        raise InvalidArgumentError("stop_sequences", "stop_sequences must be a list of strings")
    if headers is not None and not isinstance(headers, Mapping):
        raise InvalidArgumentError("headers", "headers must be a mapping of header names to strings")
    clean_headers = (
        {str(key): str(value) for key, value in headers.items() if value is not None} if headers else None
    )
    fields: dict[str, Any] = {
        "prompt": prompt,
        "max_output_tokens": max_output_tokens,
        "temperature": temperature,
        "top_p": top_p,
        "top_k": top_k,
        "presence_penalty": presence_penalty,
        "frequency_penalty": frequency_penalty,
        "stop_sequences": list(stop_sequences) if stop_sequences is not None else None,
        "seed": seed,
        "response_format": response_format,
        "tools": list(tools) if tools is not None else None,
        "tool_choice": tool_choice,
        "reasoning": reasoning,
        "headers": clean_headers,
        "provider_options": provider_options,
        "include_raw_chunks": include_raw_chunks,
    }
    try:
        params = CallParams.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise InvalidArgumentError(name, f"{name}: {first['msg']}") from None
    _check_sendable(params)
    return params


def _check_sendable(params: CallParams) -> None:
    """Every setting but the prompt (normalization checks that one) must be sendable (:mod:`.sendable`)."""
    problem = find_unsendable_model(params, "", exclude={"prompt"})
    if problem is not None:
        raise InvalidArgumentError(problem.path, f"{problem.path}: {problem.reason}")
