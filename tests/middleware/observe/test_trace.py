"""TracingMiddleware: GenAI ``chat {model}`` spans for generate, stream, cache, retry and failure."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import sys
import traceback
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from opentelemetry import baggage, context
from opentelemetry import trace as otel_trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import SpanKind, StatusCode

from middleware.observe.log import LoggingMiddleware
from middleware.observe.trace import CONTENT_CAPTURE_ENV, TracingMiddleware, provider_name
from pipeline.chain import Middleware, WrapContext, wrap_model
from pipeline.errors import APICallError, RetryError
from pipeline.generate import generate_text
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from pipeline.prompt import (
    AssistantMessage,
    FilePart,
    SystemMessage,
    TextOutput,
    TextPart,
    ToolCallPart,
    ToolMessage,
    ToolResultPart,
    UserMessage,
)
from pipeline.redact import forget_secret, register_secret, safe_repr
from pipeline.result import GenerateResult, TextContent, ToolCallContent, Usage
from pipeline.stream import FinishPart, StreamPart, StreamResult, TextDeltaPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

PARAMS = CallParams(
    prompt=[SystemMessage(content="Be brief."), UserMessage(content=[TextPart(text="Say hello")])],
    temperature=0.2,
    max_output_tokens=64,
    top_p=0.9,
    top_k=40,
    frequency_penalty=0.1,
    presence_penalty=0.3,
    stop_sequences=["END"],
    seed=7,
)


class Tracing:
    """A local tracer provider (never the global one) with an in-memory exporter."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    def spans(self, name_prefix: str = "chat ") -> list[ReadableSpan]:
        return [span for span in self.exporter.get_finished_spans() if span.name.startswith(name_prefix)]

    def middleware(self, **options: bool) -> TracingMiddleware:
        return TracingMiddleware(tracer_provider=self.provider, **options)


@pytest.fixture
def tracing() -> Tracing:
    return Tracing()


def _only(spans: list[ReadableSpan]) -> ReadableSpan:
    assert len(spans) == 1, [span.name for span in spans]
    return spans[0]


async def test_generate_records_a_genai_client_span(tracing: Tracing) -> None:
    usage = Usage.of(input_tokens=12, output_tokens=4, cache_read_tokens=8, cache_write_tokens=2)
    mock = MockLanguageModel(
        generate=text_result("Hi", usage=usage), provider="openai.chat", model_id="gpt-4o"
    )
    model = wrap_model(mock, tracing.middleware())

    await model.do_generate(PARAMS)

    span = _only(tracing.spans())
    assert span.name == "chat gpt-4o" and span.kind == SpanKind.CLIENT
    assert span.status.status_code == StatusCode.UNSET
    assert dict(span.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.frequency_penalty": 0.1,
        "gen_ai.request.presence_penalty": 0.3,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.seed": 7,
        "gen_ai.response.id": "mock-response",
        "gen_ai.response.model": "mock-model",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 4,
        "gen_ai.usage.cache_read.input_tokens": 8,
        "gen_ai.usage.cache_creation.input_tokens": 2,
        "modelpipe.retry.attempt": 1,
        "modelpipe.call.type": "generate",
        "modelpipe.outcome": "ok",
    }


async def test_unset_settings_are_left_out(tracing: Tracing) -> None:
    model = wrap_model(MockLanguageModel(), tracing.middleware())
    await model.do_generate(CallParams(prompt=PARAMS.prompt))
    attributes = dict(_only(tracing.spans()).attributes or {})
    assert not any(key.startswith("gen_ai.request.") and key != "gen_ai.request.model" for key in attributes)


async def test_spans_nest_under_the_callers_span_and_inner_spans_nest_under_them(tracing: Tracing) -> None:
    tracer = tracing.provider.get_tracer("test")

    async def inner_http(params: CallParams) -> GenerateResult:
        with tracer.start_as_current_span("http POST"):
            return text_result("ok")

    model = wrap_model(MockLanguageModel(generate=inner_http), tracing.middleware())
    with tracer.start_as_current_span("app request") as app_span:
        await model.do_generate(PARAMS)

    chat = _only(tracing.spans())
    http = _only(tracing.spans("http "))
    assert chat.parent is not None and chat.parent.span_id == app_span.get_span_context().span_id
    assert chat.context is not None and http.parent is not None
    assert http.parent.span_id == chat.context.span_id
    assert chat.context.trace_id == app_span.get_span_context().trace_id


