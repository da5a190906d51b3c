"""Embeddings: the EmbeddingModel protocol, embed() / embed_many(), and embedding middleware.

``embed_many`` splits the values by the model's ``max_embeddings_per_call``, runs the batches in
parallel when the model supports it (at most ``max_parallel_calls`` at a time), retries each batch
like ``generate_text`` retries a call, and returns the embeddings in input order with usage summed.
``wrap_embedding_model(model, [a, b, c])`` builds ``a(b(c(model)))``: the first listed is the outermost,
the same rule as :func:`pipeline.chain.wrap_model`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import anyio
from pydantic import Field

from ._base import ProviderMetadata, ProviderOptions, Record
from .errors import InvalidArgumentError, InvalidResponseDataError
from .model import EndpointIdentity, endpoint_identity_of
from .registry import resolve_embedding_model
from .result import NO_RESPONSE, CallWarning, ResponseMetadata
from .retry import RetryPolicy, retry_policy, with_retries
from .settings import checked_keywords

__all__ = [
    "EmbedManyResult",
    "EmbedParams",
    "EmbedResult",
    "EmbedTransformContext",
    "EmbedValueResult",
    "EmbedWrapContext",
    "Embedding",
    "EmbeddingMiddleware",
    "EmbeddingModel",
    "EmbeddingUsage",
    "WrappedEmbeddingModel",
    "embed",
    "embed_many",
    "wrap_embedding_model",
]

Embedding = list[float]


class EmbedParams(Record):
    """What ``do_embed`` receives: the values of one batch, extra headers and provider options."""

    values: list[str]
    headers: dict[str, str] | None = None
    provider_options: ProviderOptions | None = None


class EmbeddingUsage(Record):
    """Tokens the provider counted for the embedded input (``None`` when it did not say)."""

    tokens: int | None = None


_NO_USAGE = EmbeddingUsage.model_construct()
"""The usage of a result whose provider counted nothing: one shared frozen record (made without
validation, so importing this module builds no schema; see :mod:`pipeline.result`)."""


class EmbedResult(Record):
    """What ``do_embed`` returns: one embedding per value, in order."""

    embeddings: list[Embedding]
    usage: EmbeddingUsage = _NO_USAGE
    warnings: list[CallWarning] = Field(default_factory=list)
    response: ResponseMetadata = NO_RESPONSE
    provider_metadata: ProviderMetadata | None = None


@runtime_checkable
class EmbeddingModel(Protocol):
    """An embedding model: a provider terminal, a wrapped model or a test double.

    ``max_embeddings_per_call`` is the provider's batch limit (``None``: no limit);
    ``supports_parallel_calls`` says whether batches may run concurrently. ``do_embed`` never retries.
    """

    @property
    def provider(self) -> str: ...

    @property
    def model_id(self) -> str: ...

    @property
    def max_embeddings_per_call(self) -> int | None: ...

    @property
    def supports_parallel_calls(self) -> bool: ...

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        """Embed ``params.values`` (at most ``max_embeddings_per_call`` of them)."""
        ...


class EmbedValueResult(Record):
    """The result of :func:`embed`: the value, its embedding, usage and the call's metadata."""

    value: str
    embedding: Embedding
    usage: EmbeddingUsage = _NO_USAGE
    warnings: list[CallWarning] = Field(default_factory=list)
    response: ResponseMetadata = NO_RESPONSE
    provider_metadata: ProviderMetadata | None = None


class EmbedManyResult(Record):
    """The result of :func:`embed_many`: embeddings in input order, usage summed, one response per batch."""

    values: list[str]
    embeddings: list[Embedding]
    usage: EmbeddingUsage = _NO_USAGE
    warnings: list[CallWarning] = Field(default_factory=list)
    responses: list[ResponseMetadata] = Field(default_factory=list)
    provider_metadata: ProviderMetadata | None = None


