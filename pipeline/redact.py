"""The one redaction policy used by logs, spans, error messages and ``repr`` s.

* Secrets never appear: values of sensitive headers and JSON keys (``Authorization``, ``x-api-key``,
  ``x-goog-api-key``, ``api-key``, ``cookie``, any key naming a secret, password, token or API key),
  every string registered with :func:`register_secret`, and anything shaped like a provider API key
  (``sk-...``, ``sk-ant-...``, ``AIza...``, ``Bearer ...``) become ``[REDACTED]``.
* Binary data never appears: ``bytes``, base64 payloads and ``data:`` URLs become a placeholder such
  as ``<image/png, 48213 bytes>`` (the size comes from arithmetic on the base64, never from decoding).
* URLs lose their query string, fragment and user info (``https://host/path``).
* Very long strings are elided in the middle.

Every function here is pure apart from the secret registry, which :func:`register_secret` fills once
at configuration time.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, SecretBytes, SecretStr

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MAX_STRING_CHARS",
    "REDACTED",
    "binary_placeholder",
    "forget_secret",
    "is_sensitive_name",
    "redact_headers",
    "redact_text",
    "redact_traceback",
    "redact_url",
    "redact_value",
    "register_call_secret",
    "register_secret",
    "safe_repr",
    "scrub_text",
    "scrub_value",
]

REDACTED = "[REDACTED]"
"""What a secret is replaced with."""

MAX_STRING_CHARS = 8192
"""Strings longer than this are elided in the middle by :func:`redact_value`."""

_MIN_SECRET_CHARS = 4

_SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "x-amz-security-token",
    }
)
_SENSITIVE_WORDS = frozenset(
    {
        "apikey",
        "auth",
        "authorization",
        "cookie",
        "credential",
        "credentials",
        "passwd",
        "password",
        "secret",
        "signature",
        "token",
    }
)
_SENSITIVE_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("subscription", "key")})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

_DATA_URL = re.compile(
    r"data:([\w.+-]{1,100}/[\w.+-]{1,100})?(?:;[\w=.+-]{1,100}){0,8}?;base64,([A-Za-z0-9+/_-]*={0,2})"
)
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{256,}={0,2}")
_BASE64_STRING = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,30}://[^\s\"'<>]+")
_API_KEY_SHAPES = re.compile(
    r"\bsk-[A-Za-z0-9_-]{16,}|\bAIza[0-9A-Za-z_-]{35}|\b(?:xox[abpr]|gh[pousr])[-_][A-Za-z0-9_-]{16,}"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_KEY_VALUE = re.compile(
    r"(?i)(?:api[-_]?key|secret|password|passwd|token|authorization|cookie|credential)(?![a-z])"
    r"(?P<close>[\"']?)\s*[:=]\s*(?P<open>[\"']?)(?P<value>[^\s\"',;&}\]]+)"
)
_DATA_KEYS = frozenset({"data", "image", "bytes", "b64_json", "base64", "file_data", "audio"})
_MEDIA_TYPE_KEYS = ("mediaType", "media_type", "mimeType", "mime_type")

_secrets: set[str] = set()
_call_secrets: dict[str, None] = {}
"""Credentials seen in one call's headers (the latest :data:`_MAX_CALL_SECRETS`, oldest first)."""
_MAX_CALL_SECRETS = 256
_MIN_CALL_SECRET_CHARS = 16
"""Shorter header values (``test``, a tenant name) would redact ordinary words everywhere."""
_secrets_lock = threading.Lock()
_secrets_sorted: tuple[str, ...] = ()


def _sort_secrets() -> None:
    """Longest first, so a secret that contains another is replaced whole (call with the lock held)."""
    global _secrets_sorted
    _secrets_sorted = tuple(sorted(_secrets.union(_call_secrets), key=len, reverse=True))


def register_secret(value: str | SecretStr) -> None:
    """Make ``value`` (e.g. a configured API key) appear as ``[REDACTED]`` everywhere from now on."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if len(text) < _MIN_SECRET_CHARS:
        raise ValueError(f"a secret must have at least {_MIN_SECRET_CHARS} characters to be redacted")
    with _secrets_lock:
        _secrets.add(text)
        _sort_secrets()


def register_call_secret(header_value: str) -> None:
    """Redact the credential of a per-call header (``Bearer <key>``: the key) like a registered secret.

    Kept among the latest :data:`_MAX_CALL_SECRETS` such credentials, so a server that echoes a key
    passed with one call's headers cannot put it into an error; values too short to be keys are skipped.
    """
    credential = header_value.rsplit(" ", 1)[-1]
    if len(credential) < _MIN_CALL_SECRET_CHARS or credential in _secrets or credential in _call_secrets:
        return  # the usual case (the configured key, on every call): no lock, no sort
    with _secrets_lock:
        _call_secrets[credential] = None
        if len(_call_secrets) > _MAX_CALL_SECRETS:
            del _call_secrets[next(iter(_call_secrets))]
        _sort_secrets()


def forget_secret(value: str | SecretStr) -> None:
    """Undo :func:`register_secret` or :func:`register_call_secret` (for tests and key rotation)."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    with _secrets_lock:
        _secrets.discard(text)
        _call_secrets.pop(text, None)
        _sort_secrets()


