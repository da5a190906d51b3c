"""PromptCachingMiddleware: one policy mapped to Anthropic breakpoints, OpenAI cache keys and Gemini
cached contents, checked on the wire of loopback servers; cache usage reported the same way for all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from middleware import PromptCachePolicy, PromptCachingMiddleware, mark_for_cache
from middleware.options.prompt_caching import apply_anthropic, apply_openai, cached_prefix
from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams, FunctionTool
from pipeline.prompt import AssistantMessage, SystemMessage, TextPart, UserMessage
from providers.anthropic import AnthropicProvider
from providers.google import GoogleProvider
from providers.google.cached_content import GeminiCachedContents
from providers.openai import OpenAIProvider
from providers.testing import JsonReply, LoopbackServer, RecordedRequest
from providers.testing import anthropic as anthropic_wire
from providers.testing import google as google_wire
from providers.testing import openai as openai_wire

EPHEMERAL = {"anthropic": {"cacheControl": {"type": "ephemeral"}}}
TOOLS = [
    FunctionTool(name="search", input_schema={"type": "object"}),
    FunctionTool(name="fetch", input_schema={"type": "object"}),
]


def user(text: str) -> UserMessage:
    return UserMessage(content=[TextPart(text=text)])


def conversation(turns: int = 3) -> list[Any]:
    messages: list[Any] = [SystemMessage(content="You are terse.")]
    for turn in range(turns):
        messages += [user(f"q{turn}"), AssistantMessage(content=[TextPart(text=f"a{turn}")])]
    return [*messages, user("last")]


def marks(params: CallParams) -> list[str]:
    """Where Anthropic cacheControl sits: tools by name, messages by index."""
    found = [
        f"tool:{tool.name}" for tool in params.tools or [] if (tool.provider_options or {}).get("anthropic")
    ]
    for index, message in enumerate(params.prompt):
        if (message.provider_options or {}).get("anthropic"):
            found.append(f"message:{index}")
        for position, part in enumerate(
            getattr(message, "content", []) if not isinstance(message, SystemMessage) else []
        ):
            if (part.provider_options or {}).get("anthropic"):
                found.append(f"part:{index}.{position}")
    return found


def test_policy_arguments_are_checked() -> None:
    for bad in ({"first_messages": -1}, {"last_messages": True}, {"ttl": 0}, {"gemini": "sometimes"}):
        with pytest.raises(InvalidArgumentError, match="PromptCachePolicy"):
            PromptCachePolicy(**bad)
    with pytest.raises(InvalidArgumentError, match="gemini_cache"):
        PromptCachingMiddleware(PromptCachePolicy(gemini="explicit"))
    with pytest.raises(InvalidArgumentError, match="ttl"):
        mark_for_cache(user("x"), ttl=-1)


def test_anthropic_breakpoints_for_system_tools_and_last_messages() -> None:
    params = CallParams(prompt=conversation(), tools=TOOLS)
    marked, dropped = apply_anthropic(params, PromptCachePolicy(last_messages=2))
    assert marks(marked) == ["tool:fetch", "message:0", "message:6", "message:7"]
    assert dropped == 0
    assert marked.prompt[7].provider_options == EPHEMERAL


def test_anthropic_keeps_four_breakpoints_by_priority_and_counts_the_dropped() -> None:
    prompt = conversation()
    prompt[1] = mark_for_cache(prompt[1])
    params = CallParams(prompt=prompt, tools=TOOLS)
    marked, dropped = apply_anthropic(params, PromptCachePolicy(first_messages=1, last_messages=3))
    # tools, system, the marked message, the latest message; the older last and first ones are dropped
    assert marks(marked) == ["tool:fetch", "message:0", "message:1", "message:7"]
    assert dropped == 2


def test_anthropic_counts_breakpoints_already_set_and_keeps_them() -> None:
    prompt = conversation(1)
    own = {"anthropic": {"cacheControl": {"type": "ephemeral", "ttl": "1h"}}}
    prompt[1] = prompt[1].model_copy(update={"provider_options": own})
    params = CallParams(prompt=prompt, tools=TOOLS)
    marked, dropped = apply_anthropic(params, PromptCachePolicy(last_messages=3))
    assert marked.prompt[1].provider_options == own
    # five wanted (tool, system, three messages), one of them already set: three fit beside it, one is dropped
    assert marks(marked) == ["tool:fetch", "message:0", "message:1", "message:3"] and dropped == 1


def test_anthropic_ttl_one_hour_and_never_longer_after_shorter() -> None:
    prompt = conversation(1)
    prompt[-1] = mark_for_cache(prompt[-1], ttl=7200)
    marked, _ = apply_anthropic(CallParams(prompt=prompt), PromptCachePolicy(tools=False))
    assert marked.prompt[0].provider_options == EPHEMERAL  # system: policy default (5 minutes)
    last = marked.prompt[-1].provider_options or {}
    assert last["anthropic"] == EPHEMERAL["anthropic"]  # 1h after 5m is not allowed: clamped
    long, _ = apply_anthropic(
        CallParams(prompt=conversation(1)), PromptCachePolicy(ttl=3600, last_messages=1)
    )
    assert long.prompt[0].provider_options == {
        "anthropic": {"cacheControl": {"type": "ephemeral", "ttl": "1h"}}
    }


def test_marked_parts_and_tools_become_breakpoints() -> None:
    message = UserMessage(content=[mark_for_cache(TextPart(text="long document")), TextPart(text="question")])
    tools = [mark_for_cache(TOOLS[0]), TOOLS[1]]
    marked, _ = apply_anthropic(
        CallParams(prompt=[message], tools=tools), PromptCachePolicy(system=False, tools=False)
    )
    assert marks(marked) == ["tool:search", "part:0.0"]


def test_mark_anthropic_cache_breakpoints_is_one_case_of_the_policy() -> None:
    from middleware import mark_anthropic_cache_breakpoints

    params = CallParams(prompt=conversation(2), tools=TOOLS)
    assert marks(mark_anthropic_cache_breakpoints(params)) == ["message:0", "message:5"]


def test_openai_key_is_the_prefix_hash_and_retention_follows_the_ttl() -> None:
    first = CallParams(prompt=conversation(1), tools=TOOLS)
    later = CallParams(prompt=conversation(3), tools=TOOLS)
    other = CallParams(prompt=[SystemMessage(content="Another system."), user("x")], tools=TOOLS)
    policy = PromptCachePolicy()
    keys = [
        apply_openai(params, policy).provider_options["openai"]["promptCacheKey"]
        for params in (first, later, other)
    ]
    assert keys[0] == keys[1] != keys[2] and keys[0].startswith("modelpipe-")
    assert cached_prefix(later, policy).prompt == later.prompt[:1]
    day = apply_openai(first, PromptCachePolicy(ttl=86400, key="tenant-7")).provider_options
    assert day == {"openai": {"promptCacheKey": "tenant-7", "promptCacheRetention": "24h"}}
    own = first.model_copy(update={"provider_options": {"openai": {"promptCacheKey": "mine"}}})
    assert apply_openai(own, policy).provider_options["openai"]["promptCacheKey"] == "mine"


# --- on the wire --------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


POLICY = PromptCachePolicy(last_messages=1)


async def test_anthropic_wire_and_usage(server: LoopbackServer) -> None:
    server.enqueue(
        anthropic_wire.text_reply(
            "ok", usage_value=anthropic_wire.usage(5, 3, cache_read=100, cache_write=20)
        )
    )
    model = AnthropicProvider(api_key="k", base_url=server.url("/v1")).messages("claude-sonnet-4-5")
    result = await generate_text(
        wrap_model(model, PromptCachingMiddleware(POLICY)),
        messages=conversation(1)[1:],
        system="Be terse.",
        tools=TOOLS,
    )
    body = server.requests[-1].json()
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    details = result.usage.input_token_details
    assert (details.cache_read_tokens, details.cache_write_tokens, result.usage.input_tokens) == (
        100,
        20,
        125,
    )


async def test_anthropic_warning_for_dropped_breakpoints_generate_and_stream(server: LoopbackServer) -> None:
    server.enqueue(anthropic_wire.text_reply("ok"), anthropic_wire.stream_reply(["o", "k"]))
    model = AnthropicProvider(api_key="k", base_url=server.url("/v1")).messages("claude-sonnet-4-5")
    wrapped = wrap_model(model, PromptCachingMiddleware(PromptCachePolicy(last_messages=5)))
    result = await generate_text(wrapped, messages=conversation(3)[1:], system="s", tools=TOOLS)
    assert [warning.feature for warning in result.warnings] == ["cacheControl breakpoint limit"]
    streamed = stream_text(wrapped, messages=conversation(3)[1:], system="s", tools=TOOLS)
    assert [warning.feature for warning in (await streamed.result()).warnings] == [
        "cacheControl breakpoint limit"
    ]
    assert sum(str(request.json()).count("cache_control") for request in server.requests[-1:]) == 4


async def test_openai_wire_and_usage(server: LoopbackServer) -> None:
    server.enqueue(openai_wire.text_reply("ok", usage_body=openai_wire.usage(120, 3, cached=100)))
    model = OpenAIProvider(api_key="k", base_url=server.url("/v1")).chat("gpt-4o-mini")
    policy = PromptCachePolicy(ttl=86400)
    result = await generate_text(wrap_model(model, PromptCachingMiddleware(policy)), prompt="hi", system="s")
    body = server.requests[-1].json()
    assert body["prompt_cache_key"].startswith("modelpipe-") and body["prompt_cache_retention"] == "24h"
    details = result.usage.input_token_details
    assert (details.cache_read_tokens, details.no_cache_tokens, result.usage.input_tokens) == (100, 20, 120)


async def test_gemini_implicit_sends_nothing_and_reports_cached_tokens(server: LoopbackServer) -> None:
    server.enqueue(google_wire.text_reply("ok", usage=google_wire.usage_metadata(120, 3, cached=100)))
    model = GoogleProvider(api_key="k", base_url=server.url("/v1beta")).chat("gemini-2.5-flash")
    result = await generate_text(wrap_model(model, PromptCachingMiddleware(POLICY)), prompt="hi", system="s")
    assert "cachedContent" not in server.requests[-1].json()
    assert result.usage.input_token_details.cache_read_tokens == 100


def call_question(call: dict[str, Any]) -> str:
    return str(call["contents"][-1]["parts"][0]["text"])


class CachedContentsServer:
    """``cachedContents`` create / get / patch / delete, plus ``generateContent`` answers."""

    def __init__(self, server: LoopbackServer) -> None:
        self.created: list[dict[str, Any]] = []
        self.deleted: list[str] = []
        server.route("/v1beta/cachedContents", self.answer)
        server.route(
            "/v1beta/models/",
            lambda request: google_wire.text_reply(
                "ok", usage=google_wire.usage_metadata(130, 2, cached=120)
            ),
        )

    def answer(self, request: RecordedRequest) -> JsonReply:
        if request.method == "POST":
            body = request.json()
            self.created.append(body)
            name = f"cachedContents/c{len(self.created)}"
            return JsonReply({"name": name, "model": body["model"], "expireTime": "2030-01-01T00:00:00Z"})
        name = request.path.removeprefix("/v1beta/")
        if request.method == "DELETE":
            self.deleted.append(name)
            return JsonReply({})
        if request.method == "PATCH":
            assert request.query == "updateMask=ttl"
            return JsonReply(
                {"name": name, "model": "models/gemini-2.5-flash", "expireTime": "2031-01-01T00:00:00Z"}
            )
        if name.endswith("missing"):
            return JsonReply(
                {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}, status=404
            )
        return JsonReply({"name": name, "model": "models/gemini-2.5-flash"})


async def test_gemini_explicit_creates_once_reuses_and_sends_only_the_rest(server: LoopbackServer) -> None:
    backend = CachedContentsServer(server)
    caches = GeminiCachedContents(api_key="k", base_url=server.url("/v1beta"), ttl=600)
    model = GoogleProvider(api_key="k", base_url=server.url("/v1beta")).chat("gemini-2.5-flash")
    policy = PromptCachePolicy(gemini="explicit", first_messages=1)
    wrapped = wrap_model(model, PromptCachingMiddleware(policy, gemini_cache=caches))
    preamble = [user("a long document ..."), AssistantMessage(content=[TextPart(text="read it")])]
    for question in ("first question", "second question"):
        result = await generate_text(wrapped, messages=[*preamble, user(question)], system="s", tools=TOOLS)
        assert result.usage.input_token_details.cache_read_tokens == 120
    assert len(backend.created) == 1
    created = backend.created[0]
    assert created["model"] == "models/gemini-2.5-flash" and created["ttl"] == "600s"
    assert created["systemInstruction"] == {"parts": [{"text": "s"}]}
    assert [content["parts"][0]["text"] for content in created["contents"]] == ["a long document ..."]
    assert [tool["name"] for tool in created["tools"][0]["functionDeclarations"]] == ["search", "fetch"]
    calls = [request.json() for request in server.requests if ":generateContent" in request.path]
    assert [call["cachedContent"] for call in calls] == ["cachedContents/c1"] * 2
    for call in calls:
        assert "systemInstruction" not in call and "tools" not in call
        texts = [content["parts"][0]["text"] for content in call["contents"]]
        assert texts == ["read it", call_question(call)]


async def test_gemini_explicit_entry_is_recreated_after_it_expires(server: LoopbackServer) -> None:
    backend = CachedContentsServer(server)
    caches = GeminiCachedContents(api_key="k", base_url=server.url("/v1beta"), ttl=600, refresh_margin=600)
    prefix = CallParams(prompt=[SystemMessage(content="s")])
    first = await caches.cached_content("gemini-2.5-flash", prefix, None)
    second = await caches.cached_content("gemini-2.5-flash", prefix, None)  # inside the margin: stale
    assert (first, second) == ("cachedContents/c1", "cachedContents/c2") and len(backend.created) == 2


async def test_gemini_cached_content_rest_operations(server: LoopbackServer) -> None:
    from pipeline.errors import APICallError

    backend = CachedContentsServer(server)
    caches = GeminiCachedContents(api_key="k", base_url=server.url("/v1beta"))
    entry = await caches.create("gemini-2.5-flash", CallParams(prompt=[SystemMessage(content="s")]), ttl=90.5)
    assert entry.name == "cachedContents/c1" and backend.created[0]["ttl"] == "90.5s"
    assert entry.expire_time is not None and entry.expire_time.year == 2030
    assert (await caches.get(entry.name)).name == entry.name
    assert (await caches.update_ttl(entry.name, 3600)).expire_time.year == 2031  # type: ignore[union-attr]
    assert server.requests[-1].json() == {"ttl": "3600s"}
    await caches.delete(entry.name)
    assert backend.deleted == ["cachedContents/c1"]
    with pytest.raises(APICallError) as caught:
        await caches.get("cachedContents/missing")
    assert caught.value.status_code == 404 and caught.value.message == "not found"
    assert server.requests[-1].headers["x-goog-api-key"] == "k"


async def test_other_providers_pass_unchanged() -> None:
    from pipeline.testing import MockLanguageModel

    model = MockLanguageModel()
    await generate_text(wrap_model(model, PromptCachingMiddleware(POLICY)), prompt="hi", system="s")
    assert all(message.provider_options is None for message in model.generate_calls[0].prompt)


async def test_gemini_explicit_always_caches_system_and_tools(server: LoopbackServer) -> None:
    backend = CachedContentsServer(server)
    caches = GeminiCachedContents(api_key="k", base_url=server.url("/v1beta"))
    model = GoogleProvider(api_key="k", base_url=server.url("/v1beta")).chat("gemini-2.5-flash")
    policy = PromptCachePolicy(gemini="explicit", system=False, tools=False)
    await generate_text(
        wrap_model(model, PromptCachingMiddleware(policy, gemini_cache=caches)),
        prompt="q",
        system="s",
        tools=TOOLS,
    )
    assert (
        backend.created[0]["systemInstruction"] == {"parts": [{"text": "s"}]} and backend.created[0]["tools"]
    )
    call = next(request.json() for request in server.requests if ":generateContent" in request.path)
    assert (
        "systemInstruction" not in call
        and "tools" not in call
        and call["cachedContent"] == "cachedContents/c1"
    )
