"""Responses API provider options under ``providerOptions.openai`` (AI SDK names, either key spelling)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from pipeline._base import ProviderOptions
from pipeline.errors import InvalidArgumentError
from providers._options import OptionsModel

from ..capabilities import SystemMessageMode

__all__ = [
    "TOP_LOGPROBS_MAX",
    "AllowedTools",
    "ContextManagement",
    "OpenAIResponsesOptions",
    "PromptCacheOptions",
    "parse_responses_options",
]

TOP_LOGPROBS_MAX = 20
"""``logprobs: true`` asks for this many top log probabilities per token."""

IncludeValue = Literal[
    "reasoning.encrypted_content",
    "file_search_call.results",
    "web_search_call.results",
    "web_search_call.action.sources",
    "code_interpreter_call.outputs",
    "message.output_text.logprobs",
]


class PromptCacheOptions(OptionsModel):
    mode: Literal["implicit", "explicit"] | None = None
    ttl: Literal["30m"] | None = None


class ContextManagement(OptionsModel):
    type: Literal["compaction"]
    compact_threshold: float


class AllowedTools(OptionsModel):
    tool_names: list[str] = Field(min_length=1)
    mode: Literal["auto", "required"] | None = None


class OpenAIResponsesOptions(OptionsModel):
    """Responses API settings that have no provider-neutral equivalent. Unknown keys are ignored."""

    conversation: str | None = None
    include: list[IncludeValue] | None = None
    instructions: str | None = None
    logprobs: bool | Annotated[int, Field(ge=1, le=TOP_LOGPROBS_MAX)] | None = None
    max_tool_calls: int | None = None
    metadata: Any = None
    parallel_tool_calls: bool | None = None
    previous_response_id: str | None = None
    prompt_cache_key: str | None = None
    prompt_cache_options: PromptCacheOptions | None = None
    prompt_cache_retention: Literal["in_memory", "24h"] | None = None
    reasoning_effort: str | None = None
    reasoning_mode: Literal["standard", "pro"] | None = None
    reasoning_context: Literal["auto", "current_turn", "all_turns"] | None = None
    reasoning_summary: str | None = None
    safety_identifier: str | None = None
    service_tier: Literal["auto", "flex", "priority", "fast", "default"] | None = None
    store: bool | None = None
    pass_through_unsupported_files: bool | None = None
    strict_json_schema: bool | None = None
    text_verbosity: Literal["low", "medium", "high"] | None = None
    truncation: Literal["auto", "disabled"] | None = None
    user: str | None = None
    system_message_mode: SystemMessageMode | None = None
    force_reasoning: bool | None = None
    context_management: list[ContextManagement] | None = None
    compaction_trigger: bool | None = None
    allowed_tools: AllowedTools | None = None


def parse_responses_options(
    provider_options: ProviderOptions | None, keys: Iterable[str] = ("openai",)
) -> OpenAIResponsesOptions:
    """Validate the options found under ``keys`` (later keys win); none given means all defaults.

    Raises :class:`InvalidArgumentError` ("invalid <key> provider options") on a bad value.
    """
    merged: dict[str, Any] = {}
    for key in keys:
        raw = (provider_options or {}).get(key)
        if raw is None:
            continue
        try:
            merged.update(OpenAIResponsesOptions.model_validate(raw).model_dump(exclude_unset=True))
        except ValidationError as error:
            first = error.errors()[0]
            location = ".".join(str(item) for item in first["loc"])
            raise InvalidArgumentError(
                "providerOptions", f"invalid {key} provider options: {location}: {first['msg']}"
            ) from error
    return OpenAIResponsesOptions.model_validate(merged) if merged else _DEFAULTS


_DEFAULTS = OpenAIResponsesOptions.model_construct()
"""The options of a call that sets none (frozen, so one instance serves every call); made without
validation, since every field holds its own default."""
