"""The cache entry envelope: lossless round trips, and every kind of damage detected."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from middleware.cache.codec import (
    MAGIC,
    CorruptEntryError,
    _fast_body,
    _open,
    _seal,
    _to_json,
    decode_generate,
    decode_stream,
    encode_generate,
    encode_stream,
)
from middleware.cache.key import CACHE_FORMAT_VERSION
from pipeline.result import FileContent, GenerateResult, RequestMetadata, ResponseMetadata, TextContent
from pipeline.stream import (
    FinishPart,
    RawPart,
    ReasoningDeltaPart,
    ReasoningStartPart,
    StreamPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputStartPart,
)
from tests.middleware.cache.cache_samples import STAMP, rich_parts, rich_result


def test_generate_result_round_trips_exactly() -> None:
    result = rich_result()
    decoded = decode_generate("k", encode_generate("k", result))
    assert decoded == result
    assert isinstance(decoded.content[4], FileContent) and decoded.content[4].data == b"\x89PNG\x00\xff"
    assert isinstance(decoded.content[5], FileContent) and isinstance(decoded.content[5].data, httpx.URL)
    assert decoded.response.timestamp == STAMP


def test_stream_recording_round_trips_exactly() -> None:
    parts = rich_parts()
    request = RequestMetadata(body={"stream": True})
    response = ResponseMetadata(headers={"content-type": "text/event-stream"})
    recording = decode_stream("k", encode_stream("k", parts, request, response))
    assert recording.parts == parts
    assert [type(part) for part in recording.parts] == [type(part) for part in parts]
    assert (recording.request, recording.response) == (request, response)


def test_entry_is_json_with_no_pickle_and_a_checksum() -> None:
    data = encode_generate("k", rich_result())
    assert data.startswith(MAGIC)
    body = data[len(MAGIC) + 16 :]
    assert hashlib.sha256(body).digest()[:16] == data[len(MAGIC) : len(MAGIC) + 16]
    envelope = json.loads(body)
    assert envelope["key"] == "k" and envelope["kind"] == "generate"


def _reseal(body: dict[str, Any]) -> bytes:
    raw = json.dumps(body).encode()
    return MAGIC + hashlib.sha256(raw).digest()[:16] + raw


def _damaged() -> dict[str, bytes]:
    good = encode_generate("k", rich_result())
    envelope = json.loads(good[len(MAGIC) + 16 :])
    return {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "bad magic": b"XXXX" + good[4:],
        "flipped byte": good[:-5] + bytes([good[-5] ^ 1]) + good[-4:],
        "pickle": b"\x80\x04\x95\x00",
        "old version": _reseal({**envelope, "v": 0}),
        "other key": _reseal({**envelope, "key": "other"}),
        "other kind": _reseal({**envelope, "kind": "stream"}),
        "bad shape": _reseal({**envelope, "payload": {"content": 5}}),
        "unknown tag": _reseal({**envelope, "payload": {"$mp": "pickle", "v": "x"}}),
        "bad base64": _reseal(
            {
                **envelope,
                "payload": {
                    "content": [{"type": "file", "mediaType": "a/b", "data": {"$mp": "bytes", "v": "!!"}}]
                },
            }
        ),
        "not json": MAGIC + hashlib.sha256(b"{nope").digest()[:16] + b"{nope",
    }


@pytest.mark.parametrize("damage", sorted(_damaged()))
def test_damaged_entries_are_refused(damage: str) -> None:
    with pytest.raises(CorruptEntryError):
        decode_generate("k", _damaged()[damage])


def test_stream_decoder_refuses_a_generate_entry() -> None:
    with pytest.raises(CorruptEntryError):
        decode_stream("k", encode_generate("k", rich_result()))


def test_values_json_cannot_hold_are_refused_at_encode_time() -> None:
    parts: list[StreamPart] = [RawPart(raw_value=object()), FinishPart(finish_reason="stop")]
    with pytest.raises(TypeError):
        encode_stream("k", parts, RequestMetadata(), ResponseMetadata())


def plain_result() -> GenerateResult:
    """Tagged values (bytes, URL, datetime) but no escapes and no user ``$mp`` dict in the body."""
    return GenerateResult(
        content=[
            TextContent(text="plain text"),
            FileContent(media_type="image/png", data=b"\x89PNG\x00\xff"),
            FileContent(media_type="image/png", data=httpx.URL("https://example.com/x.png")),
        ],
        finish_reason="stop",
        response=ResponseMetadata(id="r1", timestamp=STAMP, headers={"x-a": "b"}),
    )


def test_tagged_values_are_restored_while_parsing_a_body_without_escapes() -> None:
    data = encode_generate("k", plain_result())
    assert b"\\u" not in data and b'"$mp"' in data
    assert decode_generate("k", data) == plain_result()


def test_a_tag_spelled_with_an_escape_is_still_restored() -> None:
    data = encode_generate("k", plain_result())
    body = data[len(MAGIC) + 16 :].replace(b'"$mp":"bytes"', b'"\\u0024mp":"bytes"')
    resealed = MAGIC + hashlib.sha256(body).digest()[:16] + body
    decoded = decode_generate("k", resealed)
    assert isinstance(decoded.content[1], FileContent) and decoded.content[1].data == b"\x89PNG\x00\xff"


@pytest.mark.parametrize(
    "payload",
    [
        {"content": [{"type": "text", "text": "a", "providerMetadata": {"$mp": "pickle", "v": "x"}}]},
        {"content": [{"type": "file", "mediaType": "a/b", "data": {"$mp": "bytes", "v": "!!"}}]},
        {"content": [{"type": "file", "mediaType": "a/b", "data": {"$mp": "url", "v": "http://[::1"}}]},
        {"content": [], "response": {"timestamp": {"$mp": "datetime", "v": "yesterday"}}},
    ],
    ids=["unknown tag", "bad base64", "bad url", "bad datetime"],
)
def test_bad_tags_are_refused_in_a_body_without_escapes(payload: dict[str, Any]) -> None:
    envelope = json.loads(encode_generate("k", plain_result())[len(MAGIC) + 16 :])
    data = _reseal({**envelope, "payload": {**envelope["payload"], **payload}})
    assert b"\\u" not in data
    with pytest.raises(CorruptEntryError):
        decode_generate("k", data)


# -- the one-pass encoder agrees with the walk ------------------------------------------------------

_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["$mp", "dict", "v", '"$mp"']),
    st.binary(max_size=8),
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from([httpx.URL("https://example.test/a.png"), httpx.URL("http://[::1]:8080/x?y=1")]),
)
_keys = st.one_of(st.text(max_size=4), st.sampled_from(["$mp", "v", "dict", "bytes"]))
_payloads = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=20,
)


@given(payload=_payloads)
def test_one_pass_body_equals_the_walked_body_and_round_trips(payload: Any) -> None:
    """Whichever path encodes the body (one C-encoder pass, or the walk when a user ``$mp`` shows up),
    the bytes are those of the walk, and decoding restores the payload."""
    sealed = _seal("k", "generate", payload)
    walked = json.dumps(
        {"v": CACHE_FORMAT_VERSION, "key": "k", "kind": "generate", "payload": _to_json(payload)},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    assert sealed[len(MAGIC) + 16 :] == walked
    assert _open(sealed, "k", "generate") == _plain(payload)


def _plain(value: Any) -> Any:
    """What a round trip gives back: tuples as lists, bytearrays as bytes."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def test_a_result_without_user_tags_is_encoded_in_one_pass() -> None:
    payload = rich_result().model_dump(mode="python", by_alias=True)
    del payload["content"][3]  # the tool result whose user dict has a "$mp" key
    assert _fast_body("k", "generate", payload) is not None  # bytes, a URL and a datetime, tagged
    assert _fast_body("k", "generate", {"metadata": {"$mp": "dict"}}) is None


