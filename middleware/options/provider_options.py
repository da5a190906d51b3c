"""Provider-options injection: default settings and provider options under the call's, plus a dynamic form.

Defaults merge UNDER what the call gives (the AI SDK's ``defaultSettingsMiddleware``): the call
wins; dict settings (``headers``, ``provider_options``) merge key by key, recursively; lists
(``stop_sequences``, ``tools``), records and scalars replace; ``None`` in the call means "not set".
The dynamic form is a function of the params that may set options at call, message or part level,
e.g. :func:`mark_anthropic_cache_breakpoints`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from pipeline._base import ProviderOptions
from pipeline.chain import Middleware, TransformContext
from pipeline.errors import InvalidArgumentError
from pipeline.merge import merge_objects
from pipeline.params import CallParams

__all__ = [
    "ParamsTransform",
    "ProviderOptionsMiddleware",
    "apply_default_settings",
    "default_settings",
    "mark_anthropic_cache_breakpoints",
    "with_provider_options",
]

ParamsTransform = Callable[[CallParams], CallParams | Awaitable[CallParams]]
"""A function of the params returning new params (sync or async)."""

R = TypeVar("R", bound=BaseModel)


def default_settings(settings: Mapping[str, Any] | BaseModel | None) -> dict[str, Any]:
    """Default settings validated as :class:`CallParams` fields, keyed by field name, ``None`` left out.

    A ``prompt`` key is an :class:`InvalidArgumentError`; an unknown or invalid setting fails validation.
    """
    if settings is None:
        return {}
    if isinstance(settings, BaseModel):
        given = {name: getattr(settings, name) for name in settings.model_fields_set if name != "prompt"}
    else:
        given = dict(settings)
        if "prompt" in given:
            raise InvalidArgumentError("settings", "default settings cannot include a prompt")
    template = CallParams.model_validate({**given, "prompt": []})
    return {
        name: getattr(template, name)
        for name in template.model_fields_set - {"prompt"}
        if getattr(template, name) is not None
    }


def apply_default_settings(params: CallParams, defaults: Mapping[str, Any]) -> CallParams:
    """``params`` with ``defaults`` (field name to value) merged under it; pure.

    A call value counts as set when it differs from the field's default (``None``; ``False`` for
    ``include_raw_chunks``).
    """
    update: dict[str, Any] = {}
    for name, default in defaults.items():
        value = getattr(params, name)
        if value == _UNSET[name]:
            update[name] = _fresh(default)
        elif isinstance(value, dict) and isinstance(default, dict):
            update[name] = merge_objects(default, value)
    return params.model_copy(update=update) if update else params


_UNSET: dict[str, Any] = {name: field.default for name, field in CallParams.model_fields.items()}
"""Each params field's default: the value a call leaves a setting at when it does not set it."""


def _fresh(default: Any) -> Any:
    """A copy of a dict or list default, so no call can alias (and mutate) the shared defaults."""
    if isinstance(default, dict):
        return merge_objects(default, None)
    return list(default) if isinstance(default, list) else default


def with_provider_options(item: R, options: ProviderOptions) -> R:
    """``item`` (call params, a message or a part) with ``options`` merged under its own options."""
    current = getattr(item, "provider_options", None)
    merged = merge_objects(options, current)
    return item.model_copy(update={"provider_options": merged})


def mark_anthropic_cache_breakpoints(
    params: CallParams, *, cache_control: Mapping[str, Any] | None = None
) -> CallParams:
    """Mark the last system message and the last user message with Anthropic ``cacheControl``.

    The AI SDK's dynamic prompt-caching recipe: the stable prefix (instructions) and the whole
    conversation so far become cache breakpoints. ``cache_control`` defaults to
    ``{"type": "ephemeral"}``; options already on a message win. One case of
    :class:`~middleware.options.prompt_caching.PromptCachePolicy` (system, the last user message).
    """
    from .prompt_caching import PromptCachePolicy, apply_anthropic

    policy = PromptCachePolicy(tools=False, last_messages=1, marked=False, roles=frozenset({"user"}))
    marked, _ = apply_anthropic(params, policy, cache_control=cache_control or {"type": "ephemeral"})
    return marked


class ProviderOptionsMiddleware(Middleware):
    """Injects default settings and provider options, then applies an optional dynamic transform.

    ``settings`` is a dict (snake_case or camelCase keys) or a params-like record of defaults
    (``temperature``, ``max_output_tokens``, ``stop_sequences``, ``headers``, ``tools``,
    ``provider_options`` ...); ``provider_options`` are default provider options (merged over the
    ones in ``settings``); ``transform`` runs last on the merged params (sync or async).
    """

    def __init__(
        self,
        *,
        settings: Mapping[str, Any] | BaseModel | None = None,
        provider_options: ProviderOptions | None = None,
        transform: ParamsTransform | None = None,
    ) -> None:
        defaults = default_settings(settings)
        if provider_options is not None:
            defaults["provider_options"] = merge_objects(defaults.get("provider_options"), provider_options)
        self.defaults: dict[str, Any] = defaults
        self.transform = transform

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        params = apply_default_settings(ctx.params, self.defaults)
        if self.transform is None:
            return params
        result = self.transform(params)
        return await result if inspect.isawaitable(result) else result
