"""The top-level ``reasoning`` level -> Gemini ``thinkingConfig`` (pure; returns warnings too)."""

from __future__ import annotations

import math
import re
from typing import Any

from pipeline.params import ReasoningLevel
from pipeline.result import CallWarning

from .capabilities import model_capabilities

__all__ = ["resolve_thinking_config"]

_BUDGET_SHARE = {"minimal": 0.02, "low": 0.1, "medium": 0.3, "high": 0.6, "xhigh": 0.9}
_GEMINI_25_MAX_OUTPUT_TOKENS = 65536
_GEMINI_3_PRO = re.compile(r"^gemini-3(?:\.1)?-pro(?:$|-)")
_VERSIONED_FLASH = re.compile(r"^gemini-(\d+)\.(\d+)-flash(?:$|-(?!lite(?:-|$)))")
_GEMINI_25_PRO = re.compile(r"(^|/)gemini-2\.5-pro(?:$|-)", re.IGNORECASE)


def resolve_thinking_config(
    reasoning: ReasoningLevel | None, model_id: str
) -> tuple[dict[str, Any] | None, list[CallWarning]]:
    """Gemini 3 models get a ``thinkingLevel``, older ones a ``thinkingBudget`` (share of 65536 tokens).

    ``None`` / ``"provider-default"`` leave thinking to the model. Gemini 3 cannot switch thinking off,
    so ``"none"`` becomes its lowest level; Gemini 2.5 Pro cannot either and gets a budget of 128.
    """
    if reasoning is None or reasoning == "provider-default":
        return None, []
    if model_capabilities(model_id).uses_gemini3_features and "gemini-3-pro-image" not in model_id:
        return _gemini3_level(reasoning, model_id)
    return _gemini25_budget(reasoning, model_id)


def _gemini3_level(reasoning: str, model_id: str) -> tuple[dict[str, Any] | None, list[CallWarning]]:
    minimum = _minimum_thinking_level(model_id)
    if reasoning == "none":
        return {"thinkingLevel": minimum}, []
    level = {"minimal": minimum, "low": "low", "medium": "medium", "high": "high", "xhigh": "high"}[reasoning]
    warnings = []
    if level != reasoning:
        warnings.append(
            CallWarning(
                type="compatibility",
                feature="reasoning",
                details=(
                    f'reasoning "{reasoning}" is not directly supported by this model. '
                    f'mapped to effort "{level}".'
                ),
            )
        )
    return {"thinkingLevel": level}, warnings


def _minimum_thinking_level(model_id: str) -> str:
    name = model_id.split("/")[-1].lower()
    if name == "gemini-flash-latest" or _GEMINI_3_PRO.search(name):
        return "low"
    version = _VERSIONED_FLASH.search(name)
    if version is None:
        return "minimal"
    major, minor = int(version.group(1)), int(version.group(2))
    return "low" if (major, minor) >= (3, 7) else "minimal"


def _gemini25_budget(reasoning: str, model_id: str) -> tuple[dict[str, Any] | None, list[CallWarning]]:
    if reasoning == "none":
        if _GEMINI_25_PRO.search(model_id):
            warning = CallWarning(
                type="compatibility",
                feature="reasoning",
                details='reasoning "none" is not supported by this model. Using thinking budget 128 instead.',
            )
            return {"thinkingBudget": 128}, [warning]
        return {"thinkingBudget": 0}, []
    lowered = model_id.lower()
    max_budget = 32768 if "2.5-pro" in lowered or "gemini-3-pro-image" in lowered else 24576
    budget = math.floor(_GEMINI_25_MAX_OUTPUT_TOKENS * _BUDGET_SHARE[reasoning] + 0.5)
    return {"thinkingBudget": min(max_budget, budget)}, []
