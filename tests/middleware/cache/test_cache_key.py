"""The cache key: what changes it and what does not."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.key import (
    CACHE_FORMAT_VERSION,
    cache_key,
    canonical_json,
    canonical_json_bytes,
    canonical_value,
    is_canonical,
    key_material,
)
from middleware.cache.stores import MemoryStore
from pipeline.chain import Middleware, TransformContext, WrapContext, wrap_model
from pipeline.model import EndpointIdentity
from pipeline.params import CallParams
from pipeline.testing import MockLanguageModel

BASE: dict[str, Any] = {
    "prompt": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
    ],
    "temperature": 0.5,
}


def key_of(params: dict[str, Any] | CallParams, **overrides: Any) -> str:
    call = params if isinstance(params, CallParams) else CallParams.model_validate(params)
    args: dict[str, Any] = {"provider": "openai.chat", "model_id": "gpt-4o", "call_type": "generate"}
    args.update(overrides)
    return cache_key(
        args["provider"],
        args["model_id"],
        args["call_type"],
        call,
        namespace=args.get("namespace"),
        endpoint=args.get("endpoint"),
    )


def file_prompt(data: Any) -> dict[str, Any]:
    part = {"type": "file", "data": data, "mediaType": "image/png"}
    return {"prompt": [{"role": "user", "content": [part]}]}


def test_key_is_hex_sha256_of_the_canonical_material() -> None:
    params = CallParams.model_validate(BASE)
    material = key_material("openai.chat", "gpt-4o", "generate", params)
    assert material["v"] == CACHE_FORMAT_VERSION
    expected = hashlib.sha256(canonical_json(material).encode()).hexdigest()
    assert key_of(params) == expected


def test_camel_case_and_snake_case_inputs_share_a_key() -> None:
    camel = {
        **BASE,
        "maxOutputTokens": 10,
        "topP": 0.9,
        "providerOptions": {"openai": {"user": "u"}},
        "toolChoice": {"type": "tool", "toolName": "w"},
        "tools": [{"type": "function", "name": "w", "inputSchema": {"type": "object"}}],
    }
    snake = {
        **BASE,
        "max_output_tokens": 10,
        "top_p": 0.9,
        "provider_options": {"openai": {"user": "u"}},
        "tool_choice": {"type": "tool", "tool_name": "w"},
        "tools": [{"type": "function", "name": "w", "input_schema": {"type": "object"}}],
    }
    assert key_of(camel) == key_of(snake)


def test_dict_key_order_and_integral_floats_do_not_change_the_key() -> None:
    a = {**BASE, "providerOptions": {"openai": {"a": 1, "b": {"x": 1.0, "y": [1, 2.0]}}}}
    b = {**BASE, "providerOptions": {"openai": {"b": {"y": [1.0, 2], "x": 1}, "a": 1.0}}}
    assert key_of(a) == key_of(b)
    assert key_of({**BASE, "temperature": 1}) == key_of({**BASE, "temperature": 1.0})


def test_a_field_set_to_none_is_a_field_not_given_but_a_sent_null_counts() -> None:
    assert key_of({**BASE, "maxOutputTokens": None, "tools": None, "headers": None}) == key_of(BASE)
    material = key_material("p", "m", "generate", CallParams.model_validate(BASE))
    assert "maxOutputTokens" not in material["request"] and "ns" not in material
    with_null = {**BASE, "providerOptions": {"openai": {"user": None}}}
    assert key_of(with_null) != key_of({**BASE, "providerOptions": {"openai": {}}})
    tool_call = {"type": "tool-call", "toolCallId": "c", "toolName": "t"}
    null_input = [{"role": "assistant", "content": [{**tool_call, "input": {"a": None}}]}]
    empty_input = [{"role": "assistant", "content": [{**tool_call, "input": {}}]}]
    assert key_of({"prompt": null_input}) != key_of({"prompt": empty_input})


def test_non_semantic_headers_and_the_cache_flag_do_not_change_the_key() -> None:
    plain = key_of({**BASE, "headers": {"X-Custom": "1"}})
    noisy_headers = {
        "x-custom": "1",
        "User-Agent": "a/1",
        "traceparent": "00-ab",
        "X-Request-Id": "r",
        "x-stainless-retry-count": "2",
    }
    noisy = {**BASE, "headers": noisy_headers, "providerOptions": {"modelpipe": {"cache": "refresh"}}}
    assert key_of(noisy) == plain
    assert key_of({**BASE, "headers": {"X-Custom": "2"}}) != plain


def test_the_retry_attempt_number_does_not_change_the_key() -> None:
    retried = {**BASE, "providerOptions": {"modelpipe": {"attempt": 2}, "openai": {"user": "u"}}}
    assert key_of(retried) == key_of({**BASE, "providerOptions": {"openai": {"user": "u"}}})


def test_other_library_options_stay_in_the_key() -> None:
    a = key_of({**BASE, "providerOptions": {"modelpipe": {"cache": "refresh", "other": 1}}})
    b = key_of({**BASE, "providerOptions": {"modelpipe": {"other": 1}}})
    assert a == b != key_of(BASE)


def test_attachment_bytes_are_hashed_not_inlined() -> None:
    payload = b"\x89PNG" + bytes(range(256)) * 10
    params = file_prompt(payload)
    text = canonical_json(key_material("p", "m", "generate", CallParams.model_validate(params)))
    assert hashlib.sha256(payload).hexdigest() in text
    assert len(text) < 1000
    assert key_of(params) != key_of(file_prompt(payload + b"!"))


def test_url_attachment_and_bytes_attachment_differ() -> None:
    by_url = file_prompt(httpx.URL("https://example.com/a.png"))
    assert key_of(by_url) != key_of(file_prompt(b"https://example.com/a.png"))
    assert key_of(by_url) != key_of(file_prompt(httpx.URL("https://example.com/b.png")))


def test_url_attachments_are_detected_in_files_and_tool_results() -> None:
    from middleware.cache.key import has_url_attachments

    url = httpx.URL("https://example.com/a.png")
    assert has_url_attachments(CallParams.model_validate(file_prompt(url)))
    assert not has_url_attachments(CallParams.model_validate(file_prompt(b"bytes")))
    assert not has_url_attachments(CallParams.model_validate(BASE))
    tool_result = {
        "role": "tool",
        "content": [
            {
                "type": "tool-result",
                "toolCallId": "c",
                "toolName": "t",
                "output": {
                    "type": "content",
                    "value": [{"type": "media", "data": url, "mediaType": "image/png"}],
                },
            }
        ],
    }
    assert has_url_attachments(CallParams.model_validate({"prompt": [tool_result]}))


def test_provider_model_call_type_and_namespace_are_in_the_key() -> None:
    base = key_of(BASE)
    assert key_of(BASE, provider="anthropic.messages") != base
    assert key_of(BASE, model_id="gpt-4o-mini") != base
    assert key_of(BASE, call_type="stream") != base
    assert key_of(BASE, namespace="tenant-a") != base
    assert key_of(BASE, namespace="tenant-a") != key_of(BASE, namespace="tenant-b")


def test_the_endpoint_identity_is_in_the_key() -> None:
    tenant_a = EndpointIdentity.of("openai.chat", "https://api.openai.com/v1", {"api_key": "sk-a"})
    base = key_of(BASE, endpoint=tenant_a)
    assert base != key_of(BASE)
    other_key = EndpointIdentity.of("openai.chat", "https://api.openai.com/v1", {"api_key": "sk-b"})
    other_url = EndpointIdentity.of("openai.chat", "https://proxy.example/v1", {"api_key": "sk-a"})
    assert len({base, key_of(BASE, endpoint=other_key), key_of(BASE, endpoint=other_url)}) == 3
    same = EndpointIdentity.of("openai.chat", "https://api.openai.com/v1", {"api_key": "sk-a"})
    assert key_of(BASE, endpoint=same) == base


def test_the_credential_digest_is_one_way_and_covers_every_credential() -> None:
    def digest(**credentials: Any) -> str | None:
        return EndpointIdentity.of("p", "https://h", credentials).credentials

    secret = "sk-canary-0123456789abcdef"
    identity = EndpointIdentity.of("p", "https://h", {"api_key": secret})
    assert identity.credentials is not None and secret not in repr(identity)
    assert secret not in canonical_json(
        key_material("p", "m", "generate", CallParams.model_validate(BASE), endpoint=identity)
    )
    variants = [
        digest(api_key=secret),
        digest(api_key=secret + "x"),
        digest(api_key=secret, organization="org-1"),
        digest(api_key=secret, project="proj-1"),
        digest(api_key=secret, headers={"X-Tenant": "a"}),
        digest(api_key=secret, headers={"x-tenant": "b"}),
    ]
    assert len(set(variants)) == len(variants)
    assert digest(api_key=secret, headers={"X-Tenant": "a"}) == digest(
        api_key=secret, headers={"x-tenant": "a"}
    )
    assert digest() is None and digest(api_key=None, headers={}) is None


SEMANTIC_CHANGES: list[dict[str, Any]] = [
    {"temperature": 0.6},
    {"topP": 0.5},
    {"topK": 3},
    {"seed": 7},
    {"maxOutputTokens": 99},
    {"presencePenalty": 0.1},
    {"frequencyPenalty": 0.1},
    {"stopSequences": ["x"]},
    {"responseFormat": {"type": "json"}},
    {"responseFormat": {"type": "json", "schema": {"type": "object"}}},
    {"tools": [{"name": "weather"}]},
    {"tools": [{"name": "weather", "description": "d"}]},
    {"toolChoice": "required"},
    {"includeRawChunks": True},
    {"providerOptions": {"openai": {"reasoningEffort": "low"}}},
    {"prompt": [{"role": "system", "content": "Be long."}, BASE["prompt"][1]]},
    {"prompt": [BASE["prompt"][1]]},
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(range(len(SEMANTIC_CHANGES))), min_size=1, max_size=4, unique=True))
def test_any_semantic_change_changes_the_key(indexes: list[int]) -> None:
    changed = dict(BASE)
    for index in indexes:
        changed.update(SEMANTIC_CHANGES[index])
    assert key_of(changed) != key_of(BASE)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(-5, 5) | st.text(max_size=3), max_size=6))
def test_option_key_order_never_matters(options: dict[str, Any]) -> None:
    reversed_options = dict(reversed(list(options.items())))
    floats = {name: float(value) if isinstance(value, int) else value for name, value in options.items()}
    keys = {key_of({**BASE, "providerOptions": {"p": o}}) for o in (options, reversed_options, floats)}
    assert len(keys) == 1


class InjectOptions(Middleware):
    """A tiny provider-options injector (stands in for the real one)."""

    def __init__(self, effort: str) -> None:
        self.effort = effort

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        merged = {**(ctx.params.provider_options or {}), "openai": {"reasoningEffort": self.effort}}
        return ctx.params.model_copy(update={"provider_options": merged})


class KeySpy(CacheMiddleware):
    """Records the keys it computes."""

    def __init__(self) -> None:
        super().__init__(MemoryStore())
        self.keys: list[str] = []

    async def key_for(self, call: WrapContext) -> str:
        key = await super().key_for(call)
        self.keys.append(key)
        return key


async def test_options_injected_inside_the_cache_are_part_of_the_key() -> None:
    model = MockLanguageModel()
    params = CallParams.model_validate(BASE)
    low, high = KeySpy(), KeySpy()
    await wrap_model(model, [low, InjectOptions("low")]).do_generate(params)
    await wrap_model(model, [high, InjectOptions("high")]).do_generate(params)
    assert low.keys[0] != high.keys[0]
    assert model.generate_calls[0].provider_options == {"openai": {"reasoningEffort": "low"}}
    injected = params.model_copy(update={"provider_options": {"openai": {"reasoningEffort": "low"}}})
    assert low.keys[0] == key_of(
        injected, provider="mock", model_id="mock-model", endpoint=model.endpoint_identity
    )


async def test_a_shared_cache_does_not_serve_an_answer_made_under_other_injected_options() -> None:
    store = MemoryStore()
    model = MockLanguageModel()
    params = CallParams.model_validate(BASE)
    await wrap_model(model, [CacheMiddleware(store), InjectOptions("low")]).do_generate(params)
    await wrap_model(model, [CacheMiddleware(store), InjectOptions("high")]).do_generate(params)
    await wrap_model(model, [CacheMiddleware(store), InjectOptions("low")]).do_generate(params)
    assert len(model.generate_calls) == 2
    assert len(store) == 2


def test_canonical_json_spells_every_kind_of_value_one_way() -> None:
    class Text(str):
        pass

    value = {
        "b": [1.0, -0.0, 1e16, float("inf"), 2.5, (1, 2), None, False],
        "a": {3: b"x", "z": {"y": 1}},
        "u": httpx.URL("https://e.com/a"),
        "d": date(2024, 1, 2),
        Text("s"): Text("v"),
    }
    assert canonical_json(value) == (
        '{"a":{"3":{"$sha256":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"},'
        '"z":{"y":1}},"b":[1,0,10000000000000000,{"$float":"inf"},2.5,[1,2],null,false],'
        '"d":{"$datetime":"2024-01-02"},"s":"v","u":{"$url":"https://e.com/a"}}'
    )


_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=4)
    | st.binary(max_size=3)
    | st.tuples(st.integers())
)
_trees = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3) | st.integers(0, 3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(_trees)
def test_a_value_is_canonical_exactly_when_the_walk_leaves_it_unchanged(value: Any) -> None:
    """``canonical_json`` skips the rebuilding walk for values ``is_canonical`` accepts; it must accept
    only values the walk returns as they are (same types all the way down, so the JSON is the same)."""
    walked = canonical_value(value)
    if is_canonical(value):
        assert _typed(walked) == _typed(value)
    elif value == value:  # a NaN at the top is never canonical, nor equal to itself
        assert _typed(walked) != _typed(value)


@given(_trees)
def test_the_canonical_text_is_the_standard_encoders_but_for_the_spelling_of_floats(value: Any) -> None:
    """orjson writes the key's JSON (the standard library's encoder only what orjson refuses, such as ints
    beyond 64 bits): the text ``json.dumps`` with sorted keys writes, but that a float may be spelled
    otherwise (``6.103515625e-05`` there, ``0.00006103515625`` here), always as the same number."""
    plain = canonical_value(value)
    standard = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ours = canonical_json(value)
    assert json.loads(ours) == json.loads(standard)
    if not _holds_a_float(plain):
        assert ours == standard
    assert canonical_json_bytes(value) == ours.encode("utf-8")


def test_text_orjson_refuses_is_written_by_the_standard_encoder() -> None:
    assert canonical_json({"n": 2**70, "s": "\ud800"}) == '{"n":1180591620717411303424,"s":"\ud800"}'
    assert canonical_json_bytes({"n": 2**70}) == b'{"n":1180591620717411303424}'
    with pytest.raises(UnicodeEncodeError):  # no UTF-8 for a key to hash (prompts and options refuse these)
        canonical_json_bytes({"s": "lone \ud800"})


def _holds_a_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_a_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_a_float(item) for item in value)
    return isinstance(value, float)


def test_integral_floats_and_non_string_keys_are_not_canonical() -> None:
    assert is_canonical({"a": [1, "x", None, True, 0.5]})
    assert not is_canonical({"a": 1.0})
    assert not is_canonical({1: "a"})
    assert not is_canonical([float("inf")])
    assert not is_canonical(("a",))
    assert canonical_json({"b": 0.5, "a": [1.0]}) == '{"a":[1],"b":0.5}'


def _typed(value: Any) -> Any:
    """``value`` with every leaf paired with its exact type, so ``1 == 1.0 == True`` do not compare equal."""
    if type(value) is dict:
        return {(type(key), key): _typed(item) for key, item in value.items()}
    if type(value) is list:
        return [_typed(item) for item in value]
    return (type(value), repr(value))