async def test_stream_span_ends_when_the_stream_ends(tracing: Tracing) -> None:
    parts = text_stream_parts(["Hel", "lo"], usage=Usage.of(input_tokens=5, output_tokens=2))
    model = wrap_model(
        MockLanguageModel(stream=parts, model_id="claude-x", provider="anthropic.messages"),
        tracing.middleware(),
    )

    result = await model.do_stream(PARAMS)
    assert tracing.spans() == []
    assert [part async for part in result.stream] == parts

    span = _only(tracing.spans())
    attributes = dict(span.attributes or {})
    assert span.name == "chat claude-x"
    assert attributes["gen_ai.provider.name"] == "anthropic"
    assert attributes["modelpipe.call.type"] == "stream" and attributes["modelpipe.outcome"] == "ok"
    assert attributes["gen_ai.usage.input_tokens"] == 5 and attributes["gen_ai.usage.output_tokens"] == 2
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert attributes["gen_ai.client.operation.time_to_first_chunk"] >= 0  # type: ignore[operator]


async def test_spans_created_while_reading_a_stream_nest_under_its_span(tracing: Tracing) -> None:
    tracer = tracing.provider.get_tracer("test")

    async def open_stream(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            for part in text_stream_parts(["a"]):
                with tracer.start_as_current_span("read chunk"):
                    pass
                yield part

        return StreamResult(stream=parts())

    model = wrap_model(MockLanguageModel(stream=open_stream), tracing.middleware())
    result = await model.do_stream(PARAMS)
    _ = [part async for part in result.stream]

    chat = _only(tracing.spans())
    chunk_spans = tracing.spans("read chunk")
    assert chunk_spans and chat.context is not None
    assert all(
        span.parent is not None and span.parent.span_id == chat.context.span_id for span in chunk_spans
    )


async def test_stream_reads_run_in_the_calls_context_and_the_reader_keeps_its_own(tracing: Tracing) -> None:
    """Provider code reading the stream sees the call's span and the context the call started in (its
    baggage), wherever the stream is read; between reads, the reader's own context is back."""
    seen: list[tuple[otel_trace.Span, object]] = []

    async def open_stream(params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            for part in text_stream_parts(["a", "b"]):
                seen.append((otel_trace.get_current_span(), baggage.get_baggage("tenant")))
                yield part

        return StreamResult(stream=parts())

    model = wrap_model(MockLanguageModel(stream=open_stream), tracing.middleware())
    token = context.attach(baggage.set_baggage("tenant", "caller"))
    try:
        result = await model.do_stream(PARAMS)
    finally:
        context.detach(token)
    reader_token = context.attach(baggage.set_baggage("tenant", "reader"))
    try:
        with tracing.provider.get_tracer("test").start_as_current_span("reader") as reader_span:
            between: list[tuple[otel_trace.Span, object]] = []
            async for _part in result.stream:
                between.append((otel_trace.get_current_span(), baggage.get_baggage("tenant")))
    finally:
        context.detach(reader_token)

    chat = _only(tracing.spans())
    assert chat.context is not None and len(seen) >= 6
    assert all(
        span.get_span_context().span_id == chat.context.span_id and tenant == "caller"
        for span, tenant in seen
    )
    assert between and all(span is reader_span and tenant == "reader" for span, tenant in between)


async def test_a_sampled_out_call_records_nothing_and_builds_no_end_attributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    def refuse(record: object) -> dict[str, object]:
        raise AssertionError("end attributes built for a span that records nothing")

    monkeypatch.setattr("middleware.observe.trace.response_attributes", refuse)
    mock = MockLanguageModel(generate=text_result("ok"), stream=text_stream_parts(["a"]))
    model = wrap_model(mock, TracingMiddleware(tracer_provider=provider))
    assert (await generate_text(model, prompt="Hi")).text == "ok"
    streamed = await model.do_stream(PARAMS)
    assert [part async for part in streamed.stream]
    assert exporter.get_finished_spans() == ()


async def test_stream_closed_early_ends_the_span_as_cancelled(tracing: Tracing) -> None:
    model = wrap_model(MockLanguageModel(stream=text_stream_parts(["a", "b", "c"])), tracing.middleware())
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if isinstance(part, TextDeltaPart):
            break
    await result.stream.aclose()

    span = _only(tracing.spans())
    assert dict(span.attributes or {})["modelpipe.outcome"] == "cancelled"
    assert span.status.status_code == StatusCode.UNSET
    assert "error.type" not in (span.attributes or {})


async def test_stream_closed_after_finish_is_ok(tracing: Tracing) -> None:
    model = wrap_model(MockLanguageModel(), tracing.middleware())
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if isinstance(part, FinishPart):
            break
    await result.stream.aclose()
    assert dict(_only(tracing.spans()).attributes or {})["modelpipe.outcome"] == "ok"


async def test_mid_stream_failure_marks_the_span_as_error(tracing: Tracing) -> None:
    failure = APICallError("stream cut", url="https://api.example.com/v1", is_retryable=True)
    parts = [*text_stream_parts(["partial"])[:4], failure]
    model = wrap_model(MockLanguageModel(stream=parts), tracing.middleware())  # type: ignore[arg-type]

    result = await model.do_stream(PARAMS)
    with pytest.raises(APICallError):
        async for _ in result.stream:
            pass

    span = _only(tracing.spans())
    attributes = dict(span.attributes or {})
    assert span.status.status_code == StatusCode.ERROR and span.status.description == "stream cut"
    assert attributes["error.type"] == "APICallError" and attributes["modelpipe.outcome"] == "error"
    assert [event.name for event in span.events] == ["exception"]


@pytest.mark.parametrize("status", [401, 500])
async def test_generate_failure_sets_error_type_status_and_exception_event(
    tracing: Tracing, status: int
) -> None:
    error = APICallError(f"HTTP {status}", url="https://api.example.com/v1", status_code=status)
    model = wrap_model(MockLanguageModel(generate=error), tracing.middleware())

    with pytest.raises(APICallError):
        await model.do_generate(PARAMS)

    span = _only(tracing.spans())
    attributes = dict(span.attributes or {})
    assert span.status.status_code == StatusCode.ERROR
    assert attributes["error.type"] == "APICallError"
    assert attributes["http.response.status_code"] == status
    assert "gen_ai.response.id" not in attributes
    [event] = span.events
    assert event.name == "exception" and str(dict(event.attributes or {})["exception.type"]).endswith(
        "APICallError"
    )


async def test_cancelled_generate_ends_the_span_without_error(tracing: Tracing) -> None:
    async def slow(params: CallParams) -> GenerateResult:
        await anyio.sleep(10)
        raise AssertionError("not reached")

    model = wrap_model(MockLanguageModel(generate=slow), tracing.middleware())
    with anyio.move_on_after(0.05):
        await model.do_generate(PARAMS)
    span = _only(tracing.spans())
    assert dict(span.attributes or {})["modelpipe.outcome"] == "cancelled"
    assert span.status.status_code == StatusCode.UNSET


class FakeCache(Middleware):
    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        return result.model_copy(update={"provider_metadata": {"modelpipe": {"cache": "hit"}}})


async def test_cache_hit_and_retry_attempt_are_attributes(tracing: Tracing) -> None:
    model = wrap_model(MockLanguageModel(), [tracing.middleware(), FakeCache()])
    await model.do_generate(PARAMS.model_copy(update={"provider_options": {"modelpipe": {"attempt": 2}}}))
    attributes = dict(_only(tracing.spans()).attributes or {})
    assert attributes["modelpipe.cache"] == "hit" and attributes["modelpipe.retry.attempt"] == 2


async def test_content_is_not_recorded_by_default(tracing: Tracing, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONTENT_CAPTURE_ENV, raising=False)
    model = wrap_model(MockLanguageModel(generate=text_result("Secret answer")), tracing.middleware())
    await model.do_generate(PARAMS)
    attributes = dict(_only(tracing.spans()).attributes or {})
    assert not {"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"} & set(
        attributes
    )
    assert "Say hello" not in str(attributes) and "Secret answer" not in str(attributes)
    assert attributes["gen_ai.usage.input_tokens"] == 3  # metadata is still there


async def test_opt_in_content_uses_the_semconv_message_format(tracing: Tracing) -> None:
    image = bytes(2 * 1024 * 1024)
    params = CallParams(
        prompt=[
            SystemMessage(content="Be brief."),
            UserMessage(
                content=[
                    TextPart(text="What is this?"),
                    FilePart(data=image, media_type="image/png"),
                    FilePart(
                        data=httpx.URL("https://cdn.example/doc.pdf?sig=abc"), media_type="application/pdf"
                    ),
                ]
            ),
            AssistantMessage(content=[ToolCallPart(tool_call_id="c1", tool_name="look", input={"q": 1})]),
            ToolMessage(
                content=[
                    ToolResultPart(tool_call_id="c1", tool_name="look", output=TextOutput(value="a cat"))
                ]
            ),
        ]
    )
    answer = GenerateResult(
        content=[
            TextContent(text="A cat."),
            ToolCallContent(tool_call_id="c2", tool_name="save", input='{"animal": "cat"}'),
        ],
        finish_reason="tool-calls",
    )
    model = wrap_model(MockLanguageModel(generate=answer), tracing.middleware(include_content=True))

    await model.do_generate(params)

    attributes = dict(_only(tracing.spans()).attributes or {})
    assert json.loads(str(attributes["gen_ai.system_instructions"])) == [
        {"type": "text", "content": "Be brief."}
    ]
    assert json.loads(str(attributes["gen_ai.input.messages"])) == [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "What is this?"},
                {
                    "type": "blob",
                    "modality": "image",
                    "mime_type": "image/png",
                    "content": "<image/png, 2097152 bytes>",
                },
                {
                    "type": "uri",
                    "modality": "image",
                    "mime_type": "application/pdf",
                    "uri": "https://cdn.example/doc.pdf",
                },
            ],
        },
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "c1", "name": "look", "arguments": {"q": 1}}],
        },
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": "a cat"}]},
    ]
    assert json.loads(str(attributes["gen_ai.output.messages"])) == [
        {
            "role": "assistant",
            "finish_reason": "tool_call",
            "parts": [
                {"type": "text", "content": "A cat."},
                {"type": "tool_call", "id": "c2", "name": "save", "arguments": {"animal": "cat"}},
            ],
        }
    ]
    assert attributes["gen_ai.response.finish_reasons"] == ("tool_call",)


