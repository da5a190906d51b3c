"""CallParams → the chat-completions request body (pure; returns warnings too)."""

from __future__ import annotations

from typing import Any

from pipeline.params import (
    CallParams,
    FunctionTool,
    ResponseFormat,
    ResponseFormatJson,
    ToolChoice,
    ToolChoiceTool,
    split_tools,
)
from pipeline.result import CallWarning

from .._tools import unsupported_tool_warnings
from .capabilities import ModelCapabilities, model_capabilities
from .convert_messages import WireMessage, convert_to_openai_chat_messages
from .options import OpenAIChatOptions

__all__ = ["build_chat_body", "stream_body"]

_SEARCH_PREVIEW_DETAILS = "temperature is not supported for the search preview models and has been removed."
_PRIORITY_DETAILS = (
    "priority processing is only available for supported models (gpt-4, gpt-5, gpt-5-mini, o3, o4-mini)"
    " and requires Enterprise access. gpt-5-nano is not supported"
)


def build_chat_body(
    model_id: str, params: CallParams, options: OpenAIChatOptions
) -> tuple[dict[str, Any], list[CallWarning]]:
    """The JSON body of a non-streaming call, without unset keys, and the warnings it produced.

    Reasoning models (o-series, GPT-5+, or ``forceReasoning``) get ``developer`` system messages,
    ``max_completion_tokens`` instead of ``max_tokens``, and lose the sampling settings they reject.
    """
    capabilities = model_capabilities(model_id)
    is_reasoning = (
        options.force_reasoning if options.force_reasoning is not None else capabilities.is_reasoning_model
    )
    reasoning_effort = options.reasoning_effort or (
        params.reasoning if params.reasoning not in (None, "provider-default") else None
    )
    warnings = [CallWarning(type="unsupported", feature="topK")] if params.top_k is not None else []
    messages, message_warnings = convert_to_openai_chat_messages(
        params.prompt,
        options.system_message_mode or ("developer" if is_reasoning else capabilities.system_message_mode),
    )
    service_tier, tier_warnings = _service_tier(options.service_tier, capabilities)
    body = _settings_fields(model_id, params, options, reasoning_effort, service_tier, messages)

    if is_reasoning:
        keep_sampling = reasoning_effort == "none" and capabilities.supports_non_reasoning_parameters
        body, removed_warnings = _without_reasoning_rejects(body, keep_sampling=keep_sampling)
    else:
        body, removed_warnings = _without_search_preview_rejects(model_id, body)
    function_tools, provider_tools = split_tools(params.tools)
    body.update(_tool_fields(function_tools, params.tool_choice))
    warnings += unsupported_tool_warnings(provider_tools)
    warnings += message_warnings + removed_warnings + tier_warnings
    return {key: value for key, value in body.items() if value is not None}, warnings


def stream_body(body: dict[str, Any]) -> dict[str, Any]:
    """The streaming variant of a body: ``stream: true`` and usage in the last chunk."""
    return {**body, "stream": True, "stream_options": {"include_usage": True}}


def _settings_fields(
    model_id: str,
    params: CallParams,
    options: OpenAIChatOptions,
    reasoning_effort: str | None,
    service_tier: str | None,
    messages: list[WireMessage],
) -> dict[str, Any]:
    """Every body field in wire order, ``None`` where unset (removed last, after the reasoning rules)."""
    logprobs = options.logprobs
    return {
        "model": model_id,
        "logit_bias": options.logit_bias,
        "logprobs": True if logprobs is True or _is_count(logprobs) else None,
        "top_logprobs": logprobs if _is_count(logprobs) else (0 if logprobs is True else None),
        "user": options.user,
        "parallel_tool_calls": options.parallel_tool_calls,
        "max_tokens": params.max_output_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "frequency_penalty": params.frequency_penalty,
        "presence_penalty": params.presence_penalty,
        "response_format": _response_format(params.response_format, options),
        "stop": params.stop_sequences,
        "seed": params.seed,
        "verbosity": options.text_verbosity,
        "max_completion_tokens": options.max_completion_tokens,
        "store": options.store,
        "metadata": options.metadata,
        "prediction": options.prediction,
        "reasoning_effort": reasoning_effort,
        "service_tier": service_tier,
        "prompt_cache_key": options.prompt_cache_key,
        "prompt_cache_options": (
            options.prompt_cache_options.model_dump(exclude_none=True)
            if options.prompt_cache_options
            else None
        ),
        "prompt_cache_retention": options.prompt_cache_retention,
        "safety_identifier": options.safety_identifier,
        "messages": messages,
    }


