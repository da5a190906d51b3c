"""Recorded chat-completions traffic (the AI SDK's chat fixtures) through our chat terminal, compared with
the AI SDK's snapshot of the same bytes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.generate import prepare_call
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer, SSEReply

from .cases import HERE
from .compare import ai_sdk_view, expected_view, same_timestamps
from .snapshot import load_snapshots

SNAPSHOTS = load_snapshots(HERE / "snapshots" / "openai-chat-language-model.test.ts.snap")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


async def test_the_model_router_stream_matches_the_ai_sdk(server: LoopbackServer) -> None:
    """``azure-model-router.1``: a router's first chunks carry no model; the routed model id comes later."""
    lines = (HERE / "chat" / "azure-model-router.1.chunks.txt").read_text().splitlines()
    server.enqueue(SSEReply(events=[*(line for line in lines if line.strip()), "[DONE]"]))
    model = OpenAIProvider(api_key="k", base_url=server.url("/v1")).chat("test-azure-model-router")
    result = await model.do_stream(prepare_call(prompt="Hello"))
    ours = [same_timestamps(ai_sdk_view(part)) async for part in result.stream]
    [expected] = [value for name, value in SNAPSHOTS.items() if "model-router" in name]
    assert ours == [same_timestamps(expected_view(part)) for part in expected]
