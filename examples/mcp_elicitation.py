"""MCP elicitation: a server asks the user for input in the middle of a tool call (the cookbook's
"MCP Elicitation").

``mcp_server.py``'s ``book_table`` tool asks the user to confirm before booking. The client's
``on_elicitation`` callback answers with ``accept`` (and the form's values), ``decline`` or ``cancel``.
On a terminal you are asked; otherwise the example accepts for two. With OPENAI_API_KEY set this calls
the real OpenAI API; without it a loopback server answers.
Needs the ``mcp`` extra: pip install -e ".[mcp]". Run: python examples/mcp_elicitation.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from pipeline import GenerateTextResult, generate_text
from pipeline.mcp import ElicitationRequest, ElicitationResponse, StdioTransport, create_mcp_client
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["ask_user", "main"]

SERVER_SCRIPT = Path(__file__).with_name("mcp_server.py")


def ask_user(request: ElicitationRequest) -> ElicitationResponse:
    """Show the server's question; read the answer on a terminal, else accept for two."""
    print(f"server asks: {request.message} (fields: {', '.join(request.requested_schema['properties'])})")
    if not sys.stdin.isatty():
        print("(not a terminal: accepting for 2)")
        return ElicitationResponse("accept", {"confirm": True, "seats": 2})
    reply = input("book it? [y/n/c] ").strip().lower()
    if reply.startswith("c"):
        return ElicitationResponse("cancel")
    if not reply.startswith("y"):
        return ElicitationResponse("decline")
    seats = int(input("seats: ") or "2")
    return ElicitationResponse("accept", {"confirm": True, "seats": seats})


def make_provider(stack: ExitStack) -> OpenAIProvider:
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.tool_call_reply("book_table", {"restaurant": "Chez Max"}),
        fake_openai.text_reply("Done: your table at Chez Max is booked."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")
        transport = StdioTransport(sys.executable, args=[str(SERVER_SCRIPT)])
        async with create_mcp_client(transport, on_elicitation=ask_user) as client:
            result = await generate_text(
                model,
                tools=await client.tools(),
                max_steps=3,
                prompt="Book me a table at Chez Max tonight.",
            )
    print(f"tool said: {result.tool_results[0].result['content'][0]['text']}")
    print(f"answer: {result.text}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
