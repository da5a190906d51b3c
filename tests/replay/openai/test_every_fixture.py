"""Every recorded fixture replays through our terminals: each answer maps without an error and ends with a
finish part; each recorded failure raises the typed error with the API's message. (The comparison with
the AI SDK's results is in test_responses_replay.py, for the fixtures it snapshotted.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import APICallError, InvalidResponseDataError
from pipeline.generate import prepare_call
from pipeline.model import LanguageModel
from pipeline.params import CallParams
from providers.openai import ChatEndpoint, OpenAIChatLanguageModel, OpenAIResponsesLanguageModel
from providers.testing import JsonReply, LoopbackServer, SSEReply

from .cases import HERE

CHAT = {
    "chat/openai-text",
    "chat/azure-model-router.1",
    "chat/reasoning-model-legacy-parameter-error",
    "azure/azure-deepseek-reasoning.1",
}
"""Chat-completions fixtures (the rest are Responses API answers)."""

FAILURES = {
    "responses/openai-error.1": ("You exceeded your current quota", 200),
    "responses/reasoning-model-temperature-error": ("Unsupported parameter: 'temperature'", 400),
    "chat/reasoning-model-legacy-parameter-error": ("Unsupported parameter", 400),
}
"""Recorded failures: the message they raise, and the status they were answered with (the quota error came
as a 200 JSON body, and as error events in its stream)."""

CUT_SHORT = {"responses/parallel-tool-call-wrapper.1.chunks.txt"}
"""Recordings with lines cut short: this one's ``response.created`` and ``response.completed`` payloads lack
their closing braces. The first is invalid before any output, so the call raises (typed, retryable by the
caller) where the AI SDK yields an error part; its test looks only at the tool parts."""

FIXTURES = sorted(
    path
    for folder in ("responses", "azure", "chat")
    for path in (HERE / folder).iterdir()
    if path.suffix in (".json", ".txt")
)


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.chunks.txt').removesuffix('.json')}"


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _model(name: str, server: LoopbackServer) -> LanguageModel:
    key = "azure" if name.startswith("azure/") else "openai"
    endpoint = ChatEndpoint(name=key, default_base_url=server.url("/v1"))
    if name in CHAT:
        return OpenAIChatLanguageModel("gpt-4o", api_key="k", endpoint=endpoint)
    return OpenAIResponsesLanguageModel("gpt-4o", api_key="k", endpoint=endpoint)


def _params() -> CallParams:
    return prepare_call(prompt="Hello")


@pytest.mark.parametrize(
    "path", FIXTURES, ids=[f"{_name(path)}{''.join(path.suffixes)}" for path in FIXTURES]
)
async def test_the_fixture_replays(path: Path, server: LoopbackServer) -> None:
    name = _name(path)
    model = _model(name, server)
    text = path.read_text(encoding="utf-8")
    failure = FAILURES.get(name)
    if path.suffix == ".json":
        server.enqueue(JsonReply(json.loads(text), status=failure[1] if failure else 200))
        if failure:
            with pytest.raises(APICallError, match=failure[0]):
                await model.do_generate(_params())
            return
        result = await model.do_generate(_params())
        assert result.content  # every recorded answer that is not a failure carries content
        return
    server.enqueue(SSEReply(events=[*(line for line in text.splitlines() if line.strip()), "[DONE]"]))
    if f"{path.parent.name}/{path.name}" in CUT_SHORT:
        with pytest.raises(InvalidResponseDataError, match="Invalid JSON in stream event"):
            await model.do_stream(_params())
        return
    if failure:
        with pytest.raises(APICallError, match=failure[0]):
            await model.do_stream(_params())
        return
    stream = await model.do_stream(_params())
    parts = [part async for part in stream.stream]
    assert [part.type for part in parts if part.type == "error"] == []
    assert parts[-1].type == "finish"
    assert any(part.type not in ("stream-start", "response-metadata", "finish") for part in parts)
