"""Media-type sniffing by byte signature and the media-type helpers."""

from __future__ import annotations

import base64

import pytest

from pipeline.media_type import (
    detect_media_type,
    get_top_level_media_type,
    is_full_media_type,
)

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
JPEG = bytes.fromhex("ffd8ffe000104a464946")
PDF = b"%PDF-1.7\n"
MP3_FRAME = bytes.fromhex("fffb9064")


def _id3_tag(body_size: int) -> bytes:
    """An ID3v2 header announcing ``body_size`` bytes (syncsafe integer), then that many zero bytes."""
    syncsafe = bytes((body_size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x04\x00\x00" + syncsafe + bytes(body_size)


@pytest.mark.parametrize(
    ("data", "top_level", "expected"),
    [
        (PNG, "image", "image/png"),
        (JPEG, "image", "image/jpeg"),
        (b"GIF89a....", "image", "image/gif"),
        (PDF, "application", "application/pdf"),
        (PDF, None, "application/pdf"),
        (PNG, None, "image/png"),
        (MP3_FRAME, "audio", "audio/mpeg"),
        (bytes.fromhex("1a45dfa3"), "audio", "audio/webm"),
        (bytes.fromhex("1a45dfa3"), "video", "video/webm"),
        (bytes.fromhex("1a45dfa3"), None, "audio/webm"),
        (bytes.fromhex("0000001c6674797069736f6d"), "audio", "audio/mp4"),
        (bytes.fromhex("0000001c6674797069736f6d"), "video", "video/mp4"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video", "video/x-msvideo"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None, "audio/wav"),
    ],
)
def test_detects_media_type_from_leading_bytes(data: bytes, top_level: str | None, expected: str) -> None:
    assert detect_media_type(data, top_level) == expected


def test_base64_text_is_sniffed_like_the_bytes_it_encodes() -> None:
    for data in (PNG, JPEG, PDF, MP3_FRAME):
        assert detect_media_type(base64.b64encode(data).decode()) == detect_media_type(data)


def test_base64url_text_without_padding_is_sniffed() -> None:
    encoded = base64.urlsafe_b64encode(bytes.fromhex("fffbfbff")).decode().rstrip("=")
    assert "_" in encoded or "-" in encoded
    assert detect_media_type(encoded, "audio") == "audio/mpeg"


def test_only_the_leading_base64_characters_are_decoded() -> None:
    # A PNG prefix followed by text that is not base64 at all: only the first 24 characters are read.
    text = base64.b64encode(PNG + bytes(8)).decode() + "!!! not base64 !!!" * 1000
    assert detect_media_type(text, "image") == "image/png"


def test_text_that_is_not_base64_matches_nothing() -> None:
    assert detect_media_type("%%%%not base64", "image") is None
    assert detect_media_type("abcde", "image") is None


def test_top_level_types_without_a_table_find_nothing() -> None:
    assert detect_media_type(PNG, "text") is None
    assert detect_media_type(PNG, "") is None


def test_table_selection_keeps_image_signatures_out_of_the_audio_table() -> None:
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 "
    assert detect_media_type(webp, "image") == "image/webp"
    assert detect_media_type(webp, "audio") is None


def test_data_shorter_than_a_signature_never_matches() -> None:
    assert detect_media_type(PNG[:3], "image") is None
    assert detect_media_type(b"", None) is None


def test_mp3_after_an_id3_tag_is_detected() -> None:
    assert detect_media_type(_id3_tag(1000) + MP3_FRAME, "audio") == "audio/mpeg"
    tagged = _id3_tag(300) + MP3_FRAME
    assert detect_media_type(base64.b64encode(tagged).decode(), "audio") == "audio/mpeg"


def test_id3_tag_larger_than_the_scan_limit_is_not_followed() -> None:
    assert detect_media_type(_id3_tag(200 * 1024) + MP3_FRAME, "audio") is None


def test_id3_tag_at_the_scan_limit_is_followed() -> None:
    assert detect_media_type(_id3_tag(128 * 1024 - 10) + MP3_FRAME, "audio") == "audio/mpeg"


@pytest.mark.parametrize(
    ("media_type", "top_level", "full"),
    [
        ("image/png", "image", True),
        ("image/*", "image", False),
        ("image", "image", False),
        ("image/", "image", False),
        ("", "", False),
        ("/", "", False),
        ("application/vnd.api+json", "application", True),
    ],
)
def test_top_level_and_full_media_type_helpers(media_type: str, top_level: str, full: bool) -> None:
    assert get_top_level_media_type(media_type) == top_level
    assert is_full_media_type(media_type) is full