async def test_content_capture_follows_the_otel_environment_variable(
    tracing: Tracing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONTENT_CAPTURE_ENV, "SPAN_ONLY")
    assert tracing.middleware().include_content is True
    assert tracing.middleware(include_content=False).include_content is False
    monkeypatch.setenv(CONTENT_CAPTURE_ENV, "NO_CONTENT")
    assert tracing.middleware().include_content is False


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("openai.chat", "openai"),
        ("anthropic.messages", "anthropic"),
        ("google.generative-ai", "gcp.gemini"),
        ("google-vertex.chat", "gcp.vertex_ai"),
        ("amazon-bedrock", "aws.bedrock"),
        ("mistral.chat", "mistral_ai"),
        ("xai.chat", "x_ai"),
        ("mock", "mock"),
    ],
)
def test_provider_names_map_to_semconv_values(provider: str, expected: str) -> None:
    assert provider_name(provider) == expected


def test_importing_without_opentelemetry_explains_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    monkeypatch.delitem(sys.modules, "middleware.observe.trace")
    with pytest.raises(ImportError, match=r'pip install "modelpipe\[otel\]"'):
        importlib.import_module("middleware.observe.trace")
    monkeypatch.undo()
    assert importlib.import_module("middleware.observe.trace").TracingMiddleware is not None


