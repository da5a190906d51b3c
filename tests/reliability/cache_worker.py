"""A client process for the shared disk cache tests (``python -m tests.reliability.cache_worker MODE ...``).

``hammer``: ROUNDS rounds over KEYS prompts, each prompt once per round through generate_text and once
through stream_text (concurrently), on the OpenAI terminal behind CacheMiddleware(DiskStore(DIR));
checks every answer and prints one JSON report (after a ``started`` line once the first round is done).
``refresh``: rewrite every entry (``cache: refresh``) forever, printing ``ready`` after the first one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from typing import Any

import anyio

from middleware.cache import CacheMiddleware
from middleware.stores import DiskStore
from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import ModelCallError
from pipeline.model import LanguageModel
from providers.openai import OpenAIChatLanguageModel

__all__ = ["KEYS", "answer_for", "main"]

KEYS = 40
RELAXED = 2.0
"""Generous store deadlines: these runs check consistency under contention, not latency."""


def answer_for(prompt: str) -> str:
    """The server's deterministic answer to ``prompt``; every 4th is large enough to live in a file."""
    digest = hashlib.sha256(prompt.encode()).hexdigest()
    index = int(prompt.rsplit(" ", 1)[-1])
    return digest * (800 if index % 4 == 0 else 3)


def _model(directory: str, url: str) -> tuple[LanguageModel, CacheMiddleware, DiskStore]:
    store = DiskStore(directory, timeout=RELAXED)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    bare = OpenAIChatLanguageModel("gpt-4o-mini", api_key="sk-shared", base_url=url)
    return wrap_model(bare, [cache]), cache, store


async def _ask(model: LanguageModel, prompt: str, kind: str, refresh: bool = False) -> str:
    options = {"modelpipe": {"cache": "refresh"}} if refresh else None
    if kind == "generate":
        return (await generate_text(model, prompt=prompt, provider_options=options)).text
    async with stream_text(model, prompt=prompt, provider_options=options) as result:
        return "".join([delta async for delta in result.text_stream])


async def hammer(directory: str, url: str, rounds: int) -> dict[str, Any]:
    model, cache, store = _model(directory, url)
    digests: dict[str, str] = {}
    mismatches = 0
    errors: list[str] = []
    limiter = anyio.CapacityLimiter(20)

    async def one(index: int, kind: str) -> None:
        nonlocal mismatches
        prompt = f"shared prompt {index}"
        async with limiter:
            try:
                text = await _ask(model, prompt, kind)
            except ModelCallError as error:
                errors.append(f"{type(error).__name__}: {error}")
                return
        if text != answer_for(prompt):
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
    return {"digests": digests, "mismatches": mismatches, "errors": errors, "stats": asdict(cache.stats)}


async def refresh_forever(directory: str, url: str) -> None:
    model, _, _ = _model(directory, url)
    first = True
    while True:
        for index in range(KEYS):
            for kind in ("generate", "stream"):
                await _ask(model, f"shared prompt {index}", kind, refresh=True)
                if first:
                    print("ready", flush=True)
                    first = False


def main(argv: list[str]) -> None:
    """``hammer DIR URL ROUNDS`` or ``refresh DIR URL``."""
    mode, directory, url = argv[0], argv[1], argv[2]
    if mode == "hammer":
        print(json.dumps(anyio.run(hammer, directory, url, int(argv[3]))), flush=True)
    else:
        anyio.run(refresh_forever, directory, url)


if __name__ == "__main__":
    main(sys.argv[1:])
