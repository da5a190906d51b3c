"""The model factory the Ray batch test sends to its workers: OpenAI behind a shared Redis cache."""

from __future__ import annotations

from middleware import CacheMiddleware, RateLimitMiddleware, RedisStore
from pipeline import LanguageModel, wrap_model
from providers.openai import OpenAIProvider


def make_stack(base_url: str, redis_url: str) -> LanguageModel:
    """The same middleware stack on every worker: a cache shared through Redis, then the provider."""
    model = OpenAIProvider(api_key="sk-ray", base_url=base_url).chat("gpt-4o-mini")
    return wrap_model(
        model,
        [CacheMiddleware(RedisStore(redis_url, op_timeout=2.0), namespace="ray-test", store_timeout=2.0)],
    )


def make_limited_stack(base_url: str, redis_url: str, requests_per_second: int) -> LanguageModel:
    """Every worker behind one rate limit shared through Redis (the limit's key is the same everywhere)."""
    model = OpenAIProvider(api_key="sk-ray", base_url=base_url).chat("gpt-4o-mini")
    limit = RateLimitMiddleware(
        requests=f"{requests_per_second} per 1 second", storage=redis_url, key="ray-test", max_wait=60.0
    )
    return wrap_model(model, [limit])
