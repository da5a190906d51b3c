"""Canary: a planted credential never shows in errors, reprs, log records, spans or cache bytes.

Each case plants one fresh canary (an opaque fake key with no known key shape, so neither the
``sk-`` / ``AIza`` patterns nor luck can hide it) in one place, then makes a real call through the
provider terminal against a loopback server: one successful call (cached), one 401 whose body echoes
the credential the server received, and for streams one stream whose error event, after content,
echoes it too. It runs for OpenAI, Anthropic and Google, generate and stream, bare, observed
(LoggingMiddleware + TracingMiddleware) and observed with content capture on.

What is required:

* Credentials (constructor ``api_key``, the environment variable, a per-call credential header, an
  ``apiKey`` provider option, the password in base-URL user info), and their echoes in a 401 body
  or a stream error event, appear 0 times in: ``str`` / ``repr`` / formatted traceback of every
  error the caller gets; ``repr`` of the provider, the model, the wrapped model, the params and the
  wrap context a middleware sees, and the result; every log record (message and fields); every
  span (attributes, status, events); the bytes of every cache entry. This holds with and without
  the observers, and with content capture on.
* Every credential is known to the library without the caller's help: keys it resolves itself
  (constructor, environment) are registered when resolved, and a per-call credential header is
  registered by the terminal when the request is built (``pipeline.redact.register_call_secret``).
* The prompt is content, not a credential. A canary in the prompt appears 0 times in errors, in
  provider and model reprs, in the call log record, in span attributes other than the
  ``gen_ai.*.messages`` content ones, and, with content capture off (the default), in every log
  record and span. It may appear where the caller's own content is shown: the params and wrap
  context reprs, the result's request body, the cache entry (the cached request's answer is keyed
  by it), and, when content capture is on, the content log record and the content span attributes.
"""

from __future__ import annotations

import json
import logging
import secrets
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from middleware.cache import CacheMiddleware
from middleware.cache.stores import DiskStore, MemoryStore
from middleware.observe.log import CONTENT_LOGGER, LoggingMiddleware
from middleware.observe.trace import TracingMiddleware
from pipeline.chain import Middleware, WrapContext, wrap_model
from pipeline.errors import APICallError, ModelCallError
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from pipeline.redact import forget_secret
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest, Reply, SSEReply
from providers.testing import anthropic as fake_anthropic
from providers.testing import google as fake_google
from providers.testing import openai as fake_openai

ORDINARY_KEY = "ordinary-test-key-0000"
CONTENT_ATTRIBUTES = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")


def _received_credential(request: RecordedRequest) -> str:
    for name in ("x-api-key", "x-goog-api-key", "authorization"):
        if name in request.headers:
            return request.headers[name].removeprefix("Bearer ")
    return "none"


@dataclass(frozen=True)
class Provider:
    """How to build one provider's model and how its server answers, fails and fails mid-stream."""

    make: Callable[..., Any]
    base_path: str
    env_var: str
    options_key: str
    credential_header: str
    ok: Callable[[], Reply]
    ok_stream: Callable[[], Reply]
    unauthorized: Callable[[str], Reply]
    error_after_content: Callable[[str], Reply]


def _message(credential: str) -> str:
    return f"Incorrect API key provided: {credential}"


