"""LoggingMiddleware: one structured record per call, for generate, stream, cache, retry and failure."""

from __future__ import annotations

import importlib.util
import logging
import tracemalloc
from collections.abc import AsyncGenerator
from pathlib import Path
from types import ModuleType

import anyio
import pytest

from middleware.observe.log import CALL_LOGGER, CONTENT_LOGGER, LoggingMiddleware, call_fields
from middleware.observe.observer import CallRecord
from pipeline.chain import Middleware, WrapContext, wrap_model
from pipeline.errors import APICallError, InvalidArgumentError
from pipeline.generate import generate_text
from pipeline.params import CallParams
from pipeline.prompt import FilePart, SystemMessage, TextPart, UserMessage
from pipeline.result import GenerateResult, Usage
from pipeline.stream import ErrorPart, FinishPart, StreamPart, StreamResult, TextDeltaPart
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

PARAMS = CallParams(
    prompt=[SystemMessage(content="Be brief."), UserMessage(content=[TextPart(text="Say hello")])]
)


def _params(**updates: object) -> CallParams:
    return PARAMS.model_copy(update=updates)


def _call_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == CALL_LOGGER]


@pytest.fixture(autouse=True)
def _capture_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="modelpipe")


def test_the_library_installs_no_handlers() -> None:
    LoggingMiddleware(include_content=True)
    assert logging.getLogger(CALL_LOGGER).handlers == []
    assert logging.getLogger(CONTENT_LOGGER).handlers == []
    assert logging.getLogger("modelpipe").handlers == []


async def test_generate_logs_one_info_record_with_the_call_fields(caplog: pytest.LogCaptureFixture) -> None:
    usage = Usage.of(input_tokens=12, output_tokens=4, cache_read_tokens=8, reasoning_tokens=1)
    mock = MockLanguageModel(
        generate=text_result("Hello there", usage=usage), provider="openai.chat", model_id="gpt-4o"
    )
    model = wrap_model(mock, LoggingMiddleware())

    result = await model.do_generate(PARAMS)

    assert result.text == "Hello there"
    [record] = _call_records(caplog)
    assert record.levelno == logging.INFO
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert fields["call_type"] == "generate"
    assert fields["provider"] == "openai.chat" and fields["model"] == "gpt-4o"
    assert fields["outcome"] == "ok"
    assert fields["latency_ms"] >= 0 and fields["time_to_first_chunk_ms"] is None
    assert (fields["input_tokens"], fields["output_tokens"], fields["total_tokens"]) == (12, 4, 16)
    assert fields["cache_read_tokens"] == 8 and fields["reasoning_tokens"] == 1
    assert fields["finish_reason"] == "stop"
    assert fields["response_id"] == "mock-response" and fields["response_model"] == "mock-model"
    assert fields["cache"] is None and fields["attempt"] == 1
    assert fields["error_type"] is None and fields["status_code"] is None
    assert record.getMessage().startswith("generate openai.chat/gpt-4o ok in ")
    assert "in=12 out=4 finish=stop" in record.getMessage()


async def test_content_is_not_logged_by_default(caplog: pytest.LogCaptureFixture) -> None:
    model = wrap_model(MockLanguageModel(generate=text_result("Secret answer")), LoggingMiddleware())
    await model.do_generate(PARAMS)
    assert [record.name for record in caplog.records] == [CALL_LOGGER]
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "Say hello" not in logged and "Secret answer" not in logged and "Be brief" not in logged


async def test_include_content_adds_a_redacted_debug_record(caplog: pytest.LogCaptureFixture) -> None:
    image = bytes(48213)
    params = _params(
        prompt=[
            UserMessage(
                content=[TextPart(text="What is this?"), FilePart(data=image, media_type="image/png")]
            )
        ]
    )
    model = wrap_model(
        MockLanguageModel(generate=text_result("A cat")), LoggingMiddleware(include_content=True)
    )

    await model.do_generate(params)

    [content] = [record for record in caplog.records if record.name == CONTENT_LOGGER]
    assert content.levelno == logging.DEBUG
    fields = content.modelpipe  # type: ignore[attr-defined]
    assert fields["prompt"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "file", "data": "<image/png, 48213 bytes>", "mediaType": "image/png"},
            ],
        }
    ]
    assert fields["completion"] == [{"type": "text", "text": "A cat"}]
    assert "<image/png, 48213 bytes>" in content.getMessage() and "A cat" in content.getMessage()
    assert len(_call_records(caplog)) == 1