def _service_tier(
    service_tier: str | None, capabilities: ModelCapabilities
) -> tuple[str | None, list[CallWarning]]:
    """The tier to request; flex and priority only on the models that offer them (else dropped, warned)."""
    if service_tier == "flex" and not capabilities.supports_flex_processing:
        details = "flex processing is only available for o3, o4-mini, and gpt-5 models"
        return None, [CallWarning(type="unsupported", feature="serviceTier", details=details)]
    if service_tier in ("priority", "fast") and not capabilities.supports_priority_processing:
        return None, [CallWarning(type="unsupported", feature="serviceTier", details=_PRIORITY_DETAILS)]
    return service_tier, []


def _without_search_preview_rejects(
    model_id: str, body: dict[str, Any]
) -> tuple[dict[str, Any], list[CallWarning]]:
    if not _is_search_preview(model_id) or body["temperature"] is None:
        return body, []
    warning = CallWarning(type="unsupported", feature="temperature", details=_SEARCH_PREVIEW_DETAILS)
    return {**body, "temperature": None}, [warning]


def _is_search_preview(model_id: str) -> bool:
    return model_id.startswith(("gpt-4o-search-preview", "gpt-4o-mini-search-preview"))


def _is_count(value: bool | int | None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _without_reasoning_rejects(
    body: dict[str, Any], *, keep_sampling: bool
) -> tuple[dict[str, Any], list[CallWarning]]:
    """Remove what reasoning models reject, with a warning for each; move max_tokens.

    ``keep_sampling`` keeps temperature, top_p and logprobs (GPT-5.1+ with reasoning effort ``none``).
    """
    body = dict(body)
    warnings: list[CallWarning] = []
    unsupported = [("frequency_penalty", "frequencyPenalty"), ("presence_penalty", "presencePenalty")]
    if not keep_sampling:
        unsupported = [("temperature", "temperature"), ("top_p", "topP"), *unsupported]
        if body["logprobs"] is not None:
            body["logprobs"] = None
            warnings.append(
                CallWarning(type="other", message="logprobs is not supported for reasoning models")
            )
    for key, feature in unsupported:
        if body[key] is not None:
            body[key] = None
            details = f"{feature} is not supported for reasoning models"
            warnings.append(CallWarning(type="unsupported", feature=feature, details=details))
    for key, name in (("logit_bias", "logitBias"), ("top_logprobs", "topLogprobs")):
        if body[key] is not None:
            body[key] = None
            warnings.append(
                CallWarning(type="other", message=f"{name} is not supported for reasoning models")
            )
    if body["max_tokens"] is not None:
        if body["max_completion_tokens"] is None:
            body["max_completion_tokens"] = body["max_tokens"]
        body["max_tokens"] = None
    return body, warnings


def _response_format(
    response_format: ResponseFormat | None, options: OpenAIChatOptions
) -> dict[str, Any] | None:
    if not isinstance(response_format, ResponseFormatJson):
        return None
    if response_format.json_schema is None:
        return {"type": "json_object"}
    json_schema: dict[str, Any] = {
        "schema": response_format.json_schema,
        "strict": options.strict_json_schema if options.strict_json_schema is not None else True,
        "name": response_format.name or "response",
    }
    if response_format.description is not None:
        json_schema["description"] = response_format.description
    return {"type": "json_schema", "json_schema": json_schema}


def _function_tool(tool: FunctionTool) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        function["description"] = tool.description
    function["parameters"] = tool.input_schema
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def _tool_fields(tools: list[FunctionTool] | None, tool_choice: ToolChoice | None) -> dict[str, Any]:
    """``tools`` and ``tool_choice``, sent only when there are tools."""
    if not tools:
        return {}
    return {"tools": [_function_tool(tool) for tool in tools], "tool_choice": _tool_choice(tool_choice)}


def _tool_choice(tool_choice: ToolChoice | None) -> str | dict[str, Any] | None:
    if isinstance(tool_choice, ToolChoiceTool):
        return {"type": "function", "function": {"name": tool_choice.tool_name}}
    return tool_choice
