"""A deterministic fault schedule for the load test, and the loopback replies that enact it.

Every logical call gets a :class:`CallPlan` in advance: its provider, whether it streams, the fault
(or success) the server answers each attempt with, and its cohort: a cacheable call repeats the prompt
of one of :data:`CACHE_KEYS` keys, an attachment call carries an image URL on the download host, and a
cancelled call is cancelled by its caller at a seeded point. :func:`expected_outcomes` derives, from the
plans alone, how each call must end and how many attempts reach the server under ``max_retries=2``
(a cache hit makes none). The server side (:class:`FaultingReplies`) picks each reply by the
:data:`CALL_ID_HEADER` request header and the number of requests already seen for that call, and
records when each attempt arrived.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
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
    "CACHE_KEYS",
    "CALL_ID_HEADER",
    "MAX_ATTEMPTS",
    "RETRY_AFTER_MS",
    "STALL_SECONDS",
    "CallPlan",
    "CancelPoint",
    "FaultingReplies",
    "Provider",
    "answer_chunks",
    "answer_text",
    "build_schedule",
    "cut_reply",
    "expected_outcome",
    "expected_outcomes",
    "expected_partial",
    "malformed_reply",
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
    "malformed",  # `data: {bad` after 3 text deltas
    "400",
    "hold",  # no response byte for HOLD_SECONDS (the caller cancels first)
    "trickle",  # a success stream with a pause before every event (the caller cancels mid-stream)
]

MAX_ATTEMPTS = 3
"""``max_retries=2``: one attempt and two retries."""

CALL_ID_HEADER = "x-request-id"
"""Carries the call index to the server; a request id is not part of the cache key, so the calls of
one cacheable prompt share an entry."""

RETRY_AFTER_MS = 20
STALL_SECONDS = 1.0
SLOW_FIRST_BYTE = 0.05
HOLD_SECONDS = 3.0
TRICKLE_DELAY = 0.01

CACHE_KEYS = 100
CACHED_SHARE = 0.30
ATTACHMENT_SHARE = 0.10
CANCEL_SHARE = 0.072
"""Of the calls eligible for cancellation (all but attachment calls and repeats of a cached prompt):
about 5 % of all calls."""
MAX_CANCEL_DELAY = 0.05

_SUCCESS: frozenset[Fault] = frozenset({"ok", "slow"})
_CHUNKS = 8
_CUT_LATE_DELTAS = 5
_MALFORMED_AFTER_DELTAS = 3

MALFORMED_ERROR = "InvalidResponseDataError"
"""What a malformed stream line gives, for every provider (typed, never retried after content)."""


@dataclass(frozen=True)
class CancelPoint:
    """Where the caller cancels: after ``deltas`` text deltas, or (``deltas == 0``) ``delay`` seconds
    after the request reached the server."""

    deltas: int
    delay: float


@dataclass(frozen=True)
class CallPlan:
    """One logical call: the reply to each of its attempts, in order, and its cohort.

    ``key``: the cacheable prompt it repeats (``None``: a prompt of its own, no cache); ``attachment``:
    it carries an image URL on the download host; ``cancel``: where its caller cancels it.
    """

    index: int
    provider: Provider
    stream: bool
    faults: tuple[Fault, ...]
    key: int | None = None
    attachment: bool = False
    cancel: CancelPoint | None = None

    @property
    def prompt(self) -> str:
        """The prompt text: shared by every call of a cacheable key, unique otherwise."""
        return f"call {self.index}" if self.key is None else f"cached prompt {self.key}"

    @property
    def answer_label(self) -> str:
        """What the server's answer is derived from (the key for cacheable calls)."""
        return str(self.index) if self.key is None else f"k{self.key}"


def answer_chunks(label: str) -> list[str]:
    """The text deltas the server streams for the answer ``label`` (:attr:`CallPlan.answer_label`)."""
    return [f"c{position}-{label} " for position in range(_CHUNKS)]


def answer_text(label: str) -> str:
    """The whole answer for ``label``."""
    return "".join(answer_chunks(label))


