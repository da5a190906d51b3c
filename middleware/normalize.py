"""NormalizeMiddleware: apply :func:`pipeline.normalize.normalize_prompt` to every call's prompt."""

from __future__ import annotations

from pipeline.chain import Middleware, TransformContext
from pipeline.normalize import normalize_prompt
from pipeline.params import CallParams

__all__ = ["NormalizeMiddleware"]


class NormalizeMiddleware(Middleware):
    """Normalize the prompt (decode data, files instead of images, merged tool messages, ...).

    Normalization is pure and idempotent, so an already normalized prompt passes through unchanged
    (the same params object is returned when nothing changed).
    """

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        prompt = normalize_prompt(ctx.params.prompt)
        if prompt == ctx.params.prompt:
            return ctx.params
        return ctx.params.model_copy(update={"prompt": prompt})
