"""Write your own observer: a timing middleware in a few lines.

A middleware overrides only the hooks it needs. This one times every generate call and every
stream (until the stream ends) and hands the numbers to a callback. Run: python examples/custom_middleware.py
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable

import anyio

from pipeline.chain import Middleware, WrapContext, wrap_model
from pipeline.generate import generate_text, stream_text
from pipeline.result import GenerateResult
from pipeline.stream import StreamPart, StreamResult
from pipeline.testing import MockLanguageModel

__all__ = ["TimingMiddleware", "main"]


class TimingMiddleware(Middleware):
    """Calls ``report(call_type, model_id, seconds)`` when each call ends."""

    def __init__(self, report: Callable[[str, str, float], None]) -> None:
        self.report = report

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        started = time.perf_counter()
        try:
            return await call.do_generate()
        finally:
            self.report("generate", call.model.model_id, time.perf_counter() - started)

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        started = time.perf_counter()
        inner = await call.do_stream()

        async def timed() -> AsyncGenerator[StreamPart, None]:
            try:
                async for part in inner.stream:
                    yield part
            finally:
                await inner.stream.aclose()
                self.report("stream", call.model.model_id, time.perf_counter() - started)

        return StreamResult(stream=timed(), request=inner.request, response=inner.response)


async def main() -> None:
    def report(call_type: str, model_id: str, seconds: float) -> None:
        print(f"[timing] {call_type} {model_id}: {seconds * 1000:.1f} ms")

    model = wrap_model(MockLanguageModel(), TimingMiddleware(report))

    result = await generate_text(model, prompt="Say hello")
    print(f"generate -> {result.text}")

    async with stream_text(model, prompt="Say hello") as stream:
        print(f"stream   -> {await stream.text()}")


if __name__ == "__main__":
    anyio.run(main)
