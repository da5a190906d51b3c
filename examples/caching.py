"""A disk cache in front of a model: the second call is served from the cache, a stream is replayed.

The cache stores our own JSON envelope (never pickle) in a diskcache directory. The second generate
call never reaches the model, and the second stream is replayed part by part from the recording of
the first. Run: python examples/caching.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import anyio

from middleware.cache import CacheMiddleware, CacheStats
from middleware.stores import DiskStore
from pipeline.chain import wrap_model
from pipeline.generate import generate_text, stream_text
from pipeline.model import LanguageModel
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

__all__ = ["build_model", "main"]

QUESTION = "What is the capital of France?"


def build_model() -> LanguageModel:
    """The model behind the cache: an offline mock here; any LanguageModel (e.g. OpenAI chat) works."""
    return MockLanguageModel(
        generate=text_result("Paris."), stream=text_stream_parts(["The capital ", "is ", "Paris."])
    )


async def main(directory: Path | None = None) -> CacheStats:
    """Ask twice, stream twice; return the cache's counters."""
    with tempfile.TemporaryDirectory() as scratch:
        store = DiskStore(directory or Path(scratch) / "cache")
        cache = CacheMiddleware(store, replay_delay=0.01)
        model = wrap_model(build_model(), cache)
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
