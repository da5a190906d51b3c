"""API keys: read from the argument or the environment, and known to the redaction policy."""

from __future__ import annotations

import os

from pipeline.errors import InvalidArgumentError
from pipeline.redact import register_secret

__all__ = ["missing_api_key_error", "resolve_api_key"]

_MIN_REDACTABLE_CHARS = 8
_registered: set[str] = set()


def resolve_api_key(explicit: str | None, env_var: str | None) -> str | None:
    """The explicit key, else the environment variable's value (read now, so late ``export`` works).

    Every key found is registered with :func:`pipeline.redact.register_secret` (once), so it shows as
    ``[REDACTED]`` in logs, spans, error messages and reprs.
    """
    key = explicit or (os.environ.get(env_var) if env_var else None)
    if key and key not in _registered and len(key) >= _MIN_REDACTABLE_CHARS:
        register_secret(key)
        _registered.add(key)
    return key


def missing_api_key_error(provider_name: str, env_var: str | None) -> InvalidArgumentError:
    """The error every provider raises for a call without a key, naming the Python argument ``api_key``
    (not the AI SDK's ``apiKey``) and the environment variable read in its place."""
    source = f" or set the {env_var} environment variable" if env_var else ""
    return InvalidArgumentError(
        "api_key", f"{provider_name} API key is missing. Pass the api_key argument{source}."
    )
