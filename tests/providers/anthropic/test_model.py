"""providers/anthropic/model.py against a real HTTP server on 127.0.0.1: requests, results, faults."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pipeline.errors import (
    APICallError,
    IncompleteStreamError,
    InvalidArgumentError,
    StreamProtocolError,
    UnsupportedFunctionalityError,
)
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from pipeline.registry import resolve_model
from pipeline.stream import ErrorPart, RawPart, StreamPart, collect_stream
from providers import anthropic as anthropic_package
from providers._sse import DEFAULT_MAX_EVENT_BYTES
from providers.anthropic import AnthropicMessagesModel, AnthropicProvider, register
from providers.testing import JsonReply, LoopbackServer, RawReply, ResetReply, SSEReply
from providers.testing import anthropic as wire

API_KEY = "sk-ant-test-secret-key"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(16))
PDF = b"%PDF-1.4\n%fake\n"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "
HELLO = [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def model(server: LoopbackServer) -> AnthropicMessagesModel:
    return AnthropicProvider(api_key=API_KEY, base_url=server.base_url)("claude-sonnet-4-5")


def params(prompt: list[dict[str, Any]] | None = None, **settings: Any) -> CallParams:
    return CallParams.model_validate({"prompt": prompt or HELLO, **settings})


async def read_all(stream: Any) -> list[StreamPart]:
    return [part async for part in stream]


def test_the_model_satisfies_the_language_model_protocol(model: AnthropicMessagesModel) -> None:
    assert isinstance(model, LanguageModel)
    assert model.provider == "anthropic.messages"
    assert model.model_id == "claude-sonnet-4-5"
    urls = model.supported_urls
    assert urls["image/*"][0].search("https://example.com/a.png")
    assert urls["application/pdf"][0].search("http://example.com/a.pdf")
    assert "audio/*" not in urls


async def test_generate_sends_headers_and_body_and_maps_the_result(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.text_reply("Hi there", usage_value=wire.usage(12, 3, cache_read=4)))
    result = await model.do_generate(params(temperature=0.2, stopSequences=["END"]))
    request = server.requests[-1]
    assert request.path.endswith("/messages")
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["content-type"] == "application/json"
    assert "anthropic-beta" not in request.headers
    assert request.json() == {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64000,
        "temperature": 0.2,
        "stop_sequences": ["END"],
        "messages": HELLO,
    }
    assert result.text == "Hi there"
    assert result.finish_reason == "stop"
    assert (result.usage.input_tokens, result.usage.input_token_details.cache_read_tokens) == (16, 4)
    assert result.request.body == request.json()
    assert result.response.id == wire.DEFAULT_MESSAGE_ID
    assert (
        result.response.headers is not None and result.response.headers["content-type"] == "application/json"
    )


async def test_every_prompt_form_arrives_as_anthropic_wire_json(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    ephemeral = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
    prompt: list[dict[str, Any]] = [
        {"role": "system", "content": "Be brief.", "providerOptions": ephemeral},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look:"},
                {"type": "file", "data": PNG, "mediaType": "image/png"},
                {"type": "file", "data": httpx.URL("https://example.com/cat.jpg"), "mediaType": "image"},
                {"type": "file", "data": PDF, "mediaType": "application/pdf", "filename": "doc.pdf"},
                {
                    "type": "file",
                    "data": httpx.URL("https://example.com/r.pdf"),
                    "mediaType": "application/pdf",
                },
                {"type": "file", "data": b"notes", "mediaType": "text/plain", "providerOptions": ephemeral},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {
                    "type": "reasoning",
                    "text": "think",
                    "providerOptions": {"anthropic": {"signature": "sig"}},
                },
                {"type": "text", "text": "Calling."},
                {"type": "tool-call", "toolCallId": "c1", "toolName": "shot", "input": {"n": 1}},
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c1",
                    "toolName": "shot",
                    "output": {
                        "type": "content",
                        "value": [
                            {"type": "text", "text": "taken"},
                            {"type": "media", "data": PNG, "mediaType": "image/png"},
                        ],
                    },
                }
            ],
            "providerOptions": ephemeral,
        },
        {"role": "user", "content": [{"type": "text", "text": "Thanks", "providerOptions": ephemeral}]},
    ]
    server.enqueue(wire.text_reply("ok"))
    await model.do_generate(
        params(
            prompt, providerOptions={"anthropic": {"sendReasoning": True, "anthropicBeta": ["extra-beta"]}}
        )
    )
    request = server.requests[-1]
    body = request.json()
    png64 = base64.b64encode(PNG).decode()
    assert body["system"] == [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Look:"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png64}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                {
                    "type": "document",
                    "source": {
                        "type": "base64",
                        "media_type": "application/pdf",
                        "data": base64.b64encode(PDF).decode(),
                    },
                    "title": "doc.pdf",
                },
                {"type": "document", "source": {"type": "url", "url": "https://example.com/r.pdf"}},
                {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": "notes"},
                    "cache_control": {"type": "ephemeral"},
                },
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "think", "signature": "sig"},
                {"type": "text", "text": "Calling."},
                {"type": "tool_use", "id": "c1", "name": "shot", "input": {"n": 1}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "c1",
                    "content": [
                        {"type": "text", "text": "taken"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": png64},
                        },
                    ],
                    "cache_control": {"type": "ephemeral"},
                },
                {"type": "text", "text": "Thanks", "cache_control": {"type": "ephemeral"}},
            ],
        },
    ]
    assert request.headers["anthropic-beta"] == "pdfs-2024-09-25,extra-beta"


async def test_audio_files_fail_before_any_request(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    before = len(server.requests)
    prompt = [{"role": "user", "content": [{"type": "file", "data": WAV, "mediaType": "audio/wav"}]}]
    with pytest.raises(UnsupportedFunctionalityError, match="media type: audio/wav"):
        await model.do_generate(params(prompt))
    assert len(server.requests) == before


async def test_beta_headers_from_settings_call_and_options_are_unioned(server: LoopbackServer) -> None:
    model = AnthropicProvider(
        api_key=API_KEY,
        base_url=server.base_url,
        headers={"anthropic-beta": "Config-Beta, shared", "x-team": "a"},
    )("claude-sonnet-4-5")
    server.enqueue(wire.text_reply("ok"))
    await model.do_generate(
        params(
            headers={"anthropic-beta": "call-beta,shared"},
            providerOptions={"anthropic": {"anthropicBeta": ["opt"]}},
        )
    )
    headers = server.requests[-1].headers
    assert headers["anthropic-beta"] == "opt,config-beta,shared,call-beta"
    assert headers["x-team"] == "a"


async def test_stream_round_trip_reads_to_the_end(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.stream_reply(["Hel", "lo"]))
    result = await model.do_stream(params(tools=[{"name": "t", "inputSchema": {"type": "object"}}]))
    body = server.requests[-1].json()
    assert body["stream"] is True
    assert body["tools"][0]["eager_input_streaming"] is True
    parts = await read_all(result.stream)
    collected = collect_stream(parts)
    assert collected.text == "Hello" and collected.finish_reason == "stop"
    assert result.request.body == body
    assert result.response.headers is not None
    assert result.response.headers["content-type"].startswith("text/event-stream")


async def test_stream_tool_call_and_raw_chunks(server: LoopbackServer, model: AnthropicMessagesModel) -> None:
    server.enqueue(SSEReply(list(wire.tool_call_stream_events("calc", ['{"x":', "2}"]))))
    result = await model.do_stream(params(includeRawChunks=True))
    parts = await read_all(result.stream)
    assert sum(isinstance(part, RawPart) for part in parts) == 7
    collected = collect_stream(parts)
    assert collected.tool_calls[0].input == '{"x":2}'
    assert collected.finish_reason == "tool-calls"


async def test_missing_api_key_fails_before_io_for_the_public_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    model = AnthropicProvider(transport=httpx.MockTransport(refuse))("claude-sonnet-4-5")
    with pytest.raises(InvalidArgumentError, match="ANTHROPIC_API_KEY"):
        await model.do_generate(params())
    with pytest.raises(InvalidArgumentError, match="ANTHROPIC_API_KEY"):
        await model.do_stream(params())


async def test_settings_are_read_from_the_environment_at_call_time(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = AnthropicProvider()("claude-sonnet-4-5")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "env-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url + "/")
    server.enqueue(wire.text_reply("ok"))
    assert (await model.do_generate(params())).text == "ok"
    assert server.requests[-1].headers["x-api-key"] == "env-key"


async def test_a_custom_server_works_without_a_key(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    server.enqueue(wire.text_reply("ok"))
    result = await AnthropicProvider(base_url=server.base_url)("claude-sonnet-4-5").do_generate(params())
    assert result.text == "ok"
    assert "x-api-key" not in server.requests[-1].headers


async def test_an_injected_http_client_is_used() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=wire.message_body([{"type": "text", "text": "mock"}]))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        model = AnthropicMessagesModel("claude-3-haiku-20240307", api_key="k", http_client=client)
        assert (await model.do_generate(params())).text == "mock"
    assert str(seen[0].url) == "https://api.anthropic.com/v1/messages"


def test_register_makes_anthropic_model_strings_resolve() -> None:
    register()
    resolved = resolve_model("anthropic/claude-sonnet-4-5")
    assert isinstance(resolved, AnthropicMessagesModel)
    assert resolved.model_id == "claude-sonnet-4-5"


def test_the_package_exports_are_explicit() -> None:
    for name in anthropic_package.__all__:
        assert hasattr(anthropic_package, name)


# ---- faults -------------------------------------------------------------------------------------


async def test_429_with_retry_after_is_retryable_and_never_retried_here(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    before = len(server.requests)
    server.enqueue(wire.error_reply(429, "rate_limit_error", "Slow down", headers={"retry-after": "7"}))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(params())
    error = caught.value
    assert (error.status_code, error.is_retryable, error.retry_after) == (429, True, 7.0)
    assert error.message == "Slow down"
    assert error.data == wire.error_body("rate_limit_error", "Slow down")
    assert len(server.requests) == before + 1


@pytest.mark.parametrize(("status", "error_type"), [(500, "api_error"), (529, "overloaded_error")])
async def test_server_errors_are_retryable(
    server: LoopbackServer, model: AnthropicMessagesModel, status: int, error_type: str
) -> None:
    server.enqueue(wire.error_reply(status, error_type, "try later"))
    with pytest.raises(APICallError) as caught:
        await model.do_stream(params())
    assert (caught.value.status_code, caught.value.is_retryable, caught.value.message) == (
        status,
        True,
        "try later",
    )


async def test_400_is_not_retryable_and_an_odd_body_still_gives_a_message(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(RawReply(400, b"<html>bad</html>", {"content-type": "text/html"}))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(params())
    assert (caught.value.status_code, caught.value.is_retryable) == (400, False)
    assert caught.value.message == "HTTP 400"


async def test_connection_reset_is_a_retryable_api_call_error(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(ResetReply())
    with pytest.raises(APICallError) as caught:
        await model.do_generate(params())
    assert caught.value.is_retryable


async def test_invalid_json_response_is_an_api_call_error(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(RawReply(200, b"{not json", {"content-type": "application/json"}))
    with pytest.raises(APICallError, match="Invalid JSON response"):
        await model.do_generate(params())


async def test_a_response_of_the_wrong_shape_is_an_api_call_error(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(JsonReply({"content": [{"type": "text"}], "usage": {}}))
    with pytest.raises(APICallError, match="Invalid JSON response"):
        await model.do_generate(params())


async def test_overloaded_error_as_first_event_raises_from_do_stream(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.stream_error_reply())
    with pytest.raises(APICallError) as caught:
        await model.do_stream(params())
    error = caught.value
    assert (error.status_code, error.is_retryable, error.message) == (529, True, "Overloaded")
    assert error.response_body == '{"type":"overloaded_error","message":"Overloaded"}'
    assert error.request_body["stream"] is True


async def test_an_invalid_request_error_as_first_event_is_not_retryable(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.stream_error_reply("invalid_request_error", "bad"))
    with pytest.raises(APICallError) as caught:
        await model.do_stream(params())
    assert (caught.value.status_code, caught.value.is_retryable) == (400, False)


async def test_an_error_event_after_content_is_an_error_part(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    error_event = ("error", json.dumps(wire.error_body("overloaded_error", "Overloaded")))
    server.enqueue(SSEReply([*wire.stream_events(["partial"])[:4], error_event]))
    result = await model.do_stream(params())
    parts = await read_all(result.stream)
    assert parts[-1] == ErrorPart(error={"type": "overloaded_error", "message": "Overloaded"})
    collected = collect_stream(parts)
    assert collected.text == "partial" and collected.finish_reason == "error"


async def test_a_stream_cut_mid_way_raises_incomplete_stream(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.stream_reply(["a", "b", "c"], cut_after=4))
    result = await model.do_stream(params())
    seen: list[StreamPart] = []
    with pytest.raises(IncompleteStreamError):
        async for part in result.stream:
            seen.append(part)
    assert collect_stream(seen).text == "a"


async def test_a_stream_ending_cleanly_without_message_stop_raises_incomplete_stream(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(SSEReply(list(wire.stream_events(["a"])[:-1])))
    result = await model.do_stream(params())
    with pytest.raises(IncompleteStreamError, match="message_stop"):
        await read_all(result.stream)


async def test_closing_a_stream_early_closes_the_response(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(SSEReply(list(wire.stream_events(["x"] * 50)), event_delay=0.01))
    result = await model.do_stream(params())
    async for part in result.stream:
        if part.type == "text-delta":
            break
    await result.stream.aclose()
    assert server.wait_until(lambda s: s.disconnects >= 1)


async def test_the_api_key_never_leaks_into_errors_reprs_or_request_metadata(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(wire.error_reply(401, "authentication_error", "invalid x-api-key"))
    with pytest.raises(APICallError) as caught:
        await model.do_generate(params())
    error = caught.value
    texts = [
        str(error),
        repr(error),
        repr(model),
        json.dumps(error.request_body),
        str(error.response_headers),
    ]
    assert all(API_KEY not in text for text in texts)
    server.enqueue(wire.text_reply("ok"))
    result = await model.do_generate(params())
    assert API_KEY not in result.model_dump_json()


async def test_user_level_image_forms_arrive_as_base64_or_url_through_generate_text(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    png64 = base64.b64encode(PNG).decode()
    pdf_data_url = "data:application/pdf;base64," + base64.b64encode(PDF).decode()
    server.enqueue(wire.text_reply("seen"))
    result = await generate_text(
        model,
        system="Describe.",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "image": PNG},
                    {"type": "image", "image": png64},
                    {"type": "image", "image": "data:image/png;base64," + png64},
                    {"type": "image", "image": "https://example.com/x.png"},
                    {"type": "file", "data": pdf_data_url, "mediaType": "application/pdf"},
                ],
            }
        ],
    )
    assert result.text == "seen"
    body = server.requests[-1].json()
    inline = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png64}}
    assert body["system"] == [{"type": "text", "text": "Describe."}]
    assert body["messages"][0]["content"] == [
        inline,
        inline,
        inline,
        {"type": "image", "source": {"type": "url", "url": "https://example.com/x.png"}},
        {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(PDF).decode(),
            },
        },
    ]


async def test_an_event_over_the_size_cap_after_content_is_a_protocol_error_not_a_dropped_connection(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    events: list[str | tuple[str | None, str] | bytes] = [*wire.stream_events(["a", "b"])[:4]]
    server.enqueue(SSEReply([*events, ("content_block_delta", "x" * (DEFAULT_MAX_EVENT_BYTES + 1))]))
    result = await model.do_stream(params())
    seen: list[StreamPart] = []
    with pytest.raises(StreamProtocolError) as caught:
        async for part in result.stream:
            seen.append(part)
    assert caught.value.is_retryable is False
    assert collect_stream(seen).text == "a"


def _overloaded_after_message_start() -> SSEReply:
    """``message_start``, an empty text block and a ping, then ``overloaded_error``: no output yet."""
    error_event = ("error", json.dumps(wire.error_body("overloaded_error", "Overloaded")))
    return SSEReply([*wire.stream_events(["never"])[:3], error_event])


async def test_overloaded_after_message_start_raises_a_retryable_error_from_do_stream(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(_overloaded_after_message_start())
    with pytest.raises(APICallError) as caught:
        await model.do_stream(params())
    assert (caught.value.status_code, caught.value.is_retryable) == (529, True)
    assert caught.value.message == "Overloaded"


async def test_overloaded_after_message_start_is_retried_by_stream_text(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(_overloaded_after_message_start(), wire.stream_reply(["Hel", "lo"]))
    before = len(server.requests)
    result = stream_text(model, prompt="Hello", max_retries=1)
    assert [delta async for delta in result.text_stream] == ["Hel", "lo"]
    final = await result.result()
    assert (final.text, final.finish_reason) == ("Hello", "stop")
    assert len(server.requests) - before == 2


async def test_overloaded_after_message_start_raises_from_result_when_retries_run_out(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(_overloaded_after_message_start())
    result = stream_text(model, prompt="Hello", max_retries=0)
    with pytest.raises(APICallError) as caught:
        await result.result()
    assert (caught.value.status_code, caught.value.is_retryable) == (529, True)


async def test_a_trailing_done_payload_is_not_an_error_part(
    server: LoopbackServer, model: AnthropicMessagesModel
) -> None:
    server.enqueue(SSEReply([*wire.stream_events(["ok"]), "[DONE]"]))
    result = await model.do_stream(params())
    parts = await read_all(result.stream)
    assert not [part for part in parts if isinstance(part, ErrorPart)]
    assert collect_stream(parts).text == "ok"
