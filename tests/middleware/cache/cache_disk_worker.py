"""A worker process for the multi-process DiskStore tests (run with ``python -m``).

``hammer DIR ROUNDS``: call generate and stream over KEYS prompts ROUNDS times with concurrency
through a CacheMiddleware on a DiskStore in DIR, check every answer against the expected one, and print
a JSON report (after a ``started`` line once the first round is done).
``write DIR``: rewrite every entry (``refresh``) forever, printing ``ready`` once.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from typing import Any

import anyio

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import DiskStore
from pipeline.chain import wrap_model
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult, collect_stream
from pipeline.testing import MockLanguageModel, text_result, text_stream_parts

__all__ = ["KEYS", "RELAXED", "answer_text", "prompt"]

KEYS = 50
RELAXED = 2.0
"""Generous store deadlines: these runs check consistency under contention, not latency."""


def answer_text(index: int) -> str:
    """The deterministic answer for prompt ``index``; every 5th is large enough to live in a file."""
    seed = hashlib.sha256(str(index).encode()).hexdigest()
    return seed * (700 if index % 5 == 0 else 2)


def prompt(index: int, *, refresh: bool = False) -> CallParams:
    options = {"providerOptions": {"modelpipe": {"cache": "refresh"}}} if refresh else {}
    return CallParams.model_validate(
        {"prompt": [{"role": "user", "content": [{"type": "text", "text": f"prompt {index}"}]}], **options}
    )


def _index(params: CallParams) -> int:
    message = params.prompt[-1]
    assert isinstance(message, UserMessage) and isinstance(message.content[0], TextPart)
    return int(message.content[0].text.split()[-1])


async def _generate(params: CallParams) -> GenerateResult:
    await anyio.sleep(0.001)
    return text_result(answer_text(_index(params)))


async def _stream(params: CallParams) -> StreamResult:
    text = answer_text(_index(params))
    parts = text_stream_parts([text[i : i + 500] for i in range(0, len(text), 500)])

    async def generate() -> Any:
        for part in parts:
            yield part

    return StreamResult(stream=generate())


def _model() -> MockLanguageModel:
    return MockLanguageModel(generate=_generate, stream=_stream)


async def hammer(directory: str, rounds: int) -> dict[str, Any]:
    store = DiskStore(directory, timeout=RELAXED)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    wrapped = wrap_model(_model(), cache)
    digests: dict[str, str] = {}
    mismatches = 0
    limiter = anyio.CapacityLimiter(16)

    async def one(index: int, kind: str) -> None:
        nonlocal mismatches
        async with limiter:
            if kind == "generate":
                text = (await wrapped.do_generate(prompt(index))).text
            else:
                result = await wrapped.do_stream(prompt(index))
                text = collect_stream([part async for part in result.stream]).text
        if text != answer_text(index):
            mismatches += 1
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digests.setdefault(f"{kind}:{index}", digest) != digest:
            mismatches += 1

    for round_number in range(rounds):
        async with anyio.create_task_group() as group:
            for index in range(KEYS):
                for kind in ("generate", "stream"):
                    group.start_soon(one, index, kind)
        if round_number == 0:
            print("started", flush=True)
    store.close()
    return {"digests": digests, "mismatches": mismatches, "stats": asdict(cache.stats)}


async def write_forever(directory: str) -> None:
    cache = CacheMiddleware(DiskStore(directory, timeout=RELAXED), store_timeout=RELAXED)
    wrapped = wrap_model(_model(), cache)
    first = True
    while True:
        for index in range(KEYS):
            await wrapped.do_generate(prompt(index, refresh=True))
            result = await wrapped.do_stream(prompt(index, refresh=True))
            async for _ in result.stream:
                pass
            if first:
                print("ready", flush=True)
                first = False


def main(argv: list[str]) -> None:
    command, directory = argv[0], argv[1]
    if command == "hammer":
        print(json.dumps(anyio.run(hammer, directory, int(argv[2]))), flush=True)
    else:
        anyio.run(write_forever, directory)


if __name__ == "__main__":
    main(sys.argv[1:])
