"""LOAD: 1,000 calls at concurrency 100 against loopback OpenAI, Anthropic and Gemini servers with a
deterministic fault mix, a cacheable cohort, an attachment cohort and caller cancellations
(reliability.md sections 7 and 8, goals G1-G4 and G6)."""

from __future__ import annotations

import asyncio
import base64
import gc
import math
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

from middleware.cache.call_cache import CacheMiddleware
from middleware.cache.key import cache_key
from middleware.cache.stores import MemoryStore
from pipeline import generate_text, stream_text, wrap_model
from pipeline.chain import CallType
from pipeline.download import DownloadFunction
from pipeline.errors import ModelCallError
from pipeline.model import EndpointIdentity, LanguageModel
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from providers._http import HttpClient
from providers.anthropic import AnthropicMessagesModel
from providers.google import GoogleLanguageModel
from providers.openai import OpenAIChatLanguageModel
from providers.testing import LoopbackServer

from .downloads import LoopbackDownloads, image_path, png_bytes, serve_images
from .faults import (
    CALL_ID_HEADER,
    MAX_ATTEMPTS,
    RETRY_AFTER_MS,
    CallPlan,
    FaultingReplies,
    Provider,
    answer_chunks,
    answer_text,
    build_schedule,
    cut_reply,
    expected_outcomes,
    expected_partial,
    success_reply,
)
from .probes import (
    AttemptCounter,
    measure_gc_pauses,
    measure_loop_lag,
    open_fds,
    pool_connections,
    watch_problems,
)

pytestmark = pytest.mark.usefixtures("own_heap")

CALLS = 1000
CONCURRENCY = 100
READ_TIMEOUT = 0.5
CANCEL_RETURN_LIMIT = 0.5
"""A cancelled call gives control back within this, under load. G6's quiet-loop figures (100 ms p99,
250 ms max) are asserted by test_cancellation; here the loop itself runs up to ~200 ms late, so this
bound only separates "returned at once" from "waited for the server" (a held reply lasts 3 s)."""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def download_host() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        serve_images(running)
        yield running


@dataclass(frozen=True)
class Outcome:
    """How one call ended: ``kind`` is "success", "cancelled" or the error class name; ``text`` the
    answer (streams: also what a failed or cancelled stream delivered first); ``cancel_latency`` the
    seconds from the cancel to the call giving control back."""

    kind: str
    text: str | None
    cancel_latency: float | None = None


class RecordingKeys:
    """The default cache key function, remembering which keys each prompt text produced."""

    def __init__(self) -> None:
        self.by_prompt: defaultdict[str, set[str]] = defaultdict(set)

    def __call__(
        self,
        provider: str,
        model_id: str,
        call_type: CallType,
        params: CallParams,
        *,
        namespace: str | None = None,
        endpoint: EndpointIdentity | None = None,
    ) -> str:
        key = cache_key(provider, model_id, call_type, params, namespace=namespace, endpoint=endpoint)
        message = params.prompt[-1]
        assert isinstance(message, UserMessage) and isinstance(message.content[0], TextPart)
        self.by_prompt[message.content[0].text].add(key)
        return key


