"""CallParams to an Anthropic Messages request body (pure): settings, thinking, tools, betas, warnings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.params import CallParams, FunctionTool, ResponseFormatJson, ToolChoice, ToolChoiceTool
from pipeline.result import CallWarning

from .cache_control import CacheBreakpoints
from .capabilities import ModelCapabilities, model_capabilities
from .convert_messages import convert_to_anthropic_prompt
from .json_schema import sanitize_json_schema
from .options import AnthropicCallOptions, ThinkingOptions, parse_call_options

__all__ = [
    "BETA_STRUCTURED_OUTPUTS",
    "JSON_RESPONSE_TOOL_NAME",
    "AnthropicRequest",
    "build_request",
    "prepare_tools",
]

JSON_RESPONSE_TOOL_NAME = "json"
BETA_STRUCTURED_OUTPUTS = "structured-outputs-2025-11-13"

_BUDGET_SHARE = {"minimal": 0.02, "low": 0.1, "medium": 0.3, "high": 0.6, "xhigh": 0.9}
_MIN_THINKING_BUDGET = 1024
_DEFAULT_THINKING_BUDGET = 1024


@dataclass
class AnthropicRequest:
    """A request body plus what building it found: betas, warnings, and whether the json tool is used."""

    body: dict[str, Any]
    betas: list[str]
    warnings: list[CallWarning]
    uses_json_response_tool: bool


def _unsupported(feature: str, details: str | None = None) -> CallWarning:
    return CallWarning(type="unsupported", feature=feature, details=details)


def _clamp_temperature(temperature: float | None, warnings: list[CallWarning]) -> float | None:
    if temperature is not None and temperature > 1:
        warnings.append(
            _unsupported("temperature", f"{temperature} exceeds anthropic maximum of 1.0. clamped to 1.0")
        )
        return 1
    if temperature is not None and temperature < 0:
        warnings.append(
            _unsupported("temperature", f"{temperature} is below anthropic minimum of 0. clamped to 0")
        )
        return 0
    return temperature


def _reasoning_config(
    reasoning: str, capabilities: ModelCapabilities, warnings: list[CallWarning]
) -> tuple[ThinkingOptions, str | None]:
    """Top-level ``reasoning`` as thinking options and an effort (adaptive models) or a budget."""
    if reasoning == "none":
        return ThinkingOptions(type="disabled"), None
    if capabilities.supports_adaptive_thinking:
        effort = {"minimal": "low", "xhigh": "xhigh" if capabilities.supports_xhigh_effort else "max"}.get(
            reasoning, reasoning
        )
        if effort != reasoning:
            warnings.append(
                CallWarning(
                    type="compatibility",
                    feature="reasoning",
                    details=(
                        f'reasoning "{reasoning}" is not directly supported by this model. '
                        f'mapped to effort "{effort}".'
                    ),
                )
            )
        return ThinkingOptions(type="adaptive", display="summarized"), effort
    ceiling = capabilities.max_output_tokens
    budget = min(ceiling, max(_MIN_THINKING_BUDGET, round(ceiling * _BUDGET_SHARE[reasoning])))
    return ThinkingOptions(type="enabled", budget_tokens=budget), None


def _tool_definition(
    tool: FunctionTool, cache: CacheBreakpoints, *, eager_input_streaming: bool, strict_tools: bool
) -> dict[str, Any]:
    definition: dict[str, Any] = {"name": tool.name}
    if tool.description is not None:
        definition["description"] = tool.description
    definition["input_schema"] = tool.input_schema
    cache_control = cache.take(tool.provider_options, context="tool definition")
    if cache_control is not None:
        definition["cache_control"] = cache_control
    tool_options = (tool.provider_options or {}).get("anthropic") or {}
    if tool_options.get("eagerInputStreaming", eager_input_streaming):
        definition["eager_input_streaming"] = True
    if strict_tools and tool.strict is not None:
        definition["strict"] = tool.strict
    return definition


def prepare_tools(
    tools: list[FunctionTool],
    tool_choice: ToolChoice | None,
    *,
    disable_parallel_tool_use: bool | None,
    cache: CacheBreakpoints,
    supports_structured_output: bool,
    eager_input_streaming: bool,
) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None, list[CallWarning], list[str]]:
    """Tools and tool choice on the wire: ``(tools, tool_choice, warnings, betas)``.

    ``none`` removes the tools entirely (Anthropic has no "none" choice).
    """
    warnings: list[CallWarning] = []
    if not tools:
        return None, None, warnings, []
    definitions = []
    for tool in tools:
        if not supports_structured_output and tool.strict is not None:
            warnings.append(
                _unsupported(
                    "strict",
                    f"Tool '{tool.name}' has strict: {str(tool.strict).lower()}, but strict mode is not "
                    "supported by this provider. The strict property will be ignored.",
                )
            )
        definitions.append(
            _tool_definition(
                tool,
                cache,
                eager_input_streaming=eager_input_streaming,
                strict_tools=supports_structured_output,
            )
        )
    betas = [BETA_STRUCTURED_OUTPUTS] if supports_structured_output else []
    parallel = {"disable_parallel_tool_use": True} if disable_parallel_tool_use else {}
    if disable_parallel_tool_use is False:
        parallel = {"disable_parallel_tool_use": False}
    match tool_choice:
        case None:
            choice = {"type": "auto", **parallel} if disable_parallel_tool_use else None
        case "auto":
            choice = {"type": "auto", **parallel}
        case "required":
            choice = {"type": "any", **parallel}
        case "none":
            return None, None, warnings, betas
        case ToolChoiceTool():
            choice = {"type": "tool", "name": tool_choice.tool_name, **parallel}
    return definitions, choice, warnings, betas


def _sampling_warnings(params: CallParams, warnings: list[CallWarning]) -> None:
    for feature, value in (
        ("frequencyPenalty", params.frequency_penalty),
        ("presencePenalty", params.presence_penalty),
        ("seed", params.seed),
    ):
        if value is not None:
            warnings.append(_unsupported(feature))


def build_request(model_id: str, params: CallParams, *, stream: bool) -> AnthropicRequest:
    """The Messages API body for ``params`` (``stream: true`` only when streaming).

    Raises ``InvalidArgumentError`` for invalid provider options and ``UnsupportedFunctionalityError``
    for prompt content Anthropic cannot take.
    """
    warnings: list[CallWarning] = []
    _sampling_warnings(params, warnings)
    temperature = _clamp_temperature(params.temperature, warnings)
    top_p, top_k = params.top_p, params.top_k
    response_format = params.response_format
    json_schema = response_format.json_schema if isinstance(response_format, ResponseFormatJson) else None
    if isinstance(response_format, ResponseFormatJson) and json_schema is None:
        warnings.append(
            _unsupported(
                "responseFormat", "JSON response format requires a schema. The response format is ignored."
            )
        )

    options: AnthropicCallOptions = parse_call_options(params.provider_options)
    capabilities = model_capabilities(model_id)
    if not capabilities.is_known_model and params.max_output_tokens is None:
        warnings.append(
            CallWarning(
                type="compatibility",
                feature="maxOutputTokens",
                details=(
                    f'The model "{model_id}" is unknown. The max output tokens have been limited '
                    f"to {capabilities.max_output_tokens}. "
                    "Set maxOutputTokens explicitly to override this limit."
                ),
            )
        )
    if capabilities.rejects_sampling_parameters:
        for feature, value in (("temperature", temperature), ("topK", top_k), ("topP", top_p)):
            if value is not None:
                warnings.append(
                    _unsupported(feature, f"{feature} is not supported by {model_id} and will be ignored")
                )
        temperature = top_k = top_p = None

    mode = options.structured_output_mode or "auto"
    use_output_format = mode == "outputFormat" or (mode == "auto" and capabilities.supports_structured_output)
    json_tool = (
        FunctionTool(
            name=JSON_RESPONSE_TOOL_NAME, description="Respond with a JSON object.", input_schema=json_schema
        )
        if json_schema is not None and not use_output_format
        else None
    )

    cache = CacheBreakpoints()
    prompt = convert_to_anthropic_prompt(params.prompt, send_reasoning=options.send_reasoning, cache=cache)
    warnings.extend(prompt.warnings)

    thinking = options.thinking
    effort: str | None = options.effort
    reasoning = params.reasoning
    if reasoning is not None and reasoning != "provider-default" and effort is None:
        reasoning_thinking, reasoning_effort = _reasoning_config(reasoning, capabilities, warnings)
        thinking = thinking or reasoning_thinking
        if reasoning_effort is not None and thinking.type != "disabled":
            effort = reasoning_effort
    if (
        capabilities.rejects_thinking_disabled_above_high_effort
        and thinking is not None
        and thinking.type == "disabled"
        and effort in ("xhigh", "max")
    ):
        warnings.append(
            _unsupported(
                "providerOptions.anthropic.effort",
                f"effort '{effort}' is not supported by {model_id} when thinking is disabled. "
                "The effort has been lowered to 'high'.",
            )
        )
        effort = "high"

    is_thinking = thinking is not None and thinking.type in ("enabled", "adaptive")
    budget = thinking.budget_tokens if thinking is not None and thinking.type == "enabled" else None
    max_tokens = (
        params.max_output_tokens if params.max_output_tokens is not None else capabilities.max_output_tokens
    )

    body: dict[str, Any] = {"model": model_id, "max_tokens": max_tokens}
    if thinking is not None:
        wire_thinking: dict[str, Any] = {"type": thinking.type}
        if budget is not None:
            wire_thinking["budget_tokens"] = budget
        if thinking.type == "adaptive" and thinking.display is not None:
            wire_thinking["display"] = thinking.display
        body["thinking"] = wire_thinking

    if is_thinking:
        if thinking is not None and thinking.type == "enabled" and budget is None:
            warnings.append(
                CallWarning(
                    type="compatibility",
                    feature="extended thinking",
                    details="thinking budget is required when thinking is enabled. "
                    "using default budget of 1024 tokens.",
                )
            )
            budget = _DEFAULT_THINKING_BUDGET
            body["thinking"] = {"type": "enabled", "budget_tokens": budget}
        for feature, value in (("temperature", temperature), ("topK", top_k), ("topP", top_p)):
            if value is not None:
                warnings.append(_unsupported(feature, f"{feature} is not supported when thinking is enabled"))
        temperature = top_k = top_p = None
        body["max_tokens"] = max_tokens + (budget or 0)
    elif (
        (capabilities.is_known_model or "claude-" in model_id)
        and top_p is not None
        and temperature is not None
    ):
        warnings.append(
            _unsupported("topP", "topP is not supported when temperature is set. topP is ignored.")
        )
        top_p = None

    if capabilities.is_known_model and body["max_tokens"] > capabilities.max_output_tokens:
        if params.max_output_tokens is not None:
            warnings.append(
                _unsupported(
                    "maxOutputTokens",
                    f"{body['max_tokens']} (maxOutputTokens + thinkingBudget) is greater than {model_id} "
                    f"{capabilities.max_output_tokens} max output tokens. The max output tokens have been "
                    f"limited to {capabilities.max_output_tokens}.",
                )
            )
        body["max_tokens"] = capabilities.max_output_tokens

    sampling: dict[str, Any] = {
        "temperature": temperature,
        "top_k": top_k,
        "top_p": top_p,
        "stop_sequences": params.stop_sequences,
    }
    body.update({key: value for key, value in sampling.items() if value is not None})

    output_config: dict[str, Any] = {}
    if effort is not None:
        output_config["effort"] = effort
    if use_output_format and json_schema is not None:
        output_config["format"] = {"type": "json_schema", "schema": sanitize_json_schema(json_schema)}
    if output_config:
        body["output_config"] = output_config
    if options.speed is not None:
        body["speed"] = options.speed
    if options.inference_geo is not None:
        body["inference_geo"] = options.inference_geo
    if options.cache_control is not None:
        body["cache_control"] = options.cache_control
    if options.metadata is not None and options.metadata.user_id is not None:
        body["metadata"] = {"user_id": options.metadata.user_id}
    if prompt.system is not None:
        body["system"] = prompt.system
    body["messages"] = prompt.messages

    if json_tool is not None and options.disable_parallel_tool_use is False:
        warnings.append(
            _unsupported(
                "providerOptions.anthropic.disableParallelToolUse",
                "`disableParallelToolUse: false` is ignored when using the JSON response tool. "
                "Parallel tool use is disabled to ensure a single coherent JSON tool call.",
            )
        )
    eager = stream and (options.tool_streaming if options.tool_streaming is not None else True)
    tools, tool_choice, tool_warnings, tool_betas = prepare_tools(
        [*(params.tools or []), *([json_tool] if json_tool else [])],
        "required" if json_tool is not None else params.tool_choice,
        disable_parallel_tool_use=True if json_tool is not None else options.disable_parallel_tool_use,
        cache=cache,
        supports_structured_output=capabilities.supports_structured_output and json_tool is None,
        eager_input_streaming=eager,
    )
    if tools is not None:
        body["tools"] = tools
    if tool_choice is not None:
        body["tool_choice"] = tool_choice
    if stream:
        body["stream"] = True

    betas: list[str] = []
    extra_betas = ["fast-mode-2026-02-01"] if options.speed == "fast" else []
    for beta in [*prompt.betas, *extra_betas, *tool_betas, *(options.anthropic_beta or [])]:
        if beta not in betas:
            betas.append(beta)
    return AnthropicRequest(
        body=body,
        betas=betas,
        warnings=[*warnings, *tool_warnings, *cache.warnings],
        uses_json_response_tool=json_tool is not None,
    )
