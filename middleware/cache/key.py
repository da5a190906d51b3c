"""The cache key: a SHA-256 over the canonical JSON of everything that can change a model's answer.

Pure functions only. The key covers the provider, the model id, the call type, the endpoint (the
:class:`~pipeline.model.EndpointIdentity`: base URL and a one-way digest of the credentials, so two
tenants never share an entry), every :class:`~pipeline.params.CallParams` field (the normalized prompt
with attachment bytes hashed, tools, tool choice, response format, provider options, headers), the
cache format version and an optional namespace. Left out: headers that cannot change the answer
(user agent, request ids, tracing) and the library's per-call controls that cannot either
(``providerOptions.modelpipe.cache`` and the retry ``attempt`` number).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

import httpx
import orjson

from pipeline import control
from pipeline.chain import CallType
from pipeline.model import EndpointIdentity
from pipeline.params import CallParams
from pipeline.prompt import ContentOutput, FileItem, FilePart, MediaItem, SystemMessage, ToolResultPart

if TYPE_CHECKING:
    from pipeline.embed import EmbedParams  # annotations only: the embedding API loads when used

__all__ = [
    "CACHE_FORMAT_VERSION",
    "NON_SEMANTIC_HEADERS",
    "KeyFunction",
    "cache_key",
    "canonical_json",
    "canonical_json_bytes",
    "canonical_value",
    "embedding_key",
    "has_url_attachments",
    "is_canonical",
    "key_material",
]

CACHE_FORMAT_VERSION = 4
"""Bump when the key material or the stored envelope changes shape: old entries then miss."""

NON_SEMANTIC_HEADERS = frozenset(
    {
        "user-agent",
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "idempotency-key",
        "traceparent",
        "tracestate",
        "baggage",
        "sentry-trace",
        "x-amzn-trace-id",
        "x-cloud-trace-context",
        "b3",
    }
)
"""Header names (lower case) that cannot change the answer. ``x-b3-*`` and ``x-stainless-*`` also."""

_NON_SEMANTIC_HEADER_PREFIXES = ("x-b3-", "x-stainless-")

_CANONICAL_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, check_circular=False
)
"""Writes what orjson refuses (an int beyond 64 bits, a string with a lone surrogate): the same text but
for how some floats are spelled (``6.103515625e-05`` here, ``0.00006103515625`` in orjson)."""

_SORTED_KEYS = orjson.OPT_SORT_KEYS

_AS_IS: frozenset[type] = frozenset({str, int, bool, type(None)})
"""Exact types :func:`canonical_value` keeps unchanged (checked inline: most values are these)."""


class KeyFunction(Protocol):
    """A cache key function: same inputs as :func:`cache_key`, returns a string key.

    It decides what is shared: a key that leaves out ``endpoint`` shares entries across tenants.
    """

    def __call__(
        self,
        provider: str,
        model_id: str,
        call_type: CallType,
        params: CallParams,
        *,
        namespace: str | None = None,
        endpoint: EndpointIdentity | None = None,
    ) -> str: ...


def canonical_value(value: Any) -> Any:
    """``value`` as plain JSON data with one spelling per meaning.

    Bytes become ``{"$sha256": hex}`` (hashed, not inlined), URLs ``{"$url": text}``, integral floats
    ints (so ``1.0`` and ``1`` agree), non-finite floats tagged strings, datetimes ISO text.
    """
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {
            key if type(key) is str else str(key): item if type(item) in _AS_IS else canonical_value(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _AS_IS else canonical_value(item) for item in value]
    return _canonical_other(value)


def _canonical_other(value: Any) -> Any:
    """:func:`canonical_value` of anything but an exact str / int / bool / None / dict / list."""
    if isinstance(value, Mapping):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$sha256": hashlib.sha256(bytes(value)).hexdigest()}
    if isinstance(value, httpx.URL):
        return {"$url": str(value)}
    if isinstance(value, int | str):  # subclasses (bool included), as json.dumps writes them
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return {"$float": repr(value)}
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime | date):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"cannot build a cache key from a value of type {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Canonical JSON text of ``value``: sorted keys, no whitespace, see :func:`canonical_value`."""
    written = _canonical(value)
    return written.decode("utf-8") if type(written) is bytes else cast(str, written)


def canonical_json_bytes(value: Any) -> bytes:
    """:func:`canonical_json` as UTF-8 bytes (what the keys hash)."""
    written = _canonical(value)
    return written if type(written) is bytes else cast(str, written).encode("utf-8")


