"""extract_sources: groundingMetadata -> source parts."""

from __future__ import annotations

from pipeline.result import SourceContent
from providers.google.sources import extract_sources

from .golden import counting_ids


def test_no_grounding_metadata_gives_no_sources() -> None:
    assert extract_sources(None, counting_ids()) == []
    assert extract_sources({"webSearchQueries": ["q"]}, counting_ids()) == []


def test_each_chunk_kind_maps_to_a_source() -> None:
    sources = extract_sources(
        {
            "groundingChunks": [
                {"web": {"uri": "https://a.test", "title": "A"}},
                {"image": {"sourceUri": "https://b.test", "imageUri": "https://b.test/i.png"}},
                {"retrievedContext": {"uri": "https://c.test/page", "title": "C"}},
                {"retrievedContext": {"uri": "gs://bucket/notes.md"}},
                {"retrievedContext": {"fileSearchStore": "fileSearchStores/store-1", "title": "S"}},
                {"retrievedContext": {}},
                {"maps": {"uri": "https://maps.test/p", "title": "Place"}},
                {"maps": {"title": "no uri"}},
            ]
        },
        counting_ids(),
    )
    assert sources == [
        SourceContent(id="id-0", url="https://a.test", title="A"),
        SourceContent(id="id-1", url="https://b.test"),
        SourceContent(id="id-2", url="https://c.test/page", title="C"),
        SourceContent(
            source_type="document",
            id="id-3",
            media_type="text/markdown",
            title="Unknown Document",
            filename="notes.md",
        ),
        SourceContent(
            source_type="document",
            id="id-4",
            media_type="application/octet-stream",
            title="S",
            filename="store-1",
        ),
        SourceContent(id="id-5", url="https://maps.test/p", title="Place"),
    ]
