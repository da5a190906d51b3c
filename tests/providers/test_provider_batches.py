"""OpenAI Batch and Anthropic Message Batches against loopback servers speaking those APIs: submit, poll,
collect, with the same item shape as generate_many (input order, each a result or its typed error)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.errors import APICallError, InvalidArgumentError
from providers._batch import BatchJob
from providers.anthropic import AnthropicProvider
from providers.anthropic.batch import AnthropicBatch
from providers.openai import OpenAIProvider
from providers.openai.batch import OpenAIBatch
from providers.testing import LoopbackServer

from .batch_servers import AnthropicBatchServer, OpenAIBatchServer

PROMPTS = ["alpha", "please fail", "gamma", "too late", {"prompt": "delta", "temperature": 0.9}]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def check_items(items: list, provider_status: int) -> None:  # type: ignore[type-arg]
    assert [item.index for item in items] == [0, 1, 2, 3, 4]
    assert [item.unwrap().text for item in items if item.ok] == ["echo: alpha", "echo: gamma", "echo: delta"]
    failed, late = items[1].error, items[3].error
    assert isinstance(failed, APICallError) and failed.status_code == provider_status
    assert not failed.is_retryable
    assert (
        isinstance(late, APICallError) and late.is_retryable and "without an answer for item 3" in str(late)
    )
    assert items[0].unwrap().usage.input_tokens is not None


async def test_openai_batch_submit_poll_collect(server: LoopbackServer) -> None:
    backend = OpenAIBatchServer(server, polls_before_end=2)
    model = OpenAIProvider(api_key="sk-batch", base_url=server.url("/v1")).chat("gpt-4o-mini")
    batch = OpenAIBatch(model, metadata={"job": "nightly"})
    items = await batch.run(PROMPTS, poll_interval=0.01, system="Be terse.", temperature=0.1)
    check_items(items, 400)
    assert backend.polls == 3
    assert backend.created == {
        "input_file_id": "file-in",
        "endpoint": "/v1/chat/completions",
        "completion_window": "24h",
        "metadata": {"job": "nightly"},
    }
    lines = backend.uploaded
    assert [line["custom_id"] for line in lines] == ["0", "1", "2", "3", "4"]
    assert {line["method"] for line in lines} == {"POST"} and {line["url"] for line in lines} == {
        "/v1/chat/completions"
    }
    assert lines[0]["body"]["messages"][0] == {"role": "system", "content": "Be terse."}
    assert [line["body"]["temperature"] for line in lines] == [0.1, 0.1, 0.1, 0.1, 0.9]
    assert all(request.headers["authorization"] == "Bearer sk-batch" for request in server.requests)


async def test_openai_batch_poll_cancel_and_collect_refuses_a_running_batch(server: LoopbackServer) -> None:
    backend = OpenAIBatchServer(server, polls_before_end=5)
    batch = OpenAIBatch(OpenAIProvider(api_key="k", base_url=server.url("/v1")).chat("gpt-4o-mini"))
    job = await batch.submit(["a", "b"])
    assert (job.id, job.size, job.state, job.status) == ("batch_1", 2, "running", "validating")
    polled = await batch.poll(job)
    assert (polled.state, polled.size) == ("running", 2)
    with pytest.raises(InvalidArgumentError, match="has not ended"):
        await batch.collect(polled)
    cancelled = await batch.cancel(job)
    assert cancelled.state == "cancelling" and backend.cancelled
    with pytest.raises(TimeoutError):
        await batch.wait(job, poll_interval=0.01, timeout=0.02)
    with pytest.raises(APICallError) as caught:
        await batch.poll("batch_missing")
    assert caught.value.status_code == 404 and caught.value.message == "No batch found"


async def test_openai_batch_checks_prompts_before_any_io(server: LoopbackServer) -> None:
    batch = OpenAIBatch(OpenAIProvider(api_key="k", base_url=server.url("/v1")).chat("gpt-4o-mini"))
    with pytest.raises(InvalidArgumentError, match=r"prompts\[1\]"):
        await batch.submit(["fine", {"messages": "not a list"}])
    with pytest.raises(InvalidArgumentError, match="at least one"):
        await batch.submit([])
    with pytest.raises(InvalidArgumentError, match="single prompt"):
        await batch.submit("one prompt")
    assert server.requests == []


async def test_anthropic_message_batch_submit_poll_collect(server: LoopbackServer) -> None:
    backend = AnthropicBatchServer(server, polls_before_end=1)
    model = AnthropicProvider(api_key="sk-ant", base_url=server.url("/v1")).messages("claude-sonnet-4-5")
    batch = AnthropicBatch(model)
    items = await batch.run(PROMPTS, poll_interval=0.01, system="Be terse.", max_output_tokens=64)
    check_items(items, 400)
    assert backend.polls == 2
    assert [line["custom_id"] for line in backend.requests] == ["0", "1", "2", "3", "4"]
    first = backend.requests[0]["params"]
    assert first["system"] == [{"type": "text", "text": "Be terse."}] and first["max_tokens"] == 64
    assert "stream" not in first
    submitted = server.requests[0]
    assert submitted.headers["x-api-key"] == "sk-ant" and submitted.headers["anthropic-version"]


async def test_anthropic_message_batch_poll_and_cancel(server: LoopbackServer) -> None:
    backend = AnthropicBatchServer(server, polls_before_end=3)
    batch = AnthropicBatch(
        AnthropicProvider(api_key="k", base_url=server.url("/v1")).messages("claude-sonnet-4-5")
    )
    job = await batch.submit(["a"])
    assert (job.id, job.size, job.state) == ("msgbatch_1", 1, "running")
    assert (await batch.cancel(job)).state == "cancelling" and backend.cancelled
    with pytest.raises(InvalidArgumentError, match="has not ended"):
        await batch.collect(job)
    ended = await batch.wait(job, poll_interval=0.01)
    assert ended.state == "ended" and isinstance(ended, BatchJob)
    assert [item.unwrap().text for item in await batch.collect(ended)] == ["echo: a"]
    with pytest.raises(APICallError) as caught:
        await batch.poll("msgbatch_missing")
    assert caught.value.status_code == 404 and caught.value.message == "no such batch"
