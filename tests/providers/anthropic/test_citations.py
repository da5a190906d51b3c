"""providers/anthropic/citations.py: citations to sources, in generate and stream results."""

from __future__ import annotations

import json

from pipeline.prompt import messages_adapter
from pipeline.result import SourceContent, TextContent
from pipeline.stream import TextEndPart
from providers._stream import feed_payload
from providers.anthropic.citations import CitationDocument, citation_documents, citation_source
from providers.anthropic.map_response import map_response
from providers.anthropic.map_stream import AnthropicStreamMapper
from providers.testing.anthropic import message_body

WEB = {
    "type": "web_search_result_location",
    "url": "https://example.com/fed",
    "title": "Fed",
    "cited_text": "held rates",
    "encrypted_index": "enc",
}
PAGE = {
    "type": "page_location",
    "document_index": 0,
    "document_title": None,
    "cited_text": "p. 2 text",
    "start_page_number": 2,
    "end_page_number": 3,
}
DOCS = [CitationDocument(title="report.pdf", filename="report.pdf", media_type="application/pdf")]


def fixed_id() -> str:
    return "src-1"


def test_only_documents_with_citations_enabled_are_citable() -> None:
    enabled = {"anthropic": {"citations": {"enabled": True}}}
    prompt = messages_adapter.validate_python(
        [
            {
                "role": "user",
                "content": [
                    {"type": "file", "data": b"%PDF", "mediaType": "application/pdf", "filename": "a.pdf"},
                    {
                        "type": "file",
                        "data": b"%PDF",
                        "mediaType": "application/pdf",
                        "providerOptions": enabled,
                    },
                    {
                        "type": "file",
                        "data": b"hi",
                        "mediaType": "text/plain",
                        "filename": "n.txt",
                        "providerOptions": enabled,
                    },
                ],
            }
        ]
    )
    assert citation_documents(prompt) == [
        CitationDocument(title="Untitled Document", filename=None, media_type="application/pdf"),
        CitationDocument(title="n.txt", filename="n.txt", media_type="text/plain"),
    ]


def test_web_and_document_citations_become_sources() -> None:
    assert citation_source(WEB, [], fixed_id) == SourceContent(
        source_type="url",
        id="src-1",
        url="https://example.com/fed",
        title="Fed",
        provider_metadata={"anthropic": {"citedText": "held rates", "encryptedIndex": "enc"}},
    )
    assert citation_source(PAGE, DOCS, fixed_id) == SourceContent(
        source_type="document",
        id="src-1",
        media_type="application/pdf",
        title="report.pdf",
        filename="report.pdf",
        provider_metadata={"anthropic": {"citedText": "p. 2 text", "startPageNumber": 2, "endPageNumber": 3}},
    )
    assert citation_source({**PAGE, "document_index": 5}, DOCS) is None
    assert citation_source({"type": "search_result_location"}, DOCS) is None


def test_generate_puts_sources_after_their_text_and_keeps_web_citations_on_the_text() -> None:
    body = message_body([{"type": "text", "text": "Rates held.", "citations": [WEB, PAGE]}])
    result = map_response(body, uses_json_response_tool=False, citation_documents=DOCS)
    assert result.content[0] == TextContent(
        text="Rates held.", provider_metadata={"anthropic": {"citations": [WEB]}}
    )
    assert [part.type for part in result.content] == ["text", "source", "source"]


def test_stream_citation_deltas_emit_sources_and_end_the_text_with_web_citations() -> None:
    mapper = AnthropicStreamMapper(citation_documents=DOCS)
    events = [
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": WEB}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": PAGE}},
        {"type": "content_block_stop", "index": 0},
    ]
    parts = [part for event in events for part in feed_payload(mapper, json.dumps(event))]
    assert [part.type for part in parts] == ["text-start", "source", "source", "text-end"]
    assert parts[-1] == TextEndPart(id="0", provider_metadata={"anthropic": {"citations": [WEB]}})
