"""Embed texts in a batch, then compare them by cosine similarity.

embed_many splits the values by the model's per-call limit and runs the batches in parallel; the
embeddings come back in input order. With OPENAI_API_KEY set, this calls the real OpenAI API; without
it, a loopback server on 127.0.0.1 answers with scripted embeddings. Run: python examples/embed_text_batch.py
"""

from __future__ import annotations

import asyncio
import math
import os
from contextlib import ExitStack

from pipeline.embed import EmbedManyResult, embed_many
from providers.openai import OpenAIEmbeddingModel
from providers.testing import LoopbackServer
from providers.testing.embeddings import openai_embedding_reply

__all__ = ["VALUES", "cosine_similarity", "main"]

VALUES = ["sunny day at the beach", "rainy afternoon in the city", "snowy night in the mountains"]


def cosine_similarity(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def make_model(stack: ExitStack) -> OpenAIEmbeddingModel:
    """The real OpenAI API when a key is set, else a loopback server with the scripted embeddings."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIEmbeddingModel("text-embedding-3-small")
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        openai_embedding_reply([[0.9, 0.1, 0.0], [0.2, 0.9, 0.3], [0.1, 0.4, 0.9]], prompt_tokens=15)
    )
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIEmbeddingModel(
        "text-embedding-3-small", base_url=f"{server.base_url}/v1", api_key="loopback"
    )


async def main() -> EmbedManyResult:
    with ExitStack() as stack:
        result = await embed_many(make_model(stack), VALUES)
    first = result.embeddings[0]
    for value, embedding in zip(result.values[1:], result.embeddings[1:], strict=True):
        print(f"{VALUES[0]!r} vs {value!r}: {cosine_similarity(first, embedding):.3f}")
    print(f"{len(result.embeddings)} embeddings, tokens: {result.usage.tokens}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