# -- the record form: pydantic's own JSON, for records it carries exactly ------------------------------


def text_result() -> GenerateResult:
    """A usual answer: text, usage, JSON-only metadata and a timestamp (typed, so pydantic restores it)."""
    return GenerateResult(
        content=[TextContent(text="line one\nline two", provider_metadata={"openai": {"n": 1.5}})],
        finish_reason="stop",
        request=RequestMetadata(body={"model": "m", "messages": [{"role": "user", "content": "hi"}]}),
        response=ResponseMetadata(id="r1", timestamp=STAMP, headers={"x-a": "b"}),
        provider_metadata={"openai": {"serviceTier": "default", "list": [1, 2.0, None, True]}},
    )


def _record_parts(data: bytes) -> tuple[dict[str, Any], bytes]:
    body = data[len(MAGIC) + 16 :]
    header, _, record = body.partition(b"\n")
    return json.loads(header), record


def test_a_result_pydantic_json_carries_exactly_is_stored_in_the_record_form() -> None:
    data = encode_generate("k", text_result())
    header, record = _record_parts(data)
    assert header == {"v": CACHE_FORMAT_VERSION, "key": "k", "kind": "generate"}
    assert json.loads(record)["content"][0]["text"] == "line one\nline two"  # escaped: one raw newline only
    decoded = decode_generate("k", data)
    assert decoded == text_result()
    assert decoded.response.timestamp == STAMP


