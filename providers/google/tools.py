"""Gemini's provider-executed tools (the AI SDK's ``google.tools``): ``ProviderTool`` values for ``tools=``.

Gemini runs these itself: Google Search and Maps grounding (answers carry ``groundingMetadata`` and
source parts), URL context, code execution (``executableCode`` / ``codeExecutionResult`` parts become a
provider-executed tool call and its result), File Search and a Vertex RAG store. Each tool's ``name``
is the one the AI SDK requires (``"google_search"``, ...).
"""

from __future__ import annotations

from typing import Any

from pipeline.params import ProviderTool

__all__ = [
    "code_execution",
    "enterprise_web_search",
    "file_search",
    "google_maps",
    "google_search",
    "url_context",
    "vertex_rag_store",
]


def google_search(
    *, search_types: dict[str, Any] | None = None, time_range_filter: dict[str, str] | None = None
) -> ProviderTool:
    """Ground answers in Google Search (Gemini 2 or newer).

    ``search_types``: ``{"webSearch": {}, "imageSearch": {}}``; ``time_range_filter``:
    ``{"startTime": ..., "endTime": ...}`` (RFC 3339).
    """
    args = _without_none({"searchTypes": search_types, "timeRangeFilter": time_range_filter})
    return ProviderTool(id="google.google_search", name="google_search", args=args)


def enterprise_web_search() -> ProviderTool:
    """Ground answers in the compliance-focused web index (Vertex AI, Gemini 2 or newer)."""
    return ProviderTool(id="google.enterprise_web_search", name="enterprise_web_search")


def google_maps() -> ProviderTool:
    """Ground answers in Google Maps data (a location goes in ``providerOptions.google.retrievalConfig``)."""
    return ProviderTool(id="google.google_maps", name="google_maps")


def url_context() -> ProviderTool:
    """Let the model read the URLs named in the prompt."""
    return ProviderTool(id="google.url_context", name="url_context")


def code_execution() -> ProviderTool:
    """Let the model write and run Python; each run is a provider-executed ``code_execution`` call and
    result (input ``{"language", "code"}``, result ``{"outcome", "output"}``)."""
    return ProviderTool(id="google.code_execution", name="code_execution")


def file_search(
    file_search_store_names: list[str], *, top_k: int | None = None, metadata_filter: str | None = None
) -> ProviderTool:
    """Retrieve from File Search stores (``fileSearchStores/...``; Gemini 2.5 and newer)."""
    args = _without_none(
        {
            "fileSearchStoreNames": list(file_search_store_names),
            "topK": top_k,
            "metadataFilter": metadata_filter,
        }
    )
    return ProviderTool(id="google.file_search", name="file_search", args=args)


def vertex_rag_store(rag_corpus: str, *, top_k: int | None = None) -> ProviderTool:
    """Retrieve from a Vertex RAG corpus (``projects/.../ragCorpora/...``; Vertex AI only)."""
    args = _without_none({"ragCorpus": rag_corpus, "topK": top_k})
    return ProviderTool(id="google.vertex_rag_store", name="vertex_rag_store", args=args)


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
