"""A deterministic fault schedule for the load test, and the loopback replies that enact it.

Every logical call gets a :class:`CallPlan` in advance: its provider, whether it streams, and the fault
(or success) the server answers each attempt with. :func:`expected_outcome` derives, from the plan
alone, how the call must end and how many attempts it takes under ``max_retries=2``. The server side
(:class:`FaultingReplies`) picks each reply by the ``x-call-id`` request header and the number of
requests already seen for that call, and records when each attempt arrived.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from providers.testing import (
    RecordedRequest,
    Reply,
    ResetReply,
    SSEReply,
    StallReply,
    anthropic,
    google,
    openai,
)

__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_AFTER_MS",
    "STALL_SECONDS",
    "CallPlan",
    "FaultingReplies",
    "Provider",
    "answer_chunks",
    "answer_text",
    "build_schedule",
    "cut_reply",
    "expected_outcome",
    "success_reply",
]

Provider = Literal["openai", "anthropic", "google"]
Fault = Literal[
    "ok",
    "slow",  # success after a slow first byte
    "429-ms",  # 429 with retry-after-ms
    "429",  # 429 without a delay header (client backoff)
    "500",
    "529",
    "reset",  # TCP reset before any response byte
    "stall",  # no response byte for longer than the client's read timeout
    "cut-early",  # stream broken off before the first text delta
    "cut-late",  # stream broken off after 5 text deltas
    "overloaded-event",  # Anthropic's in-stream overloaded_error as the first event
    "400",
]

MAX_ATTEMPTS = 3
"""``max_retries=2``: one attempt and two retries."""

RETRY_AFTER_MS = 20
STALL_SECONDS = 1.0
SLOW_FIRST_BYTE = 0.05

_SUCCESS: frozenset[Fault] = frozenset({"ok", "slow"})
_CHUNKS = 8


@dataclass(frozen=True)
class CallPlan:
    """One logical call: the reply to each of its attempts, in order."""

    index: int
    provider: Provider
    stream: bool
    faults: tuple[Fault, ...]


def answer_chunks(index: int) -> list[str]:
    """The text deltas the server streams for call ``index``."""
    return [f"c{position}-{index} " for position in range(_CHUNKS)]


def answer_text(index: int) -> str:
    """The whole answer for call ``index``."""
    return "".join(answer_chunks(index))


def expected_outcome(plan: CallPlan) -> tuple[str, int]:
    """``("success" | error class name, attempts)`` that the plan must produce under ``max_retries=2``."""
    for attempt, fault in enumerate(plan.faults, start=1):
        if fault in _SUCCESS:
            return "success", attempt
        if fault == "cut-late":
            return "IncompleteStreamError", attempt
        if fault == "400":
            return ("APICallError" if attempt == 1 else "RetryError"), attempt
        if attempt == MAX_ATTEMPTS:
            return "RetryError", attempt
    raise ValueError(f"plan {plan} ends without a final reply")


# (weight, faults) per kind of call; every transient list ends in a success.
_TRANSIENT: list[tuple[int, tuple[Fault, ...]]] = [
    (55, ("ok",)),
    (10, ("429-ms", "ok")),
    (3, ("429", "ok")),
    (5, ("500", "ok")),
    (3, ("529", "ok")),
    (2, ("reset", "ok")),
    (3, ("slow",)),
    (2, ("stall", "ok")),
    (2, ("429-ms", "500", "ok")),
    (2, ("500", "429-ms", "529")),  # three faults: the retry budget runs out
    (1, ("400",)),
    (1, ("500", "400")),
]
_STREAM_ONLY: dict[Provider, list[tuple[int, tuple[Fault, ...]]]] = {
    "openai": [(3, ("cut-early", "ok")), (2, ("cut-late",))],
    "anthropic": [(2, ("cut-early", "ok")), (2, ("cut-late",)), (1, ("overloaded-event", "ok"))],
    "google": [(3, ("cut-early", "ok")), (2, ("cut-late",))],
}


_PROVIDER_CYCLE: tuple[Provider, ...] = ("openai",) * 5 + ("anthropic",) * 3 + ("google",) * 2


def build_schedule(calls: int, seed: int = 8) -> list[CallPlan]:
    """``calls`` plans: half streaming; 50 % OpenAI, 30 % Anthropic, 20 % Gemini; a seeded fault mix."""
    rng = random.Random(seed)
    plans = []
    for index in range(calls):
        chosen = _PROVIDER_CYCLE[index % len(_PROVIDER_CYCLE)]
        stream = index % 2 == 1
        table = list(_TRANSIENT)
        if stream:
            table += _STREAM_ONLY[chosen]
        weights = [weight for weight, _ in table]
        faults = rng.choices([faults for _, faults in table], weights=weights)[0]
        plans.append(CallPlan(index=index, provider=chosen, stream=stream, faults=faults))
    return plans


class FaultingReplies:
    """The server's reply callable: answers attempt ``n`` of call ``x-call-id`` with ``faults[n]``.

    ``attempts[index]`` counts the requests the server saw per call, ``arrivals[index]`` their
    monotonic arrival times.
    """

    def __init__(self, plans: list[CallPlan]) -> None:
        self.plans = {plan.index: plan for plan in plans}
        self.attempts: defaultdict[int, int] = defaultdict(int)
        self.arrivals: defaultdict[int, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply:
        index = int(request.headers["x-call-id"])
        with self._lock:
            attempt = self.attempts[index]
            self.attempts[index] += 1
            self.arrivals[index].append(time.monotonic())
        plan = self.plans[index]
        fault = plan.faults[min(attempt, len(plan.faults) - 1)]
        return _reply(plan, fault)


def _reply(plan: CallPlan, fault: Fault) -> Reply:
    if fault == "reset":
        return ResetReply()
    if fault == "stall":
        return StallReply(STALL_SECONDS)
    if fault in ("ok", "slow"):
        return success_reply(plan, first_byte_delay=SLOW_FIRST_BYTE if fault == "slow" else 0.0)
    if fault == "cut-early":
        return cut_reply(plan, _EARLY_CUT[plan.provider])
    if fault == "cut-late":
        return cut_reply(plan, _FIRST_DELTA[plan.provider] + 5)
    if fault == "overloaded-event":
        return anthropic.stream_error_reply()
    headers = {"retry-after-ms": str(RETRY_AFTER_MS)} if fault == "429-ms" else {}
    return _status(plan.provider, int(fault.split("-")[0]), headers)


def success_reply(plan: CallPlan, *, first_byte_delay: float = 0.0) -> Reply:
    """The provider's successful answer for ``plan`` (JSON or event stream), after ``first_byte_delay``."""
    chunks = answer_chunks(plan.index)
    if plan.stream:
        if plan.provider == "openai":
            events = openai.stream_chunks(chunks)
            return SSEReply(events=list(events), first_byte_delay=first_byte_delay)
        if plan.provider == "anthropic":
            return SSEReply(events=list(anthropic.stream_events(chunks)), first_byte_delay=first_byte_delay)
        reply = google.stream_reply(chunks)
        return SSEReply(events=reply.events, first_byte_delay=first_byte_delay)
    text = answer_text(plan.index)
    if plan.provider == "openai":
        success = openai.text_reply(text)
    elif plan.provider == "anthropic":
        success = anthropic.text_reply(text)
    else:
        success = google.text_reply(text)
    return type(success)(
        body=success.body, status=success.status, headers=success.headers, delay=first_byte_delay
    )


