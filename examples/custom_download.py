"""A custom download function: a bearer token for an intranet document server, plus a cache.

generate_text(..., download=fn) hands fn every attachment URL of the prompt, in order, with whether the
model could fetch it itself; fn answers position by position with the file or None (pass the URL on).
This one fetches documents from one trusted intranet origin with a token (even URLs the model could
take, since the model cannot reach the intranet) and caches them; every other URL goes to the default
SafeDownloader, so the token never leaves that origin. Run: python examples/custom_download.py
"""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack

import httpx

from middleware import SafeDownloader
from pipeline import generate_text
from pipeline.download import DownloadedFile, DownloadFunction, DownloadRequest
from pipeline.errors import DownloadError
from pipeline.redact import redact_url
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RawReply, RecordedRequest, Reply
from providers.testing import openai as fake_openai

__all__ = ["HANDBOOK", "TOKEN", "IntranetDownload", "handbook", "main"]

TOKEN = "intranet-token"
HANDBOOK = b"%PDF-1.4\n% Employee handbook: 30 days of leave.\ntrailer <<>>\n%%EOF\n"


class IntranetDownload:
    """Downloads ``origin`` URLs with a bearer token and caches them; delegates the rest to ``fallback``."""

    def __init__(self, origin: str, token: str, fallback: DownloadFunction | None = None) -> None:
        self.origin = httpx.URL(origin)
        self.token = token
        self.fallback = fallback or SafeDownloader()
        self.cache: dict[str, DownloadedFile] = {}
        self.fetches = 0

    def is_intranet(self, url: httpx.URL) -> bool:
        """Whether ``url`` is on the trusted origin (same scheme, host and port)."""
        return (url.scheme, url.host, url.port) == (self.origin.scheme, self.origin.host, self.origin.port)

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        # The fallback must leave intranet URLs alone: present them as fetched by the model.
        outside = [
            DownloadRequest(r.url, r.is_url_supported_by_model or self.is_intranet(r.url)) for r in requests
        ]
        results = await self.fallback(outside)
        for index, request in enumerate(requests):
            if self.is_intranet(request.url):
                results[index] = await self.fetch(request.url)
        return results

    async def fetch(self, url: httpx.URL) -> DownloadedFile:
        """The document at ``url``, from the cache or fetched with the token (errors leave out the query)."""
        if str(url) not in self.cache:
            headers = {"authorization": f"Bearer {self.token}"}
            async with httpx.AsyncClient(headers=headers, timeout=10, trust_env=False) as client:
                response = await client.get(url)
            if response.status_code != 200:
                raise DownloadError(redact_url(url), status_code=response.status_code)
            self.fetches += 1
            self.cache[str(url)] = DownloadedFile(response.content, response.headers.get("content-type"))
        return self.cache[str(url)]


def handbook(request: RecordedRequest) -> Reply:
    """The intranet server: the handbook for the right token, 401 otherwise."""
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return JsonReply({"error": "unauthorized"}, status=401)
    return RawReply(body=HANDBOOK, headers={"content-type": "application/pdf"})


def make_provider(stack: ExitStack) -> tuple[OpenAIProvider, LoopbackServer | None]:
    """The real OpenAI API when a key is set, else a loopback server answering as OpenAI."""
    if os.environ.get("OPENAI_API_KEY"):
        return OpenAIProvider(), None
    api = stack.enter_context(LoopbackServer())
    api.enqueue(
        fake_openai.text_reply("The handbook grants 30 days of leave per year."),
        fake_openai.text_reply("It is the employee handbook, and it sets the yearly leave at 30 days."),
    )
    print(f"(offline, no OPENAI_API_KEY: {api.base_url} answers as OpenAI)")
    return OpenAIProvider(base_url=f"{api.base_url}/v1", api_key="loopback"), api


async def main() -> tuple[IntranetDownload, LoopbackServer, LoopbackServer | None]:
    """Ask two questions about one intranet PDF; returns the download function and both servers."""
    with ExitStack() as stack:
        intranet = stack.enter_context(LoopbackServer())
        intranet.route("/docs/", handbook)
        print(f"(the intranet is a loopback server at {intranet.base_url}; only it receives the token)")
        provider, api = make_provider(stack)
        model = provider.chat("gpt-4.1-mini")
        download = IntranetDownload(intranet.base_url, TOKEN)
        handbook_url = intranet.url("/docs/handbook.pdf")
        document = {"type": "file", "data": handbook_url, "mediaType": "application/pdf"}

        for question in ("How many days of leave do I get?", "What is this document?"):
            result = await generate_text(
                model,
                messages=[{"role": "user", "content": [{"type": "text", "text": question}, document]}],
                download=download,
            )
            print(f"{question} -> {result.text}")
        print(f"document downloads: {download.fetches} for 2 calls (the second came from the cache)")
        return download, intranet, api


if __name__ == "__main__":
    asyncio.run(main())
