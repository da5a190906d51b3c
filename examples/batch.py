"""A batch of prompts in one process: generate_many with a progress bar, a cache, and a failure.

``generate_many_sync(model, prompts, concurrency=16)`` runs every prompt, keeps input order, and turns a
failed call into that item's error instead of stopping the batch. On a terminal a bar shows
done / failed / cached counts (and cost, when a cost middleware records it). The model sits behind a
``CacheMiddleware`` on disk: run the script twice and the second run is answered from the cache; kill it
halfway and the rerun only calls the provider for what was not finished.

When to pick which runner:

- one process (this example): up to tens of thousands of prompts, answers in minutes;
- the provider's batch API (``providers.openai.batch.OpenAIBatch``,
  ``providers.anthropic.batch.AnthropicBatch``): half the price, answers within hours;
- Ray (``examples/batch_ray.py``): more than one machine's worth of work, or data already in Ray.

Offline: a loopback server on 127.0.0.1 answers as OpenAI (prompt 13 is refused on purpose).
Run: python examples/batch.py [cache directory]
"""

from __future__ import annotations

import sys
import tempfile
import time

from middleware import CacheMiddleware, DiskStore
from pipeline import wrap_model
from pipeline.batch import generate_many_sync, summarize
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest
from providers.testing import openai as fake_openai

__all__ = ["main"]

PROMPTS = [f"Give a one-word name for colour number {index}." for index in range(40)]


def answer(request: RecordedRequest) -> JsonReply:
    """OpenAI's answer after a short delay, so the bar has something to show; prompt 13 is refused."""
    question = request.json()["messages"][-1]["content"]
    if "number 13." in question:
        return fake_openai.error_reply(400, "This prompt is refused on purpose.")
    return JsonReply(fake_openai.completion_body(f"Colour-{question.split()[-1].rstrip('.')}"), delay=0.05)


def main(cache_directory: str | None = None) -> None:
    with LoopbackServer() as api, tempfile.TemporaryDirectory() as scratch:
        api.default_reply = answer
        model = wrap_model(
            OpenAIProvider(api_key="loopback", base_url=api.url("/v1")).chat("gpt-4o-mini"),
            [CacheMiddleware(DiskStore(cache_directory or scratch))],
        )
        for run in ("first run", "second run"):
            started = time.perf_counter()
            items = generate_many_sync(model, PROMPTS, concurrency=8, progress=True, max_retries=0)
            summary = summarize(items)
            print(
                f"{run}: {summary.done} done, {summary.failed} failed, {summary.cached} cached, "
                f"{len(api.requests)} provider calls so far, {time.perf_counter() - started:.1f} s"
            )
        for item in items[11:15]:
            print(f"  {item.index:2}: {item.unwrap().text if item.ok else f'error: {item.error}'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
