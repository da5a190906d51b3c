"""Gemini ``groundingMetadata`` -> source content parts (pure)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.result import SourceContent

__all__ = ["extract_sources"]

_DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
}


def extract_sources(
    grounding_metadata: dict[str, Any] | None, generate_id: Callable[[], str]
) -> list[SourceContent]:
    """URL sources for web / image / maps chunks and http(s) retrieved contexts; document sources
    for other retrieved contexts."""
    sources: list[SourceContent] = []
    for chunk in (grounding_metadata or {}).get("groundingChunks") or []:
        if chunk.get("web"):
            web = chunk["web"]
            sources.append(SourceContent(id=generate_id(), url=web["uri"], title=web.get("title")))
        elif chunk.get("image"):
            image = chunk["image"]
            sources.append(SourceContent(id=generate_id(), url=image["sourceUri"], title=image.get("title")))
        elif chunk.get("retrievedContext"):
            source = _retrieved_context_source(chunk["retrievedContext"], generate_id)
            if source is not None:
                sources.append(source)
        elif chunk.get("maps") and chunk["maps"].get("uri"):
            maps = chunk["maps"]
            sources.append(SourceContent(id=generate_id(), url=maps["uri"], title=maps.get("title")))
    return sources


def _retrieved_context_source(
    context: dict[str, Any], generate_id: Callable[[], str]
) -> SourceContent | None:
    uri: str | None = context.get("uri")
    if uri and uri.startswith(("http://", "https://")):
        return SourceContent(id=generate_id(), url=uri, title=context.get("title"))
    store: str | None = context.get("fileSearchStore")
    if not uri and not store:
        return None
    path = uri or store or ""
    suffix = "." + path.rsplit(".", 1)[-1] if uri and "." in path.rsplit("/", 1)[-1] else ""
    return SourceContent(
        source_type="document",
        id=generate_id(),
        media_type=_DOCUMENT_TYPES.get(suffix, "application/octet-stream"),
        title=context.get("title") or "Unknown Document",
        filename=path.rsplit("/", 1)[-1],
    )
