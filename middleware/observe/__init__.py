"""Observation stage: one log record or one span per provider call, secrets never included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_package

if TYPE_CHECKING:
    from .log import LoggingMiddleware
    from .trace import TracingMiddleware

_HOMES = {"LoggingMiddleware": ".log", "TracingMiddleware": ".trace"}
__all__ = [
    "LoggingMiddleware",
    "TracingMiddleware",
]

__getattr__, __dir__ = lazy_package(__name__, _HOMES, globals())