def _params(
    values: list[str], headers: Mapping[str, str] | None, provider_options: ProviderOptions | None
) -> EmbedParams:
    return EmbedParams(
        values=values,
        headers=dict(headers) if headers is not None else None,
        provider_options=provider_options,
    )


async def _embed_batch(model: EmbeddingModel, params: EmbedParams, policy: RetryPolicy) -> EmbedResult:
    result = await with_retries(lambda attempt: model.do_embed(params), policy)
    if len(result.embeddings) != len(params.values):
        raise InvalidResponseDataError(
            f"The model returned {len(result.embeddings)} embeddings for {len(params.values)} values",
            data=result.to_json_dict(),
        )
    return result


@checked_keywords()
async def embed(
    model: EmbeddingModel | str,
    value: str,
    *,
    max_retries: int | RetryPolicy = 2,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
    provider_options: ProviderOptions | None = None,
) -> EmbedValueResult:
    """Embed one value (retried like ``generate_text``; ``timeout`` bounds the call, retries included).

    ``model`` is an embedding model or a model string (``"openai/text-embedding-3-small"``).
    """
    resolved = resolve_embedding_model(model)
    policy = retry_policy(max_retries)
    with anyio.fail_after(timeout):
        result = await _embed_batch(resolved, _params([value], headers, provider_options), policy)
    return EmbedValueResult(
        value=value,
        embedding=result.embeddings[0],
        usage=result.usage,
        warnings=result.warnings,
        response=result.response,
        provider_metadata=result.provider_metadata,
    )


@checked_keywords()
async def embed_many(
    model: EmbeddingModel | str,
    values: Sequence[str],
    *,
    max_parallel_calls: int | None = None,
    max_retries: int | RetryPolicy = 2,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
    provider_options: ProviderOptions | None = None,
) -> EmbedManyResult:
    """Embed many values in batches of ``model.max_embeddings_per_call``.

    Batches run concurrently (at most ``max_parallel_calls`` at once, default unlimited) when the model
    ``supports_parallel_calls``, else one after another. Embeddings come back in input order.
    ``model`` is an embedding model or a model string (``"openai/text-embedding-3-small"``).
    """
    if isinstance(values, str):
        raise InvalidArgumentError("values", "values must be a list of strings (use embed() for one value)")
    limit = max_parallel_calls
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidArgumentError("max_parallel_calls", "max_parallel_calls must be an integer >= 1")
    resolved = resolve_embedding_model(model)
    policy = retry_policy(max_retries)
    batches = _batches(list(values), resolved.max_embeddings_per_call)
    results: list[EmbedResult | None] = [None] * len(batches)
    if not resolved.supports_parallel_calls:
        limit = 1
    limiter = anyio.CapacityLimiter(limit if limit is not None else max(len(batches), 1))

    failures: list[Exception] = []

    async def run(index: int, batch: list[str], scope: anyio.CancelScope) -> None:
        try:
            async with limiter:
                results[index] = await _embed_batch(
                    resolved, _params(batch, headers, provider_options), policy
                )
        except Exception as error:  # the first failure ends the call, unwrapped (no exception group)
            failures.append(error)
            scope.cancel()

    with anyio.fail_after(timeout):
        async with anyio.create_task_group() as group:
            for index, batch in enumerate(batches):
                group.start_soon(run, index, batch, group.cancel_scope)
    if failures:
        raise failures[0]
    done = [result for result in results if result is not None]
    return EmbedManyResult(
        values=list(values),
        embeddings=[embedding for result in done for embedding in result.embeddings],
        usage=EmbeddingUsage(tokens=_sum_tokens(result.usage.tokens for result in done)),
        warnings=[warning for result in done for warning in result.warnings],
        responses=[result.response for result in done],
        provider_metadata=_merge_metadata(result.provider_metadata for result in done),
    )


def _batches(values: list[str], size: int | None) -> list[list[str]]:
    if not values:
        return []
    if size is None:
        return [values]
    return [values[start : start + size] for start in range(0, len(values), size)]


