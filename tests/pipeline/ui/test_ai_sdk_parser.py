"""Every UI message chunk type of the pinned AI SDK (ai 7.0.77), read by the AI SDK's own parser.

Our SSE bytes go through ``parseJsonEventStream`` + ``uiMessageChunkSchema`` + ``readUIMessageStream``
in Node (tests/js), exactly what ``useChat``'s transport runs; the resulting ``UIMessage`` is checked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pipeline import stream_text, tool
from pipeline.errors import APICallError
from pipeline.redact import register_secret
from pipeline.result import FileContent, SourceContent, ToolCallContent, Usage
from pipeline.stream import (
    FinishPart,
    ReasoningDeltaPart,
    ReasoningEndPart,
    ReasoningStartPart,
    StreamPart,
    StreamStartPart,
    TextDeltaPart,
    TextEndPart,
    TextStartPart,
    ToolInputDeltaPart,
    ToolInputEndPart,
    ToolInputStartPart,
)
from pipeline.testing import MockLanguageModel, text_stream_parts
from pipeline.ui import (
    UIMessageChunk,
    UIMessageStreamWriter,
    convert_to_model_messages,
    create_ui_message_stream,
    data_chunk,
    to_sse,
)

from .node_parser import read_with_ai_sdk

AI_SDK_CHUNK_TYPES = {
    "text-start", "text-delta", "text-end", "error", "tool-input-start", "tool-input-delta",
    "tool-input-available", "tool-input-error", "tool-approval-request", "tool-approval-response",
    "tool-output-available", "tool-output-error", "tool-output-denied", "reasoning-start",
    "reasoning-delta", "reasoning-end", "custom", "source-url", "source-document", "file",
    "reasoning-file", "data-*", "start-step", "finish-step", "reset-step", "start", "finish", "abort",
    "message-metadata",
}  # fmt: skip
"""The members of ai 7.0.77's ``uiMessageChunkSchema`` union (``data-*``: any ``data-<name>``)."""

seen: set[str] = set()


async def _sse(chunks: AsyncIterator[UIMessageChunk]) -> bytes:
    return "".join([event async for event in to_sse(chunks)]).encode()


def _read(sse: bytes, message: dict[str, Any] | None = None) -> dict[str, Any]:
    parsed = read_with_ai_sdk(sse, message)
    seen.update("data-*" if kind.startswith("data-") else kind for kind in parsed["chunkTypes"])
    return parsed


def _step(*parts: StreamPart, finish: str = "stop") -> list[StreamPart]:
    return [StreamStartPart(), *parts, FinishPart(finish_reason=finish, usage=Usage.of(input_tokens=1))]  # type: ignore[arg-type]


async def test_text_reasoning_sources_file_and_metadata() -> None:
    parts = _step(
        ReasoningStartPart(id="r"),
        ReasoningDeltaPart(id="r", delta="Think"),
        ReasoningDeltaPart(id="r", delta="ing."),
        ReasoningEndPart(id="r"),
        TextStartPart(id="t", provider_metadata={"mock": {"x": 1}}),
        TextDeltaPart(id="t", delta="Hello "),
        TextDeltaPart(id="t", delta="world"),
        TextEndPart(id="t"),
        SourceContent(id="s1", url="https://example.com/a", title="A"),
        SourceContent(
            id="s2", source_type="document", media_type="application/pdf", title="Doc", filename="d.pdf"
        ),
        FileContent(media_type="image/png", data=b"\x89PNG"),
    )
    model = MockLanguageModel(stream=parts)

    def metadata(part: object) -> Any:
        return {"at": part} if part in ("start", "finish") else ({"step": 1} if part == parts[0] else None)

    result = stream_text(model, prompt="hi")
    sse = await _sse(
        result.to_ui_message_stream(message_id="m1", send_sources=True, message_metadata=metadata)
    )
    read = _read(sse)
    message = read["message"]
    assert read["errors"] == [] and message["id"] == "m1" and message["role"] == "assistant"
    assert message["metadata"] == {"at": "finish", "step": 1}  # merged, as the AI SDK does
    kinds = [part["type"] for part in message["parts"]]
    assert kinds == ["step-start", "reasoning", "text", "source-url", "source-document", "file"]
    reasoning, text, url, document, file = message["parts"][1:]
    assert (reasoning["text"], reasoning["state"]) == ("Thinking.", "done")
    assert (text["text"], text["state"], text["providerMetadata"]) == (
        "Hello world",
        "done",
        {"mock": {"x": 1}},
    )
    assert url == {"type": "source-url", "sourceId": "s1", "url": "https://example.com/a", "title": "A"}
    assert document["filename"] == "d.pdf" and document["mediaType"] == "application/pdf"
    assert file == {"type": "file", "url": "data:image/png;base64,iVBORw==", "mediaType": "image/png"}
    assert "message-metadata" in read["chunkTypes"]


