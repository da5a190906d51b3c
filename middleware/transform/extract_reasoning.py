"""Reasoning the model writes inside ``<think>...</think>`` in its text, turned into reasoning parts.

Mirrors the AI SDK's ``extractReasoningMiddleware``. Generate: in each text part, every tagged span
becomes reasoning (the spans joined by ``separator`` into one reasoning part, placed before the text),
and the text left keeps ``separator`` where a span was cut out between two pieces of text. Stream: the
text deltas are re-cut into ``reasoning-start/delta/end`` blocks and text deltas, with tags split
across deltas held back until they are decided; a text block's ``text-start`` waits for its first
real text (a block that is only reasoning has no text block), and an empty ``<think></think>`` still
gives a reasoning block (start and end). ``start_with_reasoning=True`` reads the text as if it began
with the opening tag; without it, a closing tag that was never opened stays text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass

from pipeline.chain import Middleware, WrapContext
from pipeline.errors import InvalidArgumentError
from pipeline.result import Content, GenerateResult, ReasoningContent, TextContent
from pipeline.stream import (
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    StreamPart,
    StreamResult,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
)

__all__ = ["ExtractReasoningMiddleware", "extract_reasoning", "partial_tag_start"]


def partial_tag_start(text: str, tag: str) -> int | None:
    """Where ``tag`` starts in ``text``, or where a prefix of it ends ``text`` (the longest such
    prefix), or ``None`` when neither: the point from which ``text`` may not be published yet."""
    found = text.find(tag)
    if found != -1:
        return found
    for start in range(max(0, len(text) - len(tag) + 1), len(text)):
        if tag.startswith(text[start:]):
            return start
    return None


def extract_reasoning(
    content: list[Content], opening: str, closing: str, separator: str, start_with_reasoning: bool
) -> list[Content]:
    """``content`` with the tagged reasoning of each text part split out into a reasoning part (pure)."""
    pattern = re.compile(f"{re.escape(opening)}(.*?){re.escape(closing)}", re.DOTALL)
    extracted: list[Content] = []
    for part in content:
        if not isinstance(part, TextContent):
            extracted.append(part)
            continue
        text = opening + part.text if start_with_reasoning else part.text
        matches = list(pattern.finditer(text))
        if not matches:
            extracted.append(part)
            continue
        remaining = text
        for match in reversed(matches):
            before, after = remaining[: match.start()], remaining[match.end() :]
            remaining = before + (separator if before and after else "") + after
        extracted.append(ReasoningContent(text=separator.join(match.group(1) for match in matches)))
        extracted.append(TextContent(text=remaining, provider_metadata=part.provider_metadata))
    return extracted


class ExtractReasoningMiddleware(Middleware):
    """Reasoning inside ``<tag_name>...</tag_name>`` in the model's text becomes reasoning parts."""

    def __init__(
        self, tag_name: str = "think", separator: str = "\n", start_with_reasoning: bool = False
    ) -> None:
        if not isinstance(tag_name, str) or not tag_name:
            raise InvalidArgumentError("tag_name", f"must be a non-empty string, got {tag_name!r}")
        if not isinstance(separator, str):
            raise InvalidArgumentError("separator", f"must be a string, got {type(separator).__name__}")
        self.tag_name = tag_name
        self.separator = separator
        self.start_with_reasoning = start_with_reasoning
        self.opening = f"<{tag_name}>"
        self.closing = f"</{tag_name}>"

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        content = extract_reasoning(
            result.content, self.opening, self.closing, self.separator, self.start_with_reasoning
        )
        return result.model_copy(update={"content": content})

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        inner = await call.do_stream()
        return StreamResult(stream=self._recut(inner.stream), request=inner.request, response=inner.response)

    async def _recut(self, source: AsyncGenerator[StreamPart, None]) -> AsyncGenerator[StreamPart, None]:
        blocks: dict[str, _TextBlock] = {}
        reasoning_ids = itertools.count()

        def block_for(text_id: str, start: TextStartPart | None) -> _TextBlock:
            return _TextBlock(
                text_id=text_id,
                start=start,
                in_reasoning=self.start_with_reasoning,
                opening=self.opening,
                closing=self.closing,
                separator=self.separator,
                new_reasoning_id=lambda: f"reasoning-{next(reasoning_ids)}",
            )

        try:
            async for part in source:
                if isinstance(part, TextDeltaPart):
                    block = blocks.get(part.id)
                    if block is None:
                        block = blocks[part.id] = block_for(part.id, None)
                    for out in block.feed(part.delta):
                        yield out
                elif isinstance(part, TextStartPart):
                    blocks[part.id] = block_for(part.id, part)
                elif isinstance(part, TextEndPart) and part.id in blocks:
                    for out in blocks.pop(part.id).finish(part):
                        yield out
                else:
                    if isinstance(part, FinishPart):
                        for block in blocks.values():
                            for out in block.finish(None):
                                yield out
                        blocks.clear()
                    yield part
            for block in blocks.values():
                for out in block.finish(None):
                    yield out
        finally:
            await source.aclose()

    def __repr__(self) -> str:
        return (
            f"ExtractReasoningMiddleware(tag_name={self.tag_name!r}, separator={self.separator!r}, "
            f"start_with_reasoning={self.start_with_reasoning})"
        )


