"""Size limits on attachments, per file and per call: the same figures for inline data and downloads.

Inline data (bytes, base64 text, ``data:`` URLs) is checked when the prompt is normalized, base64 by
its length before it is decoded; downloads are checked while they are read (see
:class:`middleware.download.SafeDownloader`). The defaults are 20 MiB per file and 50 MiB per call.
Raise or lower them for the inline data of the calls made inside a block::

    with attachment_limits(max_file_bytes=40 * MiB, max_call_bytes=100 * MiB):
        result = await generate_text(model, messages=messages)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

from .errors import InvalidArgumentError

__all__ = [
    "DEFAULT_MAX_CALL_BYTES",
    "DEFAULT_MAX_FILE_BYTES",
    "AttachmentLimits",
    "MiB",
    "attachment_limits",
    "current_attachment_limits",
]

MiB: Final = 1024 * 1024
DEFAULT_MAX_FILE_BYTES: Final = 20 * MiB
DEFAULT_MAX_CALL_BYTES: Final = 50 * MiB


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    """The most bytes one attachment (``max_file_bytes``) and all of a call's (``max_call_bytes``) take."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_call_bytes: int = DEFAULT_MAX_CALL_BYTES

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_call_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidArgumentError(name, f"{name} must be an integer >= 0")


_DEFAULT_LIMITS: Final = AttachmentLimits()
_CURRENT: ContextVar[AttachmentLimits | None] = ContextVar("attachment_limits", default=None)


def current_attachment_limits() -> AttachmentLimits:
    """The limits in effect here (the defaults outside any :func:`attachment_limits` block)."""
    return _CURRENT.get() or _DEFAULT_LIMITS


@contextmanager
def attachment_limits(
    *, max_file_bytes: int | None = None, max_call_bytes: int | None = None
) -> Iterator[AttachmentLimits]:
    """Use other inline attachment limits inside the block (a limit left out keeps its current value).

    The setting follows the context (tasks started inside the block inherit it) and is restored on exit.
    """
    current = current_attachment_limits()
    limits = AttachmentLimits(
        max_file_bytes=current.max_file_bytes if max_file_bytes is None else max_file_bytes,
        max_call_bytes=current.max_call_bytes if max_call_bytes is None else max_call_bytes,
    )
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
