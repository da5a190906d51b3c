"""Every prompt form through generate_text / stream_text and the Gemini terminal to a loopback server."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.generate import generate_text, stream_text
from providers.google import GoogleProvider
from providers.testing import LoopbackServer
from providers.testing.google import stream_reply, text_reply, tool_call_reply

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
PNG_B64 = base64.b64encode(PNG).decode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
PDF_B64 = base64.b64encode(PDF).decode()
MP3 = bytes.fromhex("494433030000000000")
MP3_B64 = base64.b64encode(MP3).decode()


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def google(server: LoopbackServer) -> GoogleProvider:
    server.requests.clear()
    return GoogleProvider(api_key="loop-key", base_url=server.base_url + "/v1beta")


def last_body(server: LoopbackServer) -> Any:
    return server.requests[-1].json()


async def test_text_prompt_with_system(server: LoopbackServer, google: GoogleProvider) -> None:
    server.enqueue(text_reply("Hello!"))
    result = await generate_text(google("gemini-2.5-flash"), system="Be brief.", prompt="Hi", max_retries=0)
    request = server.requests[-1]
    assert request.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert request.headers["x-goog-api-key"] == "loop-key"
    assert last_body(server) == {
        "generationConfig": {},
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
    }
    assert result.text == "Hello!"


async def test_chat_with_every_image_form_pdf_and_audio(
    server: LoopbackServer, google: GoogleProvider
) -> None:
    server.enqueue(text_reply("Seen."))
    await generate_text(
        google("gemini-2.5-flash"),
        messages=[
            {"role": "user", "content": "First question"},
            {"role": "assistant", "content": "First answer"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Now these:"},
                    {"type": "image", "image": PNG},
                    {"type": "image", "image": PNG_B64},
                    {"type": "image", "image": f"data:image/png;base64,{PNG_B64}"},
                    {"type": "image", "image": "https://example.com/cat.png", "mediaType": "image/png"},
                    {"type": "file", "data": PDF, "mediaType": "application/pdf", "filename": "a.pdf"},
                    {"type": "file", "data": MP3_B64, "mediaType": "audio/mpeg"},
                    {
                        "type": "file",
                        "data": "https://generativelanguage.googleapis.com/v1beta/files/f-1",
                        "mediaType": "application/pdf",
                    },
                ],
            },
        ],
        max_retries=0,
    )
    inline_png = {"inlineData": {"mimeType": "image/png", "data": PNG_B64}}
    assert last_body(server)["contents"] == [
        {"role": "user", "parts": [{"text": "First question"}]},
        {"role": "model", "parts": [{"text": "First answer"}]},
        {
            "role": "user",
            "parts": [
                {"text": "Now these:"},
                inline_png,
                inline_png,
                inline_png,
                {"fileData": {"mimeType": "image/png", "fileUri": "https://example.com/cat.png"}},
                {"inlineData": {"mimeType": "application/pdf", "data": PDF_B64}},
                {"inlineData": {"mimeType": "audio/mpeg", "data": MP3_B64}},
                {
                    "fileData": {
                        "mimeType": "application/pdf",
                        "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/f-1",
                    }
                },
            ],
        },
    ]


async def test_tool_calls_results_and_provider_options_at_every_level(
    server: LoopbackServer, google: GoogleProvider
) -> None:
    server.enqueue(text_reply("Done."))
    await generate_text(
        google("gemini-3-pro-preview"),
        messages=[
            {"role": "user", "content": "Check", "providerOptions": {"google": {"ignored": True}}},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "reasoning",
                        "text": "I should call tools",
                        "providerOptions": {"google": {"thoughtSignature": "sig-r"}},
                    },
                    {
                        "type": "tool-call",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "input": {"city": "Oslo"},
                        "providerOptions": {"google": {"thoughtSignature": "sig-1"}},
                    },
                    {"type": "tool-call", "toolCallId": "c2", "toolName": "camera", "input": {}},
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": "c1",
                        "toolName": "weather",
                        "output": {"type": "json", "value": {"t": -3}},
                    },
                    {
                        "type": "tool-result",
                        "toolCallId": "c2",
                        "toolName": "camera",
                        "output": {
                            "type": "content",
                            "value": [
                                {"type": "text", "text": "Photo:"},
                                {"type": "media", "data": PNG_B64, "mediaType": "image/png"},
                            ],
                        },
                    },
                ],
            },
        ],
        tools=[
            {
                "name": "weather",
                "description": "Weather",
                "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
            {"name": "camera", "inputSchema": {"type": "object", "properties": {}}},
        ],
        tool_choice="auto",
        provider_options={
            "google": {"thinkingConfig": {"includeThoughts": True}, "threshold": "BLOCK_ONLY_HIGH"},
            "openai": {"reasoningEffort": "low"},
        },
        max_retries=0,
    )
    body = last_body(server)
    assert body["contents"][1:] == [
        {
            "role": "model",
            "parts": [
                {"text": "I should call tools", "thought": True, "thoughtSignature": "sig-r"},
                {
                    "functionCall": {"id": "c1", "name": "weather", "args": {"city": "Oslo"}},
                    "thoughtSignature": "sig-1",
                },
                {"functionCall": {"id": "c2", "name": "camera", "args": {}}},
            ],
        },
        {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "id": "c1",
                        "name": "weather",
                        "response": {"name": "weather", "content": {"t": -3}},
                    }
                },
                {
                    "functionResponse": {
                        "id": "c2",
                        "name": "camera",
                        "response": {"name": "camera", "content": "Photo:"},
                        "parts": [{"inlineData": {"mimeType": "image/png", "data": PNG_B64}}],
                    }
                },
            ],
        },
    ]
    assert body["contents"][0] == {"role": "user", "parts": [{"text": "Check"}]}
    assert body["generationConfig"] == {"thinkingConfig": {"includeThoughts": True}}
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "AUTO"}}
    assert len(body["safetySettings"]) == 4
    assert body["tools"][0]["functionDeclarations"][1] == {"name": "camera", "description": ""}


async def test_tool_call_answer_is_returned_as_a_tool_call(
    server: LoopbackServer, google: GoogleProvider
) -> None:
    server.enqueue(tool_call_reply("weather", {"city": "Oslo"}, call_id="fc-7"))
    result = await generate_text(
        google("gemini-2.5-flash"),
        prompt="Weather?",
        tools=[
            {"name": "weather", "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}}}
        ],
        max_retries=0,
    )
    assert [(call.tool_call_id, call.tool_name, call.input) for call in result.tool_calls] == [
        ("fc-7", "weather", '{"city":"Oslo"}')
    ]
    assert result.finish_reason == "tool-calls"


async def test_stream_text_over_loopback(server: LoopbackServer, google: GoogleProvider) -> None:
    server.enqueue(stream_reply(["Hel", "lo ", "there"]))
    result = stream_text(google("gemini-2.5-flash"), prompt="Hi", max_retries=0)
    chunks = [chunk async for chunk in result.text_stream]
    final = await result.result()
    assert chunks == ["Hel", "lo ", "there"]
    assert final.text == "Hello there"
    assert final.usage.input_tokens == 10
    request = server.requests[-1]
    assert request.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert request.query == "alt=sse"


async def test_connections_are_reused_across_calls(server: LoopbackServer, google: GoogleProvider) -> None:
    model = google("gemini-2.5-flash")
    opened = server.connections_opened
    for _ in range(3):
        server.enqueue(text_reply("ok"), stream_reply(["a", "b"]))
        await generate_text(model, prompt="x", max_retries=0)
        await stream_text(model, prompt="x", max_retries=0).result()
    assert server.connections_opened - opened <= 1