@tool
def weather(city: str) -> dict[str, Any]:
    """The weather in a city."""
    return {"city": city, "temperature": 21}


@tool
def broken(city: str) -> str:
    """Always fails."""
    raise RuntimeError("boom")


async def test_tool_input_streaming_outputs_and_errors_over_two_steps() -> None:
    first = _step(
        ToolInputStartPart(id="c1", tool_name="weather"),
        ToolInputDeltaPart(id="c1", delta='{"city":'),
        ToolInputDeltaPart(id="c1", delta='"Paris"}'),
        ToolInputEndPart(id="c1"),
        ToolCallContent(tool_call_id="c1", tool_name="weather", input='{"city":"Paris"}'),
        ToolCallContent(tool_call_id="c2", tool_name="broken", input='{"city":"Rome"}'),
        ToolCallContent(tool_call_id="c3", tool_name="weather", input="{not json"),
        finish="tool-calls",
    )
    model = MockLanguageModel(stream=[first, text_stream_parts(["It is 21."])])
    result = stream_text(model, prompt="weather?", tools=[weather, broken], max_steps=3)
    read = _read(await _sse(result.to_ui_message_stream()))
    parts = read["message"]["parts"]
    tools = {part["toolCallId"]: part for part in parts if part["type"].startswith("tool-")}
    assert tools["c1"]["state"] == "output-available" and tools["c1"]["input"] == {"city": "Paris"}
    assert tools["c1"]["output"] == {"city": "Paris", "temperature": 21}
    assert tools["c2"]["state"] == "output-error" and tools["c2"]["errorText"] == "An error occurred."
    assert tools["c3"]["state"] == "output-error" and tools["c3"]["rawInput"] == "{not json"
    assert parts[-1]["text"] == "It is 21."
    assert [p["type"] for p in parts].count("step-start") == 2
    assert {"tool-input-start", "tool-input-delta", "tool-input-error"} <= set(read["chunkTypes"])


@tool(needs_approval=True)
def delete_file(path: str) -> str:
    """Delete a file."""
    return f"deleted {path}"


async def test_tool_approval_round_trip_through_the_ai_sdk_message() -> None:
    call = ToolCallContent(tool_call_id="c1", tool_name="delete_file", input='{"path":"a.txt"}')
    model = MockLanguageModel(stream=_step(call, finish="tool-calls"))
    user = {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "delete a.txt"}]}
    first = stream_text(model, messages=convert_to_model_messages([user]), tools=[delete_file], max_steps=3)
    asked = _read(await _sse(first.to_ui_message_stream(message_id="a1")))["message"]
    (part,) = [p for p in asked["parts"] if p["type"] == "tool-delete_file"]
    assert part["state"] == "approval-requested"

    for approved, state in ((True, "output-available"), (False, "output-denied")):
        answered = {
            **part,
            "state": "approval-responded",
            "approval": {**part["approval"], "approved": approved},
        }
        message = {**asked, "parts": [*asked["parts"][:-1], answered]}
        model = MockLanguageModel(stream=text_stream_parts(["Done."]))
        second = stream_text(
            model, messages=convert_to_model_messages([user, message]), tools=[delete_file], max_steps=3
        )
        final = _read(await _sse(second.to_ui_message_stream()), message)["message"]
        (tool_part,) = [p for p in final["parts"] if p["type"] == "tool-delete_file"]
        assert tool_part["state"] == state
        if approved:
            assert tool_part["output"] == "deleted a.txt"
        assert final["parts"][-1]["text"] == "Done."