def expected_outcome(plan: CallPlan) -> tuple[str, int]:
    """``("success" | "cancelled" | error class name, attempts)`` that the plan must produce under
    ``max_retries=2`` when nothing answers it from a cache."""
    if plan.cancel is not None:
        return "cancelled", 1
    for attempt, fault in enumerate(plan.faults, start=1):
        if fault in _SUCCESS:
            return "success", attempt
        if fault == "cut-late":
            return "IncompleteStreamError", attempt
        if fault == "malformed":
            return MALFORMED_ERROR, attempt
        if fault == "400":
            return ("APICallError" if attempt == 1 else "RetryError"), attempt
        if attempt == MAX_ATTEMPTS:
            return "RetryError", attempt
    raise ValueError(f"plan {plan} ends without a final reply")


def expected_outcomes(plans: list[CallPlan]) -> dict[int, tuple[str, int]]:
    """:func:`expected_outcome` of every plan, given that the calls of one cacheable key run one after
    another in schedule order: once one of them succeeded, the later ones are hits (0 attempts)."""
    cached: set[int] = set()
    outcomes: dict[int, tuple[str, int]] = {}
    for plan in plans:
        if plan.key is not None and plan.key in cached:
            outcomes[plan.index] = ("success", 0)
            continue
        outcomes[plan.index] = outcome = expected_outcome(plan)
        if plan.key is not None and outcome[0] == "success":
            cached.add(plan.key)
    return outcomes


def expected_partial(plan: CallPlan) -> str:
    """The text a failed stream delivered before its error (content is never retried or repeated)."""
    last = plan.faults[min(len(plan.faults), MAX_ATTEMPTS) - 1]
    chunks = answer_chunks(plan.answer_label)
    if last == "cut-late":
        return "".join(chunks[:_CUT_LATE_DELTAS])
    if last == "malformed":
        return "".join(chunks[:_MALFORMED_AFTER_DELTAS])
    return ""


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
    "openai": [(3, ("cut-early", "ok")), (2, ("cut-late",)), (2, ("malformed",))],
    "anthropic": [
        (2, ("cut-early", "ok")),
        (2, ("cut-late",)),
        (1, ("overloaded-event", "ok")),
        (2, ("malformed",)),
    ],
    "google": [(3, ("cut-early", "ok")), (2, ("cut-late",)), (2, ("malformed",))],
}


_PROVIDER_CYCLE: tuple[Provider, ...] = ("openai",) * 5 + ("anthropic",) * 3 + ("google",) * 2


def build_schedule(calls: int, seed: int = 8) -> list[CallPlan]:
    """``calls`` plans: half streaming; 50 % OpenAI, 30 % Anthropic, 20 % Gemini; a seeded fault mix.

    About 30 % repeat one of :data:`CACHE_KEYS` prompts (provider and streaming fixed per key); only
    the first call of a key in schedule order gets a fault (or a cancellation), the repeats are
    answered at once. About 10 % carry an image URL, and about 5 % are cancelled by the caller: a
    stream after a seeded number of deltas (0 = before the first one) or a call ``delay`` seconds after
    its request arrived, while the server holds its reply back.
    """
    rng = random.Random(seed)
    plans = []
    seen_keys: set[int] = set()
    for index in range(calls):
        roll = rng.random()
        key = rng.randrange(CACHE_KEYS) if roll < CACHED_SHARE else None
        attachment = CACHED_SHARE <= roll < CACHED_SHARE + ATTACHMENT_SHARE
        position = index if key is None else key
        chosen = _PROVIDER_CYCLE[position % len(_PROVIDER_CYCLE)]
        stream = position % 2 == 1
        if key is not None and key in seen_keys:
            plans.append(CallPlan(index=index, provider=chosen, stream=stream, faults=("ok",), key=key))
            continue
        if key is not None:
            seen_keys.add(key)
        table = list(_TRANSIENT)
        if stream:
            table += _STREAM_ONLY[chosen]
        weights = [weight for weight, _ in table]
        faults = rng.choices([faults for _, faults in table], weights=weights)[0]
        cancel = None
        if not attachment and rng.random() < CANCEL_SHARE:
            deltas = rng.randint(0, 5) if stream else 0
            cancel = CancelPoint(deltas=deltas, delay=round(rng.uniform(0, MAX_CANCEL_DELAY), 4))
            faults = ("hold",) if deltas == 0 else ("trickle",)
        plans.append(
            CallPlan(
                index=index,
                provider=chosen,
                stream=stream,
                faults=faults,
                key=key,
                attachment=attachment,
                cancel=cancel,
            )
        )
    return plans


