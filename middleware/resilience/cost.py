"""CostMiddleware: the price of each call in ``provider_metadata["modelpipe"]["cost"]``.

The mark holds ``model`` (the id priced), ``source`` (``"genai-prices"`` or ``"price-table"``), the token
counts (``input_tokens``, ``output_tokens``, ``cache_read_tokens``, ``cache_write_tokens``,
``reasoning_tokens``) and ``input_usd``, ``output_usd``, ``total_usd``. The model priced is the one that
answered: a fallback layer's mark inside names it; else the wrapped model, or the response's model id
when only that one has a price. A call answered by a cache inside cost nothing (``total_usd`` 0,
``cached_response`` true). A model with no known price gets no cost mark and an
:class:`~middleware.resilience.pricing.UnpricedModelWarning` (once per model and layer), never a guess.
For a stream, the finish part carries the mark.

Needs the ``resilience`` extra (``genai-prices``).
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncGenerator
from typing import Any

from pipeline import control
from pipeline.chain import Middleware, WrapContext
from pipeline.model import LanguageModel
from pipeline.result import GenerateResult, ResponseMetadata, Usage
from pipeline.stream import FinishPart, ResponseMetadataPart, StreamPart, StreamResult

from .pricing import PriceTable, UnpricedModelWarning, price_call

__all__ = ["CostMiddleware", "cost_of"]


def _answering(model: LanguageModel, metadata: Any) -> tuple[str, str]:
    """(provider, model id) of the model that answered: the fallback mark's, else ``model``'s."""
    answer = control.fallback_answer(metadata)
    if (
        answer is not None
        and isinstance(answer.get("provider"), str)
        and isinstance(answer.get("model"), str)
    ):
        return answer["provider"], answer["model"]
    return model.provider, model.model_id


def cost_of(
    model: LanguageModel,
    usage: Usage,
    metadata: Any,
    response_model_id: str | None,
    *,
    table: PriceTable | None = None,
    use_genai_prices: bool = True,
) -> tuple[dict[str, Any] | None, str]:
    """The cost mark of a call (``None`` when unpriced) and the ``provider/model`` it was looked up as."""
    provider, model_id = _answering(model, metadata)
    ids = (model_id, response_model_id) if response_model_id and response_model_id != model_id else model_id
    cost = price_call(provider, ids, usage, table=table, use_genai_prices=use_genai_prices)
    if cost is None:
        return None, f"{provider}/{model_id}"
    mark = cost.as_metadata()
    if control.cache_status(metadata) == "hit":
        mark.update(input_usd=0.0, output_usd=0.0, total_usd=0.0, cached_response=True)
    return mark, f"{provider}/{model_id}"


class CostMiddleware(Middleware):
    """Prices every call; see the module docstring. ``prices`` is the fallback table
    (:data:`~middleware.resilience.pricing.PriceTable`); ``use_genai_prices=False`` uses the table alone."""

    def __init__(self, *, prices: PriceTable | None = None, use_genai_prices: bool = True) -> None:
        self.prices = dict(prices or {})
        self.use_genai_prices = use_genai_prices
        self._warned: set[str] = set()

    def mark(
        self, model: LanguageModel, usage: Usage, metadata: Any, response: ResponseMetadata
    ) -> dict[str, Any] | None:
        """The cost mark of one call's usage, or ``None`` (and a warning, once) when unpriced."""
        mark, name = cost_of(
            model,
            usage,
            metadata,
            response.model_id,
            table=self.prices,
            use_genai_prices=self.use_genai_prices,
        )
        if mark is None and name not in self._warned:
            self._warned.add(name)
            warnings.warn(
                f"No price is known for {name} (neither genai-prices nor the price table has it): "
                "its calls report no cost; pass prices={...} to CostMiddleware to price it",
                UnpricedModelWarning,
                stacklevel=2,
            )
        return mark

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        mark = self.mark(call.model, result.usage, result.provider_metadata, result.response)
        if mark is None:
            return result
        return result.model_copy(
            update={"provider_metadata": control.with_cost(result.provider_metadata, mark)}
        )

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        inner = await call.do_stream()
        return StreamResult(stream=self._priced(call, inner), request=inner.request, response=inner.response)

    async def _priced(self, call: WrapContext, inner: StreamResult) -> AsyncGenerator[StreamPart, None]:
        response = inner.response
        try:
            async for part in inner.stream:
                if isinstance(part, ResponseMetadataPart) and part.model_id:
                    response = ResponseMetadata(model_id=part.model_id)
                elif isinstance(part, FinishPart):
                    mark = self.mark(call.model, part.usage, part.provider_metadata, response)
                    if mark is not None:
                        metadata = control.with_cost(part.provider_metadata, mark)
                        part = part.model_copy(update={"provider_metadata": metadata})
                yield part
        finally:
            await inner.stream.aclose()

    def __repr__(self) -> str:
        return f"CostMiddleware(prices={sorted(self.prices)}, use_genai_prices={self.use_genai_prices})"