async def test_content_record_is_skipped_when_debug_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="modelpipe")
    model = wrap_model(MockLanguageModel(), LoggingMiddleware(include_content=True))
    await model.do_generate(PARAMS)
    assert [record.name for record in caplog.records] == [CALL_LOGGER]


async def test_stream_is_logged_once_when_it_finishes(caplog: pytest.LogCaptureFixture) -> None:
    parts = text_stream_parts(["Hel", "lo"], usage=Usage.of(input_tokens=5, output_tokens=2))
    model = wrap_model(MockLanguageModel(stream=parts), LoggingMiddleware())

    result = await model.do_stream(PARAMS)
    assert _call_records(caplog) == []  # nothing before the stream ends
    received = [part async for part in result.stream]

    assert received == parts
    [record] = _call_records(caplog)
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert fields["call_type"] == "stream" and fields["outcome"] == "ok"
    assert fields["time_to_first_chunk_ms"] is not None
    assert 0 <= fields["time_to_first_chunk_ms"] <= fields["latency_ms"]
    assert (fields["input_tokens"], fields["output_tokens"], fields["finish_reason"]) == (5, 2, "stop")
    assert fields["response_id"] == "mock-response"


def _tracked_stream(parts: list[StreamPart], closed: list[bool]) -> MockLanguageModel:
    async def parts_then_wait() -> AsyncGenerator[StreamPart, None]:
        try:
            for part in parts:
                yield part
            await anyio.sleep(10)
        finally:
            closed.append(True)

    async def open_stream(params: CallParams) -> StreamResult:
        return StreamResult(stream=parts_then_wait())

    return MockLanguageModel(stream=open_stream)


async def test_stream_closed_early_is_logged_as_cancelled_and_closes_the_inner_stream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed: list[bool] = []
    model = wrap_model(_tracked_stream(text_stream_parts(["a", "b", "c"])[:4], closed), LoggingMiddleware())

    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if isinstance(part, TextDeltaPart):
            break
    await result.stream.aclose()

    assert closed == [True]
    [record] = _call_records(caplog)
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert fields["outcome"] == "cancelled" and fields["error_type"] is None
    assert fields["time_to_first_chunk_ms"] is not None
    assert record.levelno == logging.INFO


async def test_stream_cancelled_by_the_caller_is_logged_as_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed: list[bool] = []
    model = wrap_model(_tracked_stream(text_stream_parts(["a"])[:3], closed), LoggingMiddleware())

    result = await model.do_stream(PARAMS)
    with anyio.move_on_after(0.05):
        async for _ in result.stream:
            pass

    assert closed == [True]
    [record] = _call_records(caplog)
    assert record.modelpipe["outcome"] == "cancelled"  # type: ignore[attr-defined]


async def test_stream_closed_after_its_finish_part_counts_as_ok(caplog: pytest.LogCaptureFixture) -> None:
    model = wrap_model(MockLanguageModel(), LoggingMiddleware())
    result = await model.do_stream(PARAMS)
    async for part in result.stream:
        if isinstance(part, FinishPart):
            break
    await result.stream.aclose()
    [record] = _call_records(caplog)
    assert record.modelpipe["outcome"] == "ok"  # type: ignore[attr-defined]


async def test_mid_stream_failure_is_logged_as_an_error_and_reraised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failure = APICallError(
        "connection reset", url="https://api.example.com/v1/chat", status_code=None, is_retryable=True
    )
    parts = [*text_stream_parts(["partial"])[:4], failure]
    model = wrap_model(MockLanguageModel(stream=parts), LoggingMiddleware())  # type: ignore[arg-type]

    result = await model.do_stream(PARAMS)
    received: list[StreamPart] = []
    with pytest.raises(APICallError) as raised:
        async for part in result.stream:
            received.append(part)

    assert raised.value is failure
    assert [part.type for part in received][-1] == "text-delta"
    [record] = _call_records(caplog)
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert record.levelno == logging.WARNING
    assert fields["outcome"] == "error" and fields["error_type"] == "APICallError"
    assert fields["error_message"] == "connection reset"
    assert fields["finish_reason"] == "other"  # no finish part arrived


async def test_in_stream_error_part_marks_the_call_as_failed(caplog: pytest.LogCaptureFixture) -> None:
    parts = [*text_stream_parts(["x"])[:4], ErrorPart(error={"type": "overloaded_error", "message": "busy"})]
    model = wrap_model(MockLanguageModel(stream=parts), LoggingMiddleware())
    result = await model.do_stream(PARAMS)
    assert [part async for part in result.stream][-1].type == "error"
    [record] = _call_records(caplog)
    assert record.modelpipe["outcome"] == "error"  # type: ignore[attr-defined]
    assert record.modelpipe["error_type"] == "overloaded_error"  # type: ignore[attr-defined]


