"""Retrieval Augmented Generation (the cookbook's "RAG"): embed a document's chunks, keep them in a
vector index, find the chunks nearest to the question by cosine similarity, and answer from them.

The index lives in memory (``vector_index.InMemoryVectorIndex``); set REDIS_URL to share it through
Redis across machines instead (``RedisVectorIndex``). With OPENAI_API_KEY set this calls the real
OpenAI API; without it a loopback server answers, its embeddings counting a few keywords so that the
search is meaningful offline. Run: python examples/rag.py
"""

from __future__ import annotations

import asyncio
import os
import re
from contextlib import AsyncExitStack, ExitStack
from typing import Any

from vector_index import Chunk, InMemoryVectorIndex, RedisVectorIndex, VectorIndex

from pipeline import GenerateTextResult, embed, embed_many, generate_text
from providers.openai import OpenAIEmbeddingModel, OpenAIProvider
from providers.testing import LoopbackServer, RecordedRequest
from providers.testing import openai as fake_openai
from providers.testing.embeddings import openai_embedding_reply

__all__ = ["DOCUMENT", "answer_question", "keyword_embedding", "main", "open_index"]

DOCUMENT = """Opened items can be returned within 14 days for store credit.
Unopened items can be returned within 30 days for a full refund.
Shipping is free on orders over 50 euros.
Our support team answers email within one business day."""

VOCABULARY = ["return", "opened", "unopened", "refund", "credit", "shipping", "free", "support", "email"]


def keyword_embedding(text: str) -> list[float]:
    """The offline stand-in for an embedding model: how often each vocabulary word occurs."""
    words = re.findall(r"[a-z]+", text.lower())
    return [float(sum(word.startswith(term) for word in words)) for term in VOCABULARY]


def chunk(document: str) -> list[str]:
    """One chunk per line (real documents: sentences or paragraphs of a few hundred tokens)."""
    return [line.strip() for line in document.splitlines() if line.strip()]


def offline_models(stack: ExitStack) -> tuple[OpenAIEmbeddingModel, OpenAIProvider]:
    server = stack.enter_context(LoopbackServer())

    def embeddings(request: RecordedRequest) -> Any:
        values = request.json()["input"]
        return openai_embedding_reply([keyword_embedding(value) for value in values])

    server.route("/v1/embeddings", embeddings)
    server.route(
        "/v1/chat/completions", fake_openai.text_reply("Opened items: within 14 days, for store credit.")
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    base_url = f"{server.base_url}/v1"
    return (
        OpenAIEmbeddingModel("text-embedding-3-small", base_url=base_url, api_key="loopback"),
        OpenAIProvider(base_url=base_url, api_key="loopback"),
    )


async def open_index(stack: AsyncExitStack) -> VectorIndex:
    """Redis when REDIS_URL is set (needs the redis extra), else memory."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return InMemoryVectorIndex()
    from redis.asyncio import Redis

    redis = await stack.enter_async_context(Redis.from_url(url))
    index = RedisVectorIndex(redis, prefix="rag-example:")
    await redis.delete(*[key async for key in redis.scan_iter(match="rag-example:*")] or ["rag-example:none"])
    return index


async def answer_question(
    question: str, index: VectorIndex, embedder: OpenAIEmbeddingModel, model: Any
) -> GenerateTextResult:
    found = await index.search((await embed(embedder, question)).embedding, k=2)
    for score, text in found:
        print(f"retrieved ({score:.2f}): {text}")
    context = "\n".join(text for _, text in found)
    return await generate_text(
        model,
        system="Answer the question using only this context:\n" + context,
        prompt=question,
    )


async def main() -> GenerateTextResult:
    with ExitStack() as stack:
        if os.environ.get("OPENAI_API_KEY"):
            embedder, provider = OpenAIEmbeddingModel("text-embedding-3-small"), OpenAIProvider()
        else:
            embedder, provider = offline_models(stack)
        async with AsyncExitStack() as async_stack:
            index = await open_index(async_stack)
            chunks = chunk(DOCUMENT)
            embedded = await embed_many(embedder, chunks)
            await index.add(
                [Chunk(text, vector) for text, vector in zip(chunks, embedded.embeddings, strict=True)]
            )
            result = await answer_question(
                "Can I return an item I already opened?", index, embedder, provider.chat("gpt-4o-mini")
            )
    print(f"answer: {result.text}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
