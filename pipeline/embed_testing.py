"""MockEmbeddingModel: a scripted embedding model that records its calls, for offline tests."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .embed import Embedding, EmbeddingUsage, EmbedParams, EmbedResult
from .model import EndpointIdentity
from .result import ResponseMetadata

__all__ = ["MockEmbeddingModel", "fake_embed_result", "fake_embedding"]

EmbedScript = EmbedResult | BaseException | Callable[[EmbedParams], Awaitable[EmbedResult]]


def fake_embedding(value: str, dimensions: int = 3) -> Embedding:
    """A deterministic unit-free vector for ``value`` (numbers in [-1, 1) derived from its SHA-256)."""
    digest = hashlib.sha256(value.encode()).digest()
    return [round(digest[index % len(digest)] / 128 - 1, 6) for index in range(dimensions)]


def fake_embed_result(params: EmbedParams, dimensions: int = 3) -> EmbedResult:
    """The result a mock returns by default: :func:`fake_embedding` of each value, one token per word."""
    return EmbedResult(
        embeddings=[fake_embedding(value, dimensions) for value in params.values],
        usage=EmbeddingUsage(tokens=sum(len(value.split()) for value in params.values)),
        response=ResponseMetadata(id="mock-embedding-response"),
    )


@dataclass
class MockEmbeddingModel:
    """A scripted :class:`~pipeline.embed.EmbeddingModel`.

    ``embed`` is one script or a list used in turn (the last repeats): a result, an exception to raise,
    or an async function of the params. By default each value gets :func:`fake_embedding`. ``calls``
    records every call's params, in the order the calls started.
    """

    embed: EmbedScript | list[EmbedScript] | None = None
    provider: str = "mock"
    model_id: str = "mock-embedding"
    max_embeddings_per_call: int | None = None
    supports_parallel_calls: bool = True
    identity: EndpointIdentity | None = None
    calls: list[EmbedParams] = field(default_factory=list)

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """``identity``, by default the provider id with no base URL and no credentials."""
        return self.identity or EndpointIdentity(self.provider, None, None)

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        index = len(self.calls)
        self.calls.append(params)
        script = self.embed
        if isinstance(script, list):
            script = script[min(index, len(script) - 1)]
        if script is None:
            return fake_embed_result(params)
        if isinstance(script, BaseException):
            raise script
        if isinstance(script, EmbedResult):
            return script
        return await script(params)