@functools.lru_cache(maxsize=1024)  # header names and JSON keys repeat on every call
def is_sensitive_name(name: str) -> bool:
    """Whether a header or JSON key names a secret (``Authorization``, ``apiKey``, ``client_secret`` ...).

    Words are matched whole, so ``maxTokens`` / ``input_tokens`` (counts) are not sensitive while
    ``access_token`` is.
    """
    if name.lower() in _SENSITIVE_HEADERS:
        return True
    words = [word.lower() for word in _WORD.findall(name)]
    if any(word in _SENSITIVE_WORDS for word in words):
        return True
    return any(pair in _SENSITIVE_PAIRS for pair in itertools.pairwise(words))


def binary_placeholder(size: int, media_type: str | None = None) -> str:
    """The text that stands for binary data: ``<image/png, 48213 bytes>``."""
    return f"<{media_type or 'binary'}, {size} bytes>"


def _base64_size(text: str) -> int:
    """Decoded size of base64 text, by arithmetic (no decoding)."""
    stripped = text.rstrip("=")
    return len(stripped) * 3 // 4


def redact_url(url: str | httpx.URL) -> str:
    """``url`` without query string, fragment and user info; a ``data:`` URL becomes a placeholder."""
    text = str(url)
    if text[:5].lower() == "data:":
        return _DATA_URL.sub(_data_url_placeholder, text) if _DATA_URL.match(text) else "<data URL>"
    try:
        parts = urlsplit(text)
    except ValueError:
        return _scrub(text)
    netloc = parts.netloc.rpartition("@")[2]
    return _scrub(urlunsplit((parts.scheme, netloc, parts.path, "", "")))


def _data_url_placeholder(match: re.Match[str]) -> str:
    return binary_placeholder(_base64_size(match.group(2)), match.group(1))


def _url_in_text(match: re.Match[str]) -> str:
    return redact_url(match.group(0))


def _base64_run(match: re.Match[str]) -> str:
    return binary_placeholder(_base64_size(match.group(0)))


_KEY_SHAPE_MARKS = ("sk-", "AIza", "xox", *(f"gh{kind}{sep}" for kind in "pousr" for sep in "-_"))
_BEARER_MARKS = ("bearer", "basic")
_KEY_VALUE_MARKS = (
    "apikey",
    "api_key",
    "api-key",
    "secret",
    "passw",
    "token",
    "authorization",
    "cookie",
    "credential",
)


_AROUND_REDACTED = re.compile(r"[A-Za-z0-9_\-]*\[REDACTED\][A-Za-z0-9_\-]*")


def _scrub(text: str) -> str:
    """Replace registered secrets and API-key-shaped tokens.

    Each pattern runs only when a substring it needs is present (a plain ``in`` is ~50x faster than
    the regex), so megabytes of base64 or prose without credentials pass in milliseconds.
    """
    replaced = False
    for secret in _secrets_sorted:
        if secret in text:
            text = text.replace(secret, REDACTED)
            replaced = True
    if replaced:  # a secret inside a longer token (a longer key it is a prefix of): the whole token goes
        text = _AROUND_REDACTED.sub(REDACTED, text)
    if any(mark in text for mark in _KEY_SHAPE_MARKS):
        text = _API_KEY_SHAPES.sub(REDACTED, text)
    folded = text.lower()  # the patterns below ignore case
    if any(mark in folded for mark in _BEARER_MARKS):
        text = _BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    if any(mark in folded for mark in _KEY_VALUE_MARKS):
        text = _KEY_VALUE.sub(_key_value, text)
    return text


def _key_value(match: re.Match[str]) -> str:
    """``api_key=abc`` / ``"token": "abc"`` lose their value; prose that merely names a key keeps it.

    A quoted value is always data. An unquoted one is kept when it has no letters or digits
    (``api_key=...``) or follows a quoted name, where a string value would be quoted too: in
    ``Invalid argument for 'apiKey': openai API key is missing`` the word after the colon is prose.
    """
    value = match["value"]
    if not match["open"] and (match["close"] or not any(char.isalnum() for char in value)):
        return match[0]
    return f"{match[0][: match.start('value') - match.start()]}{REDACTED}"


