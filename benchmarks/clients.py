"""The clients under test: one per benchmark row, each able to make one call and one streamed call.

Every client sends the same request (model, one user message ``prompt``) to the loopback server and
returns the answer text; a streamed call also returns the seconds until its first text delta. Peer
libraries are imported only when their client is built, so a missing one never breaks the others.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["CLIENTS", "BenchClient", "available_clients", "build_client"]

MODEL = "gpt-4o-mini"
API_KEY = "sk-bench-not-a-secret"


@dataclass
class BenchClient:
    """One row of the benchmark: ``generate(prompt) -> text``, ``stream(prompt) -> (first delta s, text)``."""

    name: str
    generate: Callable[[str], Awaitable[str]]
    stream: Callable[[str], Awaitable[tuple[float, str]]] | None
    close: Callable[[], Awaitable[None]]


def _pooled_httpx() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0))


def raw_httpx(base_url: str) -> BenchClient:
    """The floor: a hand-written httpx POST, JSON encode / decode and SSE line parsing, nothing else."""
    client = _pooled_httpx()
    url = f"{base_url}/v1/chat/completions"
    headers = {"authorization": f"Bearer {API_KEY}", "content-type": "application/json"}

    async def generate(prompt: str) -> str:
        body = {"model": MODEL, "messages": [{"role": "user", "content": prompt}]}
        response = await client.post(url, content=json.dumps(body).encode(), headers=headers)
        response.raise_for_status()
        return str(json.loads(response.content)["choices"][0]["message"]["content"])

    async def stream(prompt: str) -> tuple[float, str]:
        body = {"model": MODEL, "messages": [{"role": "user", "content": prompt}], "stream": True}
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        async with client.stream("POST", url, content=json.dumps(body).encode(), headers=headers) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue  # read on to the end of the body, so the connection goes back to the pool
                for choice in json.loads(data)["choices"]:
                    text = choice["delta"].get("content")
                    if text:
                        if first is None:
                            first = time.perf_counter() - started
                        pieces.append(text)
        return first or 0.0, "".join(pieces)

    return BenchClient("raw httpx (floor)", generate, stream, client.aclose)


def _modelpipe(
    name: str,
    base_url: str,
    *,
    stack: bool,
    cache_hit: bool = False,
    responses: bool = False,
    layers: Callable[[], list[Any]] | None = None,
) -> BenchClient:
    from middleware.cache.call_cache import CacheMiddleware
    from middleware.cache.stores import DiskStore
    from middleware.observe.log import LoggingMiddleware
    from middleware.options.provider_options import ProviderOptionsMiddleware
    from pipeline import generate_text, stream_text, wrap_model
    from pipeline.model import LanguageModel
    from providers._http import HttpClient
    from providers.openai import OpenAIChatLanguageModel, OpenAIResponsesLanguageModel

    http = HttpClient()
    terminal = OpenAIResponsesLanguageModel if responses else OpenAIChatLanguageModel
    bare: LanguageModel = terminal(MODEL, api_key=API_KEY, base_url=f"{base_url}/v1", http=http)
    directory = tempfile.TemporaryDirectory(prefix="modelpipe-bench-")
    model: LanguageModel = bare
    store = DiskStore(directory.name) if stack else None
    if store is not None:
        model = wrap_model(
            bare,
            [
                CacheMiddleware(store),
                LoggingMiddleware(),
                ProviderOptionsMiddleware(provider_options={"openai": {"user": "bench"}}),
            ],
        )
    elif layers is not None:
        model = wrap_model(bare, layers())

    def shape(prompt: str) -> str:
        return "Say hello." if cache_hit else prompt

    async def generate(prompt: str) -> str:
        return (await generate_text(model, prompt=shape(prompt))).text

    async def stream(prompt: str) -> tuple[float, str]:
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        async with stream_text(model, prompt=shape(prompt)) as result:
            async for text in result.text_stream:
                if first is None:
                    first = time.perf_counter() - started
                pieces.append(text)
        return first or 0.0, "".join(pieces)

    async def close() -> None:
        await http.aclose()
        if store is not None:  # queued cache writes land before their directory goes
            await store.flush()
            store.close()
        directory.cleanup()

    return BenchClient(name, generate, stream, close)


def modelpipe_bare(base_url: str) -> BenchClient:
    """generate_text / stream_text on the bare OpenAI terminal (no middleware)."""
    return _modelpipe("modelpipe bare provider", base_url, stack=False)


def modelpipe_responses(base_url: str) -> BenchClient:
    """generate_text / stream_text on the bare OpenAI Responses API terminal (``POST /v1/responses``)."""
    return _modelpipe("modelpipe bare provider, Responses API", base_url, stack=False, responses=True)


def modelpipe_stack(base_url: str) -> BenchClient:
    """The full default stack, every call a cache miss: generate_text's normalize and download (nothing
    to fetch) over cache (DiskStore) -> log -> provider options -> the OpenAI terminal."""
    return _modelpipe("modelpipe full stack (miss)", base_url, stack=True)


def modelpipe_cache_hit(base_url: str) -> BenchClient:
    """The full default stack answering every call from the disk cache (one repeated prompt)."""
    return _modelpipe("modelpipe cache hit", base_url, stack=True, cache_hit=True)


def openai_sdk(base_url: str) -> BenchClient:
    """The official openai SDK (AsyncOpenAI)."""
    from openai import AsyncOpenAI

    client = AsyncOpenAI(api_key=API_KEY, base_url=f"{base_url}/v1", http_client=_pooled_httpx())

    async def generate(prompt: str) -> str:
        completion = await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content or ""

    async def stream(prompt: str) -> tuple[float, str]:
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        chunks = await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": prompt}], stream=True
        )
        async for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.content:
                    if first is None:
                        first = time.perf_counter() - started
                    pieces.append(choice.delta.content)
        return first or 0.0, "".join(pieces)

    return BenchClient("openai SDK", generate, stream, client.close)


def litellm_client(base_url: str) -> BenchClient:
    """LiteLLM's acompletion on its OpenAI route."""
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    options: dict[str, Any] = {"model": f"openai/{MODEL}", "api_base": f"{base_url}/v1", "api_key": API_KEY}

    async def generate(prompt: str) -> str:
        response = await litellm.acompletion(messages=[{"role": "user", "content": prompt}], **options)
        return str(response.choices[0].message.content)

    async def stream(prompt: str) -> tuple[float, str]:
        started = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        response = await litellm.acompletion(
            messages=[{"role": "user", "content": prompt}], stream=True, **options
        )
        async for chunk in response:
            text = chunk.choices[0].delta.content if chunk.choices else None
            if text:
                if first is None:
                    first = time.perf_counter() - started
                pieces.append(text)
        return first or 0.0, "".join(pieces)

    async def close() -> None:
        return None

    return BenchClient("LiteLLM", generate, stream, close)