async def test_stream_that_fails_to_open_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    error = APICallError("Too many requests", url="https://api.example.com/v1", status_code=429)
    model = wrap_model(MockLanguageModel(stream=error), LoggingMiddleware())
    with pytest.raises(APICallError):
        await model.do_stream(PARAMS)
    [record] = _call_records(caplog)
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert (fields["call_type"], fields["outcome"], fields["status_code"]) == ("stream", "error", 429)


@pytest.mark.parametrize("status", [401, 500])
async def test_generate_failure_is_logged_with_error_type_and_status(
    caplog: pytest.LogCaptureFixture, status: int
) -> None:
    error = APICallError(f"HTTP {status}", url="https://api.example.com/v1/chat", status_code=status)
    model = wrap_model(MockLanguageModel(generate=error), LoggingMiddleware())

    with pytest.raises(APICallError) as raised:
        await model.do_generate(PARAMS)

    assert raised.value is error
    [record] = _call_records(caplog)
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert record.levelno == logging.WARNING
    assert (fields["outcome"], fields["error_type"], fields["status_code"]) == (
        "error",
        "APICallError",
        status,
    )
    assert fields["input_tokens"] is None and fields["finish_reason"] is None
    assert f"error=APICallError status={status}" in record.getMessage()


async def test_cancelled_generate_is_logged_as_cancelled(caplog: pytest.LogCaptureFixture) -> None:
    async def slow(params: CallParams) -> GenerateResult:
        await anyio.sleep(10)
        raise AssertionError("not reached")

    model = wrap_model(MockLanguageModel(generate=slow), LoggingMiddleware())
    with anyio.move_on_after(0.05):
        await model.do_generate(PARAMS)
    [record] = _call_records(caplog)
    assert record.modelpipe["outcome"] == "cancelled"  # type: ignore[attr-defined]
    assert record.levelno == logging.INFO


class FakeCache(Middleware):
    """Marks results the way the cache middleware does: provider_metadata["modelpipe"]["cache"]."""

    def __init__(self, status: str) -> None:
        self.status = status

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        return result.model_copy(update={"provider_metadata": {"modelpipe": {"cache": self.status}}})

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        inner = await call.do_stream()
        status = self.status

        async def marked() -> AsyncGenerator[StreamPart, None]:
            async for part in inner.stream:
                if isinstance(part, FinishPart):
                    part = part.model_copy(update={"provider_metadata": {"modelpipe": {"cache": status}}})
                yield part

        return StreamResult(stream=marked())


@pytest.mark.parametrize("status", ["hit", "miss"])
async def test_cache_status_from_an_inner_cache_is_logged(
    caplog: pytest.LogCaptureFixture, status: str
) -> None:
    model = wrap_model(MockLanguageModel(), [LoggingMiddleware(), FakeCache(status)])
    await model.do_generate(PARAMS)
    result = await model.do_stream(PARAMS)
    _ = [part async for part in result.stream]
    records = _call_records(caplog)
    assert [record.modelpipe["cache"] for record in records] == [status, status]  # type: ignore[attr-defined]
    assert all(f"cache={status}" in record.getMessage() for record in records)


async def test_retry_attempt_is_read_from_provider_options(caplog: pytest.LogCaptureFixture) -> None:
    model = wrap_model(MockLanguageModel(), LoggingMiddleware())
    await model.do_generate(_params(provider_options={"modelpipe": {"attempt": 3}}))
    [record] = _call_records(caplog)
    assert record.modelpipe["attempt"] == 3  # type: ignore[attr-defined]
    assert "attempt=3" in record.getMessage()


async def test_each_retry_attempt_of_generate_text_gets_its_own_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    overloaded = APICallError(
        "Service unavailable", url="https://api.example.com/v1", status_code=503, retry_after=0.001
    )
    mock = MockLanguageModel(generate=[overloaded, text_result("ok")])
    model = wrap_model(mock, LoggingMiddleware())

    result = await generate_text(model, prompt="hi", max_retries=2)

    assert result.text == "ok"
    fields = [record.modelpipe for record in _call_records(caplog)]  # type: ignore[attr-defined]
    assert [(item["attempt"], item["outcome"], item["status_code"]) for item in fields] == [
        (1, "error", 503),
        (2, "ok", None),
    ]


