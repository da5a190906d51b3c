"""Intercept the HTTP requests a provider makes (the cookbook's "Intercepting Fetch Requests").

The AI SDK takes a custom ``fetch``; here a provider takes an ``httpx.AsyncClient`` (``http_client=``)
or an ``httpx.AsyncBaseTransport`` (``transport=``). This example logs each request's method, URL,
header names and JSON body with an event hook on an injected client, and counts the bytes on the wire
with a wrapping transport. With OPENAI_API_KEY set this calls the real OpenAI API; without it a
loopback server answers. Run: python examples/intercept_requests.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import AsyncExitStack, ExitStack

import httpx

from pipeline import GenerateTextResult, generate_text
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["CountingTransport", "log_request", "main"]


async def log_request(request: httpx.Request) -> None:
    """Called before each request is sent (credentials: print header names only)."""
    body = json.loads(request.content) if request.content else None
    print(f"{request.method} {request.url}")
    print(f"  headers: {', '.join(sorted(request.headers))}")
    print(f"  body: {json.dumps(body)}")


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps another transport and counts the request bytes it sends."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent_bytes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent_bytes += len(request.content)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        if os.environ.get("OPENAI_API_KEY"):
            base_url, api_key = None, None
        else:
            server = stack.enter_context(LoopbackServer())
            server.enqueue(fake_openai.text_reply("Hello from the loopback server."))
            print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
            base_url, api_key = f"{server.base_url}/v1", "loopback"
        transport = CountingTransport(httpx.AsyncHTTPTransport())
        async with AsyncExitStack() as async_stack:
            client = await async_stack.enter_async_context(
                httpx.AsyncClient(transport=transport, event_hooks={"request": [log_request]})
            )
            provider = OpenAIProvider(base_url=base_url, api_key=api_key, http_client=client)
            result = await generate_text(provider.chat("gpt-4o-mini"), prompt="Say hello.")
    print(f"sent {transport.sent_bytes} request bytes")
    print(f"answer: {result.text}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
