"""A scripted Anthropic-compatible server on 127.0.0.1, so the chat example runs without an API key.

It answers by the last user turn: ``delete <file>`` asks for the ``delete_file`` tool (which needs the
user's approval), a tool result gets a closing sentence, ``long`` streams a long slow answer (to stop
midway), anything else a short answer with visible reasoning.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from providers.testing import LoopbackServer, RecordedRequest, Reply, SSEReply
from providers.testing import anthropic as fake_anthropic

__all__ = ["start_loopback_anthropic"]

_ids = itertools.count(1)


def _last_user_content(body: dict[str, Any]) -> list[dict[str, Any]]:
    content = body["messages"][-1]["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _reply(request: RecordedRequest) -> Reply:
    content = _last_user_content(request.json())
    results = [block for block in content if block.get("type") == "tool_result"]
    text = " ".join(block.get("text", "") for block in content if block.get("type") == "text")
    if results:
        denied = not all("deleted" in json.dumps(block.get("content", "")) for block in results)
        answer = (
            ["I did not delete it, ", "as you asked."] if denied else ["Done: ", "the file ", "is deleted."]
        )
        return SSEReply(list(fake_anthropic.stream_events(answer)), event_delay=0.02)
    match = re.search(r"delete\s+(\S+)", text, re.IGNORECASE)
    if match:
        arguments = json.dumps({"path": match[1]})
        pieces = [arguments[: len(arguments) // 2], arguments[len(arguments) // 2 :]]
        events = fake_anthropic.tool_call_stream_events(
            "delete_file", pieces, tool_id=f"toolu_{next(_ids):04d}"
        )
        return SSEReply(list(events), event_delay=0.02)
    if "long" in text.lower():
        words = [f"word{index} " for index in range(300)]
        return SSEReply(list(fake_anthropic.stream_events(words)), event_delay=0.05)
    events = fake_anthropic.thinking_stream_events(
        ["The user greets me. ", "I should answer kindly."],
        "loopback-signature",
        ["Hello ", "from ", "modelpipe!"],
    )
    return SSEReply(list(events), event_delay=0.03)


def start_loopback_anthropic() -> LoopbackServer:
    """A started server answering every ``/v1/messages`` request with the script above."""
    server = LoopbackServer().start()
    server.route("/v1/messages", _reply)
    return server
