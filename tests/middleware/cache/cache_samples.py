"""Sample results and stream parts covering every part type, and a store that counts its reads, shared
by the cache tests."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from middleware.cache.stores import MemoryStore
from pipeline.result import (
    CallWarning,
    FileContent,
    GenerateResult,
    ReasoningContent,
    RequestMetadata,
    ResponseMetadata,
    SourceContent,
    TextContent,
    ToolCallContent,
    ToolResultContent,
    Usage,
)
from pipeline.stream import (
    FinishPart,
    RawPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    ResponseMetadataPart,
    StreamPart,
    StreamResult,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
)

__all__ = ["STAMP", "read_all", "rich_parts", "rich_result", "unmarked", "unmarked_part"]

STAMP = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def rich_result() -> GenerateResult:
    return GenerateResult(
        content=[
            ReasoningContent(text="think 🤔", provider_metadata={"anthropic": {"signature": "sig"}}),
            TextContent(text="héllo wörld\n\u0000"),
            ToolCallContent(tool_call_id="c1", tool_name="w", input='{"city":"Zürich"}'),
            ToolResultContent(
                tool_call_id="c1",
                tool_name="w",
                result={"$mp": "user", "n": [1, 2.5, None]},
                provider_executed=True,
            ),
            FileContent(media_type="image/png", data=b"\x89PNG\x00\xff"),
            FileContent(media_type="image/png", data=httpx.URL("https://example.com/x.png")),
            FileContent(media_type="text/plain", data="aGVsbG8="),
            SourceContent(id="s1", url="https://example.com", title="Ex"),
        ],
        finish_reason="tool-calls",
        raw_finish_reason="tool_use",
        usage=Usage.of(
            input_tokens=10, output_tokens=5, cache_read_tokens=3, reasoning_tokens=2, raw={"in": 10}
        ),
        warnings=[CallWarning(type="unsupported", setting="topK")],
        request=RequestMetadata(body={"model": "m", "messages": []}),
        response=ResponseMetadata(
            id="r1", timestamp=STAMP, model_id="m", headers={"x-a": "b"}, body={"bytes": "not bytes"}
        ),
        provider_metadata={"openai": {"logprobs": [0.1, -1e-9]}},
    )


def rich_parts() -> list[StreamPart]:
    return [
        StreamStartPart(warnings=[CallWarning(type="other", message="m")]),
        ResponseMetadataPart(id="r1", timestamp=STAMP, model_id="m"),
        ReasoningStartPart(id="r", provider_metadata={"x": {"y": 1}}),
        ReasoningDeltaPart(id="r", delta="hmm"),
        ReasoningEndPart(id="r"),
        TextStartPart(id="t"),
        TextDeltaPart(id="t", delta="\xf0"),
        TextDeltaPart(id="t", delta="日本語 🎉"),
        TextDeltaPart(id="t", delta="!", provider_metadata={"p": {"q": 1}}),
        TextDeltaPart(id="t", delta="?"),
        TextEndPart(id="t"),
        ToolInputStartPart(id="c1", tool_name="w"),
        ToolInputStartPart(id="c2", tool_name="w"),
        ToolInputDeltaPart(id="c1", delta='{"ci'),
        ToolInputDeltaPart(id="c2", delta='{"city":"Paris"}'),
        ToolInputDeltaPart(id="c1", delta='ty":"Rome"}'),
        ToolInputEndPart(id="c1"),
        ToolInputEndPart(id="c2"),
        ToolCallContent(tool_call_id="c1", tool_name="w", input='{"city":"Rome"}'),
        ToolCallContent(tool_call_id="c2", tool_name="w", input='{"city":"Paris"}'),
        FileContent(media_type="audio/wav", data=b"RIFF\x00"),
        RawPart(raw_value={"choices": [{"delta": {}}]}),
        FinishPart(
            finish_reason="tool-calls",
            raw_finish_reason="tool_calls",
            usage=Usage.of(input_tokens=4, output_tokens=9),
            provider_metadata={"openai": {"a": 1}},
        ),
    ]


def unmarked(value: GenerateResult) -> GenerateResult:
    """``value`` without the ``provider_metadata["modelpipe"]`` marker the cache adds on the way out."""
    metadata = {name: data for name, data in (value.provider_metadata or {}).items() if name != "modelpipe"}
    return value.model_copy(update={"provider_metadata": metadata or None})


async def read_all(result: StreamResult) -> list[StreamPart]:
    """Every part of a stream, with the cache marker removed from its finish part."""
    return [unmarked_part(part) async for part in result.stream]


def unmarked_part(part: StreamPart) -> StreamPart:
    if not isinstance(part, FinishPart):
        return part
    metadata = {name: data for name, data in (part.provider_metadata or {}).items() if name != "modelpipe"}
    return part.model_copy(update={"provider_metadata": metadata or None})


class CountingStore(MemoryStore):
    """A MemoryStore that counts reads (read through its ``get`` override, not the inline path)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def get(self, key: str) -> bytes | None:
        self.reads += 1
        return await super().get(key)
