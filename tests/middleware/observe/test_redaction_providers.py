"""Canary: a planted API key never shows in logs, spans, errors or reprs, through the real terminals."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from middleware.observe.log import LoggingMiddleware
from middleware.observe.trace import TracingMiddleware
from pipeline.chain import wrap_model
from pipeline.errors import ModelCallError
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, Reply
from providers.testing import anthropic as fake_anthropic
from providers.testing import google as fake_google
from providers.testing import openai as fake_openai

CANARY = "sk-canary-7f3a9c1e5b2d4f6a8c0e"

Provider = tuple[Callable[[str], LanguageModel], Callable[[], Reply], Callable[[], Reply]]


def _error(status: int) -> JsonReply:
    """An error body every provider's parser reads, echoing the key in its message."""
    message = f"Incorrect API key provided: {CANARY}"
    return JsonReply(
        {"type": "error", "error": {"type": "api_error", "message": message, "code": status}}, status=status
    )


PROVIDERS: dict[str, Provider] = {
    "openai": (
        lambda base: OpenAIProvider(base_url=f"{base}/v1", api_key=CANARY).chat("gpt-4o-mini"),
        lambda: fake_openai.text_reply("fine"),
        lambda: fake_openai.stream_reply(fake_openai.stream_chunks(["a", "b", "c"]), cut_after=3),
    ),
    "anthropic": (
        lambda base: AnthropicProvider(base_url=f"{base}/v1", api_key=CANARY).messages("claude-sonnet-4-5"),
        lambda: fake_anthropic.text_reply("fine"),
        lambda: fake_anthropic.stream_reply(["a", "b", "c"], cut_after=5),
    ),
    "google": (
        lambda base: GoogleProvider(base_url=f"{base}/v1beta", api_key=CANARY).chat("gemini-2.5-flash"),
        lambda: fake_google.text_reply("fine"),
        lambda: fake_google.stream_reply(["a", "b", "c"], cut_after=2),
    ),
}


def _renderings(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {vars(record)}")


@pytest.mark.parametrize("name", sorted(PROVIDERS))
async def test_the_api_key_is_never_in_logs_spans_errors_or_reprs(name: str) -> None:
    build, ok_reply, cut_stream_reply = PROVIDERS[name]
    handler = Capture()
    library_logger = logging.getLogger("modelpipe")
    library_logger.addHandler(handler)
    library_logger.setLevel(logging.DEBUG)
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    seen: list[str] = []
    try:
        with LoopbackServer() as server:
            server.enqueue(ok_reply(), _error(401), _error(500), cut_stream_reply())
            terminal = build(server.base_url)
            model = wrap_model(
                terminal,
                [
                    LoggingMiddleware(include_content=True),
                    TracingMiddleware(tracer_provider=tracer_provider, include_content=True),
                ],
            )
            ok = await generate_text(model, prompt="hello", headers={"x-api-key": CANARY}, max_retries=0)
            assert ok.text == "fine"
            for status in (401, 500):
                with pytest.raises(ModelCallError) as raised:
                    await generate_text(model, prompt="hello", max_retries=0)
                seen += [
                    str(raised.value),
                    repr(raised.value),
                    "".join(traceback.format_exception(raised.value)),
                ]
                assert getattr(raised.value, "status_code", None) == status
            with pytest.raises(ModelCallError) as cut:
                await stream_text(model, prompt="hello", max_retries=0).text()
            seen += _renderings(cut.value)
            seen += [repr(terminal), repr(model)]
            assert server.requests[0].headers.get(
                "x-api-key", server.requests[0].headers.get("authorization", "")
            )
    finally:
        library_logger.removeHandler(handler)
        tracer_provider.shutdown()

    spans = [span.to_json() for span in exporter.get_finished_spans()]
    assert len(handler.lines) >= 4 and len(spans) == 4  # every call was observed
    everything: list[Any] = [*handler.lines, *spans, *seen]
    assert sum(text.count(CANARY) for text in everything) == 0
    assert any("[REDACTED]" in text for text in everything)
