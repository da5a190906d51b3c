"""Provider options under ``providerOptions.openai`` (camelCase or snake_case keys)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import StringConstraints, ValidationError

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidArgumentError
from providers._options import OptionsModel

from .capabilities import SystemMessageMode

__all__ = ["OpenAIChatOptions", "PromptCacheOptions", "ReasoningEffort", "parse_openai_options"]

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]


class PromptCacheOptions(OptionsModel):
    mode: Literal["implicit", "explicit"] | None = None
    ttl: Literal["30m"] | None = None


class OpenAIChatOptions(OptionsModel):
    """Chat-completions settings that have no provider-neutral equivalent. Unknown keys are ignored."""

    logit_bias: dict[str, int | float] | None = None
    logprobs: bool | int | None = None
    parallel_tool_calls: bool | None = None
    user: str | None = None
    reasoning_effort: ReasoningEffort | None = None
    max_completion_tokens: int | None = None
    store: bool | None = None
    metadata: (
        dict[
            Annotated[str, StringConstraints(max_length=64)],
            Annotated[str, StringConstraints(max_length=512)],
        ]
        | None
    ) = None
    prediction: dict[str, Any] | None = None
    service_tier: Literal["auto", "flex", "priority", "fast", "default"] | None = None
    strict_json_schema: bool | None = None
    text_verbosity: Literal["low", "medium", "high"] | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: PromptCacheOptions | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    safety_identifier: str | None = None
    system_message_mode: SystemMessageMode | None = None
    force_reasoning: bool | None = None


def parse_openai_options(
    provider_options: ProviderOptions | None, keys: Iterable[str] = ("openai",)
) -> OpenAIChatOptions:
    """Validate the options found under ``keys`` (later keys win); none given means all defaults.

    Raises :class:`InvalidArgumentError` ("invalid <key> provider options") on a bad value.
    """
    given = [(key, raw) for key in keys if (raw := (provider_options or {}).get(key)) is not None]
    if not given:
        return _DEFAULTS
    if len(given) == 1:
        return _validated(*given[0])
    merged: dict[str, Any] = {}
    for key, raw in given:
        merged.update(_validated(key, raw).model_dump(exclude_unset=True))
    return OpenAIChatOptions.model_validate(merged)


def _validated(key: str, raw: Any) -> OpenAIChatOptions:
    try:
        return OpenAIChatOptions.model_validate(raw)
    except ValidationError as error:
        raise InvalidArgumentError(
            "providerOptions", f"invalid {key} provider options: {_first_problem(error)}"
        ) from error


_DEFAULTS = OpenAIChatOptions.model_construct()
"""The options of a call that gives none (records are frozen, so one instance serves every call); made
without validation, since every field holds its own default."""


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    location = ".".join(str(item) for item in first["loc"])
    return f"{location}: {first['msg']}" if location else first["msg"]