def test_global_tracer_provider_is_used_when_none_is_given() -> None:
    middleware = TracingMiddleware()
    assert middleware.tracer is not None and repr(middleware).startswith("TracingMiddleware(")


# --- canary: a planted key never leaks into logs, spans, errors or reprs -------------------------------

CANARY_KEY = "sk-canary-3f9a0c7e1b2d4a6f8e0c1b3d"
CANARY_SECRET = "canary-config-secret-5521"


def _canary_error(status: int | None, message: str) -> APICallError:
    return APICallError(
        f"{message}: Incorrect API key provided: {CANARY_KEY}",
        url=f"https://generativelanguage.example/v1beta/models/m:generate?key={CANARY_SECRET}",
        status_code=status,
        request_body={"headers": {"x-api-key": CANARY_KEY}, "messages": [{"content": f"key {CANARY_KEY}"}]},
        response_headers={"set-cookie": f"session={CANARY_KEY}", "x-request-id": "req_1"},
        response_body=json.dumps(
            {"error": {"message": f"Incorrect API key provided: {CANARY_KEY}", "key": CANARY_SECRET}}
        ),
        is_retryable=status is None or status >= 500,
        retry_after=0.001,
    )


@pytest.fixture
def canary_secret() -> Iterator[str]:
    register_secret(CANARY_SECRET)  # what a provider does with its configured key
    yield CANARY_SECRET
    forget_secret(CANARY_SECRET)


