"""Time to a first answer, in a fresh interpreter: ``python benchmarks/first_answer.py CLIENT BASE_URL``.

Import time alone flatters a library that defers work to its first call (pydantic builds a deferred
model's validator on first use; modelpipe loads a provider's wire modules when the model is built). This
probe times what a short script pays before it has its first answer: the imports, building the client,
and one chat completion on the loopback server, checked against the server's text. It prints the seconds
and the peak RSS in KiB.

Each client is one function run from a clean interpreter, so every import happens inside the timed
region; this file imports nothing else at its top.
"""

from __future__ import annotations

import resource
import sys
import time

# The same values as benchmarks.clients and benchmarks.server, written out: importing those modules
# would load asyncio, json and httpx before the timer starts.
MODEL = "gpt-4o-mini"
API_KEY = "sk-bench-not-a-secret"
ANSWER_TEXT = "Hello from the loopback benchmark server!"
PROMPT = "Say hello."


def raw_httpx(base_url: str) -> str:
    """The floor: httpx and pydantic models imported (what any client on them pays), one hand-written POST."""
    import asyncio
    import json

    import httpx
    import pydantic.fields  # noqa: F401  (what a first model class loads, as in the import floor)
    from pydantic import BaseModel  # noqa: F401

    async def answer() -> str:
        async with httpx.AsyncClient() as client:
            body = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
            response = await client.post(
                f"{base_url}/v1/chat/completions",
                content=json.dumps(body).encode(),
                headers={"authorization": f"Bearer {API_KEY}", "content-type": "application/json"},
            )
            response.raise_for_status()
            return str(json.loads(response.content)["choices"][0]["message"]["content"])

    return asyncio.run(answer())


def modelpipe(base_url: str) -> str:
    """What the README's first example does: ``generate_text`` on ``OpenAIProvider(...).chat(model)``."""
    import asyncio

    from pipeline import generate_text
    from providers.openai import OpenAIProvider

    model = OpenAIProvider(api_key=API_KEY, base_url=f"{base_url}/v1").chat(MODEL)

    async def answer() -> str:
        return (await generate_text(model, prompt=PROMPT)).text

    return asyncio.run(answer())


def openai_sdk(base_url: str) -> str:
    """The official openai SDK's ``AsyncOpenAI().chat.completions.create``."""
    import asyncio

    from openai import AsyncOpenAI

    async def answer() -> str:
        async with AsyncOpenAI(api_key=API_KEY, base_url=f"{base_url}/v1") as client:
            completion = await client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": PROMPT}]
            )
            return completion.choices[0].message.content or ""

    return asyncio.run(answer())


CLIENTS = {"floor": raw_httpx, "modelpipe": modelpipe, "openai": openai_sdk}

NODE_PROBE = (
    "const started = performance.now();\n"
    "const { generateText } = await import('ai');\n"
    "const { createOpenAI } = await import('@ai-sdk/openai');\n"
    f"const provider = createOpenAI({{ baseURL: `${{process.argv[1]}}/v1`, apiKey: '{API_KEY}' }});\n"
    f"const model = provider.chat('{MODEL}');\n"
    f"const {{ text }} = await generateText({{ model, prompt: '{PROMPT}' }});\n"
    "const elapsed = (performance.now() - started) / 1000;\n"
    f"if (text !== '{ANSWER_TEXT}') throw new Error(`unexpected answer ${{text}}`);\n"
    "console.log(elapsed, process.resourceUsage().maxRSS);\n"
)
"""The same for the Vercel AI SDK on Node: ``node --input-type=module -e NODE_PROBE BASE_URL``."""


def main() -> None:
    client, base_url = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    text = CLIENTS[client](base_url)
    elapsed = time.perf_counter() - started
    if text != ANSWER_TEXT:
        raise SystemExit(f"unexpected answer {text[:80]!r}")
    print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main()
