"""Stay up when a provider fails: FallbackMiddleware sends the same call to the next model.

The primary model's server answers 503 (overloaded); the call goes to the backup model with the same
params. A logging layer inside the fallback logs every attempt, and the result says which model
answered. After three failures in a row the primary is skipped for a cool-down (a circuit breaker), so
later calls go straight to the backup. A stream falls back the same way while it has sent no content.
Both models are the OpenAI terminal talking to a loopback server on 127.0.0.1 (offline).
Run: python examples/fallback.py
"""

from __future__ import annotations

import logging
import sys

import anyio

from middleware import FallbackMiddleware, LoggingMiddleware
from pipeline import control, generate_text, stream_text, wrap_model
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake_openai

__all__ = ["main"]


def _who(metadata: object) -> str:
    answer = control.fallback_answer(metadata)  # type: ignore[arg-type]
    assert answer is not None
    failed = ", ".join(f"{item['model']} ({item['status_code']})" for item in answer["failed"]) or "none"
    skipped = ", ".join(item["model"] for item in answer["skipped"]) or "none"
    return f"answered by {answer['model']}; failed first: {failed}; skipped: {skipped}"


async def main() -> None:
    attempts = logging.getLogger("example.attempts")
    attempts.addHandler(handler := logging.StreamHandler(sys.stdout))
    handler.setFormatter(logging.Formatter("  attempt: %(message)s"))
    attempts.setLevel(logging.INFO)
    attempts.propagate = False

    with LoopbackServer() as server:
        server.route("/primary/", fake_openai.error_reply(503, "overloaded", error_type="server_error"))
        server.route("/backup/", fake_openai.text_reply("Paris."))
        primary = OpenAIProvider(base_url=server.url("/primary/v1"), api_key="loopback").chat("gpt-4o")
        backup = OpenAIProvider(base_url=server.url("/backup/v1"), api_key="loopback").chat("gpt-4o-mini")
        model = wrap_model(
            primary,
            [FallbackMiddleware([backup]), LoggingMiddleware(logger=attempts)],
        )
        for number in range(1, 5):
            result = await generate_text(model, prompt="Capital of France?", max_retries=0)
            print(f"call {number}: {result.text} {_who(result.provider_metadata)}")

        server.route("/backup/", fake_openai.stream_reply(fake_openai.stream_chunks(["Par", "is."])))
        async with stream_text(model, prompt="Capital of France?", max_retries=0) as stream:
            text = "".join([piece async for piece in stream.text_stream])
            print(f"stream: {text} {_who(await stream.provider_metadata)}")
        primary_calls = sum(1 for request in server.requests if request.path.startswith("/primary/"))
        print(f"requests to the primary: {primary_calls} (then skipped while its circuit is open)")


if __name__ == "__main__":
    anyio.run(main)
