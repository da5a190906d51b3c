"""OpenAI-compatible servers: the OpenAI chat-completions terminal under other names and base URLs.

Local servers (ollama, vllm, llamacpp, lmstudio) take no key; hosted ones (groq, together, deepseek)
read their key from ``<NAME>_API_KEY``. ``OpenAICompatibleProvider`` covers any other server.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from pipeline.registry import register_provider
from providers._http import HttpClient
from providers.openai.model import ChatEndpoint
from providers.openai.provider import OpenAIProvider

__all__ = ["COMPATIBLE_ENDPOINTS", "OpenAICompatibleProvider", "compatible_provider", "register"]

COMPATIBLE_ENDPOINTS: dict[str, ChatEndpoint] = {
    "ollama": ChatEndpoint("ollama", "http://localhost:11434/v1", base_url_env="OLLAMA_BASE_URL"),
    "vllm": ChatEndpoint("vllm", "http://localhost:8000/v1", base_url_env="VLLM_BASE_URL"),
    "llamacpp": ChatEndpoint("llamacpp", "http://localhost:8080/v1", base_url_env="LLAMACPP_BASE_URL"),
    "lmstudio": ChatEndpoint("lmstudio", "http://localhost:1234/v1", base_url_env="LMSTUDIO_BASE_URL"),
    "groq": ChatEndpoint(
        "groq", "https://api.groq.com/openai/v1", api_key_env="GROQ_API_KEY", api_key_required=True
    ),
    "together": ChatEndpoint(
        "together", "https://api.together.xyz/v1", api_key_env="TOGETHER_API_KEY", api_key_required=True
    ),
    "deepseek": ChatEndpoint(
        "deepseek", "https://api.deepseek.com/v1", api_key_env="DEEPSEEK_API_KEY", api_key_required=True
    ),
}
"""The built-in OpenAI-compatible servers, by name (each is also a model-string prefix)."""


class OpenAICompatibleProvider(OpenAIProvider):
    """Any server that speaks OpenAI chat completions at ``base_url`` (the key is optional).

    Models report ``provider == "<name>.chat"``, read options from ``providerOptions.openai`` and
    ``providerOptions.<name>``, and key their provider metadata by ``name``.
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
    ) -> None:
        super().__init__(
            api_key=api_key,
            headers=headers,
            http=http,
            http_client=http_client,
            transport=transport,
            endpoint=ChatEndpoint(name, base_url, base_url_env=base_url_env, api_key_env=api_key_env),
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
) -> OpenAIProvider:
    """The provider for a built-in server name (``"ollama"``, ``"groq"``, ...); KeyError if unknown."""
    return OpenAIProvider(
        api_key=api_key,
        base_url=base_url,
        headers=headers,
        http=http,
        http_client=http_client,
        transport=transport,
        endpoint=COMPATIBLE_ENDPOINTS[name],
    )


def register() -> None:
    """Make ``"<name>/<model id>"`` resolve for every built-in compatible server."""
    for name in COMPATIBLE_ENDPOINTS:
        provider = compatible_provider(name)
        register_provider(name, provider.chat)
