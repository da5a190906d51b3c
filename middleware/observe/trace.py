"""TracingMiddleware: one OpenTelemetry span per model call, following the GenAI semantic conventions.

Each call gets a ``chat {model}`` span of kind CLIENT under the caller's current span, with
``gen_ai.operation.name``, ``gen_ai.provider.name``, ``gen_ai.request.*`` settings,
``gen_ai.response.id`` / ``model`` / ``finish_reasons``, ``gen_ai.usage.*`` tokens and, on failure,
``error.type`` with an ERROR status and a (redacted) exception event. Library-specific attributes
live under ``modelpipe.*``: ``modelpipe.call.type``, ``modelpipe.outcome``, ``modelpipe.cache``,
``modelpipe.retry.attempt``. A streamed call's span ends when the stream finishes, fails or is closed;
each read of the stream runs in the context the call started in, with the call's span current (so spans
and propagated headers of provider code nest under it, wherever the stream is read). A span that records
nothing (no SDK configured, or sampled out) costs no end-of-call attributes.
Provider prompt-cache tokens are ``gen_ai.usage.cache_read.input_tokens`` and
``gen_ai.usage.cache_creation.input_tokens``; with ``OTEL_SEMCONV_STABILITY_OPT_IN`` listing
``gen_ai_latest_experimental`` the newer names are emitted instead: ``gen_ai.usage.cache_write.input_tokens``
(and ``gen_ai.usage.reasoning.output_tokens``).

A cost layer's price goes to ``gen_ai.usage.cost`` (USD; the name cost-tracking tools use next to the
``gen_ai.usage.*`` tokens: the GenAI semantic conventions define no cost attribute) with the parts
under ``modelpipe.cost.*``; a fallback layer's choice to ``modelpipe.fallback.model`` / ``.index`` /
``.failed`` (how many models failed before it).

Message content (``gen_ai.system_instructions``, ``gen_ai.input.messages``,
``gen_ai.output.messages``, as JSON in the semantic-conventions message format) is recorded only
when opted in: ``include_content=True``, or by default when the environment variable
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` is ``SPAN_ONLY`` or ``SPAN_AND_EVENT``.
Content is redacted: binary data becomes a placeholder such as ``<image/png, 48213 bytes>``.

Needs the ``otel`` extra: ``pip install "modelpipe[otel]"``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

try:
    from opentelemetry import context as otel_context
    from opentelemetry import trace as otel_trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer, TracerProvider
except ImportError as missing:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'middleware.observe.trace needs OpenTelemetry: install it with pip install "modelpipe[otel]"'
    ) from missing

from pipeline import control
from pipeline.chain import Middleware, WrapContext
from pipeline.errors import APICallError
from pipeline.params import CallParams
from pipeline.prompt import (
    AssistantMessage,
    FilePart,
    Message,
    ProviderReference,
    ReasoningPart,
    SystemMessage,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.redact import redact_text, redact_traceback, redact_url, redact_value
from pipeline.result import (
    FileContent,
    GenerateResult,
    ReasoningContent,
    SourceContent,
    TextContent,
    ToolCallContent,
    ToolResultContent,
    Usage,
)
from pipeline.stream import StreamResult

from .observer import CallRecord, cache_status, observe_generate, observe_stream, retry_attempt

__all__ = [
    "CONTENT_CAPTURE_ENV",
    "GEN_AI_LATEST",
    "SEMCONV_OPT_IN_ENV",
    "TracingMiddleware",
    "input_messages",
    "latest_semconv",
    "output_messages",
    "provider_name",
    "request_attributes",
    "resilience_attributes",
    "response_attributes",
    "system_instructions",
]

CONTENT_CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
SEMCONV_OPT_IN_ENV = "OTEL_SEMCONV_STABILITY_OPT_IN"
GEN_AI_LATEST = "gen_ai_latest_experimental"
_CAPTURE_VALUES = frozenset({"SPAN_ONLY", "SPAN_AND_EVENT"})

_PROVIDER_NAMES = {
    "anthropic": "anthropic",
    "openai": "openai",
    "azure-openai": "azure.ai.openai",
    "azure": "azure.ai.inference",
    "google": "gcp.gemini",
    "google-generative-ai": "gcp.gemini",
    "gemini": "gcp.gemini",
    "google-vertex": "gcp.vertex_ai",
    "vertex": "gcp.vertex_ai",
    "mistral": "mistral_ai",
    "cohere": "cohere",
    "amazon-bedrock": "aws.bedrock",
    "bedrock": "aws.bedrock",
    "groq": "groq",
    "deepseek": "deepseek",
    "perplexity": "perplexity",
    "xai": "x_ai",
}

_FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "content-filter": "content_filter",
    "tool-calls": "tool_call",
    "error": "error",
    "other": "stop",
}


def provider_name(provider: str) -> str:
    """``gen_ai.provider.name`` for a provider id: ``"openai.chat"`` -> ``"openai"``,
    ``"google.generative-ai"`` -> ``"gcp.gemini"``; unknown ids keep their first segment."""
    prefix = provider.split(".")[0].lower()
    return _PROVIDER_NAMES.get(prefix, prefix)


def _finish_reason(reason: str) -> str:
    return _FINISH_REASONS.get(reason, reason)


def request_attributes(provider: str, model_id: str, params: CallParams) -> dict[str, Any]:
    """The span attributes known before the call: operation, provider, model and request settings."""
    settings: dict[str, Any] = {
        "gen_ai.request.temperature": params.temperature,
        "gen_ai.request.max_tokens": params.max_output_tokens,
        "gen_ai.request.top_p": params.top_p,
        "gen_ai.request.top_k": params.top_k,
        "gen_ai.request.frequency_penalty": params.frequency_penalty,
        "gen_ai.request.presence_penalty": params.presence_penalty,
        "gen_ai.request.stop_sequences": tuple(params.stop_sequences) if params.stop_sequences else None,
        "gen_ai.request.seed": params.seed,
        "modelpipe.retry.attempt": retry_attempt(params),
    }
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": provider_name(provider),
        "gen_ai.request.model": model_id,
        **{key: value for key, value in settings.items() if value is not None},
    }


def response_attributes(record: CallRecord) -> dict[str, Any]:
    """The span attributes known when the call ended: response, usage, outcome and error type."""
    attributes: dict[str, Any] = {"modelpipe.call.type": record.type, "modelpipe.outcome": record.outcome}
    result = record.result
    if result is not None:
        usage = result.usage
        details = usage.input_token_details
        attributes.update(
            {
                "gen_ai.response.id": result.response.id,
                "gen_ai.response.model": result.response.model_id,
                "gen_ai.response.finish_reasons": (_finish_reason(result.finish_reason),),
                "gen_ai.usage.input_tokens": usage.input_tokens,
                "gen_ai.usage.output_tokens": usage.output_tokens,
                "gen_ai.usage.cache_read.input_tokens": details.cache_read_tokens,
                **_cache_write_and_reasoning(usage),
                "modelpipe.cache": cache_status(result),
                **resilience_attributes(result),
            }
        )
    if record.time_to_first_chunk is not None:
        attributes["gen_ai.client.operation.time_to_first_chunk"] = record.time_to_first_chunk
    if record.outcome == "error":
        attributes["error.type"] = record.error_type
        if isinstance(record.error, APICallError):
            attributes["http.response.status_code"] = record.error.status_code
    return {key: value for key, value in attributes.items() if value is not None}


def resilience_attributes(result: GenerateResult) -> dict[str, Any]:
    """Cost and fallback attributes from the control-channel marks of layers inside this one."""
    attributes: dict[str, Any] = {}
    cost = control.call_cost(result.provider_metadata)
    if cost is not None:
        attributes["gen_ai.usage.cost"] = cost.get("total_usd")
        attributes["modelpipe.cost.input_usd"] = cost.get("input_usd")
        attributes["modelpipe.cost.output_usd"] = cost.get("output_usd")
        attributes["modelpipe.cost.source"] = cost.get("source")
    answer = control.fallback_answer(result.provider_metadata)
    if answer is not None:
        attributes["modelpipe.fallback.model"] = f"{answer.get('provider')}/{answer.get('model')}"
        attributes["modelpipe.fallback.index"] = answer.get("index")
        attributes["modelpipe.fallback.failed"] = len(answer.get("failed") or ())
    return attributes


def latest_semconv() -> bool:
    """Whether ``OTEL_SEMCONV_STABILITY_OPT_IN`` lists ``gen_ai_latest_experimental``."""
    values = os.environ.get(SEMCONV_OPT_IN_ENV, "")
    return GEN_AI_LATEST in {value.strip() for value in values.split(",")}


def _cache_write_and_reasoning(usage: Usage) -> dict[str, Any]:
    """Cache-write tokens under the name emitted by default (``cache_creation``), or, opted in to the
    latest GenAI conventions, ``cache_write`` plus ``gen_ai.usage.reasoning.output_tokens``."""
    written = usage.input_token_details.cache_write_tokens
    if not latest_semconv():
        return {"gen_ai.usage.cache_creation.input_tokens": written}
    return {
        "gen_ai.usage.cache_write.input_tokens": written,
        "gen_ai.usage.reasoning.output_tokens": usage.output_token_details.reasoning_tokens,
    }


def _modality(media_type: str) -> str:
    top = media_type.split("/")[0]
    return top if top in ("image", "video", "audio") else "image"


def _file_part(data: object, media_type: str) -> dict[str, Any]:
    if isinstance(data, ProviderReference):  # the conventions' ``file`` part: an id in a provider's store
        return {
            "type": "file",
            "modality": _modality(media_type),
            "mime_type": media_type,
            "file_id": ",".join(data.reference.values()),
        }
    if isinstance(data, bytes | str) and not (isinstance(data, str) and "://" in data[:16]):
        return {
            "type": "blob",
            "modality": _modality(media_type),
            "mime_type": media_type,
            "content": redact_value({"mediaType": media_type, "data": data})["data"],
        }
    return {
        "type": "uri",
        "modality": _modality(media_type),
        "mime_type": media_type,
        "uri": redact_url(str(data)),
    }


def _tool_response(part: ToolResultPart) -> Any:
    output = part.output
    if output.type in ("text", "error-text", "json", "error-json"):
        return getattr(output, "value", None)
    if output.type == "execution-denied":
        return {"denied": True, "reason": output.reason}
    return output


def _prompt_part(part: Any) -> dict[str, Any]:
    match part:
        case TextPart():
            return {"type": "text", "content": part.text}
        case ReasoningPart():
            return {"type": "reasoning", "content": part.text}
        case FilePart():
            return _file_part(part.data, part.media_type)
        case ToolCallPart():
            return {
                "type": "tool_call",
                "id": part.tool_call_id,
                "name": part.tool_name,
                "arguments": part.input,
            }
        case ToolResultPart():
            return {"type": "tool_call_response", "id": part.tool_call_id, "response": _tool_response(part)}
        case _:
            return {"type": str(getattr(part, "type", "unknown"))}


def system_instructions(prompt: Sequence[Message]) -> list[dict[str, Any]]:
    """``gen_ai.system_instructions``: the system messages of a normalized prompt, redacted."""
    return [
        redact_value({"type": "text", "content": message.content})
        for message in prompt
        if isinstance(message, SystemMessage)
    ]


def input_messages(prompt: Sequence[Message]) -> list[dict[str, Any]]:
    """``gen_ai.input.messages``: the non-system messages of a normalized prompt, redacted."""
    messages: list[dict[str, Any]] = []
    for message in prompt:
        match message:
            case SystemMessage():
                continue
            case UserMessage() | AssistantMessage():
                content = message.content
                parts = (
                    [{"type": "text", "content": content}]
                    if isinstance(content, str)
                    else [_prompt_part(part) for part in content]
                )
            case ToolMessage():
                parts = [_prompt_part(part) for part in message.content]
        messages.append({"role": message.role, "parts": redact_value(parts)})
    return messages


def _output_part(part: Any) -> dict[str, Any]:
    match part:
        case TextContent():
            return {"type": "text", "content": part.text}
        case ReasoningContent():
            return {"type": "reasoning", "content": part.text}
        case ToolCallContent():
            try:
                arguments: Any = json.loads(part.input)
            except ValueError:
                arguments = part.input
            return {
                "type": "tool_call",
                "id": part.tool_call_id,
                "name": part.tool_name,
                "arguments": arguments,
            }
        case ToolResultContent():
            return {"type": "tool_call_response", "id": part.tool_call_id, "response": part.result}
        case FileContent():
            return _file_part(part.data, part.media_type)
        case SourceContent():
            return {"type": "source", "id": part.id, "url": part.url, "title": part.title}
        case _:
            return {"type": str(getattr(part, "type", "unknown"))}


def output_messages(result: GenerateResult) -> list[dict[str, Any]]:
    """``gen_ai.output.messages``: the model's answer as one assistant message, redacted."""
    parts = [_output_part(part) for part in result.content]
    return [
        {
            "role": "assistant",
            "parts": redact_value(parts),
            "finish_reason": _finish_reason(result.finish_reason),
        }
    ]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _capture_from_environment() -> bool:
    return os.environ.get(CONTENT_CAPTURE_ENV, "").strip().upper() in _CAPTURE_VALUES


