"""OpenAI-compatible servers: the OpenAI chat-completions terminal under other names and base URLs.

Local servers (ollama, vllm, llamacpp, lmstudio) take no key; hosted ones (groq, together, deepseek,
xai) read their key from ``<NAME>_API_KEY``. Reasoning text these servers send (``reasoning_content`` or
Groq's ``reasoning``) becomes reasoning parts; usage is read the way each server counts it.
``OpenAICompatibleProvider`` covers any other server.

Attachment URLs: a server that fetches a URL itself fetches it from where it runs. A self-hosted
server runs inside the caller's network, so handing it ``http://169.254.169.254/...`` or an intranet
address would let a prompt reach what the caller's own downloader refuses (SSRF by proxy). Self-hosted
and custom servers therefore declare no supported URLs: every attachment URL goes through the safe
downloader and is sent inline. The hosted services (groq, together, deepseek) fetch from the public
internet, outside the caller's network, so image URLs are passed to them as to OpenAI. Either choice
can be changed per provider with ``supported_urls=`` (``{}`` for none, or media-type keys to URL
patterns, as in :data:`HOSTED_IMAGE_URLS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from pipeline.model import SupportedUrls
from pipeline.registry import register_provider
from providers._http import HttpClient
from providers.openai.model import IMAGE_URLS, ChatEndpoint
from providers.openai.provider import OpenAIProvider

__all__ = [
    "COMPATIBLE_ENDPOINTS",
    "HOSTED_IMAGE_URLS",
    "NO_URLS",
    "OpenAICompatibleProvider",
    "compatible_provider",
    "register",
]

NO_URLS: SupportedUrls = {}
"""A server that fetches no URL itself: every attachment URL is downloaded safely and sent inline."""

HOSTED_IMAGE_URLS: SupportedUrls = IMAGE_URLS
"""Images by http(s) URL are passed through (for a server that fetches from the public internet)."""

COMPATIBLE_ENDPOINTS: dict[str, ChatEndpoint] = {
    "ollama": ChatEndpoint(
        "ollama", "http://localhost:11434/v1", base_url_env="OLLAMA_BASE_URL", supported_urls=NO_URLS
    ),
    "vllm": ChatEndpoint(
        "vllm", "http://localhost:8000/v1", base_url_env="VLLM_BASE_URL", supported_urls=NO_URLS
    ),
    "llamacpp": ChatEndpoint(
        "llamacpp", "http://localhost:8080/v1", base_url_env="LLAMACPP_BASE_URL", supported_urls=NO_URLS
    ),
    "lmstudio": ChatEndpoint(
        "lmstudio", "http://localhost:1234/v1", base_url_env="LMSTUDIO_BASE_URL", supported_urls=NO_URLS
    ),
    "groq": ChatEndpoint(
        "groq",
        "https://api.groq.com/openai/v1",
        api_key_env="GROQ_API_KEY",
        api_key_required=True,
        supported_urls=HOSTED_IMAGE_URLS,
    ),
    "together": ChatEndpoint(
        "together",
        "https://api.together.xyz/v1",
        api_key_env="TOGETHER_API_KEY",
        api_key_required=True,
        supported_urls=HOSTED_IMAGE_URLS,
    ),
    "deepseek": ChatEndpoint(
        "deepseek",
        "https://api.deepseek.com/v1",
        api_key_env="DEEPSEEK_API_KEY",
        api_key_required=True,
        supported_urls=HOSTED_IMAGE_URLS,
    ),
    "xai": ChatEndpoint(
        "xai",
        "https://api.x.ai/v1",
        api_key_env="XAI_API_KEY",
        api_key_required=True,
        supported_urls=HOSTED_IMAGE_URLS,
    ),
}
"""The built-in OpenAI-compatible servers, by name (each is also a model-string prefix)."""


class OpenAICompatibleProvider(OpenAIProvider):
    """Any server that speaks OpenAI chat completions at ``base_url`` (the key is optional).

    Models report ``provider == "<name>.chat"``, read options from ``providerOptions.openai`` and
    ``providerOptions.<name>``, and key their provider metadata by ``name``. The server fetches no
    attachment URL itself unless ``supported_urls`` says so (see the module docstring).
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url_env: str | None = None,
        api_key_env: str | None = None,
        supported_urls: SupportedUrls | None = None,
    ) -> None:
        endpoint = ChatEndpoint(
            name,
            base_url,
            base_url_env=base_url_env,
            api_key_env=api_key_env,
            supported_urls=NO_URLS if supported_urls is None else supported_urls,
        )
        super().__init__(
            api_key=api_key,
            headers=headers,
            http=http,
            http_client=http_client,
            transport=transport,
            endpoint=endpoint,
        )


def compatible_provider(
    name: str,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    http: HttpClient | None = None,
    http_client: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    supported_urls: SupportedUrls | None = None,
) -> OpenAIProvider:
    """The provider for a built-in server name (``"ollama"``, ``"groq"``, ...); KeyError if unknown.

    ``supported_urls`` replaces the server's default (none for self-hosted servers, http(s) image URLs
    for hosted services).
    """
    endpoint = COMPATIBLE_ENDPOINTS[name]
    return OpenAIProvider(
        api_key=api_key,
        base_url=base_url,
        headers=headers,
        http=http,
        http_client=http_client,
        transport=transport,
        endpoint=endpoint,
        supported_urls=supported_urls,
    )


def register() -> None:
    """Make ``"<name>/<model id>"`` resolve for every built-in compatible server."""
    for name in COMPATIBLE_ENDPOINTS:
        provider = compatible_provider(name)
        register_provider(name, provider.chat)
