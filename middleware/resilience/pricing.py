"""What one call cost, in USD: ``genai-prices`` (pydantic's maintained price data, shipped offline in the
package), else a price table the caller gives; a model known to neither has no price, never a guess.

Token counts follow :class:`~pipeline.result.Usage`: ``input_tokens`` is the whole input, of which
``cache_read_tokens`` were read from and ``cache_write_tokens`` written to the provider's prompt cache;
``reasoning_tokens`` are part of ``output_tokens`` and billed as output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

try:
    import genai_prices
except ImportError as missing:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "middleware.resilience.pricing needs genai-prices: "
        'install it with pip install "modelpipe[resilience]"'
    ) from missing

from pipeline.errors import InvalidArgumentError
from pipeline.result import Usage

__all__ = ["CallCost", "ModelPrice", "PriceTable", "UnpricedModelWarning", "genai_provider", "price_call"]


class UnpricedModelWarning(UserWarning):
    """No price is known for a model: its calls report no cost (and a budget cannot charge them)."""


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """USD per million tokens. Cache reads and writes cost the input price unless given."""

    input_per_mtok: float
    output_per_mtok: float
    cache_read_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None

    def __post_init__(self) -> None:
        for name in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok"):
            value = getattr(self, name)
            if value is None and name.startswith("cache"):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise InvalidArgumentError(
                    name, f"must be a number of USD per million tokens >= 0, got {value!r}"
                )


PriceTable = Mapping[str, ModelPrice]
"""Prices by ``"<model id>"`` or, to tell providers apart, ``"<provider>/<model id>"`` (the provider's
first segment: ``"openai"`` for ``"openai.chat"``)."""

Source = Literal["genai-prices", "price-table"]


@dataclass(frozen=True, slots=True)
class CallCost:
    """The priced usage of one call (USD as floats; ``source`` says where the price came from)."""

    model: str
    source: Source
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    input_usd: float
    output_usd: float

    @property
    def total_usd(self) -> float:
        return self.input_usd + self.output_usd

    def as_metadata(self) -> dict[str, Any]:
        """The JSON shape written to ``provider_metadata["modelpipe"]["cost"]``."""
        return {
            "model": self.model,
            "source": self.source,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "input_usd": self.input_usd,
            "output_usd": self.output_usd,
            "total_usd": self.total_usd,
        }


_GENAI_PROVIDERS = {
    "anthropic": "anthropic",
    "openai": "openai",
    "azure": "azure",
    "azure-openai": "azure",
    "google": "google",
    "gemini": "google",
    "vertex": "google",
    "google-vertex": "google",
    "mistral": "mistral",
    "cohere": "cohere",
    "groq": "groq",
    "deepseek": "deepseek",
    "perplexity": "perplexity",
    "xai": "x-ai",
    "bedrock": "aws",
    "amazon-bedrock": "aws",
    "together": "together",
    "fireworks": "fireworks",
    "openrouter": "openrouter",
    "cerebras": "cerebras",
}
"""Provider id prefixes (``"openai"`` of ``"openai.chat"``) to ``genai-prices`` provider ids. Another
provider (a compatible server under its own name) is priced from the table only: matching its model
name against some other provider's prices would be a guess."""


def _prefix(provider: str) -> str:
    return provider.split(".", 1)[0].lower()


def genai_provider(provider: str) -> str | None:
    """The ``genai-prices`` provider id for a provider id, or ``None`` when it has none."""
    return _GENAI_PROVIDERS.get(_prefix(provider))


@dataclass(frozen=True, slots=True)
class _Tokens:
    input: int
    output: int
    cache_read: int
    cache_write: int
    reasoning: int

    @classmethod
    def of(cls, usage: Usage) -> _Tokens:
        cache_read = usage.input_token_details.cache_read_tokens or 0
        cache_write = usage.input_token_details.cache_write_tokens or 0
        output = usage.output_tokens or 0
        return cls(
            input=max(usage.input_tokens or 0, cache_read + cache_write),
            output=output,
            cache_read=cache_read,
            cache_write=cache_write,
            reasoning=min(usage.output_token_details.reasoning_tokens or 0, output),
        )


def _from_genai_prices(provider: str, model_id: str, tokens: _Tokens) -> tuple[float, float] | None:
    provider_id = genai_provider(provider)
    if provider_id is None:
        return None
    usage = genai_prices.Usage(
        input_tokens=tokens.input,
        output_tokens=tokens.output,
        cache_read_tokens=tokens.cache_read,
        cache_write_tokens=tokens.cache_write,
    )
    try:
        price = genai_prices.calc_price(usage, model_id, provider_id=provider_id)
    except LookupError:
        return None
    return float(price.input_price), float(price.output_price)


def _from_table(
    provider: str, model_id: str, tokens: _Tokens, table: PriceTable
) -> tuple[float, float] | None:
    price = table.get(f"{_prefix(provider)}/{model_id}") or table.get(model_id)
    if price is None:
        return None
    read = price.input_per_mtok if price.cache_read_per_mtok is None else price.cache_read_per_mtok
    write = price.input_per_mtok if price.cache_write_per_mtok is None else price.cache_write_per_mtok
    uncached = tokens.input - tokens.cache_read - tokens.cache_write
    input_usd = (
        uncached * price.input_per_mtok + tokens.cache_read * read + tokens.cache_write * write
    ) / 1e6
    return input_usd, tokens.output * price.output_per_mtok / 1e6


def price_call(
    provider: str,
    model_ids: str | tuple[str, ...],
    usage: Usage,
    *,
    table: PriceTable | None = None,
    use_genai_prices: bool = True,
) -> CallCost | None:
    """The cost of ``usage`` on the first of ``model_ids`` that has a price (``None``: no price known).

    ``genai-prices`` is asked first (when ``use_genai_prices``), then ``table``.
    """
    tokens = _Tokens.of(usage)
    for model_id in (model_ids,) if isinstance(model_ids, str) else model_ids:
        found: tuple[float, float] | None = None
        source: Source = "genai-prices"
        if use_genai_prices:
            found = _from_genai_prices(provider, model_id, tokens)
        if found is None and table:
            found, source = _from_table(provider, model_id, tokens, table), "price-table"
        if found is not None:
            input_usd, output_usd = found
            return CallCost(
                model=model_id,
                source=source,
                input_tokens=tokens.input,
                output_tokens=tokens.output,
                cache_read_tokens=tokens.cache_read,
                cache_write_tokens=tokens.cache_write,
                reasoning_tokens=tokens.reasoning,
                input_usd=input_usd,
                output_usd=output_usd,
            )
    return None
