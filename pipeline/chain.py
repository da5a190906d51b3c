"""The middleware chain: the Middleware base class, its hook contexts, and wrap_model().

``wrap_model(model, middleware=[a, b, c])`` builds ``a(b(c(model)))``: the first listed middleware is
the outermost. For each call, a layer first runs its own ``transform_params``, then its own wrap hook;
the thunks that hook receives call the next layer with the params this layer transformed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import InvalidArgumentError
from .model import CallType, EndpointIdentity, LanguageModel, SupportedUrls
from .params import CallParams
from .result import GenerateResult
from .stream import StreamResult

__all__ = [
    "CallType",
    "Middleware",
    "TransformContext",
    "WrapContext",
    "WrappedModel",
    "forget_resolved_params",
    "resolve_params",
    "wrap_model",
]

_Resolved = dict[int, tuple["WrappedModel", CallType, CallParams, CallParams]]
_resolved: ContextVar[_Resolved | None] = ContextVar("modelpipe_resolved_params", default=None)
"""Per call, what :func:`resolve_params` computed for each layer (layer id to the layer, call type, input
and output params), so the call that follows does not run the same ``transform_params`` again."""


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

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """The inner model's: middleware changes what is sent, not who answers."""
        return self.inner.endpoint_identity

    async def transformed(self, type: CallType, params: CallParams) -> CallParams:
        """This layer's ``transform_params`` applied to ``params`` (no model call)."""
        if not self._has_transform:
            return params
        return await self.middleware.transform_params(TransformContext(type, params, self.inner))

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """This layer's transform, then the inner model's :meth:`resolve_params` (no model call)."""
        transformed = await self.transformed(type, params)
        resolved = _resolved.get()
        if self._has_transform and resolved is not None:
            resolved[id(self)] = (self, type, params, transformed)
        return await _resolve(self.inner, type, transformed)

    async def _transform_once(self, type: CallType, params: CallParams) -> CallParams:
        """``transformed``, reusing what :func:`resolve_params` computed for these very params."""
        if not self._has_transform:
            return params
        resolved = _resolved.get()
        entry = resolved.pop(id(self), None) if resolved is not None else None
        if entry is not None and entry[0] is self and entry[1] == type and entry[2] is params:
            return entry[3]
        return await self.transformed(type, params)

    async def do_generate(self, params: CallParams) -> GenerateResult:
        params = await self._transform_once("generate", params)
        if not self._generate_hook:
            return await self.inner.do_generate(params)
        return await self.middleware.wrap_generate(self._context("generate", params))

    async def do_stream(self, params: CallParams) -> StreamResult:
        params = await self._transform_once("stream", params)
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
    """The params the terminal model would receive from ``model.do_*(params)``, through the model's
    :meth:`~pipeline.model.LanguageModel.resolve_params` (every inner ``transform_params``, no model call).

    A following ``model.do_*(params)`` in the same task, with the very same ``params`` object, reuses
    each layer's result instead of transforming again. A model (or a layer inside it) that does not
    declare ``resolve_params`` raises :class:`~pipeline.errors.InvalidArgumentError`: a key computed
    without it could miss what that layer changes.
    """
    _resolved.set({})
    return await _resolve(model, type, params)


def forget_resolved_params() -> None:
    """Drop what :func:`resolve_params` kept for a call that will not follow (a cache hit), so the task
    does not hold those params (attachments included) until its next call."""
    _resolved.set(None)


async def _resolve(model: LanguageModel, type: CallType, params: CallParams) -> CallParams:
    resolve = getattr(model, "resolve_params", None)
    if resolve is None:
        raise InvalidArgumentError(
            "model",
            f"{_type_name(model)} does not declare resolve_params(type, params), so the params it sends "
            "cannot be known without calling it; implement it, or wrap with wrap_model()",
        )
    resolved: CallParams = await resolve(type, params)
    return resolved


def _type_name(value: object) -> str:
    return type(value).__name__
