"""The clients under test: one per benchmark row, each able to make one call and one streamed call.

Every client sends the same request (model, one user message ``prompt``) to the loopback server and
returns the answer text; a streamed call also returns the seconds until its first text delta. Peer
libraries are imported only when their client is built, so a missing one never breaks the others.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "CLIENTS",
    "REDIS_URL_ENV",
    "BenchClient",
    "available_clients",
    "build_client",
    "redis_url",
    "unavailable_clients",
]

MODEL = "gpt-4o-mini"
API_KEY = "sk-bench-not-a-secret"
REDIS_URL_ENV = "MODELPIPE_BENCH_REDIS_URL"
REDIS_OP_TIMEOUT = 2.0
"""Seconds per Redis operation in the ``miss-redis`` row (RedisStore's default is 0.1): the row measures a
store that answers, also on a loaded machine and under callgrind, where 0.1 s is exceeded and the breaker
would turn the row into "no cache". A deadline's cost does not depend on its length."""


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


@dataclass
class _Chain:
    """The middleware of one row (outermost first) and what to release when its client closes."""

    middleware: list[Any]
    close: Callable[[], Awaitable[None]] | None = None


def _modelpipe(
    name: str,
    base_url: str,
    *,
    cache_hit: bool = False,
    responses: bool = False,
    chain: Callable[[], _Chain] | None = None,
) -> BenchClient:
    from pipeline import generate_text, stream_text, wrap_model
    from pipeline.model import LanguageModel
    from providers._http import HttpClient
    from providers.openai import OpenAIChatLanguageModel, OpenAIResponsesLanguageModel

    http = HttpClient()
    terminal = OpenAIResponsesLanguageModel if responses else OpenAIChatLanguageModel
    bare: LanguageModel = terminal(MODEL, api_key=API_KEY, base_url=f"{base_url}/v1", http=http)
    layers = chain() if chain is not None else _Chain([])
    model = wrap_model(bare, layers.middleware) if layers.middleware else bare

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
        if layers.close is not None:
            await layers.close()

    return BenchClient(name, generate, stream, close)


def _options() -> Any:
    from middleware.options.provider_options import ProviderOptionsMiddleware

    return ProviderOptionsMiddleware(provider_options={"openai": {"user": "bench"}})


def _log() -> Any:
    from middleware.observe.log import LoggingMiddleware

    return LoggingMiddleware()  # logging is not configured in the worker: records stop at the level check


def _options_chain() -> _Chain:
    return _Chain([_options()])


def _log_chain() -> _Chain:
    return _Chain([_log(), _options()])


def _trace_noop_chain() -> _Chain:
    from middleware.observe.trace import TracingMiddleware

    return _Chain([_log(), TracingMiddleware(), _options()])  # no SDK configured: the API's no-op tracer


def _trace_sdk_chain() -> _Chain:
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    from middleware.observe.trace import TracingMiddleware

    class Discard(SpanExporter):
        """Takes every batch and drops it: the SDK's span work without a collector's wire cost."""

        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(Discard()))

    async def close() -> None:
        provider.shutdown()

    return _Chain([_log(), TracingMiddleware(tracer_provider=provider), _options()], close)


def _cache_chain(kind: str) -> _Chain:
    from middleware.cache.call_cache import CacheMiddleware
    from middleware.cache.stores import DiskStore, MemoryStore, RedisStore

    if kind == "memory":
        return _Chain([CacheMiddleware(MemoryStore()), _log(), _options()])
    if kind == "redis":
        # a prefix of its own: the server outlives this client, and another process's entries (the same
        # prompts, e.g. the two counted runs of benchmarks.instructions) would turn misses into hits
        prefix = f"modelpipe-bench:{uuid.uuid4().hex}:"
        redis = RedisStore(redis_url(), prefix=prefix, op_timeout=REDIS_OP_TIMEOUT)
        return _Chain([CacheMiddleware(redis), _log(), _options()], redis.aclose)
    directory = tempfile.TemporaryDirectory(prefix="modelpipe-bench-")
    disk = DiskStore(directory.name)

    async def close_disk() -> None:
        await disk.flush()  # queued cache writes land before their directory goes
        disk.close()
        directory.cleanup()

    return _Chain([CacheMiddleware(disk), _log(), _options()], close_disk)


