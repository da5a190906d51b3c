"""The shape of a Responses API answer that the terminal relies on (the items stay JSON objects)."""

from __future__ import annotations

from typing import Any

from pipeline._base import WireModel

__all__ = ["ResponsesBody"]


class ResponsesBody(WireModel):
    """A ``POST /responses`` answer: output items are read by type, unknown fields are kept."""

    id: str | None = None
    created_at: float | None = None
    model: str | None = None
    output: list[dict[str, Any]] | None = None
    error: dict[str, Any] | None = None
    incomplete_details: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    service_tier: str | None = None