async def test_one_middleware_serves_concurrent_calls(caplog: pytest.LogCaptureFixture) -> None:
    async def echo(params: CallParams) -> GenerateResult:
        attempt = (params.provider_options or {})["modelpipe"]["attempt"]
        await anyio.sleep(0.01 * (5 - attempt))
        return text_result(f"answer {attempt}", usage=Usage.of(input_tokens=attempt, output_tokens=attempt))

    model = wrap_model(MockLanguageModel(generate=echo), LoggingMiddleware())
    async with anyio.create_task_group() as group:
        for attempt in range(1, 5):
            group.start_soon(model.do_generate, _params(provider_options={"modelpipe": {"attempt": attempt}}))

    fields = [record.modelpipe for record in _call_records(caplog)]  # type: ignore[attr-defined]
    assert sorted((item["attempt"], item["input_tokens"]) for item in fields) == [(n, n) for n in range(1, 5)]


def test_call_fields_always_have_the_same_keys() -> None:
    from middleware.observe.observer import CallRecord

    ok = call_fields(CallRecord("generate", "p", "m", PARAMS, "ok", 0.5, result=text_result("x")))
    failed = call_fields(
        CallRecord(
            "stream", "p", "m", PARAMS, "error", 0.1, error=ValueError("boom"), error_type="ValueError"
        )
    )
    assert ok.keys() == failed.keys()
    assert ok["latency_ms"] == 500.0 and failed["error_message"] == "boom"


