"""Replays one recorded Anthropic fixture through our terminal and puts both results in one shape.

The fixture's bytes are served by a loopback HTTP server with the framing the Messages API uses
(``application/json`` bodies; ``text/event-stream`` with ``event:`` and ``data:`` lines, one chunk per
event). Our result and the AI SDK's (``expected/``) are reduced to the compared view: content or
stream parts, finish reason, usage, provider metadata and response id / model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.params import CallParams, FunctionTool, ProviderTool, ResponseFormatJson
from pipeline.prompt import TextPart, UserMessage
from pipeline.result import GenerateResult, Usage
from pipeline.stream import RawPart, StreamPart
from providers.anthropic import AnthropicProvider
from providers.testing.server import LoopbackServer, RawReply, SSEReply

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
EXPECTED = HERE / "expected"
CASES: dict[str, dict[str, Any]] = json.loads((HERE / "cases.json").read_text())

COMPARED = ("content", "finishReason", "usage", "providerMetadata", "response")
"""The compared fields of a generate call; a stream compares its parts in order."""


def case_key(fixture: str) -> str:
    """``anthropic-text.json`` -> ``anthropic-text.generate`` (the name of its expected file)."""
    spec = CASES[fixture]
    stem = fixture.removesuffix(".json").removesuffix(".chunks.txt")
    return f"{stem}.{spec['mode']}"


def _event_type(line: str) -> str | None:
    try:
        kind = json.loads(line).get("type")
    except (ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None


def responses(text: str) -> list[list[bytes]]:
    """The SSE events of each recorded response: one event per non-empty line, named by its ``type``
    (as frame.mjs frames them). A ``message_start`` after a ``message_stop`` begins the next response:
    some fixtures record several steps' responses in one file, and the API sends one message each."""
    recorded: list[list[bytes]] = [[]]
    previous: str | None = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        kind = _event_type(line)
        if kind == "message_start" and previous == "message_stop":
            recorded.append([])
        prefix = f"event: {kind}\n" if kind is not None else ""
        recorded[-1].append(f"{prefix}data: {line}\n\n".encode())
        previous = kind
    return recorded


def _params(spec: dict[str, Any]) -> CallParams:
    tools: list[FunctionTool | ProviderTool] = []
    for tool in spec.get("tools", []):
        if tool["type"] == "provider":
            tools.append(ProviderTool(id=tool["id"], name=tool["name"], args=tool.get("args", {})))
        else:
            tools.append(
                FunctionTool(
                    name=tool["name"],
                    input_schema=tool["inputSchema"],
                    provider_options=tool.get("providerOptions"),
                )
            )
    schema = spec.get("responseFormat")
    return CallParams(
        prompt=[UserMessage(content=[TextPart(text="Hello")])],
        tools=tools or None,
        response_format=ResponseFormatJson(schema=schema) if schema is not None else None,
        provider_options=spec.get("providerOptions"),
    )


async def replay(server: LoopbackServer, fixture: str) -> dict[str, Any]:
    """Our terminal's result for ``fixture``, in the compared view."""
    spec = CASES[fixture]
    body = (FIXTURES / fixture).read_text()
    model = AnthropicProvider(api_key="test-key", base_url=server.url("/v1"))(spec["model"])
    params = _params(spec)
    try:
        if spec["mode"] == "generate":
            server.enqueue(RawReply(body=body.encode(), headers={"content-type": "application/json"}))
            return view_generate(await model.do_generate(params))
        parts: list[dict[str, Any]] = []
        for index, events in enumerate(responses(body)):
            server.enqueue(SSEReply(events=list(events)))
            result = await model.do_stream(params)
            async for part in result.stream:
                if not isinstance(part, RawPart) and not (index > 0 and part.type == "stream-start"):
                    parts.append(view_part(part))
        return {"parts": parts}
    except Exception as error:  # a thrown call is compared by its error type
        return {"thrown": type(error).__name__}


def _usage(usage: Usage) -> dict[str, Any]:
    inputs, outputs = usage.input_token_details, usage.output_token_details
    return {
        "inputTokens": {
            "total": usage.input_tokens,
            "noCache": inputs.no_cache_tokens,
            "cacheRead": inputs.cache_read_tokens,
            "cacheWrite": inputs.cache_write_tokens,
        },
        "outputTokens": {
            "total": usage.output_tokens,
            "text": outputs.text_tokens,
            "reasoning": outputs.reasoning_tokens,
        },
        "raw": usage.raw,
    }


def view_generate(result: GenerateResult) -> dict[str, Any]:
    """Our generate result in the compared view."""
    return normalize(
        {
            "content": [part.to_json_dict() for part in result.content],
            "finishReason": {"unified": result.finish_reason, "raw": result.raw_finish_reason},
            "usage": _usage(result.usage),
            "providerMetadata": result.provider_metadata,
            "response": {"id": result.response.id, "modelId": result.response.model_id},
        }
    )


def view_part(part: StreamPart) -> dict[str, Any]:
    """One of our stream parts in the compared view (a finish part in the AI SDK's shape)."""
    if part.type == "error":
        return {"type": "error", "error": "error"}
    if part.type == "finish":
        return normalize(
            {
                "type": "finish",
                "finishReason": {"unified": part.finish_reason, "raw": part.raw_finish_reason},
                "usage": _usage(part.usage),
                "providerMetadata": part.provider_metadata,
            }
        )
    return normalize(part.to_json_dict())


def normalize(value: Any) -> Any:
    """Drops what cannot be compared: ``null`` / absent (one meaning in JSON), random source ids,
    and error details (ours are typed errors, the AI SDK's plain objects: only their presence counts)."""
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: normalize(item) for key, item in value.items() if item is not None}
    if out.get("type") == "source":
        out.pop("id", None)
    if out.get("type") == "error":
        out["error"] = "error"
    return out


def _mark_provider_executed(value: Any) -> Any:
    """Every tool result a model emits ran at the provider: the AI SDK's ``generateText`` adds
    ``providerExecuted: true`` to them, our tool-result parts carry it themselves."""
    if isinstance(value, list):
        return [_mark_provider_executed(item) for item in value]
    if isinstance(value, dict) and value.get("type") == "tool-result":
        return {**value, "providerExecuted": True}
    return value


def expected_view(fixture: str) -> dict[str, Any]:
    """The AI SDK's result for ``fixture`` in the compared view."""
    value = json.loads((EXPECTED / f"{case_key(fixture)}.json").read_text())
    value.pop("aiSdkAnthropicVersion", None)
    if "thrown" in value:
        return {"thrown": value["thrown"]["name"]}
    if "parts" in value:
        value["parts"] = _mark_provider_executed(value["parts"])
    else:
        value["content"] = _mark_provider_executed(value["content"])
    return normalize(value)


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """The compared fields (or stream part indexes) that differ, each with both values shortened."""
    if "parts" in expected and "parts" in actual:
        diffs = [
            f"part {index}: expected {json.dumps(want)[:300]} got {json.dumps(got)[:300]}"
            for index, (want, got) in enumerate(zip(expected["parts"], actual["parts"], strict=False))
            if want != got
        ]
        if len(expected["parts"]) != len(actual["parts"]):
            diffs.append(f"part count: expected {len(expected['parts'])} got {len(actual['parts'])}")
        return diffs
    keys = sorted(set(expected) | set(actual))
    return [
        f"{key}: expected {json.dumps(expected.get(key))[:400]} got {json.dumps(actual.get(key))[:400]}"
        for key in keys
        if expected.get(key) != actual.get(key)
    ]
