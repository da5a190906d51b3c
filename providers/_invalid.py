"""The typed error for a stream payload that is not JSON, or not of the provider's documented shape."""

from __future__ import annotations

import json

from pydantic import ValidationError

from pipeline.errors import InvalidResponseDataError

__all__ = ["invalid_stream_data"]


def invalid_stream_data(what: str, error: Exception, data: object) -> InvalidResponseDataError:
    """``InvalidResponseDataError`` naming the first problem and where it is, never the payload's
    content (which model output may be): the payload itself stays on the error's ``data``."""
    if isinstance(error, ValidationError):
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(step) for step in first["loc"])
        if first["type"] == "json_invalid":
            message = f"Invalid JSON in {what}: {first.get('ctx', {}).get('error', first['msg'])}"
        else:
            message = (
                f"Invalid {what}: {where}: {first['msg']}" if where else f"Invalid {what}: {first['msg']}"
            )
    elif isinstance(error, json.JSONDecodeError):
        message = f"Invalid JSON in {what}: {error.msg} at character {error.pos}"
    elif isinstance(error, RecursionError):
        message = f"Invalid {what}: nested too deeply"
    else:
        message = f"Invalid {what}: {type(error).__name__}"
    invalid = InvalidResponseDataError(message, data=data)
    invalid.__cause__ = error
    return invalid