def redis_url() -> str:
    """The Redis server of the ``miss-redis`` row, from :data:`REDIS_URL_ENV` (the runner starts one)."""
    url = os.environ.get(REDIS_URL_ENV)
    if not url:
        raise RuntimeError(f"the miss-redis row needs a Redis server: set {REDIS_URL_ENV}")
    return url


def modelpipe_bare(base_url: str) -> BenchClient:
    """generate_text / stream_text on the bare OpenAI terminal (no middleware; generate_text's own
    normalize and download steps run, as on every call)."""
    return _modelpipe("modelpipe bare provider", base_url)


def modelpipe_responses(base_url: str) -> BenchClient:
    """generate_text / stream_text on the bare OpenAI Responses API terminal (``POST /v1/responses``)."""
    return _modelpipe("modelpipe bare provider, Responses API", base_url, responses=True)


def modelpipe_options(base_url: str) -> BenchClient:
    """Layer 1 over bare: provider options injection."""
    return _modelpipe("modelpipe + provider options", base_url, chain=_options_chain)


def modelpipe_log(base_url: str) -> BenchClient:
    """Layer 2: logging -> provider options -> the terminal."""
    return _modelpipe("modelpipe + logging", base_url, chain=_log_chain)


def modelpipe_trace(base_url: str) -> BenchClient:
    """Logging -> tracing on the OpenTelemetry API's no-op tracer (no SDK configured) -> options."""
    return _modelpipe("modelpipe + tracing (no-op)", base_url, chain=_trace_noop_chain)


def modelpipe_trace_sdk(base_url: str) -> BenchClient:
    """Logging -> tracing on an SDK TracerProvider (BatchSpanProcessor, an exporter that drops the
    batches) -> options: every span is built, ended and queued as in production, minus the export."""
    return _modelpipe("modelpipe + tracing (SDK)", base_url, chain=_trace_sdk_chain)


def modelpipe_miss_memory(base_url: str) -> BenchClient:
    """Cache (MemoryStore, every call a miss) -> logging -> provider options -> the terminal."""
    return _modelpipe("modelpipe + cache miss (memory)", base_url, chain=lambda: _cache_chain("memory"))


def modelpipe_miss_redis(base_url: str) -> BenchClient:
    """Cache (RedisStore on a loopback redis-server, every call a miss) -> logging -> options."""
    return _modelpipe("modelpipe + cache miss (Redis)", base_url, chain=lambda: _cache_chain("redis"))


def modelpipe_stack(base_url: str) -> BenchClient:
    """The full default stack, every call a cache miss: generate_text's normalize and download (nothing
    to fetch) over cache (DiskStore) -> log -> provider options -> the OpenAI terminal."""
    return _modelpipe("modelpipe full stack (miss)", base_url, chain=lambda: _cache_chain("disk"))


def modelpipe_cache_hit(base_url: str) -> BenchClient:
    """The full default stack answering every call from the disk cache (one repeated prompt)."""
    return _modelpipe("modelpipe cache hit", base_url, cache_hit=True, chain=lambda: _cache_chain("disk"))


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


def _fallback_layers() -> _Chain:
    from middleware.resilience import FallbackMiddleware
    from providers.openai import OpenAIChatLanguageModel

    backup = OpenAIChatLanguageModel(MODEL, api_key=API_KEY, base_url="http://127.0.0.1:9/v1")
    return _Chain([FallbackMiddleware([backup])])


def _rate_limit_layers() -> _Chain:
    from middleware.resilience import RateLimitMiddleware

    return _Chain([RateLimitMiddleware(requests_per_minute=10**9, tokens_per_minute=10**12)])


