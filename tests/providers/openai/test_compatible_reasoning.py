"""Compatible servers: reasoning text, usage as each server counts it, and their provider metadata."""

from __future__ import annotations

from typing import Any

from pipeline.params import CallParams
from pipeline.result import ReasoningContent, TextContent
from pipeline.stream import FinishPart
from providers.compatible import compatible_provider
from providers.openai.map_response import map_chat_response
from providers.openai.map_stream import ChatStreamMapper
from providers.openai.map_usage import convert_openai_usage
from providers.openai.wire import ChatChunk, ChatResponse, ChatUsage
from providers.testing.server import JsonReply, LoopbackServer

XAI_USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 26,
    "total_tokens": 234,
    "prompt_tokens_details": {"cached_tokens": 2},
    "completion_tokens_details": {"reasoning_tokens": 196},
}


def _response(message: dict[str, Any], usage: dict[str, Any] | None = None, **extra: Any) -> ChatResponse:
    return ChatResponse.model_validate(
        {
            "id": "r",
            "choices": [{"message": {"role": "assistant", **message}, "finish_reason": "stop"}],
            "usage": usage,
            **extra,
        }
    )


def test_reasoning_content_and_groq_reasoning_become_reasoning_parts_before_the_text() -> None:
    for field in ("reasoning_content", "reasoning"):
        result = map_chat_response(_response({"content": "42", field: "Thinking."}), request_body={})
        assert [(type(part), part.text) for part in result.content] == [  # type: ignore[union-attr]
            (ReasoningContent, "Thinking."),
            (TextContent, "42"),
        ]


def test_empty_reasoning_adds_no_part() -> None:
    result = map_chat_response(_response({"content": "hi", "reasoning_content": ""}), request_body={})
    assert [part.type for part in result.content] == ["text"]


def _stream(metadata_key: str, *deltas: dict[str, Any]) -> list[dict[str, Any]]:
    mapper = ChatStreamMapper(metadata_key=metadata_key)
    parts = []
    for delta in deltas:
        parts += mapper.feed(ChatChunk.model_validate({"choices": [{"delta": delta}]}))
    parts += mapper.finish()
    return [part.to_json_dict() for part in parts]


def test_streamed_reasoning_is_one_block_ended_when_the_text_begins() -> None:
    parts = _stream(
        "groq",
        {"role": "assistant", "content": ""},
        {"reasoning": "Let me "},
        {"reasoning": "think."},
        {"content": "Done"},
    )
    assert [(part["type"], part.get("delta")) for part in parts[:-1]] == [
        ("reasoning-start", None),
        ("reasoning-delta", "Let me "),
        ("reasoning-delta", "think."),
        ("reasoning-end", None),
        ("text-start", None),
        ("text-delta", "Done"),
        ("text-end", None),
    ]


def test_deepseek_opens_the_text_block_before_ending_reasoning() -> None:
    parts = _stream("deepseek", {"reasoning_content": "Hmm."}, {"content": "Yes"})
    assert [part["type"] for part in parts[:-1]] == [
        "reasoning-start",
        "reasoning-delta",
        "text-start",
        "reasoning-end",
        "text-delta",
        "text-end",
    ]


def test_tool_calls_end_the_reasoning_block() -> None:
    call = {"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    parts = _stream("xai", {"reasoning_content": "Plan."}, {"tool_calls": [call]})
    assert [part["type"] for part in parts[:4]] == [
        "reasoning-start",
        "reasoning-delta",
        "reasoning-end",
        "tool-input-start",
    ]


def test_openai_still_opens_text_on_empty_content() -> None:
    assert [part["type"] for part in _stream("openai", {"content": ""})][:2] == ["text-start", "text-delta"]


def test_xai_through_a_generic_endpoint_clamps_negative_text_tokens() -> None:
    usage = convert_openai_usage(ChatUsage.model_validate(XAI_USAGE), "my-gateway")
    assert (usage.output_tokens, usage.output_token_details.text_tokens) == (26, 0)
    assert usage.output_token_details.reasoning_tokens == 196


def test_xai_endpoint_counts_reasoning_on_top_of_completion_tokens() -> None:
    usage = convert_openai_usage(ChatUsage.model_validate(XAI_USAGE), "xai")
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (12, 222, 234)
    assert usage.output_token_details.text_tokens == 26
    assert (usage.input_token_details.cache_read_tokens, usage.input_token_details.no_cache_tokens) == (2, 10)


def test_deepseek_reads_cache_hits_and_groq_leaves_unreported_details_unset() -> None:
    deepseek = convert_openai_usage(
        ChatUsage.model_validate(
            {"prompt_tokens": 30, "completion_tokens": 5, "prompt_cache_hit_tokens": 20}
        ),
        "deepseek",
    )
    assert (deepseek.input_token_details.cache_read_tokens, deepseek.input_token_details.no_cache_tokens) == (
        20,
        10,
    )
    groq = convert_openai_usage(
        ChatUsage.model_validate({"prompt_tokens": 30, "completion_tokens": 5}), "groq"
    )
    assert groq.input_token_details.cache_read_tokens is None
    assert groq.output_token_details.reasoning_tokens is None
    assert groq.output_token_details.text_tokens == 5


def test_provider_metadata_as_each_servers_package_reports_it() -> None:
    usage = {
        "prompt_tokens": 3,
        "completion_tokens": 1,
        "prompt_cache_hit_tokens": 0,
        "prompt_cache_miss_tokens": 3,
    }
    deepseek = map_chat_response(_response({"content": "x"}, usage), request_body={}, metadata_key="deepseek")
    assert deepseek.provider_metadata == {"deepseek": {"promptCacheHitTokens": 0, "promptCacheMissTokens": 3}}
    xai = map_chat_response(
        _response({"content": "x"}, XAI_USAGE, service_tier="default"), request_body={}, metadata_key="xai"
    )
    assert xai.provider_metadata == {"xai": {"serviceTier": "default"}}


async def test_xai_is_a_built_in_server_with_reasoning_over_the_wire() -> None:
    body = {
        "id": "x1",
        "model": "grok-3-mini",
        "choices": [
            {
                "message": {"role": "assistant", "content": "4", "reasoning_content": "2+2"},
                "finish_reason": "stop",
            }
        ],
        "usage": XAI_USAGE,
    }
    with LoopbackServer() as server:
        server.default_reply = JsonReply(body)
        model = compatible_provider("xai", api_key="k", base_url=server.url("/v1"))("grok-3-mini")
        prompt = [{"role": "user", "content": [{"type": "text", "text": "2+2?"}]}]
        result = await model.do_generate(CallParams.model_validate({"prompt": prompt}))
        path = server.requests[0].path
    assert path == "/v1/chat/completions"
    assert (result.reasoning_text, result.text, result.usage.output_tokens) == ("2+2", "4", 222)


def test_a_streamed_xai_call_reports_its_service_tier_in_the_finish_part() -> None:
    mapper = ChatStreamMapper(metadata_key="xai")
    chunks = [
        {"id": "x1", "choices": [{"index": 0, "delta": {"content": "4"}}]},
        {
            "id": "x1",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "service_tier": "default",
        },
    ]
    for chunk in chunks:
        mapper.feed(ChatChunk.model_validate(chunk))
    finish = mapper.finish()[-1]
    assert isinstance(finish, FinishPart)
    assert finish.provider_metadata == {"xai": {"serviceTier": "default"}}