async def test_canary_key_appears_nowhere(
    tracing: Tracing, caplog: pytest.LogCaptureFixture, canary_secret: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="modelpipe")
    params = CallParams(
        prompt=[
            SystemMessage(content=f"internal key {CANARY_SECRET}"),
            UserMessage(content=[TextPart(text=f"my key is {CANARY_KEY}, keep it safe")]),
        ],
        headers={
            "Authorization": f"Bearer {CANARY_KEY}",
            "x-api-key": CANARY_KEY,
            "x-goog-api-key": CANARY_SECRET,
        },
        provider_options={
            "openai": {"apiKey": CANARY_KEY},
            "custom": {"token": CANARY_SECRET, "note": CANARY_KEY},
        },
    )
    logging_layer = LoggingMiddleware(include_content=True)
    tracing_layer = tracing.middleware(include_content=True)
    echo = text_result(f"You said {CANARY_KEY} and {CANARY_SECRET}")
    mid_stream = [*text_stream_parts([f"echo {CANARY_KEY}"])[:4], _canary_error(None, "stream reset")]

    def model(mock: MockLanguageModel) -> LanguageModel:
        return wrap_model(mock, [logging_layer, tracing_layer])

    raised: list[BaseException] = []
    await model(MockLanguageModel(generate=echo)).do_generate(params)
    stream = await model(MockLanguageModel(stream=text_stream_parts([CANARY_KEY]))).do_stream(params)
    _ = [part async for part in stream.stream]
    for status in (401, 500):
        with pytest.raises(APICallError) as generate_error:
            await model(MockLanguageModel(generate=_canary_error(status, "HTTP"))).do_generate(params)
        raised.append(generate_error.value)
        with pytest.raises(APICallError) as open_error:
            await model(MockLanguageModel(stream=_canary_error(status, "HTTP"))).do_stream(params)
        raised.append(open_error.value)
    failing_stream = await model(MockLanguageModel(stream=mid_stream)).do_stream(params)  # type: ignore[arg-type]
    with pytest.raises(APICallError) as stream_error:
        _ = [part async for part in failing_stream.stream]
    raised.append(stream_error.value)
    retried = model(MockLanguageModel(generate=_canary_error(500, "HTTP")))
    with pytest.raises(RetryError) as retry_error:
        await generate_text(
            retried,
            messages=params.prompt,
            max_retries=1,
            headers=params.headers,
            provider_options=params.provider_options,
        )
    raised.append(retry_error.value)

    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    captured = {
        "logs": [formatter.format(record) + repr(record.__dict__) for record in caplog.records],
        "spans": [span.to_json() for span in tracing.exporter.get_finished_spans()],
        "errors": [
            text
            for error in raised
            for text in (
                str(error),
                repr(error),
                repr(vars(error)),
                "".join(traceback.format_exception(error)),
            )
        ],
        "reprs": [repr(logging_layer), repr(tracing_layer), safe_repr(params)],
    }
    for where, texts in captured.items():
        for text in texts:
            assert CANARY_KEY not in text, where
            assert CANARY_SECRET not in text, where
            assert "sk-canary" not in text, where

    # ... and nothing was lost: every call and every failure is still logged and traced.
    outcomes = [
        record.modelpipe["outcome"]  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "modelpipe.calls"
    ]
    assert outcomes.count("ok") == 2 and outcomes.count("error") == 7
    assert sum(span.status.status_code == StatusCode.ERROR for span in tracing.spans()) == 7
    assert "[REDACTED]" in " ".join(captured["logs"]) and "[REDACTED]" in " ".join(captured["spans"])


