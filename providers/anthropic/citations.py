"""Anthropic citations to source content: web search results by URL, PDF / text documents by index."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.prompt import FilePart, Message, UserMessage
from pipeline.result import SourceContent

__all__ = ["CitationDocument", "citation_documents", "citation_source", "new_source_id"]

_CITABLE_MEDIA_TYPES = ("application/pdf", "text/plain")


@dataclass(frozen=True, slots=True)
class CitationDocument:
    """A user document sent with citations enabled; ``document_index`` in a citation points here."""

    title: str
    filename: str | None
    media_type: str


def new_source_id() -> str:
    """A fresh id for a source part."""
    return uuid.uuid4().hex


def _citations_enabled(part: FilePart) -> bool:
    options = (part.provider_options or {}).get("anthropic") or {}
    citations = options.get("citations")
    return isinstance(citations, dict) and bool(citations.get("enabled"))


def citation_documents(prompt: list[Message]) -> list[CitationDocument]:
    """The documents of the prompt that may be cited, in the order they were sent."""
    documents = []
    for message in prompt:
        if not isinstance(message, UserMessage) or isinstance(message.content, str):
            continue
        for part in message.content:
            if (
                isinstance(part, FilePart)
                and part.media_type in _CITABLE_MEDIA_TYPES
                and _citations_enabled(part)
            ):
                documents.append(
                    CitationDocument(
                        title=part.filename or "Untitled Document",
                        filename=part.filename,
                        media_type=part.media_type,
                    )
                )
    return documents


def citation_source(
    citation: dict[str, Any],
    documents: list[CitationDocument],
    new_id: Callable[[], str] = new_source_id,
) -> SourceContent | None:
    """The source a citation names, or ``None`` for citation types without one."""
    kind = citation.get("type")
    if kind == "web_search_result_location":
        return SourceContent(
            source_type="url",
            id=new_id(),
            url=citation.get("url"),
            title=citation.get("title"),
            provider_metadata={
                "anthropic": {
                    "citedText": citation.get("cited_text"),
                    "encryptedIndex": citation.get("encrypted_index"),
                }
            },
        )
    if kind not in ("page_location", "char_location"):
        return None
    index = citation.get("document_index")
    if not isinstance(index, int) or not 0 <= index < len(documents):
        return None
    document = documents[index]
    if kind == "page_location":
        location = {
            "startPageNumber": citation.get("start_page_number"),
            "endPageNumber": citation.get("end_page_number"),
        }
    else:
        location = {
            "startCharIndex": citation.get("start_char_index"),
            "endCharIndex": citation.get("end_char_index"),
        }
    return SourceContent(
        source_type="document",
        id=new_id(),
        media_type=document.media_type,
        title=citation.get("document_title") or document.title,
        filename=document.filename,
        provider_metadata={"anthropic": {"citedText": citation.get("cited_text"), **location}},
    )
