"""providers.testing.google: the Gemini wire reply builders parse as real Gemini answers."""

from __future__ import annotations

import json

from providers.google.wire import GenerateContentResponse, GoogleErrorBody
from providers.testing import JsonReply, SSEReply
from providers.testing.google import (
    chunks_reply,
    error_reply,
    response_body,
    stream_chunks,
    stream_reply,
    text_reply,
    tool_call_reply,
    usage_metadata,
)


def test_usage_metadata_totals_include_thoughts() -> None:
    assert usage_metadata(3, 4, thoughts=5, cached=1) == {
        "promptTokenCount": 3,
        "candidatesTokenCount": 4,
        "totalTokenCount": 12,
        "thoughtsTokenCount": 5,
        "cachedContentTokenCount": 1,
    }


def test_text_and_tool_call_replies_are_valid_generate_content_responses() -> None:
    text = GenerateContentResponse.model_validate(text_reply("hi").body)
    assert text.candidates is not None
    assert text.candidates[0].content is not None
    assert text.candidates[0].content.parts is not None
    assert text.candidates[0].content.parts[0].text == "hi"
    call = GenerateContentResponse.model_validate(tool_call_reply("f", {"a": 1}, call_id="c").body)
    assert call.candidates is not None and call.candidates[0].content is not None
    assert call.candidates[0].content.parts is not None
    function_call = call.candidates[0].content.parts[0].functionCall
    assert function_call is not None and (function_call.id, function_call.args) == ("c", {"a": 1})


def test_response_body_can_leave_out_the_finish_reason_and_add_candidate_fields() -> None:
    body = response_body([], finish_reason=None, finishMessage="m")
    assert "finishReason" not in body["candidates"][0]
    assert body["candidates"][0]["finishMessage"] == "m"


def test_stream_chunks_finish_only_on_the_last_chunk() -> None:
    chunks = stream_chunks(["a", "b"], finish_reason="MAX_TOKENS")
    assert ["finishReason" in chunk["candidates"][0] for chunk in chunks] == [False, True]
    assert chunks[-1]["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert "usageMetadata" in chunks[-1] and "usageMetadata" not in chunks[0]


def test_stream_replies_send_one_json_event_per_chunk() -> None:
    reply = stream_reply(["a"], cut_after=1, event_delay=0.5)
    assert isinstance(reply, SSEReply)
    assert (reply.cut_after, reply.event_delay) == (1, 0.5)
    assert [json.loads(str(event)) for event in reply.events] == stream_chunks(["a"])
    assert chunks_reply(["raw text"]).events == ["raw text"]


def test_error_reply_uses_the_gemini_error_shape_and_status() -> None:
    reply = error_reply(503, "busy", "UNAVAILABLE", headers={"retry-after": "1"})
    assert isinstance(reply, JsonReply)
    assert (reply.status, reply.headers) == (503, {"retry-after": "1"})
    parsed = GoogleErrorBody.model_validate(reply.body)
    assert (parsed.error.code, parsed.error.message, parsed.error.status) == (503, "busy", "UNAVAILABLE")
