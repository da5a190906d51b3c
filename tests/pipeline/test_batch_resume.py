"""A batch killed halfway is resumed from its disk cache: the rerun only calls the provider for the rest."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from middleware import CacheMiddleware, DiskStore
from pipeline import wrap_model
from pipeline.batch import stream_many, summarize
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer, RecordedRequest, SSEReply
from providers.testing import openai as openai_wire

from .batch_crash_worker import prompts

ROOT = Path(__file__).resolve().parents[2]
COUNT, KILL_AFTER = 60, 30


def echo(request: RecordedRequest) -> SSEReply:
    text = f"echo: {request.json()['messages'][-1]['content']}"
    return openai_wire.stream_reply(openai_wire.stream_chunks(["echo: ", text.removeprefix("echo: ")]))


async def test_rerun_after_a_crash_answers_finished_items_from_the_cache(tmp_path: Path) -> None:
    cache_dir = str(tmp_path / "cache")
    with LoopbackServer() as server:
        server.default_reply = echo
        base_url = server.url("/v1")
        crashed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.pipeline.batch_crash_worker",
                base_url,
                cache_dir,
                str(COUNT),
                str(KILL_AFTER),
            ],
            cwd=ROOT,
            capture_output=True,
            timeout=120,
        )
        assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
        before_rerun = len(server.requests)
        assert KILL_AFTER <= before_rerun < COUNT

        model = wrap_model(
            OpenAIProvider(api_key="crash", base_url=base_url).chat("gpt-4o-mini"),
            [CacheMiddleware(DiskStore(cache_dir))],
        )
        # the same runner as the crashed run (stream_many makes stream calls: their own cache entries)
        items = [item async for item in stream_many(model, prompts(COUNT), concurrency=4, progress=False)]
        rerun_calls = len(server.requests) - before_rerun

    assert [item.unwrap().text for item in items] == [f"echo: {prompt}" for prompt in prompts(COUNT)]
    summary = summarize(items)
    # Every item finished before the crash comes from the cache; only the rest reach the provider.
    assert summary.cached + rerun_calls == COUNT
    assert summary.cached >= KILL_AFTER and rerun_calls <= COUNT - KILL_AFTER
    assert all(item.cached for item in items[:KILL_AFTER])