def _bare_models(server: LoopbackServer, http: HttpClient) -> dict[Provider, LanguageModel]:
    return {
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


def _models(server: LoopbackServer, http: HttpClient, counter: AttemptCounter) -> dict[str, LanguageModel]:
    return {name: wrap_model(model, [counter]) for name, model in _bare_models(server, http).items()}


def _call_input(plan: CallPlan, download_host: LoopbackServer | None) -> dict[str, Any]:
    """The prompt arguments of ``plan``: its prompt text, plus its image URL for an attachment call."""
    if not plan.attachment:
        return {"prompt": plan.prompt}
    assert download_host is not None
    image = {"type": "image", "image": download_host.url(image_path(plan.index))}
    return {"messages": [{"role": "user", "content": [{"type": "text", "text": plan.prompt}, image]}]}


async def _call(
    model: LanguageModel,
    plan: CallPlan,
    *,
    download_host: LoopbackServer | None = None,
    download: DownloadFunction | None = None,
    arrived: anyio.Event | None = None,
) -> Outcome:
    """Run one planned call (cancelling it where the plan says); an untyped escape re-raises."""
    received: list[str] = []
    cancelled_at: float | None = None
    call_input = _call_input(plan, download_host)
    headers = {CALL_ID_HEADER: str(plan.index)}
    async with anyio.create_task_group() as group:

        def cancel() -> None:
            nonlocal cancelled_at
            cancelled_at = anyio.current_time()
            group.cancel_scope.cancel()

        async def cancel_after_arrival(delay: float) -> None:
            assert arrived is not None
            await arrived.wait()
            await anyio.sleep(delay)
            cancel()

        point = plan.cancel
        if point is not None and point.deltas == 0:
            group.start_soon(cancel_after_arrival, point.delay)
        try:
            if plan.stream:
                async with stream_text(model, headers=headers, download=download, **call_input) as result:
                    async for delta in result.text_stream:
                        received.append(delta)
                        if point is not None and len(received) == point.deltas:
                            cancel()
                            # text_stream need not checkpoint while parts are buffered: take the
                            # cancellation here, not after one more delta
                            await anyio.lowlevel.checkpoint()
                text = "".join(received)
            else:
                text = (await generate_text(model, headers=headers, download=download, **call_input)).text
        except ModelCallError as error:
            group.cancel_scope.cancel()  # a pending canceller must not outlive the call
            return Outcome(type(error).__name__, "".join(received) if plan.stream else None)
        group.cancel_scope.cancel()
        return Outcome("success", text)
    assert cancelled_at is not None
    latency = anyio.current_time() - cancelled_at
    return Outcome("cancelled", "".join(received) if plan.stream else None, latency)


def _escape_name(error: Exception) -> str:
    """The class name of an escaped error; for the group _call's task group wraps it in, the inner ones."""
    if isinstance(error, ExceptionGroup):
        return f"ExceptionGroup[{', '.join(type(inner).__name__ for inner in error.exceptions)}]"
    return type(error).__name__


def _expected_text(plan: CallPlan, kind: str) -> str | None:
    if kind == "success":
        return answer_text(plan.answer_label)
    if not plan.stream:
        return None
    if kind == "cancelled":
        assert plan.cancel is not None
        return "".join(answer_chunks(plan.answer_label)[: plan.cancel.deltas])
    return expected_partial(plan)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def test_a_thousand_faulty_calls_end_typed_with_exact_attempts_and_no_leaks(
    server: LoopbackServer, download_host: LoopbackServer
) -> None:
    plans = build_schedule(CALLS)
    by_index = {plan.index: plan for plan in plans}
    loop = asyncio.get_running_loop()
    arrived = {
        plan.index: anyio.Event() for plan in plans if plan.cancel is not None and plan.cancel.deltas == 0
    }

    def signal_arrival(index: int) -> None:  # runs in the server's thread
        if index in arrived:
            loop.call_soon_threadsafe(arrived[index].set)

    replies = FaultingReplies(plans, on_arrival=signal_arrival)
    server.default_reply = replies
    counter = AttemptCounter(CALL_ID_HEADER)
    keys = RecordingKeys()
    store = MemoryStore()
    cache = CacheMiddleware(store, key_function=keys)
    download = LoopbackDownloads("127.0.0.1")
    tasks_before = len(asyncio.all_tasks())
    fds_before = open_fds()
    http = HttpClient(timeout=httpx.Timeout(connect=2.0, read=READ_TIMEOUT, write=2.0, pool=10.0))
    bare = _bare_models(server, http)
    # The counter sits inside the cache: it counts the attempts that reach the provider.
    plain = {name: wrap_model(model, [counter]) for name, model in bare.items()}
    cached = {name: wrap_model(model, [cache, counter]) for name, model in bare.items()}

    # The calls of one cacheable key run one after another in schedule order (each waits for the
    # previous one's event), so whether a call is a hit follows from the schedule alone.
    finished = {plan.index: anyio.Event() for plan in plans if plan.key is not None}
    waits_for: dict[int, anyio.Event] = {}
    last_of_key: dict[int, int] = {}
    for plan in plans:
        if plan.key is not None:
            if plan.key in last_of_key:
                waits_for[plan.index] = finished[last_of_key[plan.key]]
            last_of_key[plan.key] = plan.index

    outcomes: dict[int, Outcome] = {}
    escapes: Counter[str] = Counter()
    pending = iter(plans)

    async def lane() -> None:
        for plan in pending:
            if plan.index in waits_for:
                await waits_for[plan.index].wait()
            model = (cached if plan.key is not None else plain)[plan.provider]
            try:
                outcomes[plan.index] = await _call(
                    model,
                    plan,
                    download_host=download_host,
                    download=download if plan.attachment else None,
                    arrived=arrived.get(plan.index),
                )
            except Exception as error:  # anything untyped is a G1 failure, counted below
                escapes[_escape_name(error)] += 1
            finally:
                if plan.index in finished:
                    finished[plan.index].set()

    started = time.monotonic()
    with watch_problems() as problems:
        with measure_gc_pauses() as collections:
            async with measure_loop_lag() as lag, anyio.create_task_group() as group:
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
    missing = Outcome("missing", None)

    # G1/G2: every call ends as planned, with exactly the planned attempts on both sides.
    expected = expected_outcomes(plans)
    wrong_outcome = [
        (index, outcomes.get(index, missing).kind, want)
        for index, (want, _) in expected.items()
        if outcomes.get(index, missing).kind != want
    ]
    wrong_text = [
        index
        for index, outcome in outcomes.items()
        if outcome.text != _expected_text(by_index[index], outcome.kind)
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

    # The cacheable cohort: one answer per key, entries exactly for the keys with a success.
    cohort = [plan for plan in plans if plan.key is not None]
    used_keys = sorted({plan.key for plan in cohort if plan.key is not None})
    successes_by_key: defaultdict[int, set[str | None]] = defaultdict(set)
    for plan in cohort:
        if outcomes.get(plan.index, missing).kind == "success":
            successes_by_key[plan.key or 0].add(outcomes[plan.index].text)
    cache_keys = {key: keys.by_prompt[f"cached prompt {key}"] for key in used_keys}
    stored = {
        key: any([await store.get(entry) is not None for entry in cache_keys[key]]) for key in used_keys
    }
    texts_differ = [key for key, texts in successes_by_key.items() if len(texts) != 1]
    keys_split = [key for key, entries in cache_keys.items() if len(entries) != 1]
    stored_wrongly = [key for key in used_keys if stored[key] != (key in successes_by_key)]
    provider_calls = sum(1 for plan in cohort if replies.attempts[plan.index] > 0)
    expected_hits = sum(1 for plan in cohort if expected[plan.index][1] == 0)
    cohort_attempts = sum(replies.attempts[plan.index] for plan in cohort)
    stats = cache.stats

    # The attachment cohort: one download per call, however many attempts; the bytes reach the provider.
    attachment_plans = [plan for plan in plans if plan.attachment]
    downloads = Counter(request.path for request in download_host.requests)
    requests_by_call: defaultdict[int, list[bytes]] = defaultdict(list)
    for request in server.requests:
        requests_by_call[int(request.headers[CALL_ID_HEADER])].append(request.body)
    bytes_not_carried = [
        plan.index
        for plan in attachment_plans
        if not requests_by_call[plan.index]
        or any(
            base64.b64encode(png_bytes(plan.index)) not in body or image_path(plan.index).encode() in body
            for body in requests_by_call[plan.index]
        )
    ]
    attachment_retries = sum(1 for plan in attachment_plans if replies.attempts[plan.index] > 1)

    # G6: cancelled calls give control back at once.
    latencies = [
        outcome.cancel_latency for outcome in outcomes.values() if outcome.cancel_latency is not None
    ]
    cancelled_cached = sum(1 for plan in cohort if plan.cancel is not None)

    by_outcome = Counter(outcome.kind for outcome in outcomes.values())
    print(
        f"\nLOAD: {CALLS} calls at concurrency {CONCURRENCY} in {elapsed:.2f} s; "
        f"outcomes {dict(sorted(by_outcome.items()))}; escapes {dict(escapes)}; "
        f"attempts client={sum(counter.attempts.values())} server={sum(replies.attempts.values())} "
        f"(mismatched calls {len(attempt_mismatch)}, off-plan {len(attempts_wrong)}, "
        f"over budget {len(over_budget)}); retry-after-ms {RETRY_AFTER_MS} gaps ({len(gaps)}): min "
        f"{min(gaps) * 1e3:.1f} ms, median {statistics.median(gaps) * 1e3:.1f} ms, "
        f"p99 {_percentile(gaps, 0.99) * 1e3:.1f} ms, max {max(gaps) * 1e3:.1f} ms"
        f"\n  cache: {len(cohort)} calls over {len(used_keys)} keys; hits {stats.hits} "
        f"(planned {expected_hits}), misses {stats.misses}, writes {stats.writes}, errors {stats.errors}; "
        f"entries {len(store)} (keys with a success {len(successes_by_key)}); calls reaching the provider "
        f"{provider_calls} (bound {2 * len(used_keys)}); cancelled cached calls {cancelled_cached}"
        f"\n  downloads: {len(attachment_plans)} attachment calls, {sum(downloads.values())} downloads "
        f"({attachment_retries} of these calls retried), bytes missing from provider requests "
        f"{len(bytes_not_carried)}"
        f"\n  cancellations: {len(latencies)}; return after cancel p50 "
        f"{statistics.median(latencies) * 1e3:.1f} ms, p99 {_percentile(latencies, 0.99) * 1e3:.1f} ms, "
        f"max {max(latencies) * 1e3:.1f} ms; server disconnects {server.disconnects}; event-loop lag p99 "
        f"{_percentile(lag.samples, 0.99) * 1e3:.1f} ms, max {lag.worst * 1e3:.1f} ms; collector runs "
        f"{len(collections.runs)} (full {sum(1 for gen, _ in collections.runs if gen == 2)}), "
        f"longest {collections.worst * 1e3:.1f} ms"
        f"\n  leaks: pool in use {in_use} (idle {idle}); server live after close {server.live_connections}; "
        f"connections opened {server.connections_opened}; tasks {tasks_before}->{tasks_after}; "
        f"fds {fds_before}->{fds_after}; resource warnings {len(problems.resource_warnings)}; "
        f"loop errors {len(problems.loop_errors)}"
    )
    assert not escapes, escapes
    assert not wrong_outcome, wrong_outcome[:10]
    assert not wrong_text, [(index, outcomes[index]) for index in wrong_text[:5]]
    assert not attempt_mismatch, attempt_mismatch[:10]
    assert not attempts_wrong, attempts_wrong[:10]
    assert not over_budget
    assert min(gaps) >= RETRY_AFTER_MS / 1000

    assert not texts_differ, texts_differ
    assert not keys_split, keys_split
    assert not stored_wrongly, [(key, stored[key]) for key in stored_wrongly]
    assert provider_calls <= 2 * len(used_keys)
    assert stats.hits == expected_hits
    assert stats.misses == cohort_attempts  # retries re-run the chain: one lookup per attempt
    assert stats.writes == len(store) == len(successes_by_key)
    assert stats.errors == 0

    assert downloads == Counter({image_path(plan.index): 1 for plan in attachment_plans})
    assert not bytes_not_carried, bytes_not_carried[:10]
    assert attachment_retries > 0  # the "no re-download on retry" claim was exercised

    assert len(latencies) == by_outcome["cancelled"] > 0
    assert max(latencies) <= CANCEL_RETURN_LIMIT

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
    counter = AttemptCounter(CALL_ID_HEADER)
    http = HttpClient()
    model = _models(server, http, counter)[provider]
    try:
        outcome = await _call(model, plan)
    finally:
        await http.aclose()
    print(
        f"\nCUT-EARLY {provider} after {cut_after} events: {outcome.kind}, "
        f"server requests {len(server.requests)}"
    )
    assert outcome == Outcome("success", answer_text(plan.answer_label))
    assert len(server.requests) == 2
