"""A disk cache in front of a model: the second call is served from the cache, a stream is replayed.

The cache stores our own JSON envelope (never pickle) in a diskcache directory. The second generate
call never reaches the model, and the second stream is replayed part by part from the recording of
the first. The model is the OpenAI terminal talking to a loopback server on 127.0.0.1 (offline), which
counts the requests that reach it. Run: python examples/caching.py
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

import anyio

from middleware.cache import CacheMiddleware, CacheStats
from middleware.cache.stores import DiskStore
from pipeline.chain import wrap_model
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["build_model", "main"]

QUESTION = "What is the capital of France?"


def build_model(stack: ExitStack) -> LanguageModel:
    """The model behind the cache: OpenAI chat on a loopback server that can answer once of each kind."""
    server = stack.enter_context(LoopbackServer())
    server.enqueue(
        fake_openai.text_reply("Paris."),
        fake_openai.stream_reply(fake_openai.stream_chunks(["The capital ", "is ", "Paris."])),
    )
    stack.callback(lambda: print(f"requests that reached the server: {len(server.requests)}"))
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback").chat("gpt-4o-mini")


async def main(directory: Path | None = None) -> CacheStats:
    """Ask twice, stream twice; return the cache's counters."""
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        store = DiskStore(directory or Path(scratch) / "cache")
        cache = CacheMiddleware(store, replay_delay=0.01)
        model = wrap_model(build_model(stack), cache)
        try:
            for attempt in (1, 2):
                result = await generate_text(model, prompt=QUESTION)
                print(f"generate #{attempt}: {result.text!r}  {cache.stats}")

            for attempt in (1, 2):
                async with stream_text(model, prompt=QUESTION) as stream:
                    chunks = [chunk async for chunk in stream.text_stream]
                print(f"stream   #{attempt}: {chunks}  {cache.stats}")
        finally:
            store.close()
        return cache.stats


if __name__ == "__main__":
    print(anyio.run(main))
