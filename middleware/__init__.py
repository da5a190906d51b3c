"""Built-in middleware."""

from .normalize import NormalizeMiddleware

__all__ = ["NormalizeMiddleware"]