async def test_error_chunk_reaches_the_client_without_the_secret() -> None:
    secret = "sk-test-ui-stream-secret-0123456789abcdef"
    register_secret(secret)
    failing = APICallError(f"upstream said: bad key {secret}", url="https://api.example.com", status_code=401)
    model = MockLanguageModel(
        stream=[StreamStartPart(), TextStartPart(id="t"), TextDeltaPart(id="t", delta="Hi"), failing]
    )  # type: ignore[list-item]
    result = stream_text(model, prompt="hi", max_retries=0)
    sse = await _sse(result.to_ui_message_stream())
    assert secret.encode() not in sse
    read = _read(sse)
    assert read["chunkTypes"][-1] == "error"
    assert len(read["errors"]) == 1 and "bad key" in read["errors"][0] and secret not in read["errors"][0]


async def test_hand_written_chunks_data_parts_and_merged_streams() -> None:
    model = MockLanguageModel(stream=text_stream_parts(["merged"]))

    async def execute(writer: UIMessageStreamWriter) -> None:
        await writer.write({"type": "start", "messageId": "w1"})
        await writer.write(data_chunk("weather", {"status": "loading"}, id="d1"))
        await writer.write(data_chunk("weather", {"status": "done"}, id="d1"))
        await writer.write(data_chunk("notice", "transient", transient=True))
        await writer.write({"type": "custom", "kind": "mock.marker"})
        await writer.write(
            {"type": "reasoning-file", "url": "data:image/png;base64,iVBORw==", "mediaType": "image/png"}
        )
        await writer.write({"type": "start-step"})
        await writer.write({"type": "text-start", "id": "gone"})
        await writer.write({"type": "text-end", "id": "gone"})
        await writer.write({"type": "reset-step"})
        await writer.write({"type": "tool-input-available", "toolCallId": "c9", "toolName": "t", "input": {}})
        await writer.write({"type": "tool-approval-request", "approvalId": "ap9", "toolCallId": "c9"})
        await writer.write({"type": "tool-approval-response", "approvalId": "ap9", "approved": True})
        await writer.write({"type": "finish-step"})
        writer.merge(stream_text(model, prompt="x").to_ui_message_stream(send_start=False, send_finish=False))

    chunks = create_ui_message_stream(execute)
    read = _read(await _sse(_then_abort(chunks)))
    parts = read["message"]["parts"]
    assert [p for p in parts if p["type"] == "data-weather"] == [
        {"type": "data-weather", "id": "d1", "data": {"status": "done"}}
    ]
    assert not any(p["type"] == "data-notice" for p in parts)
    assert {"type": "custom", "kind": "mock.marker"} in parts
    assert any(p["type"] == "reasoning-file" for p in parts)
    assert not any(p.get("id") == "gone" for p in parts)
    (tool_part,) = [p for p in parts if p["type"] == "tool-t"]
    assert tool_part["state"] == "approval-responded" and tool_part["approval"]["approved"] is True
    assert parts[-1]["text"] == "merged"


async def _then_abort(chunks: AsyncIterator[UIMessageChunk]) -> AsyncIterator[UIMessageChunk]:
    async for chunk in chunks:
        yield chunk
    yield {"type": "abort", "reason": "user stopped"}


def test_every_chunk_type_of_the_pinned_ai_sdk_was_read() -> None:
    """Runs last in this module: the tests above together produced every chunk type."""
    if not seen:  # the parser tests were skipped (no node locally)
        return
    assert seen == AI_SDK_CHUNK_TYPES