def redact_text(text: str) -> str:
    """Free text (an error message, a response body) with secrets, binary runs and URL queries removed."""
    if "data:" in text.lower():
        text = _DATA_URL.sub(_data_url_placeholder, text)
    if "://" in text:
        text = _URL_IN_TEXT.sub(_url_in_text, text)
    text = _BASE64_RUN.sub(_base64_run, text)
    return _scrub(text)


def scrub_text(text: str) -> str:
    """``text`` with only its secrets removed: registered secrets, key shapes, ``key=value`` credentials
    and the user info and query of embedded URLs. Unlike :func:`redact_text`, binary data stays."""
    if "://" in text:
        text = _URL_IN_TEXT.sub(_url_in_text, text)
    return _scrub(text)


def scrub_value(value: Any) -> Any:
    """A copy of JSON-like data with only its secrets removed (see :func:`scrub_text`).

    Values of sensitive keys become ``[REDACTED]`` (numbers, booleans and ``None`` stay: a count is
    not a credential); every other value keeps its content and type (lists stay lists, tuples
    tuples). Nesting deeper than a sane document is replaced by a marker.
    """
    return _scrub_value(value, 0)


_MAX_SCRUB_DEPTH = 200


def _scrub_value(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, SecretStr | SecretBytes):
        return REDACTED
    if not isinstance(value, Mapping | list | tuple):
        return value
    if depth >= _MAX_SCRUB_DEPTH:
        return "<nested too deeply>"
    if isinstance(value, Mapping):
        return {
            key: REDACTED if _holds_secret(key, item) else _scrub_value(item, depth + 1)
            for key, item in value.items()
        }
    items = [_scrub_value(item, depth + 1) for item in value]
    return tuple(items) if isinstance(value, tuple) else items


def _holds_secret(key: object, item: Any) -> bool:
    plain = item is None or isinstance(item, bool | int | float)
    return not plain and isinstance(key, str) and is_sensitive_name(key)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> dict[str, str]:
    """Headers with the values of sensitive ones replaced by ``[REDACTED]`` and the rest scrubbed."""
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: REDACTED if is_sensitive_name(name) else redact_text(str(value)) for name, value in items}


def _elide(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]}...<{len(text) - 2 * keep} chars elided>...{text[-keep:]}"


def _redact_string(text: str, media_type: str | None, limit: int) -> str:
    if text[:5].lower() == "data:" or ("://" in text[:16] and _URL_IN_TEXT.fullmatch(text)):
        return redact_url(text)
    if media_type is not None and _BASE64_STRING.fullmatch(text):
        return binary_placeholder(_base64_size(text), media_type)
    return _elide(redact_text(text), limit)


def _media_type_of(mapping: Mapping[Any, Any]) -> str | None:
    for key in _MEDIA_TYPE_KEYS:
        value = mapping.get(key)
        if isinstance(value, str):
            return value
    return None


def redact_value(value: Any, *, max_string: int = MAX_STRING_CHARS) -> Any:
    """A deep copy of JSON-like data (or a pydantic model, dumped) that is safe to log.

    Sensitive keys get ``[REDACTED]`` values; ``bytes`` and the base64 ``data`` of an item that
    names its media type become placeholders; URLs lose their query; strings are scrubbed and
    elided past ``max_string`` characters. Numbers, booleans and ``None`` pass through.
    """
    return _redact(value, None, max_string)


def _redact(value: Any, media_type: str | None, limit: int) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _redact_string(value, media_type, limit)
    if isinstance(value, bytes | bytearray | memoryview):
        return binary_placeholder(len(bytes(value)), media_type)
    if isinstance(value, SecretStr | SecretBytes):
        return REDACTED
    if isinstance(value, BaseModel):
        return _redact(value.model_dump(by_alias=True, exclude_none=True), None, limit)
    if isinstance(value, Mapping):
        inner_media_type = _media_type_of(value)
        redacted: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and is_sensitive_name(key):
                redacted[key] = REDACTED
            elif key in _DATA_KEYS and inner_media_type is not None:
                redacted[key] = _redact(item, inner_media_type, limit)
            else:
                redacted[key] = _redact(item, None, limit)
        return redacted
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact(item, media_type, limit) for item in value]
    if isinstance(value, BaseException):
        return redact_text(f"{type(value).__name__}: {value}")
    httpx = sys.modules.get("httpx")  # an httpx.URL exists only once httpx is imported (not here)
    if httpx is not None and isinstance(value, httpx.URL):
        return redact_url(value)
    return redact_text(repr(value))


def safe_repr(value: Any) -> str:
    """``repr`` of the redacted form of ``value`` (for ``__repr__`` of objects holding requests)."""
    return repr(redact_value(value))


def redact_traceback(error: BaseException) -> str:
    """``error`` formatted as Python prints it (causes and notes included), scrubbed for logs and spans.

    The error itself is left untouched: it belongs to the caller.
    """
    return redact_text("".join(traceback.format_exception(error)))