def _load_example(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"examples_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_custom_middleware_example_reports_timings(capsys: pytest.CaptureFixture[str]) -> None:
    await _load_example("custom_middleware").main()
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith("[timing] generate mock-model: ") and output[0].endswith(" ms")
    assert output[1] == "generate -> Hello!"
    assert output[2].startswith("[timing] stream mock-model: ")
    assert output[3] == "stream   -> Hello!"


# --- the caller's error is never rewritten; what is logged is scrubbed ---------------------------------

FOREIGN_KEY = "sk-foreign-0123456789abcdefghij"


async def test_an_error_passes_through_unchanged_and_its_log_is_scrubbed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Before: the observer scrubbed the caller's exception in place.
    failure = RuntimeError(f"proxy refused key {FOREIGN_KEY}")
    model = wrap_model(MockLanguageModel(generate=failure), LoggingMiddleware())
    with pytest.raises(RuntimeError) as raised:
        await model.do_generate(PARAMS)
    assert raised.value is failure and str(failure) == f"proxy refused key {FOREIGN_KEY}"
    [record] = _call_records(caplog)
    assert record.modelpipe["error_message"] == "proxy refused key [REDACTED]"  # type: ignore[attr-defined]


async def test_a_missing_key_error_is_logged_and_raised_with_its_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Before: "[REDACTED] API key is missing. Pass api_key=[REDACTED] ..." for both.
    missing = InvalidArgumentError(
        "apiKey", "openai API key is missing. Pass api_key=... or set OPENAI_API_KEY."
    )
    model = wrap_model(MockLanguageModel(generate=missing), LoggingMiddleware())
    with pytest.raises(InvalidArgumentError) as raised:
        await model.do_generate(PARAMS)
    expected = (
        "Invalid argument for 'apiKey': openai API key is missing. Pass api_key=... or set OPENAI_API_KEY."
    )
    assert str(raised.value) == expected
    assert _call_records(caplog)[0].modelpipe["error_message"] == expected  # type: ignore[attr-defined]


# --- a stream's text is not copied unless content is logged ---------------------------------------------


class Recording(LoggingMiddleware):
    """Keeps the records it is handed (and logs them as usual)."""

    def __init__(self, **options: bool) -> None:
        super().__init__(**options)
        self.records: list[CallRecord] = []

    def emit(self, record: CallRecord) -> None:
        self.records.append(record)
        super().emit(record)


@pytest.mark.parametrize("include_content", [False, True])
async def test_the_stream_record_holds_text_only_when_content_is_logged(include_content: bool) -> None:
    layer = Recording(include_content=include_content)
    model = wrap_model(MockLanguageModel(stream=text_stream_parts(["Hel", "lo"])), layer)
    stream = await model.do_stream(PARAMS)
    assert "".join([part.delta async for part in stream.stream if isinstance(part, TextDeltaPart)]) == "Hello"
    [record] = layer.records
    assert record.result is not None and record.result.finish_reason == "stop"
    assert record.result.usage.output_tokens is not None
    assert record.result.text == ("Hello" if include_content else "")


class FreshText:
    """A language model whose stream makes each delta as it is read (so only the observer could keep them)."""

    provider = "test"
    model_id = "fresh"
    supported_urls: dict[str, list[object]] = {}

    def __init__(self, deltas: int, size: int) -> None:
        self.deltas, self.size = deltas, size

    async def do_generate(self, params: CallParams) -> GenerateResult:
        raise NotImplementedError

    async def do_stream(self, params: CallParams) -> StreamResult:
        async def parts() -> AsyncGenerator[StreamPart, None]:
            for index in range(self.deltas):
                yield TextDeltaPart(id="0", delta=str(index).rjust(self.size, "x"))
            yield FinishPart(finish_reason="stop", usage=Usage())

        return StreamResult(stream=parts())


async def test_watching_a_stream_without_content_keeps_no_copy_of_its_text() -> None:
    # Before: the observer folded every delta, so 4 MiB streamed made it hold 4 MiB more.
    streamed = 4 * 1024 * 1024
    model = wrap_model(FreshText(deltas=streamed // 1024, size=1024), LoggingMiddleware())  # type: ignore[arg-type]
    tracemalloc.start()
    try:
        stream = await model.do_stream(PARAMS)
        seen = 0
        async for part in stream.stream:
            if isinstance(part, TextDeltaPart):
                seen += len(part.delta)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == streamed
    assert peak < streamed // 4


class _CountingLogging(LoggingMiddleware):
    """Counts the records ``emit`` is handed (a subclass that emits in its own way)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[CallRecord] = []

    def emit(self, record: CallRecord) -> None:
        self.records.append(record)


async def test_a_call_no_logger_would_show_builds_no_record(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import middleware.observe.observer as observer

    built: list[str] = []
    make = observer._record
    monkeypatch.setattr(
        observer,
        "_record",
        lambda call, outcome, *a, **k: built.append(outcome) or make(call, outcome, *a, **k),
    )
    model = wrap_model(MockLanguageModel(generate=text_result("hi")), LoggingMiddleware())
    caplog.set_level(logging.WARNING, logger="modelpipe")
    await model.do_generate(PARAMS)
    assert built == []
    caplog.set_level(logging.INFO, logger="modelpipe")
    await model.do_generate(PARAMS)
    assert built == ["ok"] and len(_call_records(caplog)) == 1


async def test_an_ok_call_is_not_recorded_when_info_is_off_but_a_failure_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="modelpipe")
    ok = wrap_model(MockLanguageModel(generate=text_result("hi")), LoggingMiddleware())
    await ok.do_generate(PARAMS)
    assert _call_records(caplog) == []

    failing = MockLanguageModel(generate=APICallError("boom", url="http://x", is_retryable=False))
    with pytest.raises(APICallError):
        await wrap_model(failing, LoggingMiddleware()).do_generate(PARAMS)
    assert [record.levelno for record in _call_records(caplog)] == [logging.WARNING]


async def test_a_stream_no_logger_would_show_builds_no_record(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import middleware.observe.observer as observer

    built: list[str] = []
    make = observer._stream_record
    monkeypatch.setattr(
        observer,
        "_stream_record",
        lambda call, outcome, *a, **k: built.append(outcome) or make(call, outcome, *a, **k),
    )
    parts = text_stream_parts(["Hel", "lo"])
    model = wrap_model(MockLanguageModel(stream=parts), LoggingMiddleware())
    caplog.set_level(logging.WARNING, logger="modelpipe")
    assert [part async for part in (await model.do_stream(PARAMS)).stream] == parts
    assert built == []
    caplog.set_level(logging.INFO, logger="modelpipe")
    assert [part async for part in (await model.do_stream(PARAMS)).stream] == parts
    assert built == ["ok"] and len(_call_records(caplog)) == 1


async def test_a_failed_stream_is_logged_when_info_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="modelpipe")

    async def fails_midway() -> AsyncGenerator[StreamPart, None]:
        yield text_stream_parts(["Hel"])[0]
        raise APICallError("dropped", url="http://x", is_retryable=False)

    async def open_stream(params: CallParams) -> StreamResult:
        return StreamResult(stream=fails_midway())

    model = wrap_model(MockLanguageModel(stream=open_stream), LoggingMiddleware())
    with pytest.raises(APICallError, match="dropped"):
        [part async for part in (await model.do_stream(PARAMS)).stream]
    [record] = _call_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.modelpipe["outcome"] == "error"  # type: ignore[attr-defined]
    assert record.modelpipe["error_type"] == "APICallError"  # type: ignore[attr-defined]


async def test_a_subclass_that_emits_its_own_way_sees_every_call(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL, logger="modelpipe")
    counting = _CountingLogging()
    await wrap_model(MockLanguageModel(generate=text_result("hi")), counting).do_generate(PARAMS)
    assert [record.outcome for record in counting.records] == ["ok"]
