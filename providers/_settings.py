"""Connection settings shared by every provider model: API key, base URL, extra headers and HTTP client."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypedDict

import httpx

from pipeline.errors import InvalidArgumentError
from pipeline.model import EndpointIdentity

from ._credentials import resolve_api_key
from ._http import HttpClient, shared_http

__all__ = ["ConnectionArguments", "ConnectionSettings"]


class ConnectionArguments(TypedDict):
    """The connection keyword arguments every provider model takes (for ``Model(model_id, **arguments)``)."""

    api_key: str | None
    base_url: str | None
    headers: Mapping[str, str]
    http: HttpClient | None


def _no_headers() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Who a provider model talks to, and through which client, as given by its caller.

    Unset ``api_key`` / ``base_url`` are looked up in the environment at call time
    (:meth:`api_key_or_env`, :meth:`base_url_or`), so a late ``export`` works. ``http`` is ``None`` for
    the shared pooled client (:meth:`http_or_shared`). The key and the headers never appear in the repr.
    """

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=_no_headers, repr=False)
    http: HttpClient | None = None

    @classmethod
    def from_arguments(
        cls,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        http: HttpClient | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> ConnectionSettings:
        """Settings from a model's or provider's arguments (in the order every constructor declares them).

        At most one of the three ways to choose the HTTP client may be given (else
        :class:`~pipeline.errors.InvalidArgumentError`):

        * ``http``: a modelpipe :class:`HttpClient`, shared with other models (its connection pools,
          timeout and connection limit); a provider hands its own to every model it makes;
        * ``http_client``: your ``httpx.AsyncClient``, used as is for every call (its timeout, headers,
          auth, event hooks and redirect policy apply; you close it);
        * ``transport``: an ``httpx.AsyncBaseTransport`` (e.g. ``httpx.MockTransport``) under pooled
          clients made for these settings alone.

        None of them: the process-wide shared pooled client. ``headers`` are copied (read-only).
        """
        choices = {"http": http, "http_client": http_client, "transport": transport}
        given = [name for name, value in choices.items() if value is not None]
        if len(given) > 1:
            raise InvalidArgumentError(
                given[-1], f"pass one of http=, http_client= or transport=, not {' and '.join(given)}"
            )
        if http_client is not None or transport is not None:
            http = HttpClient(client=http_client, transport=transport)
        return cls(
            api_key=api_key, base_url=base_url, headers=MappingProxyType(dict(headers or {})), http=http
        )

    def base_url_or(self, env_var: str | None, default: str) -> str:
        """The base URL in effect: the argument, else ``env_var``'s value, else ``default`` (no final /)."""
        configured = self.base_url or (os.environ.get(env_var) if env_var else None)
        return (configured or default).rstrip("/")

    def api_key_or_env(self, env_var: str | None) -> str | None:
        """The key in effect: the argument, else ``env_var``'s value (registered for redaction)."""
        return resolve_api_key(self.api_key, env_var)

    def endpoint_identity(
        self, provider: str, base_url: str, api_key_env: str | None, **credentials: str | None
    ) -> EndpointIdentity:
        """Who answers calls made with these settings: the provider, the base URL in effect, and a digest
        of the key (argument or environment), the constructor headers and any other ``credentials``."""
        material = {"api_key": self.api_key_or_env(api_key_env), "headers": self.headers, **credentials}
        return EndpointIdentity.of(provider, base_url, material)

    def http_or_shared(self) -> HttpClient:
        """The :class:`HttpClient` to post with: the configured one, else the process-wide shared one."""
        return self.http if self.http is not None else shared_http()

    def as_arguments(self) -> ConnectionArguments:
        """These settings as model keyword arguments (models made from one provider share its client)."""
        return ConnectionArguments(
            api_key=self.api_key, base_url=self.base_url, headers=self.headers, http=self.http
        )
