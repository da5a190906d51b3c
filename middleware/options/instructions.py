"""Default instructions: a system prompt added only when the call has none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.chain import Middleware, TransformContext
from pipeline.params import CallParams
from pipeline.prompt import SystemMessage

__all__ = ["DefaultInstructionsMiddleware", "add_default_instructions"]

Instructions = str | SystemMessage | Mapping[str, Any] | Sequence[SystemMessage | Mapping[str, Any]]


def _system_messages(instructions: Instructions) -> tuple[SystemMessage, ...]:
    if isinstance(instructions, str):
        return (SystemMessage(content=instructions),)
    if isinstance(instructions, SystemMessage | Mapping):
        return (SystemMessage.model_validate(instructions),)
    return tuple(SystemMessage.model_validate(item) for item in instructions)


def add_default_instructions(params: CallParams, instructions: Sequence[SystemMessage]) -> CallParams:
    """``params`` with ``instructions`` prepended when no message of its prompt is a system message."""
    if not instructions or any(isinstance(message, SystemMessage) for message in params.prompt):
        return params
    return params.model_copy(update={"prompt": [*instructions, *params.prompt]})


class DefaultInstructionsMiddleware(Middleware):
    """Prepends default instructions (the AI SDK's ``defaultInstructionsMiddleware``).

    ``instructions`` is a string, a system message (model or dict, keeping its provider options) or a
    list of them; they are added only when the prompt has no system message anywhere. An empty list
    does nothing.
    """

    def __init__(self, instructions: Instructions) -> None:
        self.instructions = _system_messages(instructions)

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return add_default_instructions(ctx.params, self.instructions)
