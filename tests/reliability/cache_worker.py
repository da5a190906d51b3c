"""A client process for the shared cache tests (``python -m tests.reliability.cache_worker MODE ...``).

STORE is a cache directory (a DiskStore) or a ``redis://`` URL (a RedisStore).
``hammer``: ROUNDS rounds over KEYS prompts, each prompt once per round through generate_text and once
through stream_text (concurrently), on the OpenAI terminal behind CacheMiddleware(STORE); checks every
answer and prints one JSON report (after a ``started`` line once the first round is done).
``refresh``: rewrite every entry (``cache: refresh``) forever, printing ``ready`` after the first one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

import anyio

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.stores import CacheStore, DiskStore
from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import ModelCallError
from pipeline.model import LanguageModel
from providers.openai import OpenAIChatLanguageModel

__all__ = ["KEYS", "REDIS_PREFIX", "answer_for", "main"]

KEYS = 40
RELAXED = 2.0
"""Generous store deadlines: these runs check consistency under contention, not latency."""
REDIS_PREFIX = "modelpipe:cache:"


def answer_for(prompt: str) -> str:
    """The server's deterministic answer to ``prompt``; every 4th is large enough to live in a file."""
    digest = hashlib.sha256(prompt.encode()).hexdigest()
    index = int(prompt.rsplit(" ", 1)[-1])
    return digest * (800 if index % 4 == 0 else 3)


def _open_store(spec: str) -> tuple[CacheStore, Callable[[], Awaitable[None]]]:
    """The store named by ``spec`` (a ``redis://`` URL or a directory) and how to close it."""
    if spec.startswith("redis://"):
        from middleware.cache.stores import RedisStore  # the redis extra, only when asked for

        redis_store = RedisStore(spec, prefix=REDIS_PREFIX, op_timeout=RELAXED)
        return redis_store, redis_store.aclose
    disk_store = DiskStore(spec, timeout=RELAXED)

    async def close_disk() -> None:
        disk_store.close()

    return disk_store, close_disk


def _model(spec: str, url: str) -> tuple[LanguageModel, CacheMiddleware, Callable[[], Awaitable[None]]]:
    store, close = _open_store(spec)
    cache = CacheMiddleware(store, store_timeout=RELAXED)
    bare = OpenAIChatLanguageModel("gpt-4o-mini", api_key="sk-shared", base_url=url)
    return wrap_model(bare, [cache]), cache, close


async def _ask(model: LanguageModel, prompt: str, kind: str, refresh: bool = False) -> str:
    options = {"modelpipe": {"cache": "refresh"}} if refresh else None
    if kind == "generate":
        return (await generate_text(model, prompt=prompt, provider_options=options)).text
    async with stream_text(model, prompt=prompt, provider_options=options) as result:
        return "".join([delta async for delta in result.text_stream])


async def hammer(spec: str, url: str, rounds: int) -> dict[str, Any]:
    model, cache, close = _model(spec, url)
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
    await close()
    return {"digests": digests, "mismatches": mismatches, "errors": errors, "stats": asdict(cache.stats)}


async def refresh_forever(spec: str, url: str) -> None:
    model, _, _ = _model(spec, url)
    first = True
    while True:
        for index in range(KEYS):
            for kind in ("generate", "stream"):
                await _ask(model, f"shared prompt {index}", kind, refresh=True)
                if first:
                    print("ready", flush=True)
                    first = False


def main(argv: list[str]) -> None:
    """``hammer STORE URL ROUNDS`` or ``refresh STORE URL``."""
    mode, spec, url = argv[0], argv[1], argv[2]
    if mode == "hammer":
        print(json.dumps(anyio.run(hammer, spec, url, int(argv[3]))), flush=True)
    else:
        anyio.run(refresh_forever, spec, url)


if __name__ == "__main__":
    main(sys.argv[1:])
