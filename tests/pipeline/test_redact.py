"""The one redaction policy: headers, URLs, free text, deep values, exceptions and reprs."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from pipeline import redact
from pipeline.params import CallParams
from pipeline.prompt import FilePart, TextPart, UserMessage
from pipeline.redact import (
    REDACTED,
    binary_placeholder,
    forget_secret,
    is_sensitive_name,
    redact_headers,
    redact_text,
    redact_traceback,
    redact_url,
    redact_value,
    register_secret,
    safe_repr,
    scrub_text,
    scrub_value,
)

OPENAI_KEY = "sk-canary-0123456789abcdefghijkl"
GOOGLE_KEY = "AIza" + "B" * 35
CUSTOM_SECRET = "tenant-canary-secret-77"


@pytest.fixture
def custom_secret() -> Iterator[str]:
    register_secret(CUSTOM_SECRET)
    yield CUSTOM_SECRET
    forget_secret(CUSTOM_SECRET)


def test_module_exports_exactly_its_public_names() -> None:
    assert all(hasattr(redact, name) for name in redact.__all__)
    assert "register_secret" in redact.__all__ and "_scrub" not in redact.__all__


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "authorization",
        "Proxy-Authorization",
        "x-api-key",
        "X-Goog-Api-Key",
        "api-key",
        "Cookie",
        "set-cookie",
        "x-amz-security-token",
        "apiKey",
        "api_key",
        "OPENAI_API_KEY",
        "client_secret",
        "password",
        "accessToken",
        "refresh_token",
        "Ocp-Apim-Subscription-Key",
    ],
)
def test_sensitive_names_are_recognised(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "maxTokens",
        "max_output_tokens",
        "inputTokens",
        "total_tokens",
        "content-type",
        "model",
        "key_id",
        "x-request-id",
        "author",
    ],
)
def test_token_counts_and_ordinary_names_are_not_sensitive(name: str) -> None:
    assert not is_sensitive_name(name)


def test_redact_headers_hides_sensitive_values_and_keeps_the_rest() -> None:
    headers = {
        "Authorization": f"Bearer {OPENAI_KEY}",
        "x-api-key": OPENAI_KEY,
        "x-goog-api-key": GOOGLE_KEY,
        "api-key": "azure-key-value",
        "Cookie": "session=abc",
        "Content-Type": "application/json",
        "x-debug": f"echo {OPENAI_KEY}",
    }
    redacted = redact_headers(headers)
    assert redacted == {
        "Authorization": REDACTED,
        "x-api-key": REDACTED,
        "x-goog-api-key": REDACTED,
        "api-key": REDACTED,
        "Cookie": REDACTED,
        "Content-Type": "application/json",
        "x-debug": f"echo {REDACTED}",
    }
    assert headers["x-api-key"] == OPENAI_KEY  # input untouched


def test_redact_headers_accepts_pairs_and_none() -> None:
    assert redact_headers([("X-Api-Key", "k"), ("Accept", "*/*")]) == {"X-Api-Key": REDACTED, "Accept": "*/*"}
    assert redact_headers(None) == {}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example.com/v1/chat?key=secret&x=1", "https://api.example.com/v1/chat"),
        ("https://user:pass@example.com/a#frag", "https://example.com/a"),
        (
            "https://bucket.s3.amazonaws.com/f.png?X-Amz-Signature=abc",
            "https://bucket.s3.amazonaws.com/f.png",
        ),
        ("http://example.com/plain", "http://example.com/plain"),
        ("data:image/png;base64,iVBORw0KGgo=", "<image/png, 8 bytes>"),
        ("data:text/plain,hello", "<data URL>"),
    ],
)
def test_redact_url_drops_query_fragment_userinfo_and_data(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redact_url_accepts_httpx_urls() -> None:
    assert redact_url(httpx.URL("https://g.example/v1/models?key=AIzaXYZ")) == "https://g.example/v1/models"


def test_redact_value_redacts_httpx_urls_inside_data() -> None:
    url = httpx.URL("https://user:pw@g.example/v1/files?sig=s3cr3t")
    assert redact_value({"urls": [url]}) == {"urls": ["https://g.example/v1/files"]}


def test_redact_text_removes_key_shaped_tokens_bearer_and_key_values() -> None:
    text = (
        f"Incorrect API key provided: {OPENAI_KEY}. Google said {GOOGLE_KEY}; "
        'header Authorization: Bearer abc.def-ghi and body {"api_key": "plain-value", "max_tokens": 30}'
    )
    redacted = redact_text(text)
    for leaked in (OPENAI_KEY, GOOGLE_KEY, "abc.def-ghi", "plain-value"):
        assert leaked not in redacted
    assert '"max_tokens": 30' in redacted
    assert redacted.startswith("Incorrect API key provided: [REDACTED].")


def test_redact_text_strips_query_strings_of_embedded_urls() -> None:
    text = "Client error '400' for url 'https://g.example/v1beta/models/x:generate?key=hidden-value'"
    assert redact_text(text) == "Client error '400' for url 'https://g.example/v1beta/models/x:generate'"


def test_redact_text_replaces_data_urls_and_long_base64_runs() -> None:
    payload = base64.b64encode(bytes(range(256)) * 4).decode()
    text = f"image data:image/jpeg;base64,{payload} and raw {payload} end"
    assert redact_text(text) == "image <image/jpeg, 1024 bytes> and raw <binary, 1024 bytes> end"


def test_redact_text_leaves_ordinary_text_alone() -> None:
    text = "The quick brown fox; temperature=0.7, see https://example.com/docs for more."
    assert redact_text(text) == text


def test_registered_secrets_are_redacted_everywhere(custom_secret: str) -> None:
    assert redact_text(f"value={custom_secret}!") == f"value={REDACTED}!"
    assert redact_value({"note": f"x {custom_secret} y"}) == {"note": f"x {REDACTED} y"}
    assert redact_headers({"x-custom": custom_secret}) == {"x-custom": REDACTED}


def test_forget_secret_stops_redacting_it() -> None:
    register_secret(SecretStr("temporary-secret-value"))
    assert "temporary-secret-value" not in redact_text("temporary-secret-value")
    forget_secret("temporary-secret-value")
    assert redact_text("temporary-secret-value") == "temporary-secret-value"


def test_the_longest_registered_secret_wins() -> None:
    register_secret("abcd-1234")
    register_secret("abcd-1234-extended")
    try:
        assert redact_text("abcd-1234-extended") == REDACTED
    finally:
        forget_secret("abcd-1234")
        forget_secret("abcd-1234-extended")


def test_too_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 4 characters"):
        register_secret("abc")


def test_binary_placeholder_names_type_and_size() -> None:
    assert binary_placeholder(48213, "image/png") == "<image/png, 48213 bytes>"
    assert binary_placeholder(3) == "<binary, 3 bytes>"


@given(st.binary(min_size=1, max_size=600))
def test_base64_size_is_the_decoded_size(data: bytes) -> None:
    encoded = base64.b64encode(data).decode()
    assert redact_value({"mediaType": "image/png", "data": encoded}) == {
        "mediaType": "image/png",
        "data": f"<image/png, {len(data)} bytes>",
    }


def test_redact_value_redacts_call_params_deeply_without_changing_them() -> None:
    image = b"\x89PNG" + bytes(48209)
    params = CallParams(
        prompt=[
            UserMessage(
                content=[
                    TextPart(text="describe"),
                    FilePart(data=image, media_type="image/png"),
                    FilePart(
                        data=httpx.URL("https://cdn.example/a.pdf?sig=s3cr3t"), media_type="application/pdf"
                    ),
                ]
            )
        ],
        max_output_tokens=100,
        temperature=0.5,
        headers={"Authorization": f"Bearer {OPENAI_KEY}", "x-trace": "t1"},
        provider_options={"openai": {"apiKey": OPENAI_KEY, "user": "u1"}},
    )
    redacted = redact_value(params)
    assert redacted["prompt"][0]["content"] == [
        {"type": "text", "text": "describe"},
        {"type": "file", "data": "<image/png, 48213 bytes>", "mediaType": "image/png"},
        {"type": "file", "data": "https://cdn.example/a.pdf", "mediaType": "application/pdf"},
    ]
    assert redacted["maxOutputTokens"] == 100 and redacted["temperature"] == 0.5
    assert redacted["headers"] == {"Authorization": REDACTED, "x-trace": "t1"}
    assert redacted["providerOptions"] == {"openai": {"apiKey": REDACTED, "user": "u1"}}
    assert params.headers == {"Authorization": f"Bearer {OPENAI_KEY}", "x-trace": "t1"}


def test_redact_value_handles_secret_types_numbers_and_collections() -> None:
    value = {"a": SecretStr("pw-value"), "n": [1, 2.5, True, None], "t": ("x", b"\x00\x01")}
    assert redact_value(value) == {"a": REDACTED, "n": [1, 2.5, True, None], "t": ["x", "<binary, 2 bytes>"]}


def test_redact_value_elides_very_long_strings_in_the_middle() -> None:
    text = "start " + "word " * 4000 + " end"
    redacted = redact_value(text, max_string=100)
    assert redacted.startswith("start ") and redacted.endswith(" end")
    assert "chars elided" in redacted and len(redacted) < 200


def test_safe_repr_shows_no_secrets() -> None:
    params = CallParams(
        prompt=[UserMessage(content=[TextPart(text="hi")])], headers={"x-api-key": OPENAI_KEY}
    )
    assert OPENAI_KEY not in safe_repr(params)
    assert "'x-api-key': '[REDACTED]'" in safe_repr(params)


def test_call_params_repr_and_str_hide_credential_headers_and_options() -> None:
    # Before: CallParams' own repr showed the authorization header and the apiKey option.
    params = CallParams(
        prompt=[UserMessage(content=[TextPart(text="hi")])],
        headers={"Authorization": "Bearer opaque-credential-1", "x-trace": "t1"},
        provider_options={"openai": {"apiKey": "opaque-credential-2", "user": "u1"}},
    )
    for text in (repr(params), str(params)):
        assert "opaque-credential" not in text
        assert "'x-trace': 't1'" in text and "'user': 'u1'" in text
    assert params.headers == {"Authorization": "Bearer opaque-credential-1", "x-trace": "t1"}


def test_false_positive_prose_that_names_a_key_keeps_its_words() -> None:
    # Before: "Invalid argument for 'apiKey': [REDACTED] API key is missing. Pass api_key=[REDACTED] ..."
    text = "Invalid argument for 'apiKey': openai API key is missing. Pass api_key=... or set OPENAI_API_KEY."
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=correcthorse", f"password={REDACTED}"),
        ("x-api-key: abcdef12", f"x-api-key: {REDACTED}"),
        ("{'token': 'abc'}", f"{{'token': '{REDACTED}'}}"),
        ('{"client_secret":"s3"}', f'{{"client_secret":"{REDACTED}"}}'),
        ("api_key = ...", "api_key = ..."),
    ],
)
def test_key_values_lose_quoted_or_unquoted_values_but_not_placeholders(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_scrub_text_removes_secrets_but_keeps_binary_and_long_runs(custom_secret: str) -> None:
    run = "e" * 5000
    text = f"{run} key {OPENAI_KEY} at https://user:pw@h.example/p?sig=1 and {custom_secret}"
    assert scrub_text(text) == f"{run} key {REDACTED} at https://h.example/p and {REDACTED}"


def test_scrub_value_keeps_shape_and_counts_and_removes_credentials() -> None:
    value = {
        "messages": ({"content": f"key {OPENAI_KEY}"},),
        "api_key": OPENAI_KEY,
        "token_count": 5,
        "auth": {"user": "u"},
        "data": "A" * 1000,
    }
    assert scrub_value(value) == {
        "messages": ({"content": f"key {REDACTED}"},),
        "api_key": REDACTED,
        "token_count": 5,
        "auth": REDACTED,
        "data": "A" * 1000,
    }


def test_scrub_value_survives_hostile_nesting() -> None:
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    scrubbed = scrub_value(deep)
    for _ in range(200):
        scrubbed = scrubbed[0]
    assert scrubbed == "<nested too deeply>"


def test_redact_traceback_scrubs_the_whole_chain_and_leaves_the_error_alone() -> None:
    cause = RuntimeError(f"inner {OPENAI_KEY}")
    error = ValueError(f"outer {OPENAI_KEY}")
    error.__cause__ = cause
    error.add_note(f"note {OPENAI_KEY}")
    text = redact_traceback(error)
    assert OPENAI_KEY not in text
    assert "RuntimeError: inner [REDACTED]" in text and "note [REDACTED]" in text
    assert str(error) == f"outer {OPENAI_KEY}" and str(cause) == f"inner {OPENAI_KEY}"


@pytest.mark.parametrize(
    "text",
    ["漢" * 50_000, "a." * 25_000, "data:" * 10_000, "token:" * 10_000, "x" * 255 + " " + "y" * 50_000],
)
def test_redaction_stays_fast_on_adversarial_text(text: str) -> None:
    started = time.perf_counter()
    redact_text(text)
    redact_value({"data": text, "mediaType": "text/plain"})
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sent BEARER Abc.Def1 twice", f"sent BEARER {REDACTED} twice"),
        ("X-API-KEY=Zz9-long", f"X-API-KEY={REDACTED}"),
        ("PASSWD: Hunter22", f"PASSWD: {REDACTED}"),
        ("ghs_" + "a" * 20, REDACTED),
        ("xoxb-" + "1" * 20, REDACTED),
    ],
)
def test_every_pattern_still_fires_in_any_case(text: str, expected: str) -> None:
    # The patterns only run when a marker substring is present; these pin the markers to the patterns.
    assert redact_text(text) == expected


def test_a_per_call_credential_is_redacted_once_seen_and_the_registry_stays_bounded() -> None:
    from pipeline import redact

    first = "percall-credential-0000000001"
    redact.register_call_secret(f"Bearer {first}")
    try:
        assert first not in redact.scrub_text(f"the server said: bad key {first}")
        for index in range(redact._MAX_CALL_SECRETS):
            redact.register_call_secret(f"percall-credential-{index:010d}x")
        assert len(redact._call_secrets) == redact._MAX_CALL_SECRETS
        assert first not in redact._call_secrets  # the oldest went first
        too_short = "k" * (redact._MIN_CALL_SECRET_CHARS - 1)
        redact.register_call_secret(too_short)  # too short to be a key: not kept
        assert too_short not in redact._call_secrets
    finally:
        for credential in list(redact._call_secrets):
            redact.forget_secret(credential)


def test_a_registered_secret_inside_a_longer_token_takes_the_whole_token() -> None:
    from pipeline import redact

    secret = "prefixsecret-0123456789"
    redact.register_secret(secret)
    try:
        scrubbed = redact.scrub_text(f"bad key {secret}TAIL_9z, try again")
        assert scrubbed == f"bad key {REDACTED}, try again"
    finally:
        redact.forget_secret(secret)
