"""A stream made from a generate call, for a model that cannot stream: the AI SDK's
``simulateStreamingMiddleware``.

The parts come in the order a real stream sends them: ``stream-start`` (the warnings),
``response-metadata``, then per content part a text block (non-empty text only) or a reasoning block
(start, one delta, end; ids ``"0"``, ``"1"``, ... shared by both), a tool call as its
``tool-input-start/delta/end`` followed by the ``tool-call``, any other part as it is, and ``finish``
with the finish reason, usage and provider metadata. Folding the stream
(:func:`~pipeline.stream.collect_stream`) gives back the generate result's content, finish and usage.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator

from pipeline.chain import Middleware, WrapContext
from pipeline.result import GenerateResult, ReasoningContent, TextContent, ToolCallContent
from pipeline.stream import (
    FinishPart,
    ReasoningEndPart,
    ReasoningStartPart,
    ResponseMetadataPart,
    StreamPart,
    StreamResult,
    StreamStartPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
    reasoning_delta,
    text_delta,
)

__all__ = ["SimulateStreamingMiddleware", "stream_parts_of"]


def stream_parts_of(result: GenerateResult) -> Iterator[StreamPart]:
    """The stream parts a real stream would have sent for ``result`` (pure)."""
    yield StreamStartPart(warnings=list(result.warnings))
    response = result.response
    yield ResponseMetadataPart(id=response.id, timestamp=response.timestamp, model_id=response.model_id)
    block = 0
    for part in result.content:
        if isinstance(part, TextContent):
            if not part.text:
                continue
            block_id = str(block)
            yield TextStartPart(id=block_id, provider_metadata=part.provider_metadata)
            yield text_delta(block_id, part.text)
            yield TextEndPart(id=block_id)
            block += 1
        elif isinstance(part, ReasoningContent):
            block_id = str(block)
            yield ReasoningStartPart(id=block_id, provider_metadata=part.provider_metadata)
            yield reasoning_delta(block_id, part.text)
            yield ReasoningEndPart(id=block_id)
            block += 1
        elif isinstance(part, ToolCallContent):
            yield ToolInputStartPart(
                id=part.tool_call_id, tool_name=part.tool_name, provider_executed=part.provider_executed
            )
            if part.input:
                yield ToolInputDeltaPart(id=part.tool_call_id, delta=part.input)
            yield ToolInputEndPart(id=part.tool_call_id)
            yield part
        else:
            yield part
    yield FinishPart(
        finish_reason=result.finish_reason,
        raw_finish_reason=result.raw_finish_reason,
        usage=result.usage,
        provider_metadata=result.provider_metadata,
    )


class SimulateStreamingMiddleware(Middleware):
    """Streams by calling the inner model's generate and replaying its result as stream parts."""

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        result = await call.do_generate()
        return StreamResult(stream=_replay(result), request=result.request, response=result.response)

    def __repr__(self) -> str:
        return "SimulateStreamingMiddleware()"


async def _replay(result: GenerateResult) -> AsyncGenerator[StreamPart, None]:
    for part in stream_parts_of(result):
        yield part
