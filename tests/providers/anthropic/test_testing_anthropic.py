"""providers/testing/anthropic.py: the shipped reply builders speak the real wire protocol."""

from __future__ import annotations

import json

from providers.anthropic.wire import WireMessage, parse_error_body, parse_stream_event
from providers.testing import anthropic as wire


def test_stream_builders_emit_valid_named_events_ending_in_message_stop() -> None:
    for events in (
        wire.stream_events(["a"]),
        wire.tool_call_stream_events("t", ["{}"]),
        wire.thinking_stream_events(["t"], "sig", ["x"]),
    ):
        parsed = [parse_stream_event(data) for _, data in events]
        assert [name for name, _ in events] == [event.type for event in parsed]
        assert parsed[0].type == "message_start" and parsed[-1].type == "message_stop"


def test_reply_builders_produce_valid_bodies() -> None:
    message = WireMessage.model_validate(wire.text_reply("hi").body)
    assert message.blocks()[0].type == "text"
    tool = wire.tool_call_reply("calc", {"x": 1})
    assert WireMessage.model_validate(tool.body).stop_reason == "tool_use"
    error = wire.error_reply(429, "rate_limit_error", "slow", headers={"retry-after": "1"})
    assert error.status == 429
    assert parse_error_body(429, json.dumps(error.body))[0] == "slow"
    assert wire.stream_reply(["a"], cut_after=2).cut_after == 2
    first = wire.stream_error_reply().events[0]
    assert isinstance(first, tuple) and parse_stream_event(first[1]).type == "error"