class FaultingReplies:
    """The server's reply callable: answers attempt ``n`` of call :data:`CALL_ID_HEADER` with ``faults[n]``.

    ``attempts[index]`` counts the requests the server saw per call, ``arrivals[index]`` their
    monotonic arrival times. ``on_arrival(index)`` runs (in the server's thread) for every request.
    """

    def __init__(self, plans: list[CallPlan], on_arrival: Callable[[int], None] | None = None) -> None:
        self.plans = {plan.index: plan for plan in plans}
        self.attempts: defaultdict[int, int] = defaultdict(int)
        self.arrivals: defaultdict[int, list[float]] = defaultdict(list)
        self.on_arrival = on_arrival
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Reply:
        index = int(request.headers[CALL_ID_HEADER])
        with self._lock:
            attempt = self.attempts[index]
            self.attempts[index] += 1
            self.arrivals[index].append(time.monotonic())
        if self.on_arrival is not None:
            self.on_arrival(index)
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
    if fault == "hold":
        return success_reply(plan, first_byte_delay=HOLD_SECONDS)
    if fault == "trickle":
        return success_reply(plan, event_delay=TRICKLE_DELAY)
    if fault == "cut-early":
        return cut_reply(plan, _EARLY_CUT[plan.provider])
    if fault == "cut-late":
        return cut_reply(plan, _FIRST_DELTA[plan.provider] + _CUT_LATE_DELTAS)
    if fault == "malformed":
        return malformed_reply(plan)
    if fault == "overloaded-event":
        return anthropic.stream_error_reply()
    headers = {"retry-after-ms": str(RETRY_AFTER_MS)} if fault == "429-ms" else {}
    return _status(plan.provider, int(fault.split("-")[0]), headers)


def _stream_events(plan: CallPlan) -> list[str | tuple[str | None, str] | bytes]:
    chunks = answer_chunks(plan.answer_label)
    if plan.provider == "openai":
        return list(openai.stream_chunks(chunks))
    if plan.provider == "anthropic":
        return list(anthropic.stream_events(chunks))
    return google.stream_reply(chunks).events


def success_reply(plan: CallPlan, *, first_byte_delay: float = 0.0, event_delay: float = 0.0) -> Reply:
    """The provider's successful answer for ``plan`` (JSON or event stream), after ``first_byte_delay``
    (streams: ``event_delay`` before each event)."""
    if plan.stream:
        return SSEReply(
            events=_stream_events(plan), first_byte_delay=first_byte_delay, event_delay=event_delay
        )
    text = answer_text(plan.answer_label)
    if plan.provider == "openai":
        success = openai.text_reply(text)
    elif plan.provider == "anthropic":
        success = anthropic.text_reply(text)
    else:
        success = google.text_reply(text)
    return type(success)(
        body=success.body, status=success.status, headers=success.headers, delay=first_byte_delay
    )


def malformed_reply(plan: CallPlan) -> SSEReply:
    """The provider's event stream for ``plan`` with a ``data: {bad`` line after 3 text deltas."""
    events = _stream_events(plan)
    bad: str | tuple[str | None, str] = (
        ("content_block_delta", "{bad") if plan.provider == "anthropic" else "{bad"
    )
    position = _FIRST_DELTA[plan.provider] + _MALFORMED_AFTER_DELTAS
    return SSEReply(events=[*events[:position], bad, *events[position:]])


# Events sent before the cut: a stream cut early has sent no text delta (OpenAI's role chunk, nothing for
# Gemini, message_start for Anthropic); one cut late has sent 5 text deltas.
_EARLY_CUT = {"openai": 1, "anthropic": 1, "google": 0}
_FIRST_DELTA = {"openai": 1, "anthropic": 3, "google": 0}


def cut_reply(plan: CallPlan, cut_after: int) -> SSEReply:
    """The provider's event stream for ``plan``, broken off (connection closed) after ``cut_after`` events."""
    chunks = answer_chunks(plan.answer_label)
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
