"""Embed a text: one value, one vector.

With OPENAI_API_KEY set, this calls the real OpenAI API; without it, a loopback server on 127.0.0.1
answers with a scripted embedding. Run: python examples/embed_text.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline.embed import EmbedValueResult, embed
from providers.openai import OpenAIEmbeddingModel
from providers.testing import LoopbackServer
from providers.testing.embeddings import openai_embedding_reply

__all__ = ["main"]


def make_model(stack: ExitStack) -> OpenAIEmbeddingModel:
    """The real OpenAI API when a key is set, else a loopback server with the scripted embedding."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIEmbeddingModel("text-embedding-3-small")
    server = stack.enter_context(LoopbackServer())
    server.enqueue(openai_embedding_reply([[0.021, -0.013, 0.094, 0.047]], prompt_tokens=5))
    print("(no OPENAI_API_KEY: answering from a loopback OpenAI-compatible server)")
    return OpenAIEmbeddingModel(
        "text-embedding-3-small", base_url=f"{server.base_url}/v1", api_key="loopback"
    )


async def main() -> EmbedValueResult:
    with ExitStack() as stack:
        result = await embed(make_model(stack), "sunny day at the beach")
    print(f"{len(result.embedding)} dimensions, starting {result.embedding[:4]}")
    print(f"tokens: {result.usage.tokens}")
    return result


if __name__ == "__main__":
    asyncio.run(main())