def _fallback_layers() -> list[Any]:
    from middleware.resilience import FallbackMiddleware
    from providers.openai import OpenAIChatLanguageModel

    return [
        FallbackMiddleware(
            [OpenAIChatLanguageModel(MODEL, api_key=API_KEY, base_url="http://127.0.0.1:9/v1")]
        )
    ]


def _rate_limit_layers() -> list[Any]:
    from middleware.resilience import RateLimitMiddleware

    return [RateLimitMiddleware(requests_per_minute=10**9, tokens_per_minute=10**12)]


def _cost_layers() -> list[Any]:
    from middleware.resilience import CostMiddleware

    return [CostMiddleware()]


def _budget_layers() -> list[Any]:
    from middleware.resilience import BudgetMiddleware

    return [BudgetMiddleware(max_usd=10.0**9)]


def _prompt_caching_layers() -> list[Any]:
    from middleware.options.prompt_caching import PromptCachePolicy, PromptCachingMiddleware

    return [PromptCachingMiddleware(policy=PromptCachePolicy(last_messages=1))]


def modelpipe_prompt_caching(base_url: str) -> BenchClient:
    """The bare provider behind a PromptCachingMiddleware (OpenAI: a prompt_cache_key over the prefix)."""
    return _modelpipe("modelpipe + prompt caching", base_url, stack=False, layers=_prompt_caching_layers)


def modelpipe_fallback(base_url: str) -> BenchClient:
    """The bare provider behind a FallbackMiddleware whose primary always answers (the backup is unused)."""
    return _modelpipe("modelpipe + fallback", base_url, stack=False, layers=_fallback_layers)


def modelpipe_rate_limit(base_url: str) -> BenchClient:
    """The bare provider behind a RateLimitMiddleware (in-memory moving window, requests and tokens) that
    never has to wait."""
    return _modelpipe("modelpipe + rate limit", base_url, stack=False, layers=_rate_limit_layers)


def modelpipe_cost(base_url: str) -> BenchClient:
    """The bare provider behind a CostMiddleware (genai-prices)."""
    return _modelpipe("modelpipe + cost", base_url, stack=False, layers=_cost_layers)


def modelpipe_budget(base_url: str) -> BenchClient:
    """The bare provider behind a BudgetMiddleware (in-memory, pricing the calls itself)."""
    return _modelpipe("modelpipe + budget", base_url, stack=False, layers=_budget_layers)


CLIENTS: dict[str, Callable[[str], BenchClient]] = {
    "floor": raw_httpx,
    "bare": modelpipe_bare,
    "responses": modelpipe_responses,
    "stack": modelpipe_stack,
    "hit": modelpipe_cache_hit,
    "openai": openai_sdk,
    "litellm": litellm_client,
    "fallback": modelpipe_fallback,
    "ratelimit": modelpipe_rate_limit,
    "cost": modelpipe_cost,
    "budget": modelpipe_budget,
    "promptcache": modelpipe_prompt_caching,
}
"""Row keys, in table order."""

_PEER_MODULES = {
    "openai": "openai",
    "litellm": "litellm",
    "fallback": "limits",  # the resilience rows need the resilience extra
    "ratelimit": "limits",
    "cost": "genai_prices",
    "budget": "genai_prices",
}


def available_clients() -> list[str]:
    """Row keys whose libraries can be imported here (peers and extras are optional)."""
    import importlib.util

    return [
        key for key in CLIENTS if key not in _PEER_MODULES or importlib.util.find_spec(_PEER_MODULES[key])
    ]


def build_client(key: str, base_url: str) -> BenchClient:
    """The client for row ``key`` against the server at ``base_url``."""
    return CLIENTS[key](base_url)
