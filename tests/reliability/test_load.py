"""LOAD: 1,000 calls at concurrency 100 against loopback OpenAI, Anthropic and Gemini servers with a
deterministic fault mix (reliability.md sections 7 and 8, goals G1-G4)."""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections import Counter
from collections.abc import Iterator

import anyio
import httpx
import pytest

from pipeline import generate_text, stream_text, wrap_model
from pipeline.errors import ModelCallError
from pipeline.model import LanguageModel
from providers._http import HttpClient
from providers.anthropic import AnthropicMessagesModel
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer

from .faults import (
    MAX_ATTEMPTS,
    RETRY_AFTER_MS,
    CallPlan,
    FaultingReplies,
    Provider,
    answer_text,
    build_schedule,
    cut_reply,
    expected_outcome,
    success_reply,
)
from .probes import AttemptCounter, open_fds, pool_connections, watch_problems

CALLS = 1000
CONCURRENCY = 100
READ_TIMEOUT = 0.5


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _models(server: LoopbackServer, http: HttpClient, counter: AttemptCounter) -> dict[str, LanguageModel]:
    bare: dict[str, LanguageModel] = {
        "openai": OpenAIChatLanguageModel(
            "gpt-4o-mini", api_key="sk-load", base_url=server.url("/v1"), http=http
        ),
        "anthropic": AnthropicMessagesModel(
            "claude-sonnet-4-5", api_key="sk-ant-load", base_url=server.url("/v1"), http=http
        ),
        "google": GoogleLanguageModel(
            "gemini-2.5-flash", api_key="g-load", base_url=server.url("/v1beta"), http=http
        ),
    }
    return {name: wrap_model(model, [counter]) for name, model in bare.items()}


async def _call(model: LanguageModel, plan: CallPlan) -> tuple[str, str | None]:
    """Run one planned call: ("success", text) or (error class name, None); other escapes re-raise."""
    headers = {"x-call-id": str(plan.index)}
    prompt = f"call {plan.index}"
    try:
        if plan.stream:
            async with stream_text(model, prompt=prompt, headers=headers) as result:
                text = "".join([delta async for delta in result.text_stream])
        else:
            text = (await generate_text(model, prompt=prompt, headers=headers)).text
    except ModelCallError as error:
        return type(error).__name__, None
    return "success", text


async def test_a_thousand_faulty_calls_end_typed_with_exact_attempts_and_no_leaks(
    server: LoopbackServer,
) -> None:
    plans = build_schedule(CALLS)
    replies = FaultingReplies(plans)
    server.default_reply = replies
    counter = AttemptCounter()
    tasks_before = len(asyncio.all_tasks())
    fds_before = open_fds()
    http = HttpClient(timeout=httpx.Timeout(connect=2.0, read=READ_TIMEOUT, write=2.0, pool=10.0))
    models = _models(server, http, counter)
    outcomes: dict[int, tuple[str, str | None]] = {}
    escapes: Counter[str] = Counter()
    pending = iter(plans)

    async def lane() -> None:
        for plan in pending:
            try:
                outcomes[plan.index] = await _call(models[plan.provider], plan)
            except Exception as error:  # anything untyped is a G1 failure, counted below
                escapes[type(error).__name__] += 1

    started = time.monotonic()
    with watch_problems() as problems:
        async with anyio.create_task_group() as group:
            for _ in range(CONCURRENCY):
                group.start_soon(lane)
        elapsed = time.monotonic() - started
        in_use, idle = pool_connections(http)
        await http.aclose()
        closed = server.wait_until(lambda s: s.live_connections == 0, timeout=1.0)
        gc.collect()
        await asyncio.sleep(0)
    tasks_after = len(asyncio.all_tasks())
    fds_after = open_fds()

    expected = {plan.index: expected_outcome(plan) for plan in plans}
    wrong_outcome = [
        (index, outcomes.get(index, ("missing", None))[0], want)
        for index, (want, _) in expected.items()
        if outcomes.get(index, ("missing", None))[0] != want
    ]
    wrong_text = [
        index for index, (kind, text) in outcomes.items() if kind == "success" and text != answer_text(index)
    ]
    attempt_mismatch = [index for index in expected if counter.attempts[index] != replies.attempts[index]]
    attempts_wrong = [
        index for index, (_, attempts) in expected.items() if replies.attempts[index] != attempts
    ]
    over_budget = [index for index in expected if replies.attempts[index] > MAX_ATTEMPTS]
    gaps = [
        replies.arrivals[plan.index][position + 1] - replies.arrivals[plan.index][position]
        for plan in plans
        for position, fault in enumerate(plan.faults[:-1])
        if fault == "429-ms" and position + 1 < len(replies.arrivals[plan.index])
    ]
    by_outcome = Counter(kind for kind, _ in outcomes.values())
    print(
        f"\nLOAD: {CALLS} calls at concurrency {CONCURRENCY} in {elapsed:.2f} s; "
        f"outcomes {dict(by_outcome)}; "
        f"escapes {dict(escapes)}; attempts client={sum(counter.attempts.values())} "
        f"server={sum(replies.attempts.values())} (mismatched calls {len(attempt_mismatch)}, "
        f"over budget {len(over_budget)}); retry-after-ms {RETRY_AFTER_MS} gaps: min "
        f"{min(gaps) * 1e3:.1f} ms, median {statistics.median(gaps) * 1e3:.1f} ms, "
        f"max {max(gaps) * 1e3:.1f} ms; "
        f"pool in use {in_use} (idle {idle}); server live after close {server.live_connections}; "
        f"connections opened {server.connections_opened}; tasks {tasks_before}->{tasks_after}; "
        f"fds {fds_before}->{fds_after}; resource warnings {len(problems.resource_warnings)}; "
        f"loop errors {len(problems.loop_errors)}"
    )
    assert not escapes, escapes
    assert not wrong_outcome, wrong_outcome[:10]
    assert not wrong_text, wrong_text[:10]
    assert not attempt_mismatch, attempt_mismatch[:10]
    assert not attempts_wrong, attempts_wrong[:10]
    assert not over_budget
    assert min(gaps) >= RETRY_AFTER_MS / 1000
    assert in_use == 0
    assert closed, f"{server.live_connections} server connections still open after aclose()"
    assert tasks_after == tasks_before
    assert fds_after <= fds_before
    assert problems.count == 0, (problems.resource_warnings, problems.loop_errors)


@pytest.mark.parametrize(
    ("provider", "cut_after"),
    [
        pytest.param("openai", 1, id="openai-after-role-chunk"),
        pytest.param("anthropic", 1, id="anthropic-after-message-start"),
        pytest.param("anthropic", 2, id="anthropic-after-content-block-start"),
        pytest.param("anthropic", 3, id="anthropic-after-ping"),
        pytest.param("google", 0, id="google-before-first-chunk"),
    ],
)
async def test_a_stream_cut_before_its_first_delta_is_retried(
    server: LoopbackServer, provider: Provider, cut_after: int
) -> None:
    plan = CallPlan(index=7, provider=provider, stream=True, faults=("cut-early", "ok"))
    server.enqueue(cut_reply(plan, cut_after), success_reply(plan))
    counter = AttemptCounter()
    http = HttpClient()
    model = _models(server, http, counter)[provider]
    try:
        outcome = await _call(model, plan)
    finally:
        await http.aclose()
    print(
        f"\nCUT-EARLY {provider} after {cut_after} events: {outcome[0]}, "
        f"server requests {len(server.requests)}"
    )
    assert outcome == ("success", answer_text(7))
    assert len(server.requests) == 2
