"""A knowledge base agent (the cookbook's "Knowledge Base Agent"): the model decides when to store what
the user tells it (``add_resource``: embed and index) and when to look something up
(``get_information``: embed the question, search by cosine similarity), in a multi-step tool loop.

The index is in memory, or in Redis when REDIS_URL is set (``vector_index.RedisVectorIndex``). With
OPENAI_API_KEY set this calls the real OpenAI API; without it a loopback server answers with scripted
steps and keyword-count embeddings. Run: python examples/knowledge_base_agent.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack, ExitStack
from typing import Any

from rag import keyword_embedding, open_index
from vector_index import Chunk, VectorIndex

from pipeline import GenerateTextResult, Tool, embed, generate_text, tool
from providers.openai import OpenAIEmbeddingModel, OpenAIProvider
from providers.testing import LoopbackServer, RecordedRequest
from providers.testing import openai as fake_openai
from providers.testing.embeddings import openai_embedding_reply

__all__ = ["knowledge_tools", "main"]

SYSTEM = (
    "You are a helpful assistant. Store anything the user tells you about themselves with add_resource. "
    "Answer questions only from what get_information returns; if nothing relevant is found, say so."
)


def knowledge_tools(index: VectorIndex, embedder: OpenAIEmbeddingModel) -> list[Tool]:
    @tool
    async def add_resource(content: str) -> str:
        """Add a piece of information to the knowledge base."""
        embedding = (await embed(embedder, content)).embedding
        await index.add([Chunk(content, embedding)])
        return "Resource added."

    @tool
    async def get_information(question: str) -> list[str]:
        """Find information in the knowledge base relevant to a question."""
        found = await index.search((await embed(embedder, question)).embedding, k=3)
        return [text for score, text in found if score > 0.3]

    return [add_resource, get_information]


def offline_models(stack: ExitStack) -> tuple[OpenAIEmbeddingModel, OpenAIProvider]:
    server = stack.enter_context(LoopbackServer())

    def embeddings(request: RecordedRequest) -> Any:
        return openai_embedding_reply([keyword_embedding(value) for value in request.json()["input"]])

    server.route("/v1/embeddings", embeddings)
    server.enqueue(
        fake_openai.tool_call_reply("add_resource", {"content": "Orders over 50 euros ship free."}),
        fake_openai.text_reply("Noted: orders over 50 euros ship free."),
        fake_openai.tool_call_reply("get_information", {"question": "Is shipping free?"}),
        fake_openai.text_reply("Yes: shipping is free on orders over 50 euros."),
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    base_url = f"{server.base_url}/v1"
    return (
        OpenAIEmbeddingModel("text-embedding-3-small", base_url=base_url, api_key="loopback"),
        OpenAIProvider(base_url=base_url, api_key="loopback"),
    )


async def main() -> list[GenerateTextResult]:
    with ExitStack() as stack:
        if os.environ.get("OPENAI_API_KEY"):
            embedder, provider = OpenAIEmbeddingModel("text-embedding-3-small"), OpenAIProvider()
        else:
            embedder, provider = offline_models(stack)
        model = provider.chat("gpt-4o-mini")
        async with AsyncExitStack() as async_stack:
            tools = knowledge_tools(await open_index(async_stack), embedder)
            results = []
            for message in ("Remember this: orders over 50 euros ship free.", "Is shipping free?"):
                result = await generate_text(model, system=SYSTEM, tools=tools, max_steps=3, prompt=message)
                calls = ", ".join(f"{call.tool_name}({call.input})" for call in result.steps[0].tool_calls)
                print(f"user: {message}\n  tools: {calls or '-'}\n  answer: {result.text}")
                results.append(result)
    return results


if __name__ == "__main__":
    asyncio.run(main())
