"""Web search agent: OpenAI's own web search tool in a multi-step tool loop, with the sources printed.

The cookbook's "Web Search Agent" recipe. The model first asks a function tool of ours for today's date,
then searches the web itself (the Responses API runs the ``web_search`` tool: its calls and results come
back as provider-executed tool parts) and answers with citations, which arrive as sources.

With OPENAI_API_KEY set, this calls the real OpenAI API. Without it, a loopback server answers: step 1 is
a scripted ``current_date`` call, step 2 replays a real recorded Responses API answer
(``examples/recordings/openai-web-search.json``).
Run: python examples/web_search_agent.py
"""

from __future__ import annotations

import asyncio
import json
import os
from contextlib import ExitStack
from datetime import date
from pathlib import Path

from pipeline import GenerateTextResult, generate_text, tool
from providers.openai import OpenAIProvider, tools
from providers.testing import JsonReply, LoopbackServer
from providers.testing import openai_responses as fake_responses

__all__ = ["PROMPT", "current_date", "main"]

PROMPT = 'What is in the tech news today? Open a few of the pages and search them for "vercel".'
RECORDING = Path(__file__).parent / "recordings" / "openai-web-search.json"


@tool
def current_date() -> str:
    """Today's date (the model cannot know it)."""
    return date.today().isoformat()


def make_provider(stack: ExitStack) -> OpenAIProvider:
    """The real OpenAI API when a key is set, else a loopback server replaying the recorded answer."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider()
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_responses.tool_call_reply("current_date", {}, call_id="call_date"),
        JsonReply(json.loads(RECORDING.read_text(encoding="utf-8"))),
    )
    print("(no OPENAI_API_KEY: replaying recorded OpenAI Responses API traffic from a loopback server)")
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback")


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        result = await generate_text(
            make_provider(stack)("gpt-5-mini"),
            tools={"web_search": tools.web_search(search_context_size="low"), "current_date": current_date},
            max_steps=5,
            prompt=PROMPT,
        )
    for number, step in enumerate(result.steps, start=1):
        calls = [
            f"{call.tool_name}{' (run by OpenAI)' if call.provider_executed else ''}"
            for call in step.tool_calls
        ]
        print(f"step {number}: {', '.join(calls) or 'no tool calls'}; finish reason {step.finish_reason}")
    for result_part in result.tool_results:
        if result_part.tool_name == "web_search" and isinstance(result_part.result, dict):
            action = result_part.result.get("action") or {}
            print(
                f"web search: {action.get('type')} {action.get('query') or action.get('url') or ''}".rstrip()
            )
    print()
    print(result.text)
    print()
    print(f"sources ({len(result.sources)}):")
    for source in result.sources:
        print(f"- {source.title}: {source.url}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
