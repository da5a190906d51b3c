"""One process of the shared rate-limit test: prints ``ready``, waits for a line on stdin, makes ``calls``
calls through a RateLimitMiddleware and prints, as JSON, the wall-clock times at which its model was
really called.

Usage: ``python -m tests.middleware.resilience.rate_limit_worker STORAGE LIMIT CALLS``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from middleware.resilience import RateLimitMiddleware
from pipeline import generate_text, wrap_model
from pipeline.params import CallParams
from pipeline.result import GenerateResult
from pipeline.testing import MockLanguageModel, text_result


async def main(storage: str, limit: str, calls: int) -> list[float]:
    called: list[float] = []

    async def answer(params: CallParams) -> GenerateResult:
        called.append(time.time())
        return text_result("ok")

    limiter = RateLimitMiddleware(requests=limit, storage=storage, key="shared", max_wait=30)
    model = wrap_model(MockLanguageModel(generate=answer), [limiter])
    await limiter.storage.check()  # connected before the start: limits timestamps a call when it asks
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        for _ in range(calls):
            await generate_text(model, prompt="Hi", max_retries=0)
    finally:
        await limiter.aclose()
    return called


if __name__ == "__main__":
    storage, limit, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps(asyncio.run(main(storage, limit, calls))))
