"""CallParams to an Anthropic Messages request body (pure): settings, thinking, tools, betas, warnings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pipeline.params import (
    CallParams,
    FunctionTool,
    ProviderTool,
    ResponseFormat,
    ResponseFormatJson,
    ToolChoice,
    ToolChoiceTool,
    ToolDefinition,
)
from pipeline.result import CallWarning

from .._tools import unsupported_tool_warnings
from .cache_control import CacheBreakpoints
from .capabilities import ModelCapabilities, model_capabilities
from .convert_messages import convert_to_anthropic_prompt
from .json_schema import sanitize_json_schema
from .options import AnthropicCallOptions, ThinkingOptions, parse_call_options
from .provider_tools import ToolNameMapping, provider_tool_definition
from .server_options import server_fields

__all__ = [
    "BETA_STRUCTURED_OUTPUTS",
    "JSON_RESPONSE_TOOL_NAME",
    "AnthropicRequest",
    "build_request",
    "prepare_tools",
]

JSON_RESPONSE_TOOL_NAME = "json"
BETA_STRUCTURED_OUTPUTS = "structured-outputs-2025-11-13"
BETA_ADVANCED_TOOL_USE = "advanced-tool-use-2025-11-20"
_BETA_FAST_MODE = "fast-mode-2026-02-01"

_BUDGET_SHARE = {"minimal": 0.02, "low": 0.1, "medium": 0.3, "high": 0.6, "xhigh": 0.9}
_MIN_THINKING_BUDGET = 1024
_DEFAULT_THINKING_BUDGET = 1024


@dataclass
class AnthropicRequest:
    """A request body plus what building it found: betas, warnings, whether the json tool is used, and
    the names the caller gave provider tools (responses are mapped back to them)."""

    body: dict[str, Any]
    betas: list[str]
    warnings: list[CallWarning]
    uses_json_response_tool: bool
    tool_names: ToolNameMapping


@dataclass(frozen=True, slots=True)
class _Sampling:
    """The sampling settings still to be sent; later steps drop the ones a model or mode rejects."""

    temperature: float | None
    top_k: int | None
    top_p: float | None

    def features_set(self) -> list[str]:
        """The camelCase names of the settings that have a value, in warning order."""
        values = (("temperature", self.temperature), ("topK", self.top_k), ("topP", self.top_p))
        return [feature for feature, value in values if value is not None]


@dataclass(frozen=True, slots=True)
class _WireTools:
    """Tools and tool choice as sent (``None`` when absent), with their warnings and betas."""

    definitions: list[dict[str, Any]] | None
    choice: dict[str, Any] | None
    warnings: list[CallWarning]
    betas: list[str]


def build_request(model_id: str, params: CallParams, *, stream: bool) -> AnthropicRequest:
    """The Messages API body for ``params`` (``stream: true`` only when streaming).

    Raises ``InvalidArgumentError`` for invalid provider options and ``UnsupportedFunctionalityError``
    for prompt content Anthropic cannot take. Warnings keep the order of the steps below.
    """
    warnings = _unsupported_setting_warnings(params)
    temperature, clamp_warnings = _clamp_temperature(params.temperature)
    json_schema, schema_warnings = _response_schema(params.response_format)
    warnings += clamp_warnings + schema_warnings

    options = parse_call_options(params.provider_options)
    capabilities = model_capabilities(model_id)
    warnings += _unknown_model_warnings(model_id, params.max_output_tokens, capabilities)
    sampling, rejected_warnings = _drop_rejected_sampling(
        _Sampling(temperature, params.top_k, params.top_p), model_id, capabilities
    )
    warnings += rejected_warnings

    use_output_format = _uses_output_format(options, capabilities)
    json_tool = (
        _json_response_tool(json_schema) if json_schema is not None and not use_output_format else None
    )

    cache = CacheBreakpoints()
    tool_names = ToolNameMapping.of(params.tools)
    prompt = convert_to_anthropic_prompt(
        params.prompt, send_reasoning=options.send_reasoning, cache=cache, tool_names=tool_names
    )
    warnings += prompt.warnings

    thinking, effort, reasoning_warnings = _thinking_and_effort(params.reasoning, options, capabilities)
    effort, effort_warnings = _lower_effort_without_thinking(effort, thinking, model_id, capabilities)
    wire_thinking, budget, thinking_warnings = _wire_thinking(thinking)
    sampling, sampling_warnings = _drop_sampling_for_mode(sampling, thinking, model_id, capabilities)
    max_tokens, max_tokens_warnings = _max_tokens(model_id, params.max_output_tokens, budget, capabilities)
    warnings += (
        reasoning_warnings + effort_warnings + thinking_warnings + sampling_warnings + max_tokens_warnings
    )

    output_config = _output_config(effort, json_schema if use_output_format else None)
    server = server_fields(options, params.tools)
    warnings += server.warnings
    tools = _wire_tools(params, options, json_tool, capabilities, cache, stream=stream)
    fields: dict[str, Any] = {
        "model": model_id,
        "max_tokens": max_tokens,
        "thinking": wire_thinking,
        "temperature": sampling.temperature,
        "top_k": sampling.top_k,
        "top_p": sampling.top_p,
        "stop_sequences": params.stop_sequences,
        "output_config": output_config,
        "speed": options.speed,
        "inference_geo": options.inference_geo,
        "cache_control": options.cache_control,
        "metadata": _metadata(options),
        **server.body,
        "system": prompt.system,
        "messages": prompt.messages,
        "tools": tools.definitions,
        "tool_choice": tools.choice,
        "stream": True if stream else None,
    }
    return AnthropicRequest(
        body={key: value for key, value in fields.items() if value is not None},
        betas=_betas([*prompt.betas, *server.betas], tools.betas, options),
        warnings=[*warnings, *tools.warnings, *cache.warnings],
        uses_json_response_tool=json_tool is not None,
        tool_names=tool_names,
    )


def _unsupported(feature: str, details: str | None = None) -> CallWarning:
    return CallWarning(type="unsupported", feature=feature, details=details)


def _unsupported_setting_warnings(params: CallParams) -> list[CallWarning]:
    """Call settings the Messages API has no field for."""
    settings = (
        ("frequencyPenalty", params.frequency_penalty),
        ("presencePenalty", params.presence_penalty),
        ("seed", params.seed),
    )
    return [_unsupported(feature) for feature, value in settings if value is not None]


def _clamp_temperature(temperature: float | None) -> tuple[float | None, list[CallWarning]]:
    """Anthropic takes temperatures in [0, 1]; values outside are clamped with a warning."""
    if temperature is not None and temperature > 1:
        return 1, [
            _unsupported("temperature", f"{temperature} exceeds anthropic maximum of 1.0. clamped to 1.0")
        ]
    if temperature is not None and temperature < 0:
        return 0, [
            _unsupported("temperature", f"{temperature} is below anthropic minimum of 0. clamped to 0")
        ]
    return temperature, []


def _response_schema(
    response_format: ResponseFormat | None,
) -> tuple[dict[str, Any] | None, list[CallWarning]]:
    """The JSON schema to enforce, if any (JSON output without a schema is ignored, with a warning)."""
    if not isinstance(response_format, ResponseFormatJson):
        return None, []
    if response_format.json_schema is None:
        details = "JSON response format requires a schema. The response format is ignored."
        return None, [_unsupported("responseFormat", details)]
    return response_format.json_schema, []


def _unknown_model_warnings(
    model_id: str, max_output_tokens: int | None, capabilities: ModelCapabilities
) -> list[CallWarning]:
    if capabilities.is_known_model or max_output_tokens is not None:
        return []
    details = (
        f'The model "{model_id}" is unknown. The max output tokens have been limited '
        f"to {capabilities.max_output_tokens}. "
        "Set maxOutputTokens explicitly to override this limit."
    )
    return [CallWarning(type="compatibility", feature="maxOutputTokens", details=details)]


def _drop_rejected_sampling(
    sampling: _Sampling, model_id: str, capabilities: ModelCapabilities
) -> tuple[_Sampling, list[CallWarning]]:
    """Newer models reject temperature, top_k and top_p outright."""
    if not capabilities.rejects_sampling_parameters:
        return sampling, []
    warnings = [
        _unsupported(feature, f"{feature} is not supported by {model_id} and will be ignored")
        for feature in sampling.features_set()
    ]
    return _Sampling(None, None, None), warnings


def _uses_output_format(options: AnthropicCallOptions, capabilities: ModelCapabilities) -> bool:
    """Whether a JSON schema goes to ``output_config.format`` (else it is forced through the json tool)."""
    mode = options.structured_output_mode or "auto"
    return mode == "outputFormat" or (mode == "auto" and capabilities.supports_structured_output)


def _json_response_tool(json_schema: dict[str, Any]) -> FunctionTool:
    """A tool whose input is the response: how models without structured outputs return JSON."""
    return FunctionTool(
        name=JSON_RESPONSE_TOOL_NAME, description="Respond with a JSON object.", input_schema=json_schema
    )


def _thinking_and_effort(
    reasoning: str | None, options: AnthropicCallOptions, capabilities: ModelCapabilities
) -> tuple[ThinkingOptions | None, str | None, list[CallWarning]]:
    """Thinking and effort from provider options, filled in from top-level ``reasoning``.

    An explicit effort wins over ``reasoning`` entirely; explicit thinking options win over the
    thinking that ``reasoning`` implies.
    """
    thinking, effort = options.thinking, options.effort
    if reasoning is None or reasoning == "provider-default" or effort is not None:
        return thinking, effort, []
    reasoning_thinking, reasoning_effort, warnings = _reasoning_config(reasoning, capabilities)
    thinking = thinking or reasoning_thinking
    if reasoning_effort is not None and thinking.type != "disabled":
        return thinking, reasoning_effort, warnings
    return thinking, effort, warnings


def _reasoning_config(
    reasoning: str, capabilities: ModelCapabilities
) -> tuple[ThinkingOptions, str | None, list[CallWarning]]:
    """Top-level ``reasoning`` as thinking options and an effort (adaptive models) or a budget."""
    if reasoning == "none":
        return ThinkingOptions(type="disabled"), None, []
    if capabilities.supports_adaptive_thinking:
        return _adaptive_reasoning(reasoning, capabilities)
    ceiling = capabilities.max_output_tokens
    budget = min(ceiling, max(_MIN_THINKING_BUDGET, round(ceiling * _BUDGET_SHARE[reasoning])))
    return ThinkingOptions(type="enabled", budget_tokens=budget), None, []


def _adaptive_reasoning(
    reasoning: str, capabilities: ModelCapabilities
) -> tuple[ThinkingOptions, str, list[CallWarning]]:
    """Adaptive thinking with ``reasoning`` as the effort, mapped to the nearest level the model has."""
    effort = {"minimal": "low", "xhigh": "xhigh" if capabilities.supports_xhigh_effort else "max"}.get(
        reasoning, reasoning
    )
    warnings = []
    if effort != reasoning:
        details = (
            f'reasoning "{reasoning}" is not directly supported by this model. mapped to effort "{effort}".'
        )
        warnings.append(CallWarning(type="compatibility", feature="reasoning", details=details))
    return ThinkingOptions(type="adaptive", display="summarized"), effort, warnings


def _lower_effort_without_thinking(
    effort: str | None, thinking: ThinkingOptions | None, model_id: str, capabilities: ModelCapabilities
) -> tuple[str | None, list[CallWarning]]:
    """Some models reject efforts above ``high`` when thinking is disabled."""
    if not (
        capabilities.rejects_thinking_disabled_above_high_effort
        and thinking is not None
        and thinking.type == "disabled"
        and effort in ("xhigh", "max")
    ):
        return effort, []
    details = (
        f"effort '{effort}' is not supported by {model_id} when thinking is disabled. "
        "The effort has been lowered to 'high'."
    )
    return "high", [_unsupported("providerOptions.anthropic.effort", details)]


def _wire_thinking(
    thinking: ThinkingOptions | None,
) -> tuple[dict[str, Any] | None, int | None, list[CallWarning]]:
    """The ``thinking`` field and its token budget (set only for ``enabled``, which requires one)."""
    if thinking is None:
        return None, None, []
    if thinking.type == "enabled" and thinking.budget_tokens is None:
        details = (
            "thinking budget is required when thinking is enabled. "
            f"using default budget of {_DEFAULT_THINKING_BUDGET} tokens."
        )
        warning = CallWarning(type="compatibility", feature="extended thinking", details=details)
        return (
            {"type": "enabled", "budget_tokens": _DEFAULT_THINKING_BUDGET},
            _DEFAULT_THINKING_BUDGET,
            [warning],
        )
    wire: dict[str, Any] = {"type": thinking.type}
    budget = thinking.budget_tokens if thinking.type == "enabled" else None
    if budget is not None:
        wire["budget_tokens"] = budget
    if thinking.type == "adaptive" and thinking.display is not None:
        wire["display"] = thinking.display
    return wire, budget, []


def _drop_sampling_for_mode(
    sampling: _Sampling, thinking: ThinkingOptions | None, model_id: str, capabilities: ModelCapabilities
) -> tuple[_Sampling, list[CallWarning]]:
    """Thinking takes no sampling settings; Claude models take temperature or top_p, not both."""
    if thinking is not None and thinking.type in ("enabled", "adaptive"):
        warnings = [
            _unsupported(feature, f"{feature} is not supported when thinking is enabled")
            for feature in sampling.features_set()
        ]
        return _Sampling(None, None, None), warnings
    if (
        (capabilities.is_known_model or "claude-" in model_id)
        and sampling.top_p is not None
        and sampling.temperature is not None
    ):
        details = "topP is not supported when temperature is set. topP is ignored."
        return replace(sampling, top_p=None), [_unsupported("topP", details)]
    return sampling, []


def _max_tokens(
    model_id: str, max_output_tokens: int | None, budget: int | None, capabilities: ModelCapabilities
) -> tuple[int, list[CallWarning]]:
    """``max_tokens`` covers the output and the thinking budget, at most the ceiling of a known model.

    The clamp warns only when the caller set ``max_output_tokens``.
    """
    requested = max_output_tokens if max_output_tokens is not None else capabilities.max_output_tokens
    max_tokens = requested + (budget or 0)
    ceiling = capabilities.max_output_tokens
    if not capabilities.is_known_model or max_tokens <= ceiling:
        return max_tokens, []
    if max_output_tokens is None:
        return ceiling, []
    details = (
        f"{max_tokens} (maxOutputTokens + thinkingBudget) is greater than {model_id} "
        f"{ceiling} max output tokens. The max output tokens have been limited to {ceiling}."
    )
    return ceiling, [_unsupported("maxOutputTokens", details)]


def _output_config(effort: str | None, json_schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """``output_config``: the effort and the structured-output format, or ``None`` when neither is set."""
    output_config: dict[str, Any] = {}
    if effort is not None:
        output_config["effort"] = effort
    if json_schema is not None:
        output_config["format"] = {"type": "json_schema", "schema": sanitize_json_schema(json_schema)}
    return output_config or None


def _metadata(options: AnthropicCallOptions) -> dict[str, Any] | None:
    if options.metadata is None or options.metadata.user_id is None:
        return None
    return {"user_id": options.metadata.user_id}


def _wire_tools(
    params: CallParams,
    options: AnthropicCallOptions,
    json_tool: FunctionTool | None,
    capabilities: ModelCapabilities,
    cache: CacheBreakpoints,
    *,
    stream: bool,
) -> _WireTools:
    """The caller's tools (function and provider tools, in the given order) plus the json tool, if used.

    The json tool must be called, alone: it forces ``any`` with parallel tool use disabled, and no
    tool is sent with ``strict`` (nor the structured-outputs beta) while it is in the request.
    """
    warnings: list[CallWarning] = []
    if json_tool is not None and options.disable_parallel_tool_use is False:
        details = (
            "`disableParallelToolUse: false` is ignored when using the JSON response tool. "
            "Parallel tool use is disabled to ensure a single coherent JSON tool call."
        )
        warnings.append(_unsupported("providerOptions.anthropic.disableParallelToolUse", details))
    definitions, choice, tool_warnings, betas = prepare_tools(
        [*(params.tools or []), *([json_tool] if json_tool else [])],
        "required" if json_tool is not None else params.tool_choice,
        disable_parallel_tool_use=True if json_tool is not None else options.disable_parallel_tool_use,
        cache=cache,
        supports_structured_output=capabilities.supports_structured_output and json_tool is None,
        eager_input_streaming=stream
        and (options.tool_streaming if options.tool_streaming is not None else True),
    )
    return _WireTools(definitions, choice, [*warnings, *tool_warnings], betas)


def prepare_tools(
    tools: list[ToolDefinition],
    tool_choice: ToolChoice | None,
    *,
    disable_parallel_tool_use: bool | None,
    cache: CacheBreakpoints,
    supports_structured_output: bool,
    eager_input_streaming: bool,
) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None, list[CallWarning], list[str]]:
    """Tools and tool choice on the wire: ``(tools, tool_choice, warnings, betas)``.

    ``none`` removes the tools entirely (Anthropic has no "none" choice); their definitions are still
    built first, so their cache breakpoints count and their warnings are kept. Provider tools that are
    not Anthropic's are left out with an ``unsupported`` warning; invalid provider tool arguments raise
    ``InvalidArgumentError``.
    """
    if not tools:
        return None, None, [], []
    function_tools = [tool for tool in tools if isinstance(tool, FunctionTool)]
    warnings = [] if supports_structured_output else _strict_ignored_warnings(function_tools)
    definitions: list[dict[str, Any]] = []
    betas: list[str] = []
    for tool in tools:
        if isinstance(tool, ProviderTool):
            prepared = provider_tool_definition(tool)
            if prepared is None:
                warnings += unsupported_tool_warnings([tool])
                continue
            definitions.append(prepared[0])
            betas += [prepared[1]] if prepared[1] else []
            continue
        definitions.append(
            _tool_definition(
                tool,
                cache,
                eager_input_streaming=eager_input_streaming,
                strict_tools=supports_structured_output,
            )
        )
        if supports_structured_output:
            betas.append(BETA_STRUCTURED_OUTPUTS)
        tool_options = (tool.provider_options or {}).get("anthropic") or {}
        if tool.input_examples is not None or tool_options.get("allowedCallers") is not None:
            betas.append(BETA_ADVANCED_TOOL_USE)
    betas = list(dict.fromkeys(betas))
    if not definitions:
        return None, None, warnings, betas
    if tool_choice == "none":
        return None, None, warnings, betas
    return definitions, _tool_choice(tool_choice, disable_parallel_tool_use), warnings, betas


def _strict_ignored_warnings(tools: list[FunctionTool]) -> list[CallWarning]:
    return [
        _unsupported(
            "strict",
            f"Tool '{tool.name}' has strict: {str(tool.strict).lower()}, but strict mode is not "
            "supported by this provider. The strict property will be ignored.",
        )
        for tool in tools
        if tool.strict is not None
    ]


def _tool_definition(
    tool: FunctionTool, cache: CacheBreakpoints, *, eager_input_streaming: bool, strict_tools: bool
) -> dict[str, Any]:
    """One tool definition; its own ``eagerInputStreaming`` option overrides the call's."""
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
    if tool_options.get("deferLoading") is not None:
        definition["defer_loading"] = tool_options["deferLoading"]
    if tool_options.get("allowedCallers") is not None:
        definition["allowed_callers"] = tool_options["allowedCallers"]
    if tool.input_examples is not None:
        definition["input_examples"] = [example.get("input", example) for example in tool.input_examples]
    return definition


def _tool_choice(
    tool_choice: ToolChoice | None, disable_parallel_tool_use: bool | None
) -> dict[str, Any] | None:
    """The ``tool_choice`` object (``required`` is ``any``).

    Without a choice it is sent only to disable parallel tool use.
    """
    parallel = (
        {} if disable_parallel_tool_use is None else {"disable_parallel_tool_use": disable_parallel_tool_use}
    )
    match tool_choice:
        case None:
            return {"type": "auto", **parallel} if disable_parallel_tool_use else None
        case "auto":
            return {"type": "auto", **parallel}
        case "required":
            return {"type": "any", **parallel}
        case ToolChoiceTool():
            return {"type": "tool", "name": tool_choice.tool_name, **parallel}
    return None


def _betas(prompt_betas: list[str], tool_betas: list[str], options: AnthropicCallOptions) -> list[str]:
    """Every beta the request needs, each once, in first-seen order."""
    fast_mode = [_BETA_FAST_MODE] if options.speed == "fast" else []
    return list(dict.fromkeys([*prompt_betas, *fast_mode, *tool_betas, *(options.anthropic_beta or [])]))
