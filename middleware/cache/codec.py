"""The stored form of cache entries: our own JSON envelope, never pickle.

An entry is ``MAGIC + sha256(body)[:16] + body`` where ``body`` is UTF-8 JSON holding the format
version, the cache key it was written under, the kind (``generate`` / ``stream``) and the payload.
Values that JSON cannot hold are tagged: bytes ``{"$mp": "bytes", "v": base64}``, URLs
``{"$mp": "url", "v": text}``, datetimes ``{"$mp": "datetime", "v": iso}``; a user dict that happens to
contain the ``$mp`` key is wrapped as ``{"$mp": "dict", "v": {...}}``. Decoding restores the exact
records, so a replayed result or stream equals the recorded one.

A recorded stream's deltas are packed: a text, reasoning or tool-input delta with no provider metadata that
continues the part before it (its start, or a delta of the same kind and id) is stored as its bare
``delta`` string, read back as that kind of delta with the preceding part's id. Most parts of a stream
are such deltas, and a string costs far less to write and read than a part.

A record that pydantic's own JSON carries exactly (see :mod:`middleware.cache.exact`: no bytes, URLs or
datetimes inside free-form fields) is stored in a second, faster form:
``header + "\n" + record JSON``, the header a JSON object as above without ``payload``, the record
read back by pydantic's JSON parser in one pass. The tagged form never contains a raw newline (JSON
escapes them), so the first newline tells the forms apart. A recording that pydantic's JSON carries
exactly is written by pydantic's writer in the tagged form's layout (it needs no tags), so one reader
serves both.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import httpx
import pydantic_core
from pydantic import ConfigDict, TypeAdapter, ValidationError

from pipeline.result import GenerateResult, RequestMetadata, ResponseMetadata
from pipeline.stream import (
    ReasoningDeltaPart,
    ReasoningStartPart,
    StreamPart,
    TextDeltaPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputStartPart,
)

from .exact import json_exact
from .key import CACHE_FORMAT_VERSION

__all__ = [
    "DELTA_AFTER",
    "MAGIC",
    "CorruptEntryError",
    "StreamRecording",
    "decode_embedding",
    "decode_generate",
    "decode_stream",
    "encode_embedding",
    "encode_generate",
    "encode_packed_stream",
    "encode_stream",
    "pack_parts",
]

MAGIC = b"MPC1"
_CHECKSUM_BYTES = 16
_TAG = "$mp"
_TAG_MARK = b'"$mp"'
_DICT_TAG_MARK = b'"dict"'
_RECORD_SEPARATOR = b"\n"
_BODY_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
"""Encodes trees made here (:func:`_to_json`'s output, a key string): no cycle bookkeeping needed."""
_JSON_SCALARS: frozenset[type] = frozenset({str, int, bool, float, type(None)})

_part_adapter: TypeAdapter[StreamPart] = TypeAdapter(StreamPart, config=ConfigDict(defer_build=True))
"""Reads stored stream parts; built on the first stream replayed or stored, not at import."""

_DeltaPart = TextDeltaPart | ReasoningDeltaPart | ToolInputDeltaPart
_Continued = _DeltaPart | TextStartPart | ReasoningStartPart | ToolInputStartPart
DELTA_AFTER: dict[type[Any], type[_DeltaPart]] = {
    TextStartPart: TextDeltaPart,
    TextDeltaPart: TextDeltaPart,
    ReasoningStartPart: ReasoningDeltaPart,
    ReasoningDeltaPart: ReasoningDeltaPart,
    ToolInputStartPart: ToolInputDeltaPart,
    ToolInputDeltaPart: ToolInputDeltaPart,
}
"""The kind of delta a bare string continues, by the kind of part before it."""

EntryKind = Literal["generate", "stream", "embedding"]


class CorruptEntryError(ValueError):
    """A stored entry is not a valid envelope (bad magic, checksum, JSON, version, key or shape)."""


@dataclass(frozen=True)
class StreamRecording:
    """A recorded stream: its parts in order, plus the request / response metadata of the call."""

    parts: list[StreamPart]
    request: RequestMetadata
    response: ResponseMetadata


def _to_json(value: Any) -> Any:
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is list:
        return [item if type(item) in _JSON_SCALARS else _to_json(item) for item in value]
    if kind is dict:
        plain = {
            key if type(key) is str else str(key): item if type(item) in _JSON_SCALARS else _to_json(item)
            for key, item in value.items()
        }
        return {_TAG: "dict", "v": plain} if _TAG in plain else plain
    return _other_to_json(value)


def _other_to_json(value: Any) -> Any:
    """:func:`_to_json` of anything but an exact JSON scalar, list or dict."""
    if isinstance(value, Mapping):
        plain = {str(key): _to_json(item) for key, item in value.items()}
        return {_TAG: "dict", "v": plain} if _TAG in plain else plain
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return {_TAG: "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, httpx.URL):
        return {_TAG: "url", "v": str(value)}
    if isinstance(value, datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"a cache entry cannot hold a value of type {type(value).__name__}")


def _from_json(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [_from_json(item) for item in value]
    if kind is not dict:
        return value
    tag = value.get(_TAG)
    if tag is None:
        return {key: _from_json(item) for key, item in value.items()}
    if tag == "dict" and isinstance(value.get("v"), dict):
        return {key: _from_json(item) for key, item in value["v"].items()}
    return _tagged_value(tag, value.get("v"))


def _restore_tag(value: dict[str, Any]) -> Any:
    """``json.loads`` object hook for bodies without the ``dict`` tag: restores one tagged value."""
    tag = value.get(_TAG)
    return value if tag is None else _tagged_value(tag, value.get("v"))


def _tagged_value(tag: object, inner: object) -> Any:
    if tag == "bytes" and isinstance(inner, str):
        return base64.b64decode(inner, validate=True)
    if tag == "url" and isinstance(inner, str):
        return httpx.URL(inner)
    if tag == "datetime" and isinstance(inner, str):
        return datetime.fromisoformat(inner)
    raise CorruptEntryError(f"unknown value tag {tag!r}")


def _seal(key: str, kind: EntryKind, payload: Any) -> bytes:
    body = _fast_body(key, kind, payload)
    if body is None:
        envelope = {"v": CACHE_FORMAT_VERSION, "key": key, "kind": kind, "payload": _to_json(payload)}
        body = _BODY_ENCODER.encode(envelope).encode("utf-8")
    return _sealed(body)


def _fast_body(key: str, kind: EntryKind, payload: Any) -> bytes | None:
    """The body in one pass of the C encoder, tagging values as it meets them (no walk beforehand).

    ``None`` when the text holds a ``"$mp"`` the tagging did not write (a user dict that must be wrapped,
    a value tagged inside a mapping, or a user string ``"$mp"``): then :func:`_to_json` walks the payload.
    """
    tags = 0

    def tag(value: Any) -> Any:
        nonlocal tags
        if isinstance(value, bytes | bytearray | memoryview | httpx.URL | datetime):
            tags += 1
        return _other_to_json(value)

    envelope = {"v": CACHE_FORMAT_VERSION, "key": key, "kind": kind, "payload": payload}
    try:
        text = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False, default=tag)
    except (TypeError, ValueError):
        return None
    body = text.encode("utf-8")
    return body if body.count(_TAG_MARK) == tags else None


def _sealed(body: bytes) -> bytes:
    return MAGIC + hashlib.sha256(body).digest()[:_CHECKSUM_BYTES] + body


def _checked_body(data: bytes) -> bytes:
    """The body of an entry whose magic and checksum are right."""
    header = len(MAGIC) + _CHECKSUM_BYTES
    if not isinstance(data, bytes) or len(data) < header or not data.startswith(MAGIC):
        raise CorruptEntryError("not a modelpipe cache entry")
    body = data[header:]
    if hashlib.sha256(body).digest()[:_CHECKSUM_BYTES] != data[len(MAGIC) : header]:
        raise CorruptEntryError("checksum mismatch")
    return body


def _record_header(key: str, kind: EntryKind) -> bytes:
    """The record form's header as :func:`_seal_record` writes it for ``key`` and ``kind``."""
    plain = key.isascii() and key.isprintable() and '"' not in key and "\\" not in key
    quoted = f'"{key}"' if plain else _BODY_ENCODER.encode(key)  # a hex digest needs no escapes
    return f'{{"v":{CACHE_FORMAT_VERSION},"key":{quoted},"kind":"{kind}"}}'.encode()


def _seal_record(key: str, kind: EntryKind, record: bytes) -> bytes:
    """The record form: the envelope's header, a newline, then pydantic's JSON of the record."""
    return _sealed(_record_header(key, kind) + _RECORD_SEPARATOR + record)


def _record_json(body: bytes, key: str, kind: EntryKind) -> bytes | None:
    """The record JSON of a body in the record form (its header checked); ``None`` for the tagged form.

    A header spelled exactly as this version writes it for ``key`` and ``kind`` is accepted as it is;
    any other is parsed, and raises the precise error (version, key or kind)."""
    split = body.find(_RECORD_SEPARATOR)
    if split < 0:
        return None
    header = body[:split]
    if header != _record_header(key, kind):
        try:
            parsed = json.loads(header)
        except ValueError as error:
            raise CorruptEntryError(f"invalid JSON: {error}") from error
        _check_header(parsed, key, kind)
    return body[split + 1 :]


def _check_header(envelope: Any, key: str, kind: EntryKind) -> None:
    if not isinstance(envelope, dict) or envelope.get("v") != CACHE_FORMAT_VERSION:
        raise CorruptEntryError("unsupported cache format version")
    if envelope.get("key") != key or envelope.get("kind") != kind:
        raise CorruptEntryError("entry was written for another key or call type")


def _open(data: bytes, key: str, kind: EntryKind) -> Any:
    """The payload of an entry in the tagged form."""
    body = _checked_body(data)
    return _open_tagged(body, key, kind)


def _open_tagged(body: bytes, key: str, kind: EntryKind) -> Any:
    # The body decides how tagged values are restored: none at all; by an object hook while parsing
    # (every "$mp" object is a tag); or, when a "dict" tag or an escape that could spell one may be
    # present, by a walk afterwards that knows a tagged user dict's inside is not a tag.
    walk = b"\\u" in body or _DICT_TAG_MARK in body
    hook = _restore_tag if not walk and _TAG_MARK in body else None
    try:
        envelope = json.loads(body, object_hook=hook)
    except CorruptEntryError:
        raise
    except (ValueError, httpx.InvalidURL) as error:
        raise CorruptEntryError(f"invalid JSON: {error}") from error
    _check_header(envelope, key, kind)
    if not walk:
        return envelope.get("payload")
    try:
        return _from_json(envelope.get("payload"))
    except (ValueError, httpx.InvalidURL) as error:
        raise CorruptEntryError(f"invalid tagged value: {error}") from error


def encode_generate(key: str, result: GenerateResult) -> bytes:
    """The envelope bytes of a generate result stored under ``key`` (the record form when exact)."""
    if json_exact(result):
        try:
            # the serializer straight to bytes: model_dump_json's own steps and a str in between cost more
            return _seal_record(key, "generate", type(result).__pydantic_serializer__.to_json(result))
        except ValueError:  # a string pydantic's JSON cannot write (a lone surrogate)
            pass
    return _seal(key, "generate", result.model_dump(mode="python", by_alias=True))


def decode_generate(key: str, data: bytes) -> GenerateResult:
    """The generate result in ``data``; raises :class:`CorruptEntryError` if anything is off."""
    body = _checked_body(data)
    record = _record_json(body, key, "generate")
    try:
        if record is not None:
            return GenerateResult.model_validate_json(record)
        return GenerateResult.model_validate(_open_tagged(body, key, "generate"))
    except ValidationError as error:
        raise CorruptEntryError(f"invalid result: {error}") from error


def encode_stream(
    key: str, parts: Sequence[StreamPart], request: RequestMetadata, response: ResponseMetadata
) -> bytes:
    """The envelope bytes of a recorded stream stored under ``key``."""
    return encode_packed_stream(key, pack_parts(parts), request, response)


def encode_packed_stream(
    key: str, packed: Sequence[str | StreamPart], request: RequestMetadata, response: ResponseMetadata
) -> bytes:
    """:func:`encode_stream` of parts already packed (see :func:`pack_parts`), as a recorder keeps them."""
    body = _pydantic_stream_body(key, packed, request, response)
    if body is not None:
        return _sealed(body)
    payload = {
        "parts": [
            item if isinstance(item, str) else item.model_dump(mode="python", by_alias=True)
            for item in packed
        ],
        "request": request.model_dump(mode="python", by_alias=True),
        "response": response.model_dump(mode="python", by_alias=True),
    }
    return _seal(key, "stream", payload)


def _pydantic_stream_body(
    key: str, packed: Sequence[str | StreamPart], request: RequestMetadata, response: ResponseMetadata
) -> bytes | None:
    """The body in one pass of pydantic's JSON writer, when it carries every record exactly (see
    :mod:`middleware.cache.exact`) and writes no ``"$mp"`` key: then it reads back like the tagged form
    (plain JSON with no tags; datetime fields read back from their ISO text). ``None`` otherwise."""
    if not (json_exact(request) and json_exact(response)):
        return None
    for item in packed:
        if type(item) is not str and not json_exact(cast(StreamPart, item)):
            return None
    envelope = {
        "v": CACHE_FORMAT_VERSION,
        "key": key,
        "kind": "stream",
        "payload": {"parts": packed, "request": request, "response": response},
    }
    try:
        body = pydantic_core.to_json(envelope, by_alias=True)
    except ValueError:  # a string pydantic's JSON cannot write (a lone surrogate)
        return None
    return None if _TAG_MARK in body else body


def pack_parts(parts: Sequence[StreamPart]) -> list[str | StreamPart]:
    """The parts as stored: a delta that continues the part before it as its bare string."""
    packed: list[str | StreamPart] = []
    continued: type[_DeltaPart] | None = None  # the kind of delta that would continue the last part
    continued_id: str | None = None
    for part in parts:
        if type(part) is continued:
            delta: Any = part  # one of the delta kinds, whose fields every kind has
            if delta.provider_metadata is None and delta.id == continued_id:
                packed.append(delta.delta)
                continue
        packed.append(part)
        continued = DELTA_AFTER.get(type(part))
        if continued is not None:
            continued_id = cast(_Continued, part).id
    return packed


def _unpacked(packed: object) -> list[StreamPart]:
    """The parts of a stored stream (see :func:`pack_parts`)."""
    if not isinstance(packed, list):
        raise CorruptEntryError("stream entry has no list of parts")
    parts: list[StreamPart] = []
    previous: StreamPart | None = None
    for item in packed:
        if type(item) is str:
            delta = DELTA_AFTER.get(type(previous))
            if delta is None:
                raise CorruptEntryError("a packed delta follows no part it can continue")
            fields = {"id": cast(_Continued, previous).id, "delta": item}
            part: StreamPart = delta.__pydantic_validator__.validate_python(fields)  # delta(**fields)
        else:
            part = _part_adapter.validate_python(item)
        parts.append(part)
        previous = part
    return parts


def decode_stream(key: str, data: bytes) -> StreamRecording:
    """The stream recording in ``data``; raises :class:`CorruptEntryError` if anything is off."""
    payload = _open(data, key, "stream")
    if not isinstance(payload, dict):
        raise CorruptEntryError("stream entry is not an object")
    try:
        return StreamRecording(
            parts=_unpacked(payload.get("parts")),
            request=RequestMetadata.model_validate(payload.get("request")),
            response=ResponseMetadata.model_validate(payload.get("response")),
        )
    except ValidationError as error:
        raise CorruptEntryError(f"invalid stream recording: {error}") from error


def encode_embedding(key: str, embedding: Sequence[float]) -> bytes:
    """The envelope bytes of one embedding vector stored under ``key`` (floats round-trip exactly)."""
    return _seal(key, "embedding", list(embedding))


def decode_embedding(key: str, data: bytes) -> list[float]:
    """The embedding vector in ``data``; raises :class:`CorruptEntryError` if anything is off."""
    vector = _open(data, key, "embedding")
    if not isinstance(vector, list) or not all(type(number) in (float, int) for number in vector):
        raise CorruptEntryError("embedding entry is not a list of numbers")
    return [float(number) for number in vector]
