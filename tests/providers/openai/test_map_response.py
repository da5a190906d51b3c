from datetime import UTC, datetime

from providers.openai.map_response import map_chat_response, response_timestamp
from providers.openai.wire import ChatResponse
from providers.testing.openai import completion_body, usage


def test_text_tool_calls_and_citations_become_content() -> None:
    body = completion_body("Here.", tool_calls=[("call_1", "weather", {"city": "Oslo"}), ("", "time", "{}")])
    body["choices"][0]["message"]["annotations"] = [
        {
            "type": "url_citation",
            "url_citation": {"start_index": 0, "end_index": 4, "url": "https://a.test", "title": "A"},
        }
    ]
    ids = iter(["gen-1", "gen-2"])
    result = map_chat_response(
        ChatResponse.model_validate(body), request_body={"model": "m"}, generate_id=lambda: next(ids)
    )
    assert [part.to_json_dict() for part in result.content] == [
        {"type": "text", "text": "Here."},
        {"type": "tool-call", "toolCallId": "call_1", "toolName": "weather", "input": '{"city": "Oslo"}'},
        {"type": "tool-call", "toolCallId": "gen-1", "toolName": "time", "input": "{}"},
        {"type": "source", "sourceType": "url", "id": "gen-2", "url": "https://a.test", "title": "A"},
    ]
    assert result.request.body == {"model": "m"}


def test_metadata_finish_reason_and_prediction_tokens() -> None:
    body = completion_body("x", finish_reason="length", usage_body=usage(3, 4))
    body["usage"]["completion_tokens_details"] = {
        "accepted_prediction_tokens": 2,
        "rejected_prediction_tokens": 1,
    }
    body["choices"][0]["logprobs"] = {"content": [{"token": "x", "logprob": -0.1, "top_logprobs": []}]}
    result = map_chat_response(
        ChatResponse.model_validate(body), request_body=None, headers={"x-request-id": "r1"}
    )
    assert (result.finish_reason, result.raw_finish_reason) == ("length", "length")
    assert result.response.id == "chatcmpl-loopback"
    assert result.response.model_id == "gpt-4o-mini-2024-07-18"
    assert result.response.timestamp == datetime(2024, 3, 22, 13, 43, 57, tzinfo=UTC)
    assert result.response.headers == {"x-request-id": "r1"}
    assert result.provider_metadata == {
        "openai": {
            "acceptedPredictionTokens": 2,
            "rejectedPredictionTokens": 1,
            "logprobs": [{"token": "x", "logprob": -0.1, "top_logprobs": []}],
        }
    }


def test_empty_text_is_dropped_and_metadata_key_is_configurable() -> None:
    result = map_chat_response(
        ChatResponse.model_validate(completion_body("")), request_body=None, metadata_key="ollama"
    )
    assert result.content == []
    assert result.provider_metadata == {"ollama": {}}


def test_zero_created_means_no_timestamp() -> None:
    assert response_timestamp(0) is None
    assert response_timestamp(None) is None
