"""CallParams -> the ``generateContent`` request body and the call's warnings (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.params import CallParams, ResponseFormatJson, split_tools
from pipeline.result import CallWarning

from .capabilities import model_capabilities
from .convert_messages import convert_to_google_messages
from .json_schema import to_openapi_schema
from .options import GoogleOptions, parse_google_options
from .prepare_tools import prepare_tools
from .reasoning import resolve_thinking_config

__all__ = ["GoogleRequest", "build_request"]

_CONFIGURABLE_SAFETY_CATEGORIES = (
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
)


_RAG_STORE_WARNING = (
    "The 'vertex_rag_store' tool is only supported with the Google Vertex provider and might not be "
    "supported or could behave unexpectedly with the current Google provider (google.generative-ai)."
)
_STREAM_ARGUMENTS_WARNING = (
    "'streamFunctionCallArguments' is only supported on the Vertex AI API and will be ignored with the "
    "current Google provider (google.generative-ai). See "
    "https://docs.cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling#streaming-fc"
)


@dataclass(frozen=True)
class GoogleRequest:
    body: dict[str, Any]
    warnings: list[CallWarning]


def build_request(
    model_id: str, params: CallParams, *, streaming: bool = False, vertex: bool = False
) -> GoogleRequest:
    """The JSON body (unset keys left out) plus warnings for settings the model cannot honour.

    ``vertex``: the call goes to Vertex AI, the only API that streams function-call arguments
    (``streamFunctionCallArguments``, sent in stream calls only; elsewhere it is ignored with a warning,
    as in the AI SDK).
    """
    options = parse_google_options(params.provider_options)
    capabilities = model_capabilities(model_id)
    warnings: list[CallWarning] = []

    frequency_penalty = params.frequency_penalty
    presence_penalty = params.presence_penalty
    if capabilities.is_gemini_25:
        if frequency_penalty is not None:
            warnings.append(CallWarning(type="unsupported", feature="frequencyPenalty"))
            frequency_penalty = None
        if presence_penalty is not None:
            warnings.append(CallWarning(type="unsupported", feature="presencePenalty"))
            presence_penalty = None

    prompt = convert_to_google_messages(
        params.prompt,
        is_gemma=capabilities.is_gemma,
        is_gemini3=capabilities.uses_gemini3_features,
        supports_function_response_parts=capabilities.uses_gemini3_features,
        include_function_call_ids=not vertex,
    )
    warnings.extend(prompt.warnings)
    function_tools, provider_tools = split_tools(params.tools)
    if any(tool.id == "google.vertex_rag_store" for tool in provider_tools) and not vertex:
        warnings.append(CallWarning(type="other", message=_RAG_STORE_WARNING))
    tools = prepare_tools(
        function_tools, params.tool_choice, provider_tools, model_id=model_id, vertex=vertex
    )
    stream_arguments = bool(options and options.stream_function_call_arguments)
    if stream_arguments and not vertex:
        warnings.append(CallWarning(type="other", message=_STREAM_ARGUMENTS_WARNING))

    thinking_config = _thinking_config(params, options, model_id, warnings)
    response_format = params.response_format
    json_format = response_format if isinstance(response_format, ResponseFormatJson) else None
    structured = options is None or options.structured_outputs is not False
    generation_config = {
        "maxOutputTokens": params.max_output_tokens,
        "temperature": params.temperature,
        "topK": params.top_k,
        "topP": params.top_p,
        "frequencyPenalty": frequency_penalty,
        "presencePenalty": presence_penalty,
        "stopSequences": params.stop_sequences,
        "seed": params.seed,
        "responseMimeType": "application/json" if json_format is not None else None,
        "responseSchema": (
            to_openapi_schema(json_format.json_schema) if json_format is not None and structured else None
        ),
        "audioTimestamp": options.audio_timestamp if options and options.audio_timestamp else None,
        "responseModalities": options.response_modalities if options else None,
        "thinkingConfig": thinking_config,
        "mediaResolution": options.media_resolution if options else None,
    }

    safety_settings: list[dict[str, Any]] | None = None
    if options and options.safety_settings is not None:
        safety_settings = [setting.to_wire() for setting in options.safety_settings]
    elif options and options.threshold is not None:
        safety_settings = [
            {"category": category, "threshold": options.threshold}
            for category in _CONFIGURABLE_SAFETY_CATEGORIES
        ]

    tool_config = dict(tools.tool_config or {})
    if stream_arguments and vertex and streaming:
        calling = tool_config.get("functionCallingConfig") or {}
        tool_config["functionCallingConfig"] = {**calling, "streamFunctionCallArguments": True}
    if options and options.retrieval_config is not None:
        tool_config["retrievalConfig"] = options.retrieval_config.to_wire()

    body = {
        "generationConfig": _without_none(generation_config),
        "contents": prompt.contents,
        "systemInstruction": prompt.system_instruction,
        "safetySettings": safety_settings,
        "tools": tools.tools,
        "toolConfig": tool_config or None,
        "cachedContent": options.cached_content if options else None,
        "labels": options.labels if options else None,
        "serviceTier": options.service_tier if options else None,
    }
    return GoogleRequest(body=_without_none(body), warnings=[*warnings, *tools.warnings])


def _thinking_config(
    params: CallParams, options: GoogleOptions | None, model_id: str, warnings: list[CallWarning]
) -> dict[str, Any] | None:
    """Explicit ``thinkingConfig`` options win over the one derived from ``params.reasoning``."""
    explicit = options.thinking_config.to_wire() if options and options.thinking_config else {}
    resolved: dict[str, Any] | None = None
    if "thinkingBudget" not in explicit and "thinkingLevel" not in explicit:
        resolved, reasoning_warnings = resolve_thinking_config(params.reasoning, model_id)
        warnings.extend(reasoning_warnings)
    if not explicit and resolved is None:
        return None
    return {**(resolved or {}), **explicit}


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