# Events sent before the cut: a stream cut early has sent no text delta (OpenAI's role chunk, nothing for
# Gemini, message_start for Anthropic); one cut late has sent 5 text deltas.
_EARLY_CUT = {"openai": 1, "anthropic": 1, "google": 0}
_FIRST_DELTA = {"openai": 1, "anthropic": 3, "google": 0}


def cut_reply(plan: CallPlan, cut_after: int) -> SSEReply:
    """The provider's event stream for ``plan``, broken off (connection closed) after ``cut_after`` events."""
    chunks = answer_chunks(plan.index)
    if plan.provider == "openai":
        return openai.stream_reply(openai.stream_chunks(chunks), cut_after=cut_after)
    if plan.provider == "anthropic":
        return anthropic.stream_reply(chunks, cut_after=cut_after)
    return google.stream_reply(chunks, cut_after=cut_after)


def _status(provider: Provider, status: int, headers: dict[str, str]) -> Reply:
    if provider == "openai":
        return openai.error_reply(status, f"injected {status}", headers=headers)
    if provider == "anthropic":
        kinds = {400: "invalid_request_error", 429: "rate_limit_error", 529: "overloaded_error"}
        return anthropic.error_reply(
            status, kinds.get(status, "api_error"), f"injected {status}", headers=headers
        )
    statuses = {400: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 529: "UNAVAILABLE"}
    return google.error_reply(status, f"injected {status}", statuses[status], headers=headers)
