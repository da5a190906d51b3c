"""What a Gemini model id implies: Gemma prompt handling, Gemini 3 features, URL support (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GoogleModelCapabilities", "model_capabilities"]

_GEMINI = re.compile(r"(^|/)gemini-", re.IGNORECASE)
_GEMINI_1 = re.compile(r"(^|/)gemini-1(?:[.-]|$)", re.IGNORECASE)
_GEMINI_PRO_LEGACY = re.compile(r"(^|/)gemini-pro(?:-vision)?$", re.IGNORECASE)
_GEMINI_2 = re.compile(r"(^|/)gemini-2(?:[.-]|$)", re.IGNORECASE)
_GEMINI_2_0 = re.compile(r"(^|/)gemini-2\.0(?:[.-]|$)", re.IGNORECASE)
_GEMINI_2_5 = re.compile(r"(^|/)gemini-2\.5(?:[.-]|$)", re.IGNORECASE)
_ROBOTICS_ER_1_5 = re.compile(r"(^|/)gemini-robotics-er-1\.5(?:[.-]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class GoogleModelCapabilities:
    is_gemma: bool
    """Gemma models take no ``systemInstruction``: the system text goes into the first user message."""
    uses_gemini3_features: bool
    """Gemini 3 and unknown newer Gemini ids: multimodal function responses, thought signatures."""
    is_gemini_25: bool
    """Gemini 2.5 on the Gemini API rejects frequency / presence penalties."""
    fetches_https_media: bool
    """Gemini models other than 2.0 fetch public https URLs of some media types themselves."""
    supports_gemini2_tools: bool
    """Gemini 2 and newer (and nano-banana) run Google's tools: search, URL context, code execution."""
    supports_file_search: bool
    """Gemini 2.5 and newer run the File Search tool."""


def model_capabilities(model_id: str) -> GoogleModelCapabilities:
    """Classify a model id; unknown Gemini ids get the newest behaviour, as in the AI SDK."""
    is_gemini = bool(_GEMINI.search(model_id))
    pre_gemini2 = bool(
        _GEMINI_1.search(model_id) or _GEMINI_PRO_LEGACY.search(model_id) or _ROBOTICS_ER_1_5.search(model_id)
    )
    uses_gemini3 = is_gemini and not (pre_gemini2 or _GEMINI_2.search(model_id))
    is_gemini_25 = bool(_GEMINI_2_5.search(model_id))
    return GoogleModelCapabilities(
        is_gemma=model_id.lower().startswith("gemma-"),
        uses_gemini3_features=uses_gemini3,
        is_gemini_25=is_gemini_25,
        fetches_https_media=is_gemini and not _GEMINI_2_0.search(model_id),
        supports_gemini2_tools=(is_gemini and not pre_gemini2) or "nano-banana" in model_id.lower(),
        supports_file_search=is_gemini_25 or uses_gemini3,
    )