def test_a_key_with_quotes_newlines_and_non_ascii_keeps_one_raw_newline_in_the_record_form() -> None:
    key = 'user "key"\nline two \u00e9'
    data = encode_generate(key, text_result())
    header, _ = _record_parts(data)
    assert header["key"] == key
    assert decode_generate(key, data) == text_result()


@pytest.mark.parametrize(
    "metadata",
    [{"openai": {"raw": b"\x00\xff"}}, {"openai": {"at": STAMP}}, {"openai": {"pair": (1, 2)}}],
    ids=["bytes", "datetime", "tuple"],
)
def test_free_form_values_json_would_change_keep_the_tagged_form(metadata: dict[str, Any]) -> None:
    result = text_result().model_copy(update={"provider_metadata": metadata})
    data = encode_generate("k", result)
    assert b"\n" not in data[len(MAGIC) + 16 :]
    decoded = decode_generate("k", data)
    assert decoded.provider_metadata is not None
    assert decoded.provider_metadata["openai"] == {
        key: _plain(value) for key, value in metadata["openai"].items()
    }


def test_file_bytes_keep_the_tagged_form() -> None:
    """A file's ``bytes | str | URL`` data would come back from pydantic's JSON as a base64 ``str``."""
    result = text_result().model_copy(
        update={"content": [FileContent(media_type="image/png", data=b"\x89PNG\x00\xff")]}
    )
    data = encode_generate("k", result)
    assert b"\n" not in data[len(MAGIC) + 16 :]
    decoded = decode_generate("k", data)
    assert isinstance(decoded.content[0], FileContent) and decoded.content[0].data == b"\x89PNG\x00\xff"


def _record_entry(header: dict[str, Any], record: bytes) -> bytes:
    body = json.dumps(header).encode() + b"\n" + record
    return MAGIC + hashlib.sha256(body).digest()[:16] + body


@pytest.mark.parametrize(
    "damage", ["other key", "other kind", "old version", "header not json", "bad record", "bad shape"]
)
def test_damaged_record_entries_are_refused(damage: str) -> None:
    header, record = _record_parts(encode_generate("k", text_result()))
    entry = {
        "other key": _record_entry({**header, "key": "other"}, record),
        "other kind": _record_entry({**header, "kind": "stream"}, record),
        "old version": _record_entry({**header, "v": 0}, record),
        "header not json": _record_entry(header, record).replace(b'{"v"', b'{v"'),
        "bad record": _record_entry(header, record[:-3]),
        "bad shape": _record_entry(header, b'{"content": 5}'),
    }[damage]
    if damage == "header not json":  # the checksum must still match, so the damage is sealed in
        body = entry[len(MAGIC) + 16 :]
        entry = MAGIC + hashlib.sha256(body).digest()[:16] + body
    with pytest.raises(CorruptEntryError):
        decode_generate("k", entry)


@pytest.mark.parametrize("key", ["k", 'a "quoted" key', "back\\slash", "tab\tand \u00e9", "\x7f"])
def test_a_record_header_spelled_otherwise_is_parsed_and_accepted(key: str) -> None:
    """The reader compares the header with the bytes this version writes; another spelling of the same
    header (spaces, escapes) is parsed instead, and accepted."""
    header, record = _record_parts(encode_generate(key, text_result()))
    respaced = _record_entry(header, record)  # json.dumps: spaces after the separators
    assert respaced != encode_generate(key, text_result())
    assert decode_generate(key, respaced) == text_result()


def test_stream_decoder_refuses_a_record_form_generate_entry() -> None:
    with pytest.raises(CorruptEntryError):
        decode_stream("k", encode_generate("k", text_result()))


# -- a recorded stream's deltas are packed ----------------------------------------------------------


def _stored_parts(parts: list[StreamPart]) -> list[Any]:
    payload = _open(encode_stream("k", parts, RequestMetadata(), ResponseMetadata()), "k", "stream")
    stored: list[Any] = payload["parts"]
    return stored


