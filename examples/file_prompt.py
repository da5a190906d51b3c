"""Stream an answer about a PDF given by URL (the AI SDK cookbook's stream-text-with-file-prompt).

OpenAI chat cannot fetch PDFs by URL, so generate_text / stream_text download the file first (with the
SSRF-safe SafeDownloader) and send its bytes inline. With OPENAI_API_KEY set this streams from OpenAI
about a public PDF. Without it, a loopback server on 127.0.0.1 serves the PDF and another answers as
OpenAI would. Run: python examples/file_prompt.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

from middleware import SafeDownloader
from pipeline import stream_text
from pipeline.download import DownloadFunction
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer, RawReply
from providers.testing import openai as fake_openai

__all__ = ["OFFLINE_PDF", "PDF_URL", "main"]

PDF_URL = "https://github.com/vercel/ai/blob/main/examples/ai-core/data/ai.pdf?raw=true"
OFFLINE_PDF = (  # a minimal PDF, served by the offline file server
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)


def setup(stack: ExitStack) -> tuple[OpenAIProvider, str, DownloadFunction | None, LoopbackServer | None]:
    """The provider, the PDF URL, the download function (None: the default) and the offline API server."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider(), PDF_URL, None, None
    files = stack.enter_context(LoopbackServer())
    files.route("/ai.pdf", RawReply(body=OFFLINE_PDF, headers={"content-type": "application/pdf"}))
    api = stack.enter_context(LoopbackServer())
    api.enqueue(
        fake_openai.stream_reply(
            fake_openai.stream_chunks(
                ["An embedding model ", "turns text into a vector ", "of numbers that captures its meaning."]
            )
        )
    )
    print(
        f"(offline, no OPENAI_API_KEY: {api.base_url} answers as OpenAI, {files.base_url} serves the PDF; "
        "downloads allow private networks here only because that server is on 127.0.0.1)"
    )
    provider = OpenAIProvider(base_url=f"{api.base_url}/v1", api_key="loopback")
    return provider, files.url("/ai.pdf"), SafeDownloader(allow_private_network=True), api


async def main() -> LoopbackServer | None:
    """Stream the answer; returns the offline OpenAI server (its requests show the wire)."""
    with ExitStack() as stack:
        provider, pdf_url, download, api = setup(stack)
        model = provider.chat("gpt-4.1-mini")

        result = stream_text(
            model,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is an embedding model according to this document?"},
                        {"type": "file", "data": pdf_url, "mediaType": "application/pdf"},
                    ],
                }
            ],
            download=download,
        )
        async with result:
            async for chunk in result.text_stream:
                print(chunk, end="", flush=True)
        print()
        return api


if __name__ == "__main__":
    asyncio.run(main())
