"""Where an OpenAI-style model's calls go: the endpoint, its connection settings and headers.

Shared by the chat-completions, Responses API, embeddings and Files terminals, so that using one of them
does not import the others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.model import EndpointIdentity, SupportedUrls
from providers._credentials import missing_api_key_error
from providers._settings import ConnectionSettings

__all__ = ["IMAGE_URLS", "OPENAI", "ChatEndpoint", "OpenAIConnection"]


@dataclass(frozen=True, slots=True)
class ChatEndpoint:
    """Who a chat-completions terminal talks to.

    ``name`` is the provider name: the model's ``provider`` is ``"<name>.chat"``, its provider options are
    read from ``providerOptions.openai`` and ``providerOptions.<name>`` (the latter wins), and its
    provider metadata is keyed by ``name``. The API key is required only when the call goes to
    ``default_base_url`` and ``api_key_required`` is set (a local or proxy URL may take no key).
    ``supported_urls`` are the attachment URLs the server fetches itself (``None``: OpenAI's, every
    http(s) image URL); the others are downloaded safely and sent inline.
    """

    name: str
    default_base_url: str
    base_url_env: str | None = None
    api_key_env: str | None = None
    api_key_required: bool = False
    supported_urls: SupportedUrls | None = None


OPENAI = ChatEndpoint(
    name="openai",
    default_base_url="https://api.openai.com/v1",
    base_url_env="OPENAI_BASE_URL",
    api_key_env="OPENAI_API_KEY",
    api_key_required=True,
)
"""The OpenAI API: ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``, key required at api.openai.com."""


@dataclass(frozen=True, slots=True)
class OpenAIConnection:
    """An OpenAI-style model's settings: where calls go and the headers they carry.

    Headers, later ones winning: ``authorization: Bearer <key>``, ``openai-organization``,
    ``openai-project``, the settings' headers, then the call's (all names lower-cased).
    """

    endpoint: ChatEndpoint
    settings: ConnectionSettings
    organization: str | None = None
    project: str | None = None

    @property
    def base_url(self) -> str:
        """The base URL in effect (argument, then the endpoint's environment variable, then its default)."""
        return self.settings.base_url_or(self.endpoint.base_url_env, self.endpoint.default_base_url)

    def identity(self, provider: str) -> EndpointIdentity:
        """Who answers: ``provider`` at the base URL in effect, with a digest of the key, organization,
        project and settings' headers (see :class:`~pipeline.model.EndpointIdentity`)."""
        return self.settings.endpoint_identity(
            provider,
            self.base_url,
            self.endpoint.api_key_env,
            organization=self.organization,
            project=self.project,
        )

    def target(self, path: str, call_headers: Mapping[str, str] | None) -> tuple[str, dict[str, str]]:
        """The URL of ``path`` (e.g. ``"/embeddings"``) and the request headers for one call."""
        base_url = self.base_url
        api_key = self._api_key(base_url)
        headers: dict[str, str] = {}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        if self.organization:
            headers["openai-organization"] = self.organization
        if self.project:
            headers["openai-project"] = self.project
        for extra in (self.settings.headers, call_headers or {}):
            headers.update({name.lower(): value for name, value in extra.items()})
        return f"{base_url}{path}", headers

    def at_default_url(self, base_url: str) -> bool:
        """Whether ``base_url`` (as :attr:`base_url` gives it, no final ``/``) is the endpoint's own."""
        return base_url == self.endpoint.default_base_url.rstrip("/")

    def _api_key(self, base_url: str) -> str | None:
        env = self.endpoint.api_key_env
        api_key = self.settings.api_key_or_env(env)
        needs_key = self.endpoint.api_key_required and self.at_default_url(base_url)
        if not api_key and needs_key:
            raise missing_api_key_error(self.endpoint.name, env)
        return api_key


IMAGE_URLS: SupportedUrls = {"image/*": [re.compile(r"^https?://.*$")]}
"""Images by http(s) URL: what OpenAI's API fetches itself."""
