"""BudgetMiddleware: refuses calls, before any I/O, once a USD budget is spent.

The amount spent is kept in a ``limits`` storage (in-process memory by default; with
``store="redis://host:port"`` every process naming that Redis and ``key`` shares one budget), counted in
whole micro-dollars rounded up, so a shared total is one atomic ``INCRBY``. With ``window`` (seconds or a
``timedelta``) the total starts at the first charge and is forgotten ``window`` later (a fixed window);
without, it never expires. ``await budget.aclose()`` closes its Redis connections.

Before a call: when the amount spent has reached ``max_usd``, :class:`~middleware.resilience.errors.
BudgetExceededError` is raised and nothing is sent. After it: the call's cost is charged, read from the
cost mark of a :class:`~middleware.resilience.cost.CostMiddleware` inside, else priced here the same way.
Calls already in flight when the budget runs out still finish and are charged, so the total can pass
``max_usd`` by what those calls cost. An unpriced model is charged nothing (with the cost layer's
warning).
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Mapping
from datetime import timedelta
from typing import Any

from limits.aio.storage import Storage

from pipeline import control
from pipeline.chain import Middleware, WrapContext
from pipeline.errors import InvalidArgumentError
from pipeline.result import GenerateResult, ResponseMetadata
from pipeline.stream import FinishPart, ResponseMetadataPart, StreamPart, StreamResult

from .cost import CostMiddleware
from .errors import BudgetExceededError
from .pricing import PriceTable
from .rate_limit import close_storage, limits_storage  # first: it names the extra when limits is missing

__all__ = ["BudgetMiddleware"]

_MICRO = 1_000_000
_FOREVER = 10 * 365 * 24 * 3600
"""The expiry of a budget without a window (ten years; storages need one)."""


def _seconds(window: float | timedelta | None) -> float | None:
    if window is None:
        return None
    seconds = window.total_seconds() if isinstance(window, timedelta) else window
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 1:
        raise InvalidArgumentError(
            "window", f"must be at least 1 second (a number or a timedelta), got {window!r}"
        )
    return float(seconds)


class BudgetMiddleware(Middleware):
    """Refuses calls once ``max_usd`` is spent under ``key``; see the module docstring."""

    def __init__(
        self,
        *,
        max_usd: float,
        window: float | timedelta | None = None,
        store: str | Storage | None = None,
        key: str = "default",
        prices: PriceTable | None = None,
        use_genai_prices: bool = True,
        prefix: str = "modelpipe",
    ) -> None:
        if isinstance(max_usd, bool) or not isinstance(max_usd, int | float) or not max_usd >= 0:
            raise InvalidArgumentError("max_usd", f"must be a number of USD >= 0, got {max_usd!r}")
        self.max_usd = float(max_usd)
        self.window = _seconds(window)
        self.storage = limits_storage(store)
        self._owns_storage = isinstance(store, str)
        self.key = key
        self.pricer = CostMiddleware(prices=prices, use_genai_prices=use_genai_prices)
        self._storage_key = f"{prefix}/budget/{key}"

    async def spent_usd(self) -> float:
        """What has been spent in the current window (shared by every process on the same store)."""
        return await self.storage.get(self._storage_key) / _MICRO

    async def check(self) -> None:
        """Raise :class:`BudgetExceededError` when the budget is spent (no I/O to the model)."""
        spent = await self.spent_usd()
        if spent >= self.max_usd:
            raise BudgetExceededError(key=self.key, spent_usd=spent, max_usd=self.max_usd, window=self.window)

    async def charge(self, usd: float) -> None:
        """Add ``usd`` to the amount spent (rounded up to a micro-dollar)."""
        micro = math.ceil(usd * _MICRO)
        if micro > 0:
            expiry = math.ceil(self.window) if self.window is not None else _FOREVER
            await self.storage.incr(self._storage_key, expiry, amount=micro)

    def _cost(
        self, call: WrapContext, part: GenerateResult | FinishPart, response: ResponseMetadata
    ) -> float:
        marked: Mapping[str, Any] | None = control.call_cost(part.provider_metadata)
        if marked is None:
            marked = self.pricer.mark(call.model, part.usage, part.provider_metadata, response)
        total = marked.get("total_usd") if marked is not None else None
        return float(total) if isinstance(total, int | float) else 0.0

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        await self.check()
        result = await call.do_generate()
        await self.charge(self._cost(call, result, result.response))
        return result

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        await self.check()
        inner = await call.do_stream()
        return StreamResult(stream=self._charged(call, inner), request=inner.request, response=inner.response)

    async def _charged(self, call: WrapContext, inner: StreamResult) -> AsyncGenerator[StreamPart, None]:
        response = inner.response
        try:
            async for part in inner.stream:
                if isinstance(part, ResponseMetadataPart) and part.model_id:
                    response = ResponseMetadata(model_id=part.model_id)
                elif isinstance(part, FinishPart):
                    await self.charge(self._cost(call, part, response))
                yield part
        finally:
            await inner.stream.aclose()

    async def aclose(self) -> None:
        """Close the Redis connections of a store made from a URI (a storage passed in is the caller's)."""
        if self._owns_storage:
            await close_storage(self.storage)

    def __repr__(self) -> str:
        window = f"{self.window:g} s" if self.window is not None else None
        return f"BudgetMiddleware(key={self.key!r}, max_usd={self.max_usd:g}, window={window!r})"
