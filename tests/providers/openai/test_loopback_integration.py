"""Every prompt form through the terminal to a real HTTP server on 127.0.0.1; asserts what arrived."""

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.generate import prepare_call
from providers.openai import OpenAIChatLanguageModel, OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing.openai import stream_chunks, stream_reply, text_reply, tool_call_reply

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
PNG_B64 = base64.b64encode(PNG).decode()
PDF = b"%PDF-1.7 tiny"
MP3 = bytes.fromhex("fffb9064") + b"\x00" * 8
CACHE = {"openai": {"promptCacheBreakpoint": {"mode": "explicit"}}}


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        running.default_reply = text_reply("ok")
        yield running


@pytest.fixture
def model(server: LoopbackServer) -> OpenAIChatLanguageModel:
    return OpenAIProvider(api_key="sk-loopback", base_url=server.url("/v1")).chat("gpt-4o")


async def sent_messages(model: OpenAIChatLanguageModel, server: LoopbackServer, **call: Any) -> list[Any]:
    await model.do_generate(prepare_call(**call))
    request = server.requests[-1]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-loopback"
    messages: list[Any] = request.json()["messages"]
    return messages


async def test_text_prompt(model: OpenAIChatLanguageModel, server: LoopbackServer) -> None:
    assert await sent_messages(model, server, prompt="Hello") == [{"role": "user", "content": "Hello"}]


async def test_system_and_chat_history(model: OpenAIChatLanguageModel, server: LoopbackServer) -> None:
    messages = await sent_messages(
        model,
        server,
        system="Be terse.",
        messages=[
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello."},
            {"role": "system", "content": "Now answer in French."},
            {"role": "user", "content": "Bye"},
        ],
    )
    assert messages == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
        {"role": "system", "content": "Now answer in French."},
        {"role": "user", "content": "Bye"},
    ]


async def test_reasoning_model_gets_developer_role(server: LoopbackServer) -> None:
    model = OpenAIProvider(api_key="sk-loopback", base_url=server.url("/v1")).chat("o4-mini")
    messages = await sent_messages(model, server, system="Rules", prompt="Q", max_output_tokens=50)
    assert messages[0] == {"role": "developer", "content": "Rules"}
    assert server.requests[-1].json()["max_completion_tokens"] == 50


@pytest.mark.parametrize(
    "image",
    [PNG, PNG_B64, f"data:image/png;base64,{PNG_B64}"],
    ids=["bytes", "base64", "data-url"],
)
async def test_inline_images_arrive_as_data_urls(
    model: OpenAIChatLanguageModel, server: LoopbackServer, image: Any
) -> None:
    messages = await sent_messages(
        model, server, messages=[{"role": "user", "content": [{"type": "image", "image": image}]}]
    )
    assert messages[0]["content"] == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}
    ]


async def test_image_url_passes_through_with_part_level_detail(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    messages = await sent_messages(
        model,
        server,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is it?"},
                    {
                        "type": "image",
                        "image": "https://example.com/cat.png",
                        "providerOptions": {"openai": {"imageDetail": "low"}},
                    },
                ],
            }
        ],
    )
    assert messages[0]["content"] == [
        {"type": "text", "text": "What is it?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
    ]


async def test_pdf_and_audio_files(model: OpenAIChatLanguageModel, server: LoopbackServer) -> None:
    messages = await sent_messages(
        model,
        server,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "file", "data": PDF, "mediaType": "application/pdf", "filename": "spec.pdf"},
                    {"type": "file", "data": base64.b64encode(MP3).decode(), "mediaType": "audio/mpeg"},
                ],
            }
        ],
    )
    assert messages[0]["content"] == [
        {
            "type": "file",
            "file": {
                "filename": "spec.pdf",
                "file_data": "data:application/pdf;base64," + base64.b64encode(PDF).decode(),
            },
        },
        {"type": "input_audio", "input_audio": {"data": base64.b64encode(MP3).decode(), "format": "mp3"}},
    ]


async def test_tool_calls_and_results_including_multi_part(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    messages = await sent_messages(
        model,
        server,
        messages=[
            {"role": "user", "content": "Weather and a chart?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool-call",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "input": {"city": "Oslo"},
                    },
                    {"type": "tool-call", "toolCallId": "c2", "toolName": "chart", "input": {}},
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "output": {"type": "json", "value": {"temp": 3}},
                    },
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c2",
                        "toolName": "chart",
                        "output": {
                            "type": "content",
                            "value": [
                                {"type": "text", "text": "see"},
                                {"type": "media", "data": PNG_B64, "mediaType": "image/png"},
                            ],
                        },
                    }
                ],
            },
        ],
    )
    assert messages[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": '{"city":"Oslo"}'}},
            {"id": "c2", "type": "function", "function": {"name": "chart", "arguments": "{}"}},
        ],
    }
    assert messages[2] == {"role": "tool", "tool_call_id": "c1", "content": '{"temp":3}'}
    assert messages[3] == {
        "role": "tool",
        "tool_call_id": "c2",
        "content": '[{"type":"text","text":"see"},{"type":"media","data":"'
        + PNG_B64
        + '","mediaType":"image/png"}]',
    }


async def test_provider_options_at_call_message_and_part_level(
    model: OpenAIChatLanguageModel, server: LoopbackServer
) -> None:
    await model.do_generate(
        prepare_call(
            messages=[
                {"role": "system", "content": "Long rules", "providerOptions": CACHE},
                {"role": "user", "content": [{"type": "text", "text": "Q", "providerOptions": CACHE}]},
            ],
            provider_options={"openai": {"user": "u-7", "promptCacheKey": "k1", "reasoningEffort": "low"}},
        )
    )
    body = server.requests[-1].json()
    mark = {"mode": "explicit"}
    assert body["messages"] == [
        {
            "role": "system",
            "content": [{"type": "text", "text": "Long rules", "prompt_cache_breakpoint": mark}],
        },
        {"role": "user", "content": [{"type": "text", "text": "Q", "prompt_cache_breakpoint": mark}]},
    ]
    assert (body["user"], body["prompt_cache_key"], body["reasoning_effort"]) == ("u-7", "k1", "low")


async def test_tool_call_reply_round_trip(model: OpenAIChatLanguageModel, server: LoopbackServer) -> None:
    server.enqueue(tool_call_reply("weather", {"city": "Oslo"}))
    result = await model.do_generate(
        prepare_call(prompt="Weather?", tools=[{"name": "weather", "inputSchema": {"type": "object"}}])
    )
    assert result.finish_reason == "tool-calls"
    assert [(call.tool_name, call.input) for call in result.tool_calls] == [("weather", '{"city": "Oslo"}')]
    assert server.requests[-1].json()["tools"][0]["function"]["name"] == "weather"


async def test_stream_over_a_real_connection(model: OpenAIChatLanguageModel, server: LoopbackServer) -> None:
    server.enqueue(stream_reply(stream_chunks(["Hel", "lo"])), stream_reply(stream_chunks(["again"])))
    for expected in ("Hello", "again"):
        result = await model.do_stream(prepare_call(prompt="Hi"))
        parts = [part async for part in result.stream]
        assert "".join(part.delta for part in parts if part.type == "text-delta") == expected
        assert parts[-1].type == "finish"
    assert server.requests[-1].json()["stream_options"] == {"include_usage": True}
    assert server.connections_opened == 1