def _sum_tokens(counts: Iterable[int | None]) -> int | None:
    """The AI SDK's rule: unknown counts are skipped; all unknown stays unknown."""
    known = [count for count in counts if count is not None]
    return sum(known) if known else None


def _merge_metadata(items: Iterable[ProviderMetadata | None]) -> ProviderMetadata | None:
    merged: ProviderMetadata = {}
    for item in items:
        for provider, data in (item or {}).items():
            merged[provider] = {**merged.get(provider, {}), **data}
    return merged or None


# -- middleware ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmbedTransformContext:
    """What ``transform_params`` sees: the params so far and the next-inner model."""

    params: EmbedParams
    model: EmbeddingModel


@dataclass(frozen=True, slots=True)
class EmbedWrapContext:
    """What ``wrap_embed`` sees: this layer's params, the next-inner model, and ``do_embed()`` to call it."""

    params: EmbedParams
    model: EmbeddingModel
    do_embed: Callable[[], Awaitable[EmbedResult]]


class EmbeddingMiddleware:
    """Base class for embedding middleware: every hook passes through; override what you need.

    Configured once and shared by concurrent calls: keep no per-call state on ``self``.
    """

    async def transform_params(self, ctx: EmbedTransformContext) -> EmbedParams:
        """The params the inner layers should see (default: unchanged)."""
        return ctx.params

    async def wrap_embed(self, call: EmbedWrapContext) -> EmbedResult:
        """Wrap an embed call (default: call the inner model)."""
        return await call.do_embed()

    def override_provider(self, model: EmbeddingModel) -> str | None:
        return None

    def override_model_id(self, model: EmbeddingModel) -> str | None:
        return None

    def override_max_embeddings_per_call(self, model: EmbeddingModel) -> int | None:
        return None

    def override_supports_parallel_calls(self, model: EmbeddingModel) -> bool | None:
        return None


class WrappedEmbeddingModel:
    """One middleware layer around an inner embedding model; satisfies :class:`EmbeddingModel`."""

    def __init__(
        self,
        inner: EmbeddingModel,
        middleware: EmbeddingMiddleware,
        *,
        model_id: str | None = None,
        provider: str | None = None,
    ) -> None:
        self.inner = inner
        self.middleware = middleware
        self.provider = provider or middleware.override_provider(inner) or inner.provider
        self.model_id = model_id or middleware.override_model_id(inner) or inner.model_id
        limit = middleware.override_max_embeddings_per_call(inner)
        self.max_embeddings_per_call = limit if limit is not None else inner.max_embeddings_per_call
        parallel = middleware.override_supports_parallel_calls(inner)
        self.supports_parallel_calls = parallel if parallel is not None else inner.supports_parallel_calls

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """The inner model's (see :func:`~pipeline.model.endpoint_identity_of`)."""
        return endpoint_identity_of(self.inner)

    async def do_embed(self, params: EmbedParams) -> EmbedResult:
        inner = self.inner
        params = await self.middleware.transform_params(EmbedTransformContext(params, inner))

        async def do_embed() -> EmbedResult:
            return await inner.do_embed(params)

        return await self.middleware.wrap_embed(EmbedWrapContext(params, inner, do_embed))

    def __repr__(self) -> str:
        return f"WrappedEmbeddingModel({type(self.middleware).__name__}, inner={self.inner!r})"


def wrap_embedding_model(
    model: EmbeddingModel,
    middleware: EmbeddingMiddleware | Sequence[EmbeddingMiddleware],
    *,
    model_id: str | None = None,
    provider: str | None = None,
) -> EmbeddingModel:
    """Wrap ``model`` in middleware; the first listed is the outermost (``a(b(c(model)))``)."""
    layers = [middleware] if isinstance(middleware, EmbeddingMiddleware) else list(middleware)
    wrapped: EmbeddingModel = model
    for layer in reversed(layers):
        wrapped = WrappedEmbeddingModel(wrapped, layer, model_id=model_id, provider=provider)
    return wrapped
