"""The middleware chain: the Middleware base class, its hook contexts, and wrap_model().

``wrap_model(model, middleware=[a, b, c])`` builds ``a(b(c(model)))``: the first listed middleware is
the outermost. For each call, a layer first runs its own ``transform_params``, then its own wrap hook;
the thunks that hook receives call the next layer with the params this layer transformed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .model import LanguageModel, SupportedUrls
from .params import CallParams
from .result import GenerateResult
from .stream import StreamResult

__all__ = [
    "CallType",
    "Middleware",
    "TransformContext",
    "WrapContext",
    "WrappedModel",
    "resolve_params",
    "wrap_model",
]

CallType = Literal["generate", "stream"]


@dataclass(frozen=True, slots=True)
class TransformContext:
    """What ``transform_params`` sees: the call type, the params so far, and the next-inner model."""

    type: CallType
    params: CallParams
    model: LanguageModel


@dataclass(frozen=True, slots=True, repr=False)
class WrapContext:
    """What ``wrap_generate`` / ``wrap_stream`` see.

    ``params`` are this layer's transformed params; ``do_generate()`` / ``do_stream()`` call the
    next-inner model with them. ``model`` is the next-inner model, not the base model.
    """

    type: CallType
    params: CallParams
    model: LanguageModel
    do_generate: Callable[[], Awaitable[GenerateResult]]
    do_stream: Callable[[], Awaitable[StreamResult]]

    def __repr__(self) -> str:
        """Type, params (credentials redacted by their own ``repr``) and model; not the thunks."""
        return f"WrapContext(type={self.type!r}, params={self.params!r}, model={self.model!r})"


class Middleware:
    """Base class for middleware: every hook passes through, so a subclass overrides only what it needs.

    A middleware instance is configured once and shared by concurrent calls: keep no per-call
    state on ``self``.
    """

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        """Return the params the inner layers should see (default: unchanged)."""
        return ctx.params

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        """Wrap a generate call (default: call the inner model)."""
        return await call.do_generate()

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        """Wrap a stream call (default: call the inner model)."""
        return await call.do_stream()

    def override_provider(self, model: LanguageModel) -> str | None:
        """A provider id to report instead of the inner model's (default: none)."""
        return None

    def override_model_id(self, model: LanguageModel) -> str | None:
        """A model id to report instead of the inner model's (default: none)."""
        return None

    def override_supported_urls(self, model: LanguageModel) -> SupportedUrls | None:
        """Supported URLs to report instead of the inner model's (default: none)."""
        return None


def _overrides(middleware: Middleware, name: str) -> bool:
    return getattr(type(middleware), name) is not getattr(Middleware, name)


class WrappedModel:
    """One middleware layer around an inner model; satisfies :class:`LanguageModel`."""

    __slots__ = (
        "_generate_hook",
        "_has_transform",
        "_stream_hook",
        "inner",
        "middleware",
        "model_id",
        "provider",
        "supported_urls",
    )

    def __init__(
        self,
        inner: LanguageModel,
        middleware: Middleware,
        *,
        model_id: str | None = None,
        provider: str | None = None,
    ) -> None:
        self.inner = inner
        self.middleware = middleware
        self.provider = provider or middleware.override_provider(inner) or inner.provider
        self.model_id = model_id or middleware.override_model_id(inner) or inner.model_id
        urls = middleware.override_supported_urls(inner)
        self.supported_urls = urls if urls is not None else inner.supported_urls
        self._has_transform = _overrides(middleware, "transform_params")
        self._generate_hook = _overrides(middleware, "wrap_generate")
        self._stream_hook = _overrides(middleware, "wrap_stream")

    async def transformed(self, type: CallType, params: CallParams) -> CallParams:
        """This layer's ``transform_params`` applied to ``params`` (no model call)."""
        if not self._has_transform:
            return params
        return await self.middleware.transform_params(TransformContext(type, params, self.inner))

    async def do_generate(self, params: CallParams) -> GenerateResult:
        params = await self.transformed("generate", params)
        if not self._generate_hook:
            return await self.inner.do_generate(params)
        return await self.middleware.wrap_generate(self._context("generate", params))

    async def do_stream(self, params: CallParams) -> StreamResult:
        params = await self.transformed("stream", params)
        if not self._stream_hook:
            return await self.inner.do_stream(params)
        return await self.middleware.wrap_stream(self._context("stream", params))

    def _context(self, type: CallType, params: CallParams) -> WrapContext:
        inner = self.inner

        async def do_generate() -> GenerateResult:
            return await inner.do_generate(params)

        async def do_stream() -> StreamResult:
            return await inner.do_stream(params)

        return WrapContext(type, params, inner, do_generate, do_stream)

    def __repr__(self) -> str:
        return f"WrappedModel({type(self.middleware).__name__}, inner={self.inner!r})"


def wrap_model(
    model: LanguageModel,
    middleware: Middleware | Sequence[Middleware],
    *,
    model_id: str | None = None,
    provider: str | None = None,
) -> LanguageModel:
    """Wrap ``model`` in middleware; the first listed is the outermost (``a(b(c(model)))``).

    ``model_id`` / ``provider`` given here beat every middleware override.
    """
    layers = [middleware] if isinstance(middleware, Middleware) else list(middleware)
    wrapped: LanguageModel = model
    for layer in reversed(layers):
        wrapped = WrappedModel(wrapped, layer, model_id=model_id, provider=provider)
    return wrapped


async def resolve_params(model: LanguageModel, type: CallType, params: CallParams) -> CallParams:
    """The params the terminal model would receive from ``model.do_*(params)``.

    Runs every ``transform_params`` of the layers inside ``model`` without calling the model, so a
    layer (such as a cache) can see the effective request that inner layers will send.
    """
    while isinstance(model, WrappedModel):
        params = await model.transformed(type, params)
        model = model.inner
    return params
