"""Embedding wire replies for the loopback server: OpenAI ``/embeddings`` and Gemini ``batchEmbedContents``.

The ``*_responder`` functions answer each request from its own body (one deterministic vector per input),
so batched and parallel calls can be checked without scripting every reply.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pipeline.embed_testing import fake_embedding

from .server import JsonReply, RecordedRequest

__all__ = [
    "google_embedding_body",
    "google_embedding_reply",
    "google_embedding_responder",
    "openai_embedding_body",
    "openai_embedding_reply",
    "openai_embedding_responder",
]


def openai_embedding_body(
    embeddings: Sequence[Sequence[float]], *, model: str = "text-embedding-3-small", prompt_tokens: int = 8
) -> dict[str, Any]:
    """A ``list`` object of ``embedding`` items with their indexes, the model and the usage."""
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "index": index, "embedding": list(vector)}
            for index, vector in enumerate(embeddings)
        ],
        "model": model,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
    }


def openai_embedding_reply(embeddings: Sequence[Sequence[float]], **kwargs: Any) -> JsonReply:
    """A 200 reply holding ``embeddings`` (keywords as for :func:`openai_embedding_body`)."""
    return JsonReply(openai_embedding_body(embeddings, **kwargs))


def openai_embedding_responder(dimensions: int = 3) -> Callable[[RecordedRequest], JsonReply]:
    """Answers each request with ``fake_embedding`` of every ``input`` (one token per word)."""

    def respond(request: RecordedRequest) -> JsonReply:
        body = request.json()
        values = body["input"]
        return openai_embedding_reply(
            [fake_embedding(value, body.get("dimensions", dimensions)) for value in values],
            model=body["model"],
            prompt_tokens=sum(len(value.split()) for value in values),
        )

    return respond


def google_embedding_body(embeddings: Sequence[Sequence[float]]) -> dict[str, Any]:
    """A ``batchEmbedContents`` answer: ``{"embeddings": [{"values": [...]}, ...]}``."""
    return {"embeddings": [{"values": list(vector)} for vector in embeddings]}


def google_embedding_reply(embeddings: Sequence[Sequence[float]]) -> JsonReply:
    return JsonReply(google_embedding_body(embeddings))


def google_embedding_responder(dimensions: int = 3) -> Callable[[RecordedRequest], JsonReply]:
    """Answers each ``batchEmbedContents`` request with ``fake_embedding`` of every request's text."""

    def respond(request: RecordedRequest) -> JsonReply:
        requests = request.json()["requests"]
        return google_embedding_reply(
            [
                fake_embedding(
                    item["content"]["parts"][0]["text"], item.get("outputDimensionality", dimensions)
                )
                for item in requests
            ]
        )

    return respond
