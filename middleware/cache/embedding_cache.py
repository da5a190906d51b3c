"""EmbeddingCacheMiddleware: answer repeated embeddings from a store, one value at a time.

``wrap_embedding_model(model, [EmbeddingCacheMiddleware(...)])``. Each value of a call is its own entry
(key: :func:`~middleware.cache.key.embedding_key`, which covers the model's endpoint identity, so two
tenants never share a vector unless ``share_across_credentials=True``), so a batch that repeats
values earlier calls embedded sends only the new ones to the model (each distinct value once), and
the vectors come back in the caller's order:

* a call whose values are all stored makes no model call: usage 0 tokens;
* otherwise one model call embeds the missing values (usage, response and provider metadata are that
  call's) and each new vector is stored;
* ``provider_metadata["modelpipe"]["cache"]`` says ``"hit"``, ``"miss"`` or ``"partial"``;
* per call, ``providerOptions={"modelpipe": {"cache": "bypass"}}`` skips the cache and ``"refresh"``
  embeds every value again and overwrites the entries;
* ``mode="replay"`` never calls the model: a value without an entry raises
  :class:`~pipeline.errors.CacheMissError`; ``mode="record"`` always calls the model and stores;
* a broken, slow or full store never fails the call (see :mod:`middleware.cache.access`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal, get_args

from pipeline import control
from pipeline.embed import (
    Embedding,
    EmbeddingMiddleware,
    EmbeddingUsage,
    EmbedResult,
    EmbedWrapContext,
)
from pipeline.errors import CacheMissError, InvalidResponseDataError
from pipeline.model import endpoint_identity_of

from .access import GuardedStore
from .call_cache import CacheMode, cache_flag, default_cache_directory
from .codec import decode_embedding, encode_embedding
from .key import embedding_key
from .stores import CacheStore, DiskStore

__all__ = ["EmbeddingCacheMiddleware", "EmbeddingCacheStats"]


@dataclass(frozen=True)
class EmbeddingCacheStats:
    """Counters since the middleware was created, in values (not calls): ``hits`` answered from the
    store, ``misses`` sent to the model, ``writes`` entries handed to the store to write (see
    :class:`~middleware.cache.call_cache.CacheStats`), ``errors`` store failures."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0


class EmbeddingCacheMiddleware(EmbeddingMiddleware):
    """Caches embedding vectors per value in a :class:`~middleware.cache.stores.CacheStore`.

    ``store`` defaults to a :class:`~middleware.cache.stores.DiskStore` in
    :func:`~middleware.cache.call_cache.default_cache_directory`; ``ttl`` bounds an entry's life in seconds;
    ``namespace`` separates test suites or tenants (models with different credentials or base URLs are
    kept apart anyway, unless ``share_across_credentials=True``); ``store_timeout`` is the deadline of
    each store operation.
    """

    def __init__(
        self,
        store: CacheStore | None = None,
        *,
        mode: CacheMode = "read-write",
        ttl: float | None = None,
        namespace: str | None = None,
        store_timeout: float = 0.25,
        max_entry_bytes: int = 2**20,
        share_across_credentials: bool = False,
    ) -> None:
        if mode not in get_args(CacheMode):
            raise ValueError(f"mode must be one of {get_args(CacheMode)}, got {mode!r}")
        self.store: CacheStore = store if store is not None else DiskStore(default_cache_directory())
        self.mode = mode
        self.namespace = namespace
        self.share_across_credentials = share_across_credentials
        self._access = GuardedStore(
            self.store, timeout=store_timeout, ttl=ttl, max_entry_bytes=max_entry_bytes
        )
        self._hits = 0
        self._misses = 0

    @property
    def stats(self) -> EmbeddingCacheStats:
        """A snapshot of the counters."""
        access = self._access
        return EmbeddingCacheStats(
            hits=self._hits, misses=self._misses, writes=access.writes, errors=access.errors
        )

    async def wrap_embed(self, call: EmbedWrapContext) -> EmbedResult:
        flag = None if self.mode == "replay" else cache_flag(call.params)
        if flag == "bypass":
            return await call.do_embed()
        endpoint = endpoint_identity_of(call.model)
        if self.share_across_credentials:
            endpoint = endpoint.shared_across_credentials()
        keys = [
            embedding_key(
                call.model.provider,
                call.model.model_id,
                value,
                call.params,
                namespace=self.namespace,
                endpoint=endpoint,
            )
            for value in call.params.values
        ]
        looks_up = self.mode == "replay" or (self.mode == "read-write" and flag is None)
        found: list[Embedding | None] = [None] * len(keys)
        if looks_up:
            found = [await self._access.load(key, decode_embedding) for key in keys]
        missing = [index for index, vector in enumerate(found) if vector is None]
        if missing and self.mode == "replay":
            raise CacheMissError(keys[missing[0]])
        self._hits += len(keys) - len(missing)
        self._misses += len(missing)
        if not missing:
            return EmbedResult(
                embeddings=[vector for vector in found if vector is not None],
                usage=EmbeddingUsage(tokens=0),
                provider_metadata=control.with_cache_status(None, "hit"),
            )
        return await self._fill(call, keys, found, missing)

    async def _fill(
        self, call: EmbedWrapContext, keys: list[str], found: list[Embedding | None], missing: list[int]
    ) -> EmbedResult:
        """Embed the missing values (each distinct one once), store them, and answer in order."""
        positions: dict[str, list[int]] = {}
        for index in missing:
            positions.setdefault(keys[index], []).append(index)
        values = call.params.values
        inner = await self._embed_missing(call, [values[same[0]] for same in positions.values()])
        for (key, same), vector in zip(positions.items(), inner.embeddings, strict=True):
            for index in same:
                found[index] = vector
            await self._access.save(key, functools.partial(encode_embedding, key, vector))
        status: Literal["miss", "partial"] = "miss" if len(missing) == len(keys) else "partial"
        return inner.model_copy(
            update={
                "embeddings": [vector for vector in found if vector is not None],
                "provider_metadata": control.with_cache_status(inner.provider_metadata, status),
            }
        )

    async def _embed_missing(self, call: EmbedWrapContext, values: list[str]) -> EmbedResult:
        """The inner model's result for ``values`` (the whole call when nothing was found)."""
        if len(values) == len(call.params.values):
            result = await call.do_embed()
        else:
            result = await call.model.do_embed(call.params.model_copy(update={"values": values}))
        if len(result.embeddings) != len(values):
            raise InvalidResponseDataError(
                f"The embedding model returned {len(result.embeddings)} embeddings for {len(values)} values",
                data={"values": len(values), "embeddings": len(result.embeddings)},
            )
        return result
