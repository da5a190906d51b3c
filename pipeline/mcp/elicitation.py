"""Elicitation: a server asks the user for input during a request; the client's callback answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ElicitationHandler", "ElicitationRequest", "ElicitationResponse"]


@dataclass(frozen=True)
class ElicitationRequest:
    """What the server asks: a ``message`` for the user and the JSON schema of the wanted answer
    (``requested_schema``; empty for URL-mode requests, which carry a ``url`` to open instead)."""

    message: str
    requested_schema: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None


@dataclass(frozen=True)
class ElicitationResponse:
    """The user's answer: ``accept`` (with ``content`` matching the schema), ``decline`` or ``cancel``."""

    action: Literal["accept", "decline", "cancel"]
    content: Mapping[str, Any] | None = None


ElicitationHandler = Callable[
    [ElicitationRequest],
    ElicitationResponse | Mapping[str, Any] | Awaitable[ElicitationResponse | Mapping[str, Any]],
]
"""``on_elicitation``: sync or async; may return an :class:`ElicitationResponse` or a mapping in the
AI SDK's shape (``{"action": "accept", "content": {...}}``)."""
