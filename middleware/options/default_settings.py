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

from .provider_options import ProviderOptionsMiddleware

__all__ = ["DefaultSettingsMiddleware"]


class DefaultSettingsMiddleware(ProviderOptionsMiddleware):
    """Merges ``settings`` under every call's params, in generate and stream alike.

    ``settings`` is a dict (snake_case or camelCase keys: ``temperature``, ``maxOutputTokens``,
    ``stop_sequences``, ``headers``, ``tools``, ``provider_options`` ...) or a params-like record;
    it is validated here, so a bad setting fails when the middleware is built, not on a call.
    """

    def __init__(self, *, settings: Mapping[str, Any] | BaseModel) -> None:
        super().__init__(settings=settings)