def _cost_layers() -> _Chain:
    from middleware.resilience import CostMiddleware

    return _Chain([CostMiddleware()])


def _budget_layers() -> _Chain:
    from middleware.resilience import BudgetMiddleware

    return _Chain([BudgetMiddleware(max_usd=10.0**9)])


def _prompt_caching_layers() -> _Chain:
    from middleware.options.prompt_caching import PromptCachePolicy, PromptCachingMiddleware

    return _Chain([PromptCachingMiddleware(policy=PromptCachePolicy(last_messages=1))])


def modelpipe_prompt_caching(base_url: str) -> BenchClient:
    """The bare provider behind a PromptCachingMiddleware (OpenAI: a prompt_cache_key over the prefix)."""
    return _modelpipe("modelpipe + prompt caching", base_url, chain=_prompt_caching_layers)


def modelpipe_fallback(base_url: str) -> BenchClient:
    """The bare provider behind a FallbackMiddleware whose primary always answers (the backup is unused)."""
    return _modelpipe("modelpipe + fallback", base_url, chain=_fallback_layers)


def modelpipe_rate_limit(base_url: str) -> BenchClient:
    """The bare provider behind a RateLimitMiddleware (in-memory moving window, requests and tokens) that
    never has to wait."""
    return _modelpipe("modelpipe + rate limit", base_url, chain=_rate_limit_layers)


def modelpipe_cost(base_url: str) -> BenchClient:
    """The bare provider behind a CostMiddleware (genai-prices)."""
    return _modelpipe("modelpipe + cost", base_url, chain=_cost_layers)


def modelpipe_budget(base_url: str) -> BenchClient:
    """The bare provider behind a BudgetMiddleware (in-memory, pricing the calls itself)."""
    return _modelpipe("modelpipe + budget", base_url, chain=_budget_layers)


CLIENTS: dict[str, Callable[[str], BenchClient]] = {
    "floor": raw_httpx,
    "bare": modelpipe_bare,
    "options": modelpipe_options,
    "log": modelpipe_log,
    "trace": modelpipe_trace,
    "trace-sdk": modelpipe_trace_sdk,
    "miss-memory": modelpipe_miss_memory,
    "stack": modelpipe_stack,
    "miss-redis": modelpipe_miss_redis,
    "hit": modelpipe_cache_hit,
    "responses": modelpipe_responses,
    "fallback": modelpipe_fallback,
    "ratelimit": modelpipe_rate_limit,
    "cost": modelpipe_cost,
    "budget": modelpipe_budget,
    "promptcache": modelpipe_prompt_caching,
    "openai": openai_sdk,
    "litellm": litellm_client,
}
"""Python row keys, in table order (the AI SDK's row runs on Node: :mod:`benchmarks.measure`)."""

_PEER_MODULES = {
    "openai": "openai",
    "litellm": "litellm",
    "trace": "opentelemetry.trace",  # the otel extra
    "trace-sdk": "opentelemetry.sdk",
    "miss-redis": "redis",  # the redis extra (and a redis-server binary: the runner checks)
    "fallback": "limits",  # the resilience rows need the resilience extra
    "ratelimit": "limits",
    "cost": "genai_prices",
    "budget": "genai_prices",
}


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a dotted name whose parent package is missing
        return False


def available_clients() -> list[str]:
    """Row keys whose libraries can be imported here (peers and extras are optional)."""
    missing = unavailable_clients()
    return [key for key in CLIENTS if key not in missing]


def unavailable_clients() -> dict[str, str]:
    """Row key -> the module it needs that cannot be imported here."""
    return {key: module for key, module in _PEER_MODULES.items() if not _importable(module)}


def build_client(key: str, base_url: str) -> BenchClient:
    """The client for row ``key`` against the server at ``base_url``."""
    return CLIENTS[key](base_url)
