"""Every provider's models through one key: the Vercel AI Gateway, and model strings routed through it.

With AI_GATEWAY_API_KEY set, this calls the real gateway. Without it, a loopback server on 127.0.0.1
speaks the gateway's wire protocol, so the example runs offline. ``set_default_provider("gateway")``
(or ``MODELPIPE_DEFAULT_PROVIDER=gateway``) makes a plain ``"openai/gpt-4o"`` go through the gateway,
as the AI SDK does; without it, model strings go straight to each provider.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from pipeline import generate_text, set_default_provider, stream_text
from providers.testing import LoopbackServer
from providers.testing import gateway as fake_gateway


def use_gateway(stack: ExitStack) -> None:
    """Point the gateway at the real service when a key is set, else at a loopback gateway."""
    if not os.environ.get("AI_GATEWAY_API_KEY"):
        server = stack.enter_context(LoopbackServer())
        server.enqueue(
            fake_gateway.text_reply(
                "Lantern Day: everyone hangs a paper lantern.", model_id="gpt-4o-2024-08-06"
            ),
            fake_gateway.stream_reply(fake_gateway.text_stream_parts(["One key, ", "every ", "model."])),
        )
        os.environ["AI_GATEWAY_API_KEY"] = "loopback"
        os.environ["AI_GATEWAY_BASE_URL"] = f"{server.base_url}/v4/ai"
        print(f"(no AI_GATEWAY_API_KEY: answering from a loopback gateway at {server.base_url})")
    set_default_provider("gateway")


async def main() -> None:
    with ExitStack() as stack:
        use_gateway(stack)
        result = await generate_text("openai/gpt-4o", prompt="Invent a new holiday in one sentence.")
        print("openai/gpt-4o:", result.text, f"({result.response.model_id})")

        print("anthropic/claude-sonnet-4-5: ", end="")
        async with stream_text("anthropic/claude-sonnet-4-5", prompt="Say why one key helps.") as stream:
            async for chunk in stream.text_stream:
                print(chunk, end="", flush=True)
        print()


if __name__ == "__main__":
    asyncio.run(main())
