"""The Responses terminal over real HTTP (loopback): the seed's chat prompt on ``"openai/gpt-4o"`` in
generate and stream, errors, and the built-in middleware (cache, logging, tracing, provider options)
working on it unchanged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from middleware.cache import CacheMiddleware
from middleware.cache.stores import MemoryStore
from middleware.observe import LoggingMiddleware, TracingMiddleware
from middleware.observe.log import CALL_LOGGER
from middleware.options import ProviderOptionsMiddleware
from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import APICallError, InvalidResponseDataError, InvalidResponseError
from pipeline.generate import prepare_call
from pipeline.registry import resolve_model
from providers.openai import OpenAIProvider, OpenAIResponsesLanguageModel, tools
from providers.testing import JsonReply, LoopbackServer, SSEReply
from providers.testing import openai_responses as fake

FIXTURES = Path(__file__).resolve().parents[3] / "replay" / "openai" / "responses"

CHAT_PROMPT: dict[str, Any] = {
    "max_output_tokens": 1024,
    "system": "You are a helpful chatbot.",
    "messages": [
        {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
        {"role": "user", "content": [{"type": "text", "text": "I need help with my computer."}]},
    ],
}
"""The seed's chat prompt (spec/chat-prompt.md), in Python."""

EXPECTED_INPUT = [
    {"role": "system", "content": "You are a helpful chatbot."},
    {"role": "user", "content": [{"type": "input_text", "text": "Hello!"}]},
    {"role": "assistant", "content": [{"type": "output_text", "text": "Hello! How can I help you today?"}]},
    {"role": "user", "content": [{"type": "input_text", "text": "I need help with my computer."}]},
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        monkeypatch.setenv("OPENAI_BASE_URL", running.url("/v1"))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-loopback-responses")
        yield running


def model(server: LoopbackServer) -> OpenAIResponsesLanguageModel:
    return OpenAIProvider(api_key="sk-loopback", base_url=server.url("/v1")).responses("gpt-4o")


async def test_the_model_string_goes_to_the_responses_api_with_the_chat_prompt(
    server: LoopbackServer,
) -> None:
    server.enqueue(fake.text_reply("Of course! What seems to be the problem?"))
    assert resolve_model("openai/gpt-4o").provider == "openai.responses"

    result = await generate_text("openai/gpt-4o", **CHAT_PROMPT)

    assert result.text == "Of course! What seems to be the problem?"
    [request] = server.requests
    assert request.path == "/v1/responses"
    assert request.headers["authorization"] == "Bearer sk-loopback-responses"
    assert request.json() == {"model": "gpt-4o", "input": EXPECTED_INPUT, "max_output_tokens": 1024}
    assert result.finish_reason == "stop"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (10, 20)
    assert result.provider_metadata == {"openai": {"responseId": "resp_loopback", "serviceTier": "default"}}
    assert result.response_messages[0].content[0].provider_options == {"openai": {"itemId": "msg_loopback"}}


async def test_the_chat_prompt_streams_from_the_responses_api(server: LoopbackServer) -> None:
    server.enqueue(
        fake.stream_reply(fake.stream_events(["Of course! ", "What seems ", "to be the problem?"]))
    )

    async with stream_text("openai/gpt-4o", **CHAT_PROMPT) as stream:
        chunks = [chunk async for chunk in stream.text_stream]
        usage = await stream.usage

    assert chunks == ["Of course! ", "What seems ", "to be the problem?"]
    assert usage.total_tokens == 30
    body = server.requests[0].json()
    assert body == {"model": "gpt-4o", "input": EXPECTED_INPUT, "max_output_tokens": 1024, "stream": True}


async def test_chat_completions_stay_available_and_compatible_servers_stay_on_them(
    server: LoopbackServer,
) -> None:
    provider = OpenAIProvider(api_key="k", base_url=server.url("/v1"))
    assert provider("gpt-4o").provider == "openai.responses"
    assert provider.chat("gpt-4o").provider == "openai.chat"
    assert resolve_model("ollama/llama3.2").provider == "ollama.chat"
    assert resolve_model("groq/llama").provider == "groq.chat"


async def test_an_error_in_a_200_answer_raises_the_api_message(server: LoopbackServer) -> None:
    server.enqueue(JsonReply(json.loads((FIXTURES / "openai-error.1.json").read_text())))
    with pytest.raises(APICallError, match="You exceeded your current quota") as raised:
        await model(server).do_generate(prepare_call(prompt="Hello"))
    assert (raised.value.status_code, raised.value.is_retryable) == (400, False)


async def test_nested_items_of_the_wrong_shape_are_typed_errors(server: LoopbackServer) -> None:
    body = fake.response_body([fake.message_item("hi")])
    body["output"][0]["content"] = ["not an object"]
    server.enqueue(JsonReply(body))
    with pytest.raises(InvalidResponseError, match="responses API response"):
        await model(server).do_generate(prepare_call(prompt="Hello"))

    events = fake.stream_events(["a"])
    broken = json.loads(events[2])
    broken["item"] = "not an object"
    server.enqueue(SSEReply(events=[*events[:2], json.dumps(broken), *events[3:]]))
    with pytest.raises(InvalidResponseDataError, match="stream event"):
        await stream_text(model(server), prompt="Hello", max_retries=0).text()


async def test_an_http_error_is_typed(server: LoopbackServer) -> None:
    body = json.loads((FIXTURES / "reasoning-model-temperature-error.json").read_text())
    server.enqueue(JsonReply(body, status=400))
    with pytest.raises(APICallError, match="Unsupported parameter: 'temperature'") as raised:
        await model(server).do_generate(prepare_call(prompt="Hello"))
    assert raised.value.status_code == 400


async def test_an_error_event_before_output_raises_a_retryable_error(server: LoopbackServer) -> None:
    lines = (FIXTURES / "openai-error.1.chunks.txt").read_text().splitlines()
    server.enqueue(SSEReply(events=[line for line in lines if line.strip()]))
    with pytest.raises(APICallError, match="You exceeded your current quota") as raised:
        await model(server).do_stream(prepare_call(prompt="Hello"))
    assert (raised.value.status_code, raised.value.is_retryable) == (429, True)


async def test_an_error_event_after_output_is_an_error_part_and_the_finish_says_error(
    server: LoopbackServer,
) -> None:
    events = fake.stream_events(["Hi"])[:4]  # created, in_progress, item added, one delta
    failed = {
        "type": "response.failed",
        "sequence_number": 9,
        "response": {
            "id": "resp_loopback",
            "error": {"code": "server_error", "message": "boom"},
            "usage": None,
        },
    }
    server.enqueue(SSEReply(events=[*events, json.dumps(failed)]))
    result = await model(server).do_stream(prepare_call(prompt="Hello"))
    parts = [part async for part in result.stream]
    error = next(part for part in parts if part.type == "error")
    assert error.error["response"]["error"]["message"] == "boom"
    assert parts[-1].type == "finish" and parts[-1].finish_reason == "error"


async def test_incomplete_answers_finish_with_length(server: LoopbackServer) -> None:
    server.enqueue(
        JsonReply(
            fake.response_body(
                [fake.message_item("Cut")], status="incomplete", incomplete_reason="max_output_tokens"
            )
        )
    )
    result = await model(server).do_generate(prepare_call(prompt="Hello"))
    assert (result.finish_reason, result.raw_finish_reason) == ("length", "max_output_tokens")


async def test_cache_middleware_answers_the_second_call_without_a_request(server: LoopbackServer) -> None:
    server.enqueue(fake.text_reply("Cached answer"))
    cache = CacheMiddleware(MemoryStore())
    cached = wrap_model(model(server), cache)
    first = await generate_text(cached, **CHAT_PROMPT)
    second = await generate_text(cached, **CHAT_PROMPT)
    assert first.text == second.text == "Cached answer"
    assert len(server.requests) == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


async def test_logging_middleware_records_the_call(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="modelpipe")
    server.enqueue(fake.text_reply("Logged"))
    await generate_text(wrap_model(model(server), LoggingMiddleware()), **CHAT_PROMPT)
    [record] = [record for record in caplog.records if record.name == CALL_LOGGER]
    fields = record.modelpipe  # type: ignore[attr-defined]
    assert (fields["provider"], fields["model"], fields["outcome"]) == ("openai.responses", "gpt-4o", "ok")
    assert (fields["input_tokens"], fields["output_tokens"], fields["response_id"]) == (
        10,
        20,
        "resp_loopback",
    )


async def test_tracing_middleware_records_a_genai_span(server: LoopbackServer) -> None:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    server.enqueue(fake.stream_reply())
    traced = wrap_model(model(server), TracingMiddleware(tracer_provider=tracer_provider))
    async with stream_text(traced, **CHAT_PROMPT) as stream:
        assert await stream.text == "Hello!"
    [span] = [span for span in exporter.get_finished_spans() if span.name.startswith("chat ")]
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.provider.name"] == "openai"
    assert attributes["gen_ai.request.model"] == "gpt-4o"
    assert attributes["gen_ai.response.id"] == "resp_loopback"
    assert attributes["gen_ai.usage.input_tokens"] == 10


async def test_provider_options_middleware_reaches_the_responses_body(server: LoopbackServer) -> None:
    server.enqueue(fake.text_reply("ok"))
    wrapped = wrap_model(
        OpenAIProvider(api_key="k", base_url=server.url("/v1")).responses("o4-mini"),
        ProviderOptionsMiddleware(
            provider_options={"openai": {"reasoningEffort": "low", "user": "default-user", "store": False}}
        ),
    )
    await generate_text(wrapped, prompt="Hi", provider_options={"openai": {"user": "call-user"}})
    body = server.requests[0].json()
    assert body["reasoning"] == {"effort": "low", "summary": "detailed"}
    assert (body["user"], body["store"]) == ("call-user", False)
    assert body["include"] == ["reasoning.encrypted_content"]


async def test_streamed_web_search_sources_and_provider_executed_parts(server: LoopbackServer) -> None:
    """A recorded web search stream through stream_text: the search calls and results come as they happen,
    provider-executed, and the citations are the stream's sources."""
    lines = (FIXTURES / "openai-web-search-tool.1.chunks.txt").read_text().splitlines()
    server.enqueue(SSEReply(events=[line for line in lines if line.strip()]))
    async with stream_text(
        model(server), prompt="Tech news today?", tools={"web_search": tools.web_search()}
    ) as stream:
        kinds = [part.type async for part in stream.full_stream]
        sources = await stream.sources
        results = await stream.tool_results
    assert kinds.index("tool-call") < kinds.index("tool-result") < kinds.index("text-delta")
    assert {result.tool_name for result in results} == {"web_search"}
    assert all(result.provider_executed for result in results)
    assert sources and all(source.url for source in sources)
