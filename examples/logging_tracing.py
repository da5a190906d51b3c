"""Logging and tracing a model: what a user sees in the logs and in the spans.

The model is wrapped in LoggingMiddleware (stdlib logging, one record per call) and TracingMiddleware
(one OpenTelemetry GenAI ``chat {model}`` span per call, nested under the application's span). Both
opt in to content here, so prompts and completions appear, redacted: the API key planted in the
prompt, headers and error messages shows as ``[REDACTED]`` and the image as ``<image/png, N bytes>``.

Runs offline: the OpenAI terminal talks to a loopback server on 127.0.0.1 that answers, streams,
and then rejects the key with a 401 whose message repeats it. python examples/logging_tracing.py
Needs the otel extra (the OpenTelemetry API and SDK): pip install -e ".[otel]"
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import ExitStack

import anyio
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from middleware.observe import LoggingMiddleware, TracingMiddleware
from pipeline.chain import wrap_model
from pipeline.errors import APICallError
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from pipeline.redact import register_secret
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["API_KEY", "main"]

API_KEY = "sk-example-0123456789abcdefABCDEF"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(4088)


class ShowFields(logging.Formatter):
    """Prints the message, then the structured fields the middleware put in ``record.modelpipe``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {key: value for key, value in getattr(record, "modelpipe", {}).items() if value is not None}
        return f"LOG  {record.levelname} {record.name}: {record.getMessage()}\n     {json.dumps(fields)}"


def show_span(span: ReadableSpan) -> str:
    parent = f" (parent {span.parent.span_id:016x})" if span.parent else ""
    lines = [f"SPAN {span.name} [{span.kind.name}] {span.status.status_code.name}{parent}"]
    lines += ["     " + key + " = " + str(value) for key, value in (span.attributes or {}).items()]
    lines += [
        f"     event {event.name}: {dict(event.attributes or {}).get('exception.message')}"
        for event in span.events
    ]
    return "\n".join(lines) + "\n"


def loopback_models(server: LoopbackServer) -> tuple[LanguageModel, LanguageModel]:
    """A working model and one whose calls fail with 401, both OpenAI chat models on ``server``."""
    server.enqueue(
        fake_openai.text_reply("A tiny black square.", model="gpt-4o-mini"),
        fake_openai.stream_reply(fake_openai.stream_chunks(["Hello", " there", "!"])),
        fake_openai.error_reply(
            401, f"Incorrect API key provided: {API_KEY}", error_type="invalid_request_error"
        ),
    )
    provider = OpenAIProvider(base_url=f"{server.base_url}/v1", api_key=API_KEY)
    return provider.chat("gpt-4o-mini"), provider.chat("gpt-4o-mini")


async def main(model: LanguageModel | None = None, failing_model: LanguageModel | None = None) -> None:
    register_secret(API_KEY)  # providers do this with their configured key

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(ShowFields())
    library_logger = logging.getLogger("modelpipe")
    library_logger.addHandler(handler)
    previous_level = library_logger.level
    library_logger.setLevel(logging.DEBUG)

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(
        SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stdout, formatter=show_span))
    )
    tracer = tracer_provider.get_tracer("example-app")

    stack = ExitStack()
    if model is None or failing_model is None:
        model, failing_model = loopback_models(stack.enter_context(LoopbackServer()))
    layers = [
        LoggingMiddleware(include_content=True),
        TracingMiddleware(tracer_provider=tracer_provider, include_content=True),
    ]
    observed = wrap_model(model, layers)
    observed_failing = wrap_model(failing_model, layers)

    try:
        with tracer.start_as_current_span("handle request"):
            print("--- generate_text with an image and an API key in a header")
            result = await generate_text(
                observed,
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "What is in this image?"},
                            {"type": "image", "image": PNG},
                        ],
                    }
                ],
                headers={"Authorization": f"Bearer {API_KEY}"},
            )
            print(f"answer: {result.text}")

            print("--- stream_text")
            async with stream_text(observed, prompt="Say hello") as stream:
                print(f"answer: {await stream.text()}")

            print("--- a call that fails with 401")
            try:
                await generate_text(observed_failing, prompt="Hi", max_retries=0)
            except APICallError as error:
                print(f"caught: {error!r}")
    finally:
        stack.close()
        library_logger.removeHandler(handler)
        library_logger.setLevel(previous_level)
        tracer_provider.shutdown()


if __name__ == "__main__":
    anyio.run(main)
