"""Gemini explicit context caching: ``cachedContents`` created, reused and recreated after they expire.

:class:`GeminiCachedContents` is the ``gemini_cache`` of
:class:`~middleware.options.prompt_caching.PromptCachingMiddleware`: it turns a prompt prefix (system
instruction, tools, leading messages) into the ``generateContent`` wire form, stores it once with
``POST /cachedContents`` (a TTL, ``"<seconds>s"``), and hands out its name while it lives; a prefix whose
entry expired (or was deleted) is stored again. Concurrent calls with the same prefix create it once.
It also lists the REST operations themselves: :meth:`create`, :meth:`get`, :meth:`update_ttl`,
:meth:`delete`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
import httpx

from pipeline.errors import InvalidArgumentError, InvalidResponseDataError
from pipeline.params import CallParams
from providers._http import HttpClient, Method
from providers._rest import request_json
from providers._settings import ConnectionSettings

from .model import BASE_URL_ENV, DEFAULT_BASE_URL, google_request_headers, parse_google_error
from .request_body import build_request

__all__ = ["DEFAULT_TTL", "CachedContent", "GeminiCachedContents", "cached_content_body"]

DEFAULT_TTL = 3600.0
"""Seconds a cached content lives when neither the policy nor the caller gives a TTL (the API's default)."""
_CACHED_KEYS = ("contents", "systemInstruction", "tools", "toolConfig")


@dataclass(frozen=True, slots=True)
class CachedContent:
    """A stored cached content: its ``name`` (``cachedContents/...``), model and expiry (UTC, if sent)."""

    name: str
    model: str
    expire_time: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_wire(cls, body: Any) -> CachedContent:
        if not isinstance(body, Mapping) or not isinstance(body.get("name"), str):
            raise InvalidResponseDataError(f"cachedContents answer without a name: {body!r}"[:300])
        expire = body.get("expireTime")
        return cls(
            name=body["name"],
            model=str(body.get("model", "")),
            expire_time=datetime.fromisoformat(expire.replace("Z", "+00:00"))
            if isinstance(expire, str)
            else None,
            raw=body,
        )


def _model_path(model_id: str) -> str:
    return model_id if "/" in model_id else f"models/{model_id}"


def _ttl_text(ttl: float) -> str:
    if not ttl > 0:
        raise InvalidArgumentError("ttl", f"must be a positive number of seconds, got {ttl!r}")
    return f"{ttl:.3f}".rstrip("0").rstrip(".") + "s"


def cached_content_body(model_id: str, prefix: CallParams, ttl: float) -> dict[str, Any]:
    """The ``POST /cachedContents`` body for ``prefix`` (pure): its wire contents, system instruction,
    tools and tool config, the model and the TTL."""
    wire = build_request(model_id, prefix).body
    body = {key: wire[key] for key in _CACHED_KEYS if key in wire}
    return {"model": _model_path(model_id), **body, "ttl": _ttl_text(ttl)}


class GeminiCachedContents:
    """Explicit Gemini caches for one API key and base URL (the same settings as the model's).

    ``ttl`` is the default life of each entry (seconds); an entry is reused until ``refresh_margin``
    seconds before it expires, then stored again.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        ttl: float = DEFAULT_TTL,
        refresh_margin: float = 30.0,
    ) -> None:
        _ttl_text(ttl)
        self._settings = ConnectionSettings.from_arguments(
            api_key, base_url, headers, None, http_client, transport
        )
        self.ttl = ttl
        self.refresh_margin = refresh_margin
        self._entries: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, anyio.Lock] = {}

    def __repr__(self) -> str:
        return f"GeminiCachedContents(entries={len(self._entries)})"

    @property
    def base_url(self) -> str:
        return self._settings.base_url_or(BASE_URL_ENV, DEFAULT_BASE_URL)

    def _http(self) -> HttpClient:
        return self._settings.http_or_shared()

    def _headers(self) -> dict[str, str]:
        return google_request_headers(self._settings, None)

    async def _call(self, method: Method, path: str, body: Any = None) -> Any:
        return await request_json(
            self._http(),
            method,
            f"{self.base_url}/{path}",
            headers=self._headers(),
            parse_error=parse_google_error,
            json_body=body,
        )

    async def create(self, model_id: str, prefix: CallParams, ttl: float | None = None) -> CachedContent:
        """Store ``prefix`` for ``model_id`` (``POST /cachedContents``)."""
        body = cached_content_body(model_id, prefix, ttl or self.ttl)
        return CachedContent.from_wire(await self._call("POST", "cachedContents", body))

    async def get(self, name: str) -> CachedContent:
        """``GET /{name}``."""
        return CachedContent.from_wire(await self._call("GET", name))

    async def update_ttl(self, name: str, ttl: float) -> CachedContent:
        """Extend (or shorten) an entry's life: ``PATCH /{name}?updateMask=ttl``."""
        return CachedContent.from_wire(
            await self._call("PATCH", f"{name}?updateMask=ttl", {"ttl": _ttl_text(ttl)})
        )

    async def delete(self, name: str) -> None:
        """``DELETE /{name}``; forgotten here too."""
        await self._call("DELETE", name)
        self._entries = {key: entry for key, entry in self._entries.items() if entry[0] != name}

    async def cached_content(self, model_id: str, prefix: CallParams, ttl: float | None) -> str:
        """The name of a live cached content holding ``prefix`` for ``model_id``: reused, or created."""
        life = ttl or self.ttl
        body = cached_content_body(model_id, prefix, life)
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        lock = self._locks.setdefault(key, anyio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and entry[1] - self.refresh_margin > time.monotonic():
                return entry[0]
            created = CachedContent.from_wire(await self._call("POST", "cachedContents", body))
            self._entries[key] = (created.name, time.monotonic() + life)
            return created.name
