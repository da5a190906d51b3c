"""Default settings under the call's params: the AI SDK's ``defaultSettingsMiddleware``.

The same merge as :class:`~middleware.options.provider_options.ProviderOptionsMiddleware` (it is
:func:`~middleware.options.provider_options.apply_default_settings`): the call wins; ``headers`` and
``provider_options`` merge key by key, recursively; lists, records and scalars replace; a call value
of ``None`` is "not set" (the AI SDK's ``undefined``), so the default applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from pipeline.chain import Middleware, TransformContext
from pipeline.params import CallParams

from .provider_options import apply_default_settings, default_settings

__all__ = ["DefaultSettingsMiddleware"]


class DefaultSettingsMiddleware(Middleware):
    """Merges ``settings`` under every call's params, in generate and stream alike.

    ``settings`` is a dict (snake_case or camelCase keys: ``temperature``, ``maxOutputTokens``,
    ``stop_sequences``, ``headers``, ``tools``, ``provider_options`` ...) or a params-like record;
    it is validated here, so a bad setting fails when the middleware is built, not on a call.
    """

    def __init__(self, *, settings: Mapping[str, Any] | BaseModel) -> None:
        self.defaults: dict[str, Any] = default_settings(settings)

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return apply_default_settings(ctx.params, self.defaults)
