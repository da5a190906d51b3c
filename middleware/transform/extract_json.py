"""JSON the model wrapped in a Markdown code fence, unwrapped: the AI SDK's ``extractJsonMiddleware``.

Generate: each text part goes through the transform (default :func:`strip_json_fences`: a leading
```` ```json ```` or ```` ``` ```` fence and a trailing fence removed, then whitespace trimmed).
Stream, default transform: a text block's ``text-start`` waits until its opening is decided (a fence
is only stripped once its line is complete), then text streams with the last 12 characters held back,
so a closing fence can be stripped when the block ends. Stream, custom transform: the block's whole
text is buffered and transformed at its ``text-end``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Literal

from pipeline.chain import Middleware, WrapContext
from pipeline.errors import InvalidArgumentError
from pipeline.result import GenerateResult, TextContent
from pipeline.stream import FinishPart, StreamPart, StreamResult, TextDeltaPart, TextEndPart, TextStartPart

__all__ = ["ExtractJsonMiddleware", "strip_json_fences"]

_LEADING_FENCE = re.compile(r"^```(?:json)?\s*\n?")
_LEADING_FENCE_LINE = re.compile(r"^```(?:json)?\s*\n")
_TRAILING_FENCE = re.compile(r"\n?```\s*\Z")
_HELD_BACK = 12
"""Characters of a streaming block held back so that a trailing fence (with some whitespace) can be
stripped at the block's end."""


def strip_json_fences(text: str) -> str:
    """``text`` without a leading ```` ```json ```` / ```` ``` ```` fence and a trailing fence, trimmed."""
    return _TRAILING_FENCE.sub("", _LEADING_FENCE.sub("", text, count=1), count=1).strip()


class ExtractJsonMiddleware(Middleware):
    """Strips Markdown code fences around JSON text; ``transform`` replaces the default stripping."""

    def __init__(self, transform: Callable[[str], str] | None = None) -> None:
        if transform is not None and not callable(transform):
            raise InvalidArgumentError("transform", f"must be a function of the text, got {transform!r}")
        self.transform = transform or strip_json_fences
        self.buffers_whole_blocks = transform is not None

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        content = [
            part.model_copy(update={"text": self.transform(part.text)})
            if isinstance(part, TextContent)
            else part
            for part in result.content
        ]
        return result.model_copy(update={"content": content})

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        inner = await call.do_stream()
        return StreamResult(
            stream=self._unfence(inner.stream), request=inner.request, response=inner.response
        )

    async def _unfence(self, source: AsyncGenerator[StreamPart, None]) -> AsyncGenerator[StreamPart, None]:
        blocks: dict[str, _JsonBlock] = {}
        try:
            async for part in source:
                if isinstance(part, TextDeltaPart) and part.id in blocks:
                    for out in blocks[part.id].feed(part.delta):
                        yield out
                elif isinstance(part, TextStartPart):
                    blocks[part.id] = _JsonBlock(part, "buffering" if self.buffers_whole_blocks else "prefix")
                elif isinstance(part, TextEndPart) and part.id in blocks:
                    for out in blocks.pop(part.id).end(part, self.transform):
                        yield out
                else:
                    if isinstance(part, FinishPart):  # blocks cut off before their end: what they held
                        for block in blocks.values():
                            for out in block.end(None, self.transform):
                                yield out
                        blocks.clear()
                    yield part
            for block in blocks.values():  # a stream that ran out without ending its blocks
                for out in block.end(None, self.transform):
                    yield out
        finally:
            await source.aclose()

    def __repr__(self) -> str:
        name = "default" if not self.buffers_whole_blocks else getattr(self.transform, "__name__", "custom")
        return f"ExtractJsonMiddleware(transform={name})"


@dataclass
class _JsonBlock:
    """One text block: its held-back ``text-start``, its phase, and the text not yet sent."""

    start: TextStartPart
    phase: Literal["prefix", "streaming", "buffering"]
    buffer: str = ""

    def feed(self, delta: str) -> list[StreamPart]:
        self.buffer += delta
        if self.phase == "buffering":
            return []
        parts: list[StreamPart] = []
        if self.phase == "prefix" and self._opening_decided():
            self.phase = "streaming"
            parts.append(self.start)
        if self.phase == "streaming" and len(self.buffer) > _HELD_BACK:
            parts.append(TextDeltaPart(id=self.start.id, delta=self.buffer[:-_HELD_BACK]))
            self.buffer = self.buffer[-_HELD_BACK:]
        return parts

    def _opening_decided(self) -> bool:
        """Whether the block's opening is known (stripping a complete fence line from the buffer)."""
        if self.buffer.startswith("```"):
            if "\n" not in self.buffer:
                return False
            self.buffer = _LEADING_FENCE_LINE.sub("", self.buffer, count=1)
            return True
        return not "```".startswith(self.buffer)  # one or two backticks may still become a fence

    def end(self, end: TextEndPart | None, transform: Callable[[str], str]) -> list[StreamPart]:
        """The rest of the block: its start if still held, the stripped (or transformed) remainder, and
        ``end`` when the inner block ended."""
        parts: list[StreamPart] = [] if self.phase == "streaming" else [self.start]
        if self.phase == "buffering":
            remaining = transform(self.buffer)
        else:  # what streamed went as it was: only the end is stripped (leading space may be a word gap)
            remaining = _TRAILING_FENCE.sub("", self.buffer, count=1).rstrip()
        if remaining:
            parts.append(TextDeltaPart(id=self.start.id, delta=remaining))
        if end is not None:
            parts.append(end)
        return parts
