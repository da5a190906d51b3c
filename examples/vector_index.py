"""Small vector indexes for the RAG examples: embed, store, search by cosine similarity.

``InMemoryVectorIndex`` is enough for one process. For more than one machine, ``RedisVectorIndex``
keeps the same chunks in Redis (any Redis >= 5 with the ``redis`` extra: hashes, scored here by
``cosine_similarity``); for large indexes, Redis 8 (or Redis Stack with RediSearch) can search
vectors on the server with ``FT.CREATE ... VECTOR HNSW`` and ``FT.SEARCH ... KNN``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline import cosine_similarity

__all__ = ["Chunk", "InMemoryVectorIndex", "RedisVectorIndex", "VectorIndex"]


@dataclass(frozen=True)
class Chunk:
    text: str
    embedding: list[float]


class VectorIndex(Protocol):
    async def add(self, chunks: Sequence[Chunk]) -> None: ...

    async def search(self, embedding: Sequence[float], k: int = 3) -> list[tuple[float, str]]: ...


def _top(chunks: Sequence[Chunk], embedding: Sequence[float], k: int) -> list[tuple[float, str]]:
    scored = [(cosine_similarity(embedding, chunk.embedding), chunk.text) for chunk in chunks]
    return sorted(scored, key=lambda pair: pair[0], reverse=True)[:k]


class InMemoryVectorIndex:
    """Chunks and their embeddings in a list; search scores every chunk (fine for thousands)."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []

    async def add(self, chunks: Sequence[Chunk]) -> None:
        self.chunks.extend(chunks)

    async def search(self, embedding: Sequence[float], k: int = 3) -> list[tuple[float, str]]:
        return _top(self.chunks, embedding, k)


class RedisVectorIndex:
    """The same index shared through Redis: one hash per chunk under ``prefix``."""

    def __init__(self, redis: Any, prefix: str = "kb:chunk:") -> None:
        self.redis = redis  # a redis.asyncio.Redis
        self.prefix = prefix

    async def add(self, chunks: Sequence[Chunk]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for chunk in chunks:
                key = f"{self.prefix}{uuid.uuid4().hex}"
                pipe.hset(key, mapping={"text": chunk.text, "embedding": json.dumps(chunk.embedding)})
            await pipe.execute()

    async def search(self, embedding: Sequence[float], k: int = 3) -> list[tuple[float, str]]:
        chunks = []
        async for key in self.redis.scan_iter(match=f"{self.prefix}*", count=500):
            stored = await self.redis.hgetall(key)
            chunks.append(Chunk(stored[b"text"].decode(), json.loads(stored[b"embedding"])))
        return _top(chunks, embedding, k)
