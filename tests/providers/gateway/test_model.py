"""The gateway terminal against a loopback server speaking the gateway's wire protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pipeline.embed import embed_many
from pipeline.errors import APICallError, IncompleteStreamError, InvalidArgumentError, InvalidResponseError
from pipeline.generate import generate_text, stream_text
from pipeline.result import FileContent, SourceContent, ToolCallContent, ToolResultContent
from pipeline.stream import ErrorPart, RawPart
from providers.gateway import GatewayProvider
from providers.testing import JsonReply, LoopbackServer
from providers.testing import gateway as fake

KEY = "vck_test_0123456789abcdef"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _gateway(server: LoopbackServer, **settings: str) -> GatewayProvider:
    return GatewayProvider(base_url=f"{server.base_url}/v4/ai", api_key=KEY, **settings)


async def test_generate_posts_the_call_with_the_gateway_headers_and_maps_the_answer(
    server: LoopbackServer,
) -> None:
    server.enqueue(
        JsonReply(
            fake.generate_body(
                [
                    {"type": "reasoning", "text": "Thinking."},
                    {"type": "text", "text": "Hello from Claude."},
                    {
                        "type": "source",
                        "sourceType": "url",
                        "id": "s1",
                        "url": "https://a.example",
                        "title": "A",
                    },
                    {
                        "type": "reasoning-file",
                        "mediaType": "image/png",
                        "data": {"type": "data", "data": "iVBORw=="},
                    },
                ],
                usage_value=fake.usage(12, 30, cache_read=4, reasoning=9),
                provider_metadata={"anthropic": {"cacheCreationInputTokens": 0}},
                model_id="claude-sonnet-4-5-20250929",
                warnings=[{"type": "unsupported", "feature": "seed"}],
            )
        )
    )
    model = _gateway(server, team="acme")("anthropic/claude-sonnet-4-5")

    result = await generate_text(model, prompt="Hi", headers={"X-Trace": "t1"})

    request = server.requests[0]
    assert request.path == "/v4/ai/language-model"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["ai-gateway-protocol-version"] == "0.0.1"
    assert request.headers["ai-gateway-auth-method"] == "api-key"
    assert request.headers["ai-language-model-id"] == "anthropic/claude-sonnet-4-5"
    assert request.headers["ai-language-model-streaming"] == "false"
    assert request.headers["x-vercel-ai-gateway-team"] == "acme"
    assert request.headers["x-trace"] == "t1"
    assert request.json()["prompt"] == [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    assert result.text == "Hello from Claude."
    assert result.reasoning_text == "Thinking."
    assert [part.url for part in result.content if isinstance(part, SourceContent)] == ["https://a.example"]
    assert result.finish_reason == "stop"
    assert result.usage.input_tokens == 12
    assert result.usage.output_tokens == 30
    assert result.usage.total_tokens == 42
    assert result.usage.input_token_details.cache_read_tokens == 4
    assert result.usage.output_token_details.reasoning_tokens == 9
    assert result.provider_metadata == {"anthropic": {"cacheCreationInputTokens": 0}}
    assert result.response.model_id == "claude-sonnet-4-5-20250929"
    warnings = [(w.type, w.feature or w.message) for w in result.warnings]
    assert ("unsupported", "seed") in warnings
    assert any("'reasoning-file'" in str(message) for _, message in warnings)  # left out, and said so


async def test_provider_executed_tool_calls_results_and_files_come_back_as_content(
    server: LoopbackServer,
) -> None:
    server.enqueue(
        JsonReply(
            fake.generate_body(
                [
                    {
                        "type": "tool-call",
                        "toolCallId": "srv_1",
                        "toolName": "web_search",
                        "input": '{"query":"news"}',
                        "providerExecuted": True,
                        "dynamic": False,
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "srv_1",
                        "toolName": "web_search",
                        "result": [{"url": "u"}],
                    },
                    {"type": "file", "mediaType": "image/png", "data": {"type": "data", "data": "iVBORw=="}},
                    {"type": "text", "text": "Done."},
                ]
            )
        )
    )

    result = await generate_text(_gateway(server)("openai/gpt-4o"), prompt="search")

    call, outcome, image, _ = result.content
    assert call == ToolCallContent(
        tool_call_id="srv_1", tool_name="web_search", input='{"query":"news"}', provider_executed=True
    )
    assert (
        isinstance(outcome, ToolResultContent)
        and outcome.provider_executed
        and outcome.result == [{"url": "u"}]
    )
    assert isinstance(image, FileContent) and image.data == b"\x89PNG"


async def test_a_stream_maps_every_part_and_ends_at_finish(server: LoopbackServer) -> None:
    parts = [
        {"type": "stream-start", "warnings": [{"type": "other", "message": "note"}]},
        {
            "type": "response-metadata",
            "id": "gen_1",
            "modelId": "gpt-4o-2024-08-06",
            "timestamp": "2026-12-03T07:00:00Z",
        },
        {"type": "reasoning-start", "id": "r0"},
        {"type": "reasoning-delta", "id": "r0", "delta": "Hmm."},
        {"type": "reasoning-end", "id": "r0"},
        {"type": "text-start", "id": "t0"},
        {"type": "text-delta", "id": "t0", "delta": "Hel"},
        {"type": "text-delta", "id": "t0", "delta": "lo"},
        {"type": "text-end", "id": "t0"},
        {"type": "tool-input-start", "id": "c1", "toolName": "weather", "dynamic": False, "title": "Weather"},
        {"type": "tool-input-delta", "id": "c1", "delta": '{"city":'},
        {"type": "tool-input-delta", "id": "c1", "delta": '"Paris"}'},
        {"type": "tool-input-end", "id": "c1"},
        {"type": "tool-call", "toolCallId": "c1", "toolName": "weather", "input": '{"city":"Paris"}'},
        {"type": "source", "sourceType": "url", "id": "s1", "url": "https://a.example"},
        {"type": "raw", "rawValue": {"provider": "chunk"}},
        fake.finish_part("tool-calls", input_tokens=5, output_tokens=7),
    ]
    server.enqueue(fake.stream_reply(parts))

    stream = stream_text(_gateway(server)("openai/gpt-4o"), prompt="Hi")
    seen = [part async for part in stream.full_stream]
    result = await stream.result()

    request = server.requests[0]
    assert request.headers["ai-language-model-streaming"] == "true"
    assert result.text == "Hello"
    assert result.reasoning_text == "Hmm."
    assert [call.tool_name for call in result.tool_calls] == ["weather"]
    assert result.finish_reason == "tool-calls"
    assert result.usage.input_tokens == 5 and result.usage.output_tokens == 7
    assert any(isinstance(part, SourceContent) for part in result.content)
    assert not any(isinstance(part, RawPart) for part in seen)  # raw chunks only when asked for
    assert [w.message for w in result.warnings] == ["note"]


async def test_raw_parts_are_passed_on_when_asked_for(server: LoopbackServer) -> None:
    server.enqueue(
        fake.stream_reply(
            [*fake.text_stream_parts(["a"])[:-1], {"type": "raw", "rawValue": {"x": 1}}, fake.finish_part()]
        )
    )

    model = _gateway(server)("openai/gpt-4o")
    stream = stream_text(model, prompt="Hi", include_raw_chunks=True)
    raws = [part for part in [p async for p in stream.full_stream] if getattr(part, "type", None) == "raw"]

    assert [part.raw_value for part in raws] == [{"x": 1}]
    assert server.requests[0].json()["includeRawChunks"] is True


async def test_an_in_band_rate_limit_before_any_output_is_retried(server: LoopbackServer) -> None:
    server.enqueue(fake.stream_error_reply(), fake.stream_reply(fake.text_stream_parts(["ok"])))

    text = await stream_text(_gateway(server)("openai/gpt-4o"), prompt="Hi", max_retries=1).text()

    assert text == "ok"
    assert len(server.requests) == 2


async def test_an_error_part_after_output_ends_the_stream_with_a_typed_error(server: LoopbackServer) -> None:
    parts = [
        *fake.text_stream_parts(["partial"])[:-1],
        {"type": "error", "error": {"type": "internal_server_error", "message": "boom"}},
    ]
    server.enqueue(fake.stream_reply(parts))

    stream = stream_text(_gateway(server)("openai/gpt-4o"), prompt="Hi", max_retries=0)
    seen = [part async for part in stream.full_stream]

    errors = [part for part in seen if isinstance(part, ErrorPart) or getattr(part, "type", None) == "error"]
    assert errors, seen
    error = errors[0].error
    assert isinstance(error, APICallError) and error.status_code == 500 and error.message == "boom"


async def test_a_stream_that_stops_before_finish_is_incomplete(server: LoopbackServer) -> None:
    server.enqueue(fake.stream_reply(fake.text_stream_parts(["a", "b"])[:-1]))

    with pytest.raises(IncompleteStreamError, match="finish part"):
        await stream_text(_gateway(server)("openai/gpt-4o"), prompt="Hi", max_retries=0).text()


async def test_http_errors_keep_the_gateway_type_and_follow_the_retry_rule(server: LoopbackServer) -> None:
    server.enqueue(
        fake.error_reply(429, "rate_limit_exceeded", "Rate limit exceeded. Try again later."),
        fake.text_reply("after the limit"),
        fake.error_reply(404, "model_not_found", "Model xyz not found", param={"modelId": "xyz/nope"}),
        fake.error_reply(401, "authentication_error", "Invalid API key provided"),
    )
    model = _gateway(server)("openai/gpt-4o")

    assert (await generate_text(model, prompt="Hi", max_retries=1)).text == "after the limit"
    with pytest.raises(APICallError) as missing:
        await generate_text(model, prompt="Hi", max_retries=3)
    with pytest.raises(APICallError) as denied:
        await generate_text(model, prompt="Hi", max_retries=3)

    assert len(server.requests) == 4  # 404 and 401 are not retried
    assert missing.value.status_code == 404 and not missing.value.is_retryable
    assert missing.value.message == "Model xyz not found [gen_err_01]"
    assert missing.value.data["error"]["type"] == "model_not_found"
    assert missing.value.data["generationId"] == "gen_err_01"
    assert denied.value.status_code == 401
    assert "AI_GATEWAY_API_KEY" in denied.value.message
    assert KEY not in str(denied.value) and KEY not in repr(denied.value)


async def test_an_answer_of_the_wrong_shape_is_an_invalid_response(server: LoopbackServer) -> None:
    server.enqueue(JsonReply({"content": [{"type": "file", "data": {"type": "data", "data": 7}}]}))

    with pytest.raises(InvalidResponseError, match="gateway response"):
        await generate_text(_gateway(server)("openai/gpt-4o"), prompt="Hi", max_retries=0)


async def test_the_public_endpoint_needs_a_key_before_any_io(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AI_GATEWAY_API_KEY", raising=False)
    monkeypatch.delenv("AI_GATEWAY_BASE_URL", raising=False)

    with pytest.raises(InvalidArgumentError, match="AI_GATEWAY_API_KEY"):
        await generate_text(GatewayProvider()("openai/gpt-4o"), prompt="Hi", max_retries=0)


async def test_key_and_base_url_come_from_the_environment_at_call_time(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = GatewayProvider()("openai/gpt-4o")
    monkeypatch.setenv("AI_GATEWAY_API_KEY", KEY)
    monkeypatch.setenv("AI_GATEWAY_BASE_URL", f"{server.base_url}/v4/ai")
    monkeypatch.setenv("VERCEL_REGION", "fra1")
    server.enqueue(fake.text_reply("env"))

    assert (await generate_text(model, prompt="Hi")).text == "env"
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert server.requests[0].headers["ai-o11y-region"] == "fra1"


async def test_embeddings_go_to_the_embedding_endpoint(server: LoopbackServer) -> None:
    server.enqueue(fake.embedding_reply([[0.1, 0.2], [0.3, 0.4]], tokens=6))

    result = await embed_many(
        _gateway(server).embedding("openai/text-embedding-3-small"),
        ["a", "b"],
        provider_options={"openai": {"dimensions": 2}},
    )

    request = server.requests[0]
    assert request.path == "/v4/ai/embedding-model"
    assert request.headers["ai-model-id"] == "openai/text-embedding-3-small"
    assert request.headers["ai-embedding-model-specification-version"] == "4"
    assert json.loads(request.body) == {
        "values": ["a", "b"],
        "providerOptions": {"openai": {"dimensions": 2}},
    }
    assert result.embeddings == [[0.1, 0.2], [0.3, 0.4]]
    assert result.usage.tokens == 6