PROVIDERS = {
    "openai": Provider(
        make=lambda **settings: OpenAIProvider(**settings).chat("gpt-4o-mini"),
        base_path="/v1",
        env_var="OPENAI_API_KEY",
        options_key="openai",
        credential_header="authorization",
        ok=lambda: fake_openai.text_reply("fine"),
        ok_stream=lambda: fake_openai.stream_reply(fake_openai.stream_chunks(["fi", "ne"])),
        unauthorized=lambda key: fake_openai.error_reply(
            401, _message(key), error_type="invalid_request_error", code="invalid_api_key"
        ),
        error_after_content=lambda key: SSEReply(
            events=[
                *fake_openai.stream_chunks(["fi", "ne"])[:2],
                json.dumps({"error": {"message": _message(key), "type": "server_error"}}),
            ]
        ),
    ),
    "anthropic": Provider(
        make=lambda **settings: AnthropicProvider(**settings).messages("claude-sonnet-4-5"),
        base_path="/v1",
        env_var="ANTHROPIC_API_KEY",
        options_key="anthropic",
        credential_header="x-api-key",
        ok=lambda: fake_anthropic.text_reply("fine"),
        ok_stream=lambda: fake_anthropic.stream_reply(["fi", "ne"]),
        unauthorized=lambda key: fake_anthropic.error_reply(401, "authentication_error", _message(key)),
        error_after_content=lambda key: SSEReply(
            events=[
                *fake_anthropic.stream_events(["fi", "ne"])[:4],
                ("error", json.dumps(fake_anthropic.error_body("api_error", _message(key)))),
            ]
        ),
    ),
    "google": Provider(
        make=lambda **settings: GoogleProvider(**settings).chat("gemini-2.5-flash"),
        base_path="/v1beta",
        env_var="GOOGLE_GENERATIVE_AI_API_KEY",
        options_key="google",
        credential_header="x-goog-api-key",
        ok=lambda: fake_google.text_reply("fine"),
        ok_stream=lambda: fake_google.stream_reply(["fi", "ne"]),
        unauthorized=lambda key: JsonReply(
            fake_google.error_body(401, _message(key), "UNAUTHENTICATED"), status=401
        ),
        error_after_content=lambda key: fake_google.chunks_reply(
            [
                fake_google.stream_chunks(["fi", "ne"])[0],
                fake_google.error_body(500, _message(key), "INTERNAL"),
            ]
        ),
    ),
}

SITES = ("constructor", "environment", "headers", "provider_options", "prompt", "base_url_userinfo")
OBSERVERS = ("bare", "observed", "observed_with_content")


class Peek(Middleware):
    """Keeps the ``repr`` of every wrap context and params it sees."""

    def __init__(self) -> None:
        self.reprs: list[str] = []

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        self.reprs += [repr(call), repr(call.params), str(call.params)]
        return await call.do_generate()

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        self.reprs += [repr(call), repr(call.params), str(call.params)]
        return await call.do_stream()


