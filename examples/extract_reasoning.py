"""Reasoning models that think out loud: split ``<think>...</think>`` out of the text.

Some models (DeepSeek R1 and its distillations, QwQ, ...) write their reasoning into the text inside
``<think>`` tags. ``ExtractReasoningMiddleware`` turns it into reasoning parts, for generate and for
streams (tags split across chunks included), so ``result.text`` is the answer alone.
The model here is scripted, so the example runs offline. Run: python examples/extract_reasoning.py
"""

from __future__ import annotations

import anyio

from middleware import ExtractReasoningMiddleware
from pipeline.chain import wrap_model
from pipeline.generate import generate_text, stream_text
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

__all__ = ["ANSWER", "main"]

ANSWER = "<think>The user wants a greeting. Keep it short.</think>Hello there!"


async def main() -> None:
    chunks = ["<thi", "nk>The user wants a greeting.", " Keep it short.</th", "ink>Hello", " there!"]
    thinking_model = MockLanguageModel(generate=text_result(ANSWER), stream=text_stream_parts(chunks))
    model = wrap_model(thinking_model, ExtractReasoningMiddleware(tag_name="think"))

    result = await generate_text(model, prompt="Greet me")
    print(f"generate reasoning -> {result.reasoning_text}")
    print(f"generate text      -> {result.text}")

    async with stream_text(model, prompt="Greet me") as stream:
        async for part in stream.full_stream:
            if part.type == "reasoning-delta":
                print(f"stream reasoning   -> {part.delta}")
            elif part.type == "text-delta":
                print(f"stream text        -> {part.delta}")


if __name__ == "__main__":
    anyio.run(main)
