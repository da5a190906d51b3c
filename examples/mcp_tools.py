"""Use an MCP server's tools in a multi-step tool loop (the cookbook's "Model Context Protocol (MCP) Tools").

``create_mcp_client`` connects to the server (here ``mcp_server.py``, started over stdio; set
MCP_SERVER_URL, e.g. http://127.0.0.1:8000/mcp, to use a server over Streamable HTTP instead), and
``client.tools()`` hands its tools to ``generate_text``, which runs them when the model calls them.
Multi-part results (text and images) reach the model as multi-part tool-result content.
With OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server answers.
Needs the ``mcp`` extra: pip install -e ".[mcp]". Run: python examples/mcp_tools.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from pipeline import GenerateTextResult, generate_text
from pipeline.mcp import HttpTransport, StdioTransport, create_mcp_client
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["main", "transport"]

SERVER_SCRIPT = Path(__file__).with_name("mcp_server.py")


def transport() -> StdioTransport | HttpTransport:
    """The server over Streamable HTTP when MCP_SERVER_URL is set, else mcp_server.py over stdio."""
    url = os.environ.get("MCP_SERVER_URL")
    if url:
        return HttpTransport(url)
    return StdioTransport(sys.executable, args=[str(SERVER_SCRIPT)])


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server with the scripted steps."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.tool_call_reply("get_weather", {"city": "Brooklyn"}, call_id="call_1"),
        fake_openai.tool_call_reply("weather_chart", {"city": "Brooklyn"}, call_id="call_2"),
        fake_openai.text_reply("It is 72°F and sunny in Brooklyn; the chart shows a warm afternoon."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        model = make_provider(stack).chat("gpt-4o-mini")
        async with create_mcp_client(transport()) as client:
            tools = await client.tools()
            print(f"server tools: {', '.join(tools)}")
            result = await generate_text(
                model,
                tools=tools,
                max_steps=5,
                prompt="What is the weather in Brooklyn, New York? Show me today's chart too.",
            )
    for step in result.steps:
        for tool_result in (part for part in step.content if part.type == "tool-result"):
            kinds = [item.type for item in tool_result.output.value] if tool_result.output else ["json"]
            print(f"tool result: {tool_result.tool_name} -> {' + '.join(kinds)}")
    print(f"answer: {result.text}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