class RecordingStore(MemoryStore):
    """A memory store that also keeps every key and entry written, as the bytes it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        self.written += key.encode() + value
        await super().set(key, value, ttl=ttl)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _record_text(record: logging.LogRecord) -> str:
    return f"{record.getMessage()} {vars(record)}"


def _renderings(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


@pytest.fixture
def canary() -> Iterator[str]:
    value = f"mpk-canary-{secrets.token_hex(12)}"  # fresh per case: the secret registry is global
    yield value
    forget_secret(value)


@pytest.fixture
def captured_logs() -> Iterator[Capture]:
    handler = Capture()
    logger = logging.getLogger("modelpipe")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.mark.parametrize("observers", OBSERVERS)
@pytest.mark.parametrize("mode", ["generate", "stream"])
@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("name", sorted(PROVIDERS))
async def test_a_planted_canary_never_leaks(
    name: str,
    site: str,
    mode: str,
    observers: str,
    canary: str,
    captured_logs: Capture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provider = PROVIDERS[name]
    monkeypatch.delenv(provider.env_var, raising=False)
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    store = RecordingStore() if mode == "generate" else DiskStore(tmp_path / "cache")
    peek = Peek()
    layers: list[Middleware] = []
    if observers != "bare":
        content = observers == "observed_with_content"
        layers += [
            LoggingMiddleware(include_content=content),
            TracingMiddleware(tracer_provider=tracer_provider, include_content=content),
        ]
    layers += [peek, CacheMiddleware(store)]

    call: dict[str, Any] = {"prompt": "hello", "max_retries": 0}
    if site == "headers":
        value = f"Bearer {canary}" if provider.credential_header == "authorization" else canary
        call["headers"] = {provider.credential_header: value}
    elif site == "provider_options":
        call["provider_options"] = {provider.options_key: {"apiKey": canary}}
    elif site == "prompt":
        call["prompt"] = f"my key is {canary}, keep it safe"
    if site == "environment":
        monkeypatch.setenv(provider.env_var, canary)

    errors: list[BaseException] = []
    results: list[Any] = []
    parts: list[str] = []
    try:
        with LoopbackServer() as server:
            host = server.base_url.removeprefix("http://")
            userinfo = f"user:{canary}@" if site == "base_url_userinfo" else ""
            terminal = provider.make(
                api_key=canary if site == "constructor" else None if site == "environment" else ORDINARY_KEY,
                base_url=f"http://{userinfo}{host}{provider.base_path}",
            )
            model: LanguageModel = wrap_model(terminal, layers)
            server.enqueue(
                provider.ok() if mode == "generate" else provider.ok_stream(),
                lambda request: provider.unauthorized(_received_credential(request)),
                lambda request: provider.error_after_content(_received_credential(request)),
                lambda request: provider.error_after_content(_received_credential(request)),
            )
            if mode == "generate":
                results.append(await generate_text(model, **call))
                with pytest.raises(APICallError) as unauthorized:
                    await generate_text(model, **{**call, "temperature": 0.1})
            else:
                stream = stream_text(model, **call)
                assert await stream.text() == "fine"
                results.append(await stream.result())
                with pytest.raises(APICallError) as unauthorized:
                    await stream_text(model, **{**call, "temperature": 0.1}).text()
                with pytest.raises(ModelCallError) as mid_stream:
                    async for _ in stream_text(model, **{**call, "temperature": 0.2}).text_stream:
                        pass
                errors.append(mid_stream.value)
                try:  # the same stream read part by part: the error part itself is shown to the caller
                    async for part in stream_text(model, **{**call, "temperature": 0.3}).full_stream:
                        parts.append(repr(part))
                except ModelCallError as ended:  # a stream without its end marker also raises here
                    errors.append(ended)
                assert any(part.startswith("ErrorPart(") for part in parts)
            errors.append(unauthorized.value)
            assert unauthorized.value.status_code == 401
            received = [_received_credential(request) for request in server.requests]
    finally:
        tracer_provider.shutdown()
        if isinstance(store, DiskStore):
            store.close()

    if site in ("constructor", "environment", "headers"):
        assert received[0] == canary  # the canary really was sent, and so really was echoed
    spans = exporter.get_finished_spans()
    assert len(spans) == (len(server.requests) if observers != "bare" else 0)

    content_views: list[str] = [*peek.reprs, *map(repr, results)]
    clean_views: list[str] = [
        *(text for error in errors for text in _renderings(error)),
        *parts,
        repr(terminal),
        repr(model),
    ]
    for record in captured_logs.records:
        content_record = record.name == CONTENT_LOGGER
        (content_views if content_record else clean_views).append(_record_text(record))
    for span in spans:
        attributes = dict(span.attributes or {})
        for key in CONTENT_ATTRIBUTES:
            if key in attributes:
                content_views.append(str(attributes.pop(key)))
        clean_views += [span.name, str(attributes), str(span.status.description)]
        clean_views += [str(event.attributes) for event in span.events]
    cache_bytes = _stored_bytes(store, tmp_path)
    assert cache_bytes  # the successful call was cached

    assert sum(text.count(canary) for text in clean_views) == 0
    if site == "prompt":
        if observers != "observed_with_content":
            assert not any(canary in _record_text(record) for record in captured_logs.records)
        else:
            assert any(canary in text for text in content_views)  # content capture shows the content
        return
    assert sum(text.count(canary) for text in content_views) == 0
    assert cache_bytes.count(canary.encode()) == 0


def _stored_bytes(store: RecordingStore | DiskStore, directory: Path) -> bytes:
    """Every byte the cache wrote: what the memory store was given, or every file of the disk store."""
    if isinstance(store, RecordingStore):
        return bytes(store.written)
    return b"".join(path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file())