async def test_logging_tracing_example_prints_redacted_logs_and_spans(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = Path(__file__).resolve().parents[3] / "examples" / "logging_tracing.py"
    spec = importlib.util.spec_from_file_location("examples_logging_tracing", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    try:
        await example.main()
    finally:
        forget_secret(example.API_KEY)

    output = capsys.readouterr().out
    assert example.API_KEY not in output and "sk-example" not in output
    assert output.count("SPAN chat gpt-4o-mini [CLIENT]") == 3 and "SPAN handle request [INTERNAL]" in output
    assert (
        output.count("LOG  INFO modelpipe.calls:") == 2 and output.count("LOG  WARNING modelpipe.calls:") == 1
    )
    assert "<image/png, 4096 bytes>" in output
    assert "caught: APICallError('Incorrect API key provided: [REDACTED]', status_code=401" in output
    assert "answer: A tiny black square." in output and "answer: Hello there!" in output


async def test_the_exception_event_is_scrubbed_and_the_error_left_alone(tracing: Tracing) -> None:
    # Before: the error was scrubbed in place (the caller's object changed) to keep the span clean.
    failure = RuntimeError(f"proxy refused key {CANARY_KEY}")
    failure.__cause__ = ValueError(f"inner {CANARY_KEY}")
    model = wrap_model(MockLanguageModel(generate=failure), tracing.middleware())
    with pytest.raises(RuntimeError) as raised:
        await model.do_generate(CallParams(prompt=[UserMessage(content=[TextPart(text="hi")])]))
    assert raised.value is failure and str(failure) == f"proxy refused key {CANARY_KEY}"
    assert str(failure.__cause__) == f"inner {CANARY_KEY}"
    span = _only(tracing.spans())
    [event] = span.events
    assert event.name == "exception" and event.attributes is not None
    assert event.attributes["exception.message"] == "proxy refused key [REDACTED]"
    stacktrace = str(event.attributes["exception.stacktrace"])
    assert "ValueError: inner [REDACTED]" in stacktrace and CANARY_KEY not in span.to_json()
    assert span.status.description == "proxy refused key [REDACTED]"


@pytest.mark.parametrize("include_content", [False, True])
async def test_a_streamed_span_keeps_output_text_only_when_content_is_recorded(
    tracing: Tracing, include_content: bool
) -> None:
    model = wrap_model(
        MockLanguageModel(stream=text_stream_parts(["Hel", "lo"])),
        tracing.middleware(include_content=include_content),
    )
    stream = await model.do_stream(CallParams(prompt=[UserMessage(content=[TextPart(text="hi")])]))
    _ = [part async for part in stream.stream]
    attributes = _only(tracing.spans()).attributes or {}
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert ("Hello" in str(attributes.get("gen_ai.output.messages"))) is include_content
