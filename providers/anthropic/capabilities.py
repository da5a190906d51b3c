"""What each Claude model family can do: output-token ceiling, structured output, thinking styles."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ModelCapabilities", "model_capabilities"]


@dataclass(frozen=True, slots=True)
class ModelCapabilities:
    """Capabilities that drive request defaults and feature selection for one model id."""

    max_output_tokens: int
    supports_structured_output: bool
    supports_adaptive_thinking: bool
    rejects_sampling_parameters: bool
    supports_xhigh_effort: bool
    rejects_thinking_disabled_above_high_effort: bool
    is_known_model: bool


_LEGACY = ModelCapabilities(4096, False, False, False, False, False, False)
_FUTURE_CLAUDE = ModelCapabilities(128000, True, True, True, True, True, False)

_FAMILIES: tuple[tuple[tuple[str, ...], ModelCapabilities], ...] = (
    (("claude-opus-5",), ModelCapabilities(128000, True, True, True, True, True, True)),
    (
        ("claude-opus-4-8", "claude-opus-4-7", "claude-fable-5", "claude-sonnet-5"),
        ModelCapabilities(128000, True, True, True, True, False, True),
    ),
    (
        ("claude-sonnet-4-6", "claude-opus-4-6"),
        ModelCapabilities(128000, True, True, False, False, False, True),
    ),
    (
        ("claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5"),
        ModelCapabilities(64000, True, False, False, False, False, True),
    ),
    (("claude-opus-4-1",), ModelCapabilities(32000, True, False, False, False, False, True)),
    (("claude-sonnet-4-",), ModelCapabilities(64000, False, False, False, False, False, True)),
    (("claude-opus-4-",), ModelCapabilities(32000, False, False, False, False, False, True)),
    (("claude-3-haiku",), ModelCapabilities(4096, False, False, False, False, False, True)),
)

_LEGACY_CLAUDE = re.compile(r"claude-(?:instant(?:-|$)|v?2(?=$|[-.:])|3(?=$|[-.]))")


def model_capabilities(model_id: str) -> ModelCapabilities:
    """Capabilities of ``model_id``, matched by family substring (first match wins).

    Unrecognized ``claude-*`` ids are assumed newer than the table (generous limits, but not
    "known", so nothing is clamped); legacy Claude ids and non-Claude ids get conservative defaults.
    """
    for markers, capabilities in _FAMILIES:
        if any(marker in model_id for marker in markers):
            return capabilities
    if _LEGACY_CLAUDE.search(model_id):
        return _LEGACY
    if "claude-" in model_id:
        return _FUTURE_CLAUDE
    return _LEGACY
