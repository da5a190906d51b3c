"""The LanguageModel protocol: what providers, wrapped models and mocks all satisfy.

Besides the call methods, a model declares two things a cache (or any layer that keys on a call) needs
and cannot guess: :attr:`LanguageModel.endpoint_identity`, who would answer (provider, base URL and a
one-way digest of the credentials), and :meth:`LanguageModel.resolve_params`, the params its terminal
would send. A model that does not declare them cannot be cached (see :func:`endpoint_identity_of`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from .errors import InvalidArgumentError
from .params import CallParams
from .result import GenerateResult
from .stream import StreamResult

__all__ = [
    "CallType",
    "EndpointIdentity",
    "LanguageModel",
    "SupportedUrls",
    "endpoint_identity_of",
]

CallType = Literal["generate", "stream"]

SupportedUrls = Mapping[str, Sequence[re.Pattern[str]]]
"""Media-type pattern (``"image/*"``, ``"application/pdf"``, ``"*"``) to the URL regexes the model
fetches by itself. Regexes are searched in the lower-cased URL."""

_DIGEST_KEY = b"modelpipe endpoint identity v1"
"""HMAC key of :meth:`EndpointIdentity.of`: separates these digests from any other SHA-256 of a key."""


@dataclass(frozen=True, slots=True)
class EndpointIdentity:
    """Who answers a model's calls: the provider id, the base URL in effect, and ``credentials``, a hex
    HMAC-SHA256 over the credential identity (API key, organization, project, constructor headers).

    Two models with equal identities (and equal model ids) give the same answer to the same request, so
    a cache may share entries between them, and only between them. The raw key is never kept here.
    """

    provider: str
    base_url: str | None
    credentials: str | None

    @classmethod
    def of(cls, provider: str, base_url: str | None, credentials: Mapping[str, object]) -> EndpointIdentity:
        """The identity of ``provider`` at ``base_url``; ``credentials`` (values: text, ``None`` or a
        mapping of header names to values) are reduced to a one-way digest (``None`` when all are unset)."""
        present = tuple(sorted((name, _plain(value)) for name, value in credentials.items() if value))
        return cls(provider, base_url, _digest(present) if present else None)

    def shared_across_credentials(self) -> EndpointIdentity:
        """This identity without its credential digest (for caches shared across keys on purpose)."""
        return EndpointIdentity(self.provider, self.base_url, None)


def _plain(value: object) -> str | tuple[tuple[str, str], ...]:
    """``value`` as text, or a mapping as its sorted (lower-cased name, text) pairs (hashable)."""
    if type(value) is str:
        return value
    if isinstance(value, Mapping):
        return tuple(sorted((str(name).lower(), str(item)) for name, item in value.items()))
    return str(value)


@functools.lru_cache(maxsize=256)
def _digest(credentials: tuple[tuple[str, object], ...]) -> str:
    """The HMAC of canonical JSON of ``credentials`` (memoized: a model asks once per call)."""
    text = json.dumps(credentials, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(_DIGEST_KEY, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


@runtime_checkable
class LanguageModel(Protocol):
    """A language model: a provider terminal, a model wrapped in middleware, or a test double.

    ``do_generate`` and ``do_stream`` receive normalized :class:`CallParams`; they never retry
    (retries live in ``generate_text`` / ``stream_text``, outside the middleware chain).
    """

    @property
    def provider(self) -> str:
        """The provider id, e.g. ``"openai.chat"``."""
        ...

    @property
    def model_id(self) -> str:
        """The provider's model id, e.g. ``"gpt-4o"``."""
        ...

    @property
    def supported_urls(self) -> SupportedUrls:
        """URLs the model downloads by itself; other URLs are downloaded before the call."""
        ...

    @property
    def endpoint_identity(self) -> EndpointIdentity:
        """Who answers this model's calls (read at call time: the key or base URL may come from the
        environment). A wrapper reports its inner model's."""
        ...

    async def resolve_params(self, type: CallType, params: CallParams) -> CallParams:
        """The params the terminal model would receive from ``do_*(params)``, without calling it: a
        terminal returns ``params``; a wrapper applies its own transform, then asks its inner model."""
        ...

    async def do_generate(self, params: CallParams) -> GenerateResult:
        """Run one call and return the whole result."""
        ...

    async def do_stream(self, params: CallParams) -> StreamResult:
        """Start one call and return its parts as they arrive."""
        ...


def endpoint_identity_of(model: object) -> EndpointIdentity:
    """``model.endpoint_identity``, or :class:`~pipeline.errors.InvalidArgumentError` when the model
    (e.g. a hand-written wrapper) does not declare one: caching it could mix up tenants."""
    identity = getattr(model, "endpoint_identity", None)
    if not isinstance(identity, EndpointIdentity):
        raise InvalidArgumentError(
            "model",
            f"{type(model).__name__} does not declare an endpoint_identity "
            "(pipeline.model.EndpointIdentity), so a cache cannot tell whose answers it may share; "
            "implement it, or wrap with wrap_model()",
        )
    return identity