@dataclass
class _TextBlock:
    """One text block of the inner stream, being re-cut into reasoning blocks and text deltas."""

    text_id: str
    start: TextStartPart | None
    """The block's ``text-start``, held back until its first text is published."""
    in_reasoning: bool
    opening: str
    closing: str
    separator: str
    new_reasoning_id: Callable[[], str]
    buffer: str = ""
    reasoning_id: str | None = None
    after_switch: bool = False
    has_text: bool = False
    has_reasoning: bool = False

    def feed(self, delta: str) -> list[StreamPart]:
        """The parts that ``delta`` decides; an undecided tag prefix stays in the buffer."""
        self.buffer += delta
        parts: list[StreamPart] = []
        while True:
            tag = self.closing if self.in_reasoning else self.opening
            index = partial_tag_start(self.buffer, tag)
            if index is None:
                parts += self._publish(self.buffer)
                self.buffer = ""
                return parts
            parts += self._publish(self.buffer[:index])
            if index + len(tag) > len(self.buffer):
                self.buffer = self.buffer[index:]
                return parts
            self.buffer = self.buffer[index + len(tag) :]
            if self.in_reasoning:
                parts += self._end_reasoning()
            self.in_reasoning = not self.in_reasoning
            self.after_switch = True

    def finish(self, end: TextEndPart | None) -> list[StreamPart]:
        """What is left: the buffer (an unfinished tag is content), the open reasoning block, and,
        when the inner block ended, its start (if still held back) and ``end``."""
        parts = self._publish(self.buffer)
        self.buffer = ""
        if self.reasoning_id is not None:
            parts.append(ReasoningEndPart(id=self.reasoning_id))
            self.reasoning_id = None
        if end is not None:
            if self.start is not None:  # a block with no text left is still a (empty) text block
                parts.append(self.start)
                self.start = None
            parts.append(end)
        return parts

    def _publish(self, text: str) -> list[StreamPart]:
        if not text:
            return []
        parts: list[StreamPart] = []
        if self.in_reasoning:
            prefix = self.separator if self.after_switch and self.has_reasoning else ""
            if self.reasoning_id is None:
                self.reasoning_id = self.new_reasoning_id()
                parts.append(ReasoningStartPart(id=self.reasoning_id))
            parts.append(ReasoningDeltaPart(id=self.reasoning_id, delta=prefix + text))
            self.has_reasoning = True
        else:
            prefix = self.separator if self.after_switch and self.has_text else ""
            if self.start is not None:
                parts.append(self.start)
                self.start = None
            parts.append(TextDeltaPart(id=self.text_id, delta=prefix + text))
            self.has_text = True
        self.after_switch = False
        return parts

    def _end_reasoning(self) -> list[StreamPart]:
        parts: list[StreamPart] = []
        if self.reasoning_id is None:  # an empty tag pair is still a (empty) reasoning block
            self.reasoning_id = self.new_reasoning_id()
            parts.append(ReasoningStartPart(id=self.reasoning_id))
        parts.append(ReasoningEndPart(id=self.reasoning_id))
        self.reasoning_id = None
        return parts
