"""CallParams → the Responses API request body (pure; returns warnings and what the mappers need)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.params import CallParams, ResponseFormatJson, split_tools
from pipeline.prompt import AssistantMessage, ToolCallPart
from pipeline.result import CallWarning

from ..capabilities import model_capabilities
from .convert_input import InputSettings, convert_to_responses_input
from .options import TOP_LOGPROBS_MAX, OpenAIResponsesOptions
from .prepare_tools import ToolNames, prepare_tools

__all__ = ["ResponsesRequest", "build_responses_body"]

_PRIORITY_DETAILS = (
    "priority processing is only available for supported models (gpt-4, gpt-5, gpt-5-mini, o3, o4-mini)"
    " and requires Enterprise access. gpt-5-nano is not supported"
)


@dataclass(frozen=True, slots=True)
class ResponsesRequest:
    """A built request: the body, its warnings, and what mapping the answer needs."""

    body: dict[str, Any]
    warnings: list[CallWarning]
    names: ToolNames
    web_search_tool_name: str | None
    store: bool
    logprobs: bool
    shell_provider_executed: bool
    approval_tool_call_ids: dict[str, str]
    function_names: frozenset[str] = frozenset()
    """The function tools the call declared (a ``parallel`` wrapper call is expanded into them)."""
    """MCP approval request id → the tool call id the prompt gave it (results keep that id)."""


def build_responses_body(
    model_id: str, params: CallParams, options: OpenAIResponsesOptions, *, options_key: str = "openai"
) -> ResponsesRequest:
    """The JSON body of a non-streaming call (unset keys left out) and what goes with it.

    Reasoning models (o-series, GPT-5+, or ``forceReasoning``) get ``developer`` system messages, a
    ``reasoning`` object and lose the sampling settings they reject, each with a warning.
    """
    capabilities = model_capabilities(model_id)
    warnings = [
        CallWarning(type="unsupported", feature=feature)
        for feature, value in (
            ("topK", params.top_k),
            ("seed", params.seed),
            ("presencePenalty", params.presence_penalty),
            ("frequencyPenalty", params.frequency_penalty),
            ("stopSequences", params.stop_sequences),
        )
        if value is not None
    ]
    effort = options.reasoning_effort or (
        params.reasoning if params.reasoning not in (None, "provider-default") else None
    )
    summary = (
        options.reasoning_summary
        if "reasoning_summary" in options.model_fields_set
        else ("detailed" if effort is not None and effort != "none" else None)
    )
    is_reasoning = (
        options.force_reasoning if options.force_reasoning is not None else capabilities.is_reasoning_model
    )
    if options.conversation and options.previous_response_id:
        warnings.append(
            CallWarning(
                type="unsupported",
                feature="conversation",
                details="conversation and previousResponseId cannot be used together",
            )
        )
    functions, provided = split_tools(params.tools)
    names = ToolNames.of(provided)
    tools, tool_choice, tool_warnings = prepare_tools(
        functions, provided, params.tool_choice, options.allowed_tools, names
    )
    store = options.store if options.store is not None else True
    items, input_warnings = convert_to_responses_input(
        params.prompt,
        InputSettings(
            system_message_mode=options.system_message_mode
            or ("developer" if is_reasoning else capabilities.system_message_mode),
            store=store,
            has_conversation=options.conversation is not None,
            has_previous_response_id=options.previous_response_id is not None,
            pass_through_unsupported_files=bool(options.pass_through_unsupported_files),
            names=names,
            options_key=options_key,
        ),
    )
    warnings += input_warnings
    if options.compaction_trigger:
        items.append({"type": "compaction_trigger"})

    include: list[str] | None = list(options.include) if options.include is not None else None

    def add_include(key: str) -> None:
        nonlocal include
        if include is None:
            include = [key]
        elif key not in include:
            include.append(key)

    top_logprobs = (
        TOP_LOGPROBS_MAX
        if options.logprobs is True
        else (options.logprobs if isinstance(options.logprobs, int) and options.logprobs else None)
    )
    if top_logprobs:
        add_include("message.output_text.logprobs")
    web_search = next(
        (tool for tool in provided if tool.id in ("openai.web_search", "openai.web_search_preview")), None
    )
    if web_search is not None:
        add_include("web_search_call.action.sources")
    if names.has("openai.code_interpreter"):
        add_include("code_interpreter_call.outputs")
    if options.store is False and is_reasoning:
        add_include("reasoning.encrypted_content")

    body: dict[str, Any] = {
        "model": model_id,
        "input": items,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_output_tokens": params.max_output_tokens,
        "text": _text(params, options),
        "conversation": options.conversation,
        "max_tool_calls": options.max_tool_calls,
        "metadata": options.metadata,
        "parallel_tool_calls": options.parallel_tool_calls,
        "previous_response_id": options.previous_response_id,
        "store": options.store,
        "user": options.user,
        "instructions": options.instructions,
        "service_tier": options.service_tier,
        "include": include,
        "prompt_cache_key": options.prompt_cache_key,
        "prompt_cache_options": options.prompt_cache_options.model_dump(exclude_none=True)
        if options.prompt_cache_options
        else None,
        "prompt_cache_retention": options.prompt_cache_retention,
        "safety_identifier": options.safety_identifier,
        "top_logprobs": top_logprobs,
        "truncation": options.truncation,
        "context_management": [
            {"type": item.type, "compact_threshold": item.compact_threshold}
            for item in options.context_management
        ]
        if options.context_management
        else None,
    }
    reasoning_fields = {
        "effort": effort,
        "summary": summary,
        "mode": options.reasoning_mode,
        "context": options.reasoning_context,
    }
    if is_reasoning:
        if any(value is not None for value in reasoning_fields.values()):
            body["reasoning"] = {key: value for key, value in reasoning_fields.items() if value is not None}
        if not (effort == "none" and capabilities.supports_non_reasoning_parameters):
            for key, feature in (("temperature", "temperature"), ("top_p", "topP")):
                if body[key] is not None:
                    body[key] = None
                    details = f"{feature} is not supported for reasoning models"
                    warnings.append(CallWarning(type="unsupported", feature=feature, details=details))
    else:
        for value, feature in (
            (options.reasoning_effort, "reasoningEffort"),
            (options.reasoning_summary, "reasoningSummary"),
            (options.reasoning_mode, "reasoningMode"),
            (options.reasoning_context, "reasoningContext"),
        ):
            if value is not None:
                details = f"{feature} is not supported for non-reasoning models"
                warnings.append(CallWarning(type="unsupported", feature=feature, details=details))
    if options.service_tier == "flex" and not capabilities.supports_flex_processing:
        details = "flex processing is only available for o3, o4-mini, and gpt-5 models"
        warnings.append(CallWarning(type="unsupported", feature="serviceTier", details=details))
        body["service_tier"] = None
    if options.service_tier in ("priority", "fast") and not capabilities.supports_priority_processing:
        warnings.append(CallWarning(type="unsupported", feature="serviceTier", details=_PRIORITY_DETAILS))
        body["service_tier"] = None
    body["tools"] = tools
    body["tool_choice"] = tool_choice
    shell = next((tool for tool in provided if tool.id == "openai.shell"), None)
    shell_env = ((shell.args.get("environment") or {}) if shell else {}).get("type")
    return ResponsesRequest(
        body={key: value for key, value in body.items() if value is not None},
        warnings=warnings + tool_warnings,
        names=names,
        web_search_tool_name=web_search.name if web_search is not None else None,
        store=store,
        logprobs=bool(options.logprobs),
        shell_provider_executed=shell_env in ("containerAuto", "containerReference"),
        approval_tool_call_ids=_approval_tool_call_ids(params, options_key),
        function_names=frozenset(tool.name for tool in functions),
    )


def _approval_tool_call_ids(params: CallParams, key: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for message in params.prompt:
        if not isinstance(message, AssistantMessage) or isinstance(message.content, str):
            continue
        for part in message.content:
            if isinstance(part, ToolCallPart):
                approval = ((part.provider_options or {}).get(key) or {}).get("approvalRequestId")
                if isinstance(approval, str):
                    ids[approval] = part.tool_call_id
    return ids


def _text(params: CallParams, options: OpenAIResponsesOptions) -> dict[str, Any] | None:
    text: dict[str, Any] = {}
    response_format = params.response_format
    if isinstance(response_format, ResponseFormatJson):
        if response_format.json_schema is None:
            text["format"] = {"type": "json_object"}
        else:
            text["format"] = {
                key: value
                for key, value in {
                    "type": "json_schema",
                    "strict": options.strict_json_schema if options.strict_json_schema is not None else True,
                    "name": response_format.name or "response",
                    "description": response_format.description,
                    "schema": response_format.json_schema,
                }.items()
                if value is not None
            }
    if options.text_verbosity:
        text["verbosity"] = options.text_verbosity
    return text or None
