"""Know what each call costs, and stop spending at a budget: CostMiddleware and BudgetMiddleware.

CostMiddleware prices every call with genai-prices (pydantic's maintained price data, shipped in the
package: no network) and puts the price in ``provider_metadata["modelpipe"]["cost"]``; a model it does
not know is priced from the table you pass, and a model known to neither reports no cost (with a
warning), never a guess. BudgetMiddleware refuses calls before sending anything once the budget is spent
(pass ``store="redis://..."`` to share one budget among processes). The model is the OpenAI terminal
talking to a loopback server on 127.0.0.1 (offline). Run: python examples/cost_budget.py
"""

from __future__ import annotations

import anyio

from middleware import BudgetExceededError, BudgetMiddleware, CostMiddleware
from middleware.resilience import ModelPrice
from pipeline import control, generate_text, wrap_model
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["main"]

PRICES = {"house-model": ModelPrice(input_per_mtok=0.5, output_per_mtok=1.5)}
"""Prices for a model genai-prices does not know (a self-hosted one), in USD per million tokens."""


async def main() -> None:
    with LoopbackServer() as server:
        usage = fake_openai.usage(prompt=12_000, completion=800, cached=4_000, reasoning=300)
        server.default_reply = fake_openai.text_reply("Done.", usage_body=usage)
        provider = OpenAIProvider(base_url=server.url("/v1"), api_key="loopback")
        budget = BudgetMiddleware(max_usd=0.08)

        for model_id in ("gpt-4o", "house-model"):
            model = wrap_model(provider.chat(model_id), [budget, CostMiddleware(prices=PRICES)])
            result = await generate_text(model, prompt="Summarise the report.", max_retries=0)
            cost = control.call_cost(result.provider_metadata)
            assert cost is not None
            print(
                f"{model_id}: {cost['input_tokens']} in ({cost['cache_read_tokens']} cached), "
                f"{cost['output_tokens']} out ({cost['reasoning_tokens']} reasoning): "
                f"${cost['input_usd']:.6f} + ${cost['output_usd']:.6f} = ${cost['total_usd']:.6f} "
                f"[{cost['source']}]"
            )

        model = wrap_model(provider.chat("gpt-4o"), [budget, CostMiddleware()])
        calls = 0
        try:
            while True:
                await generate_text(model, prompt="Summarise the report.", max_retries=0)
                calls += 1
        except BudgetExceededError as error:
            print(f"after {calls} more calls: {error}")
        print(f"spent ${await budget.spent_usd():.6f}; requests sent: {len(server.requests)}")


if __name__ == "__main__":
    anyio.run(main)