def test_deltas_that_continue_the_part_before_are_stored_as_their_strings() -> None:
    parts: list[StreamPart] = [
        TextStartPart(id="t"),
        TextDeltaPart(id="t", delta="Hel"),
        TextDeltaPart(id="t", delta="lo"),
        TextEndPart(id="t"),
        FinishPart(finish_reason="stop"),
    ]
    stored = _stored_parts(parts)
    assert stored[1:3] == ["Hel", "lo"]
    assert [type(item) for item in stored] == [dict, str, str, dict, dict]


def test_deltas_that_do_not_continue_the_part_before_keep_their_whole_form() -> None:
    parts: list[StreamPart] = [
        TextDeltaPart(id="t", delta="no start before me"),
        TextStartPart(id="a"),
        TextDeltaPart(id="b", delta="another id"),
        TextDeltaPart(id="b", delta="x", provider_metadata={"p": {"k": 1}}),
        ReasoningStartPart(id="b"),
        TextDeltaPart(id="b", delta="after a reasoning start"),
    ]
    assert not any(isinstance(item, str) for item in _stored_parts(parts))
    recording = decode_stream("k", encode_stream("k", parts, RequestMetadata(), ResponseMetadata()))
    assert recording.parts == parts


@pytest.mark.parametrize(
    "stored",
    [
        ["orphan"],
        [{"type": "finish", "finishReason": "stop"}, "after a finish"],
        [{"type": "text-end", "id": "t"}, "x"],
    ],
    ids=["first", "after finish", "after text end"],
)
def test_a_packed_delta_with_nothing_to_continue_is_a_corrupt_entry(stored: list[Any]) -> None:
    envelope = json.loads(encode_stream("k", [], RequestMetadata(), ResponseMetadata())[len(MAGIC) + 16 :])
    with pytest.raises(CorruptEntryError, match="continue"):
        decode_stream("k", _reseal({**envelope, "payload": {**envelope["payload"], "parts": stored}}))


_stream_ids = st.sampled_from(["a", "b"])
_metadata = st.sampled_from(
    [
        None,
        {"p": {"k": 1}},
        {"p": {"$mp": "x"}},
        {"p": {"b": b"\x00"}},
        {"p": {"t": STAMP}},
        {"p": {"u": "\x01"}},
    ]
)
_deltas = st.text(max_size=4)
_stream_parts = st.lists(
    st.one_of(
        st.builds(lambda i, m: TextStartPart(id=i, provider_metadata=m), _stream_ids, _metadata),
        st.builds(
            lambda i, d, m: TextDeltaPart(id=i, delta=d, provider_metadata=m), _stream_ids, _deltas, _metadata
        ),
        st.builds(lambda i: ReasoningStartPart(id=i), _stream_ids),
        st.builds(lambda i, d: ReasoningDeltaPart(id=i, delta=d), _stream_ids, _deltas),
        st.builds(lambda i: ToolInputStartPart(id=i, tool_name="w"), _stream_ids),
        st.builds(lambda i, d: ToolInputDeltaPart(id=i, delta=d), _stream_ids, _deltas),
        st.builds(lambda i: TextEndPart(id=i), _stream_ids),
    ),
    max_size=12,
)


@given(parts=_stream_parts)
def test_any_sequence_of_starts_and_deltas_round_trips_exactly(parts: list[StreamPart]) -> None:
    recording = decode_stream("k", encode_stream("k", parts, RequestMetadata(), ResponseMetadata()))
    assert recording.parts == parts
    assert [type(part) for part in recording.parts] == [type(part) for part in parts]


def test_a_recording_with_a_value_only_the_tagged_form_keeps_still_round_trips() -> None:
    """A recording is written in one pass of pydantic's JSON writer when that carries it exactly; bytes
    or a user ``$mp`` key in it send it through the tagged form, which keeps them."""
    for metadata in ({"p": {"b": b"\x00"}}, {"p": {"$mp": "user"}}, {"p": {"when": STAMP}}):
        parts: list[StreamPart] = [
            TextStartPart(id="t", provider_metadata=metadata),
            TextDeltaPart(id="t", delta="a"),
        ]
        request = RequestMetadata(body={"stream": True})
        recording = decode_stream("k", encode_stream("k", parts, request, ResponseMetadata(timestamp=STAMP)))
        assert recording.parts == parts
        start = recording.parts[0]
        assert isinstance(start, TextStartPart) and start.provider_metadata is not None
        replayed = start.provider_metadata
        kept = [type(value) for value in replayed["p"].values()]
        assert kept == [type(value) for value in metadata["p"].values()]
        assert recording.response.timestamp == STAMP