class _Current:
    """Makes ``span`` the current span while inside, in the context current when this was made: what
    ``use_span(span, record_exception=False, set_status_on_exception=False)`` does, as a plain context
    manager that may be entered again. A streamed call enters one for every part it reads, so the span's
    context is built once, and each entry costs a tenth of a ``use_span`` (a generator-based one)."""

    __slots__ = ("_context", "_token")

    def __init__(self, span: Span) -> None:
        self._context = otel_trace.set_span_in_context(span)

    def __enter__(self) -> None:
        self._token = otel_context.attach(self._context)

    def __exit__(self, *exc_info: object) -> None:
        otel_context.detach(self._token)


class TracingMiddleware(Middleware):
    """Records a GenAI ``chat {model}`` span per call; see the module docstring.

    ``tracer_provider`` defaults to the global one. Errors pass through unchanged; the status
    message and the exception event recorded on the span are scrubbed.
    """

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        include_content: bool | None = None,
    ) -> None:
        self.tracer: Tracer = otel_trace.get_tracer("modelpipe", tracer_provider=tracer_provider)
        self.include_content = _capture_from_environment() if include_content is None else include_content

    def _start_span(self, call: WrapContext) -> Span:
        model_id = call.model.model_id
        attributes = request_attributes(call.model.provider, model_id, call.params)
        if self.include_content:
            instructions = system_instructions(call.params.prompt)
            if instructions:
                attributes["gen_ai.system_instructions"] = _json(instructions)
            attributes["gen_ai.input.messages"] = _json(input_messages(call.params.prompt))
        return self.tracer.start_span(f"chat {model_id}", kind=SpanKind.CLIENT, attributes=attributes)

    def _end_span(self, span: Span, record: CallRecord) -> None:
        if not span.is_recording():  # a no-op or sampled-out span drops everything set on it
            span.end()
            return
        span.set_attributes(response_attributes(record))
        if self.include_content and record.result is not None and record.outcome == "ok":
            span.set_attribute("gen_ai.output.messages", _json(output_messages(record.result)))
        if record.outcome == "error":
            message = redact_text(str(record.error)) if record.error is not None else record.error_type
            span.set_status(Status(StatusCode.ERROR, message))
            if record.error is not None:
                span.record_exception(
                    record.error,
                    attributes={
                        "exception.message": message,
                        "exception.stacktrace": redact_traceback(record.error),
                    },
                )
        span.end()

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        span = self._start_span(call)
        with _Current(span):
            return await observe_generate(call, lambda record: self._end_span(span, record))

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        span = self._start_span(call)
        current = _Current(span)  # entered around each read, one at a time
        return await observe_stream(
            call,
            lambda record: self._end_span(span, record),
            step_context=lambda: current,
            keep_content=self.include_content,
        )

    def __repr__(self) -> str:
        return f"TracingMiddleware(include_content={self.include_content})"