def _canonical(value: Any) -> bytes | str:
    """orjson's UTF-8 bytes, or the standard library encoder's text for what orjson refuses.

    orjson takes about a tenth of the standard encoder's time; both sort keys by code point and escape
    the same characters. :func:`canonical_value` (or :func:`is_canonical`) has made the tree plain JSON
    first, so orjson's own spellings of other types never come into play.
    """
    plain = value if is_canonical(value) else canonical_value(value)
    try:
        return orjson.dumps(plain, option=_SORTED_KEYS)
    except orjson.JSONEncodeError:
        return _CANONICAL_ENCODER.encode(plain)


def is_canonical(value: Any) -> bool:
    """Whether :func:`canonical_value` would return ``value`` unchanged: only exact ``str`` / ``int`` /
    ``bool`` / ``None``, finite non-integral floats, and lists and ``str``-keyed dicts of these. Checking
    allocates nothing and takes about half the time of the rebuild it spares (the usual key material
    passes)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _AS_IS and not is_canonical(item)):
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 (a loop: all() would add a generator per list)
            if type(item) not in _AS_IS and not is_canonical(item):
                return False
        return True
    if kind is float:
        return math.isfinite(value) and not value.is_integer()
    return kind in _AS_IS


def _semantic_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return None
    kept = {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in NON_SEMANTIC_HEADERS
        and not name.lower().startswith(_NON_SEMANTIC_HEADER_PREFIXES)
    }
    return kept or None


def _semantic_options(options: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not options:
        return None
    return control.without_library_controls(options) or None


def _attachment_data(params: CallParams) -> Iterator[object]:
    for message in params.prompt:
        if isinstance(message, SystemMessage) or isinstance(message.content, str):
            continue
        for part in message.content:
            if isinstance(part, FilePart):
                yield part.data
            elif isinstance(part, ToolResultPart) and isinstance(part.output, ContentOutput):
                yield from (item.data for item in part.output.value if isinstance(item, MediaItem | FileItem))


def has_url_attachments(params: CallParams) -> bool:
    """True when a file (or tool-result media) in the prompt is a URL the model will fetch itself.

    The content behind a URL can change while the URL stays the same, so such a call may be stale.
    """
    return any(isinstance(data, httpx.URL) for data in _attachment_data(params))


def _endpoint_material(endpoint: EndpointIdentity | None) -> dict[str, Any] | None:
    if endpoint is None:
        return None
    return {"provider": endpoint.provider, "baseUrl": endpoint.base_url, "credentials": endpoint.credentials}


def key_material(
    provider: str,
    model_id: str,
    call_type: CallType,
    params: CallParams,
    *,
    namespace: str | None = None,
    endpoint: EndpointIdentity | None = None,
) -> dict[str, Any]:
    """The data the key is a hash of (useful to debug why two calls do not share a key).

    Record fields that are ``None`` are left out (a field's ``None`` is its default: it means the same
    as not given), which keeps the material small; ``None`` inside free-form values (options, tool
    inputs, schemas) stays, since it is sent.
    """
    request = params.model_dump(mode="python", by_alias=True, exclude_none=True)
    headers = _semantic_headers(params.headers)
    options = _semantic_options(params.provider_options)
    request.pop("headers", None)
    request.pop("providerOptions", None)
    if headers is not None:
        request["headers"] = headers
    if options is not None:
        request["providerOptions"] = options
    material: dict[str, Any] = {
        "v": CACHE_FORMAT_VERSION,
        "provider": provider,
        "model": model_id,
        "type": call_type,
        "request": request,
    }
    if namespace is not None:
        material["ns"] = namespace
    if endpoint is not None:
        material["endpoint"] = _endpoint_material(endpoint)
    return material


def cache_key(
    provider: str,
    model_id: str,
    call_type: CallType,
    params: CallParams,
    *,
    namespace: str | None = None,
    endpoint: EndpointIdentity | None = None,
) -> str:
    """The default cache key: hex SHA-256 of the canonical JSON of :func:`key_material`."""
    material = key_material(provider, model_id, call_type, params, namespace=namespace, endpoint=endpoint)
    return hashlib.sha256(canonical_json_bytes(material)).hexdigest()


def embedding_key(
    provider: str,
    model_id: str,
    value: str,
    params: EmbedParams,
    *,
    namespace: str | None = None,
    endpoint: EndpointIdentity | None = None,
) -> str:
    """The key of one embedded ``value``: a hex SHA-256 over the model, its endpoint, the value, and the
    headers and provider options of its call that can change the vector (the same exclusions as
    :func:`cache_key`)."""
    material = {
        "v": CACHE_FORMAT_VERSION,
        "ns": namespace,
        "provider": provider,
        "endpoint": _endpoint_material(endpoint),
        "model": model_id,
        "type": "embed",
        "value": value,
        "headers": _semantic_headers(params.headers),
        "providerOptions": _semantic_options(params.provider_options),
    }
    return hashlib.sha256(canonical_json_bytes(material)).hexdigest()
