"""Cache embeddings per value: a second batch sends only its new text to the model.

EmbeddingCacheMiddleware keeps one entry per embedded value in a disk cache (our own JSON envelope,
never pickle). The second embed_many repeats two texts of the first and adds one: only the new text
reaches the model, and the vectors come back in the order asked. The model is the OpenAI embedding
terminal talking to a loopback server on 127.0.0.1 (offline), which records what reaches it.
Run: python examples/cache_embeddings.py
"""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import ExitStack
from pathlib import Path

from middleware.cache import EmbeddingCacheMiddleware
from middleware.cache.stores import DiskStore
from pipeline.embed import EmbedManyResult, embed_many, wrap_embedding_model
from providers.openai import OpenAIEmbeddingModel
from providers.testing import LoopbackServer
from providers.testing.embeddings import openai_embedding_reply

__all__ = ["FIRST", "SECOND", "main"]

FIRST = ["sunny day at the beach", "rainy afternoon in the city"]
SECOND = ["rainy afternoon in the city", "snowy night in the mountains", "sunny day at the beach"]


async def main() -> tuple[EmbedManyResult, EmbedManyResult, list[list[str]]]:
    with ExitStack() as stack:
        server = stack.enter_context(LoopbackServer())
        server.enqueue(
            openai_embedding_reply([[0.9, 0.1, 0.0], [0.2, 0.9, 0.3]], prompt_tokens=10),
            openai_embedding_reply([[0.1, 0.4, 0.9]], prompt_tokens=5),
        )
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        store = DiskStore(directory / "embeddings")
        stack.callback(store.close)
        model = OpenAIEmbeddingModel(
            "text-embedding-3-small", base_url=f"{server.base_url}/v1", api_key="loopback"
        )
        cached = wrap_embedding_model(model, EmbeddingCacheMiddleware(store))
        first = await embed_many(cached, FIRST)
        second = await embed_many(cached, SECOND)
        sent = [request.json()["input"] for request in server.requests]
    print(f"first batch: {len(first.embeddings)} embeddings, tokens {first.usage.tokens}")
    print(f"second batch: {len(second.embeddings)} embeddings, tokens {second.usage.tokens}")
    print(f"texts that reached the model: {sent}")
    return first, second, sent


if __name__ == "__main__":
    asyncio.run(main())
