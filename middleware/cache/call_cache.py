"""CacheMiddleware: answer repeated model calls from a store, and replay recorded streams exactly.

Place it outermost (``wrap_model(model, [CacheMiddleware(...), ...])``). The key is computed from the
params the terminal model will actually receive (:func:`pipeline.chain.resolve_params` asks the model,
through :meth:`~pipeline.model.LanguageModel.resolve_params`, to run the ``transform_params`` of every
layer inside the cache; a miss then reuses those results), so options injected inside the cache are
part of the key; keep inner ``transform_params`` deterministic. The key also covers who answers
(:attr:`~pipeline.model.LanguageModel.endpoint_identity`: provider, base URL and a one-way digest of
the API key, organization, project and constructor headers), so models of two tenants never share an
entry, unless ``share_across_credentials=True`` says they should. A model that lacks either member
(e.g. a hand-written wrapper) raises :class:`~pipeline.errors.InvalidArgumentError` instead of being
cached under a key that could mix tenants or miss what it changes.

* generate: a hit returns the stored result without calling the model; a miss calls it and stores a
  successful result; the store is read once per call (a retry attempt of ``generate_text`` /
  ``stream_text``, marked in ``providerOptions.modelpipe.attempt``, goes straight to the model);
* stream: a miss passes the parts through as they arrive while recording them, and stores the
  recording only if the consumer read it to the end, a finish part was seen, no error part or exception
  occurred and the size cap was kept; a hit replays the same parts in the same order (optionally paced);
* finish reasons ``error`` and ``other`` are never stored; ``length`` / ``content-filter`` only when
  listed in ``cache_finish_reasons``;
* a broken, slow or full store never fails the call (see :mod:`middleware.cache.access`): every store
  operation has a deadline, and a failure logs a warning on the ``modelpipe.cache`` logger and counts
  an error;
* single flight (generate only): concurrent identical misses in one process make one model call, the
  others wait for it and reuse its result. If that call fails (or is cancelled), one waiter becomes
  the new lead and the others keep waiting for it; if it answered with a result that is not cached,
  the waiters make their own calls. Concurrent identical stream misses each make their own call,
  because a waiter would otherwise depend on another consumer reading its stream to the end;
* a prompt with URL attachments the model fetches itself is not cached in read-write mode (what is
  behind a URL can change) unless ``cache_url_attachments=True``; record and replay modes cache it;
* per call, ``providerOptions={"modelpipe": {"cache": "bypass"}}`` skips the cache entirely and
  ``"refresh"`` calls the model and overwrites the entry (this option is not part of the key);
* ``mode="replay"`` never calls the model (per-call flags are ignored): a miss raises
  :class:`~pipeline.errors.CacheMissError`, so a test suite can run from recorded answers;
  ``mode="record"`` always calls the model and stores.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, get_args

import anyio
import anyio.lowlevel

from pipeline import control
from pipeline.chain import Middleware, WrapContext, forget_resolved_params, resolve_params
from pipeline.control import CacheFlag
from pipeline.errors import CacheMissError
from pipeline.model import EndpointIdentity, endpoint_identity_of
from pipeline.params import CallParams
from pipeline.prompt import TextPart, UserMessage
from pipeline.result import FileContent, FinishReason, GenerateResult
from pipeline.stream import (
    ErrorPart,
    FinishPart,
    ReasoningDeltaPart,
    StreamPart,
    StreamResult,
    TextDeltaPart,
    ToolInputDeltaPart,
)

from ..observe.observer import retry_attempt
from .access import GuardedStore
from .codec import (
    DELTA_AFTER,
    StreamRecording,
    decode_generate,
    decode_stream,
    encode_generate,
    encode_packed_stream,
)
from .key import KeyFunction, cache_key, has_url_attachments
from .stores import CacheStore, DiskStore

if TYPE_CHECKING:
    from pipeline.embed import EmbedParams  # annotations only: the embedding API loads when used

__all__ = [
    "DEFAULT_CACHE_FINISH_REASONS",
    "CacheFlag",
    "CacheMiddleware",
    "CacheMode",
    "CacheStats",
    "cache_flag",
    "default_cache_directory",
]

logger = logging.getLogger("modelpipe.cache")

CacheMode = Literal["read-write", "replay", "record"]

DEFAULT_CACHE_FINISH_REASONS: frozenset[FinishReason] = frozenset({"stop", "tool-calls"})
_NEVER_CACHED: frozenset[FinishReason] = frozenset({"error", "other"})


@dataclass(frozen=True)
class CacheStats:
    """Counters since the middleware was created.

    ``hits``: calls answered without a model call (including single-flight waiters that reused a
    concurrent call's result); ``misses``: cache lookups that led to a model call (refresh and record
    included, bypass not); ``writes``: entries handed to the store to write (a write-behind store such
    as the default :class:`~middleware.cache.stores.DiskStore` commits them later, and counts a write that
    then fails in its own ``write_failures``); ``errors``: store failures and corrupt entries.
    """

    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0


def default_cache_directory() -> Path:
    """``$MODELPIPE_CACHE_DIR``, else ``modelpipe`` under ``$XDG_CACHE_HOME`` (default ``~/.cache``)."""
    explicit = os.environ.get("MODELPIPE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "modelpipe"


def cache_flag(params: CallParams | EmbedParams) -> CacheFlag | None:
    """The per-call cache control in ``providerOptions.modelpipe.cache`` (``None`` when not set)."""
    return control.cache_flag(params.provider_options)


class _Flight:
    """One in-progress generate miss that identical concurrent calls can wait for.

    The event is made by the first waiter (most misses have none); the lead lands the flight after
    removing it from the table, so a waiter that found it there is waiting before it lands.
    ``answered``: the model returned a result; ``result``: that result, when it may be reused.
    """

    __slots__ = ("_done", "_landed", "answered", "result")

    def __init__(self) -> None:
        self._done: anyio.Event | None = None
        self._landed = False
        self.answered = False
        self.result: GenerateResult | None = None

    async def wait(self) -> None:
        """Wait until the lead call has landed."""
        if self._landed:
            return
        if self._done is None:
            self._done = anyio.Event()
        await self._done.wait()

    def land(self) -> None:
        """Wake the waiters: the lead call is over (``result`` is set if it can be reused)."""
        self._landed = True
        if self._done is not None:
            self._done.set()


class _Counters:
    __slots__ = ("hits", "misses")

    def __init__(self) -> None:
        self.hits = self.misses = 0


class CacheMiddleware(Middleware):
    """Caches generate results and stream recordings in a :class:`~middleware.cache.stores.CacheStore`.

    ``store`` defaults to a :class:`~middleware.cache.stores.DiskStore` in :func:`default_cache_directory`.
    ``ttl`` (seconds) bounds an entry's life; ``namespace`` separates tenants or test suites (models
    with different credentials or base URLs are kept apart anyway; ``share_across_credentials=True``
    lets models that differ only in their credentials share entries, e.g. several keys of one
    organization); ``key_function`` replaces :func:`~middleware.cache.key.cache_key`;
    ``store_timeout`` is the deadline of each store operation; ``max_entry_bytes`` caps one stored
    entry; ``replay_delay`` paces replayed stream parts (seconds before each part);
    ``cache_url_attachments`` caches calls whose prompt holds URLs the model fetches itself.
    """

    def __init__(
        self,
        store: CacheStore | None = None,
        *,
        mode: CacheMode = "read-write",
        ttl: float | None = None,
        namespace: str | None = None,
        cache_finish_reasons: Collection[FinishReason] = DEFAULT_CACHE_FINISH_REASONS,
        max_entry_bytes: int = 8 * 2**20,
        replay_delay: float = 0.0,
        store_timeout: float = 0.25,
        single_flight: bool = True,
        cache_url_attachments: bool = False,
        share_across_credentials: bool = False,
        key_function: KeyFunction = cache_key,
    ) -> None:
        if mode not in get_args(CacheMode):
            raise ValueError(f"mode must be one of {get_args(CacheMode)}, got {mode!r}")
        refused = _NEVER_CACHED.intersection(cache_finish_reasons)
        if refused:
            raise ValueError(f"finish reasons {sorted(refused)} are never cached")
        self.store: CacheStore = store if store is not None else DiskStore(default_cache_directory())
        self.mode = mode
        self.ttl = ttl
        self.namespace = namespace
        self.cache_finish_reasons = frozenset(cache_finish_reasons)
        self.max_entry_bytes = max_entry_bytes
        self.replay_delay = replay_delay
        self.store_timeout = store_timeout
        self.single_flight = single_flight
        self.cache_url_attachments = cache_url_attachments
        self.share_across_credentials = share_across_credentials
        self.key_function = key_function
        self._access = GuardedStore(
            self.store, timeout=store_timeout, ttl=ttl, max_entry_bytes=max_entry_bytes
        )
        self._counters = _Counters()
        self._flights: dict[tuple[object, str], _Flight] = {}

    @property
    def stats(self) -> CacheStats:
        """A snapshot of the counters."""
        c, access = self._counters, self._access
        return CacheStats(hits=c.hits, misses=c.misses, writes=access.writes, errors=access.errors)

    async def clear(self) -> None:
        """Remove every entry from the store (store errors propagate here)."""
        await self.store.clear()

    def endpoint_for(self, call: WrapContext) -> EndpointIdentity:
        """Who answers ``call`` as far as the key is concerned (see ``share_across_credentials``)."""
        identity = endpoint_identity_of(call.model)
        return identity.shared_across_credentials() if self.share_across_credentials else identity

    async def key_for(self, call: WrapContext) -> str:
        """The cache key of ``call``: over who answers, and the params the terminal model will receive."""
        endpoint = self.endpoint_for(call)
        effective = await resolve_params(call.model, call.type, call.params)
        return self.key_function(
            call.model.provider,
            call.model.model_id,
            call.type,
            effective,
            namespace=self.namespace,
            endpoint=endpoint,
        )

    def _flag(self, params: CallParams) -> CacheFlag | None:
        """The call's cache flag (read once per call; replay mode has none)."""
        return None if self.mode == "replay" else cache_flag(params)

    def _passes_through(self, call: WrapContext, flag: CacheFlag | None) -> bool:
        """Whether this call skips the cache (a bypass flag, or an uncacheable URL prompt)."""
        if self.mode == "replay":
            return False
        if flag == "bypass":
            return True
        return (
            self.mode == "read-write" and not self.cache_url_attachments and has_url_attachments(call.params)
        )

    def _looks_up(self, params: CallParams, flag: CacheFlag | None) -> bool:
        """Whether this call reads the store first: always in replay mode; in read-write mode unless
        refreshing, or retrying (the first attempt looked already: one lookup per call)."""
        if self.mode == "replay":
            return True
        return self.mode == "read-write" and flag is None and retry_attempt(params) == 1

    # -- generate ---------------------------------------------------------------------------------

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        flag = self._flag(call.params)
        if self._passes_through(call, flag):
            return await call.do_generate()
        key = await self.key_for(call)
        if self._looks_up(call.params, flag):
            cached = await self._access.load(key, decode_generate)
            if cached is not None or self.mode == "replay":
                forget_resolved_params()  # no model call follows
            if cached is not None:
                self._counters.hits += 1
                return _marked(cached, "hit")
            if self.mode == "replay":
                self._counters.misses += 1
                raise _missed(key, call)
        lead = _flight_key(key) if self.single_flight else None
        while lead is not None and (flight := self._flights.get(lead)) is not None:
            await flight.wait()
            if flight.result is not None:
                self._counters.hits += 1
                return _marked(flight.result, "hit")
            if flight.answered:
                lead = None  # an answer that is not cached: every waiter asks on its own
            # Otherwise the lead failed: the first waiter to run finds no flight and leads the next
            # one (no await between the lookup and taking the lead), the others wait for it.
        self._counters.misses += 1
        return _marked(await self._generate_and_store(key, lead, call), "miss")

    async def _generate_and_store(
        self, key: str, lead: tuple[object, str] | None, call: WrapContext
    ) -> GenerateResult:
        """Call the model (as the flight's lead when ``lead`` is set) and store a cacheable result."""
        flight = _Flight()
        if lead is not None:
            self._flights[lead] = flight
        try:
            result = await call.do_generate()
            flight.answered = True
            cacheable = result.finish_reason in self.cache_finish_reasons
            if cacheable:
                flight.result = result
        finally:
            if lead is not None:
                del self._flights[lead]
                flight.land()
        if cacheable:
            await self._access.save(key, lambda: encode_generate(key, result))
        return result

    # -- stream -----------------------------------------------------------------------------------

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        flag = self._flag(call.params)
        if self._passes_through(call, flag):
            return await call.do_stream()
        key = await self.key_for(call)
        if self._looks_up(call.params, flag):
            recording = await self._access.load(key, decode_stream)
            if recording is not None or self.mode == "replay":
                forget_resolved_params()  # no model call follows
            if recording is not None:
                self._counters.hits += 1
                return StreamResult(
                    stream=self._replay(recording), request=recording.request, response=recording.response
                )
            if self.mode == "replay":
                self._counters.misses += 1
                raise _missed(key, call)
        self._counters.misses += 1
        inner = await call.do_stream()
        return StreamResult(stream=self._record(key, inner), request=inner.request, response=inner.response)

    async def _replay(self, recording: StreamRecording) -> AsyncGenerator[StreamPart, None]:
        for part in recording.parts:
            if self.replay_delay > 0:
                await anyio.sleep(self.replay_delay)
            yield _marked(part, "hit") if isinstance(part, FinishPart) else part

    async def _record(self, key: str, inner: StreamResult) -> AsyncGenerator[StreamPart, None]:
        # The recording is kept packed as it arrives: a delta that continues the part before it is kept
        # as its bare string, so the write has nothing to pack. This is the rule of
        # :func:`~middleware.cache.codec.pack_parts` written inline (a call per part would cost more than
        # packing saves); a test checks that the stored entry is the codec's own encoding of the parts.
        recording: list[str | StreamPart] = []
        keep = recording.append
        continued: type[StreamPart] | None = None  # the kind of delta that continues the last kept part
        continued_id: str | None = None
        size = 0
        limit = self.max_entry_bytes
        storable = True
        finish: FinishPart | None = None
        source = inner.stream
        ended = False
        try:
            async for part in source:
                kind = type(part)
                if kind is continued:  # most parts: a delta of the block being recorded
                    delta: Any = part
                    text = delta.delta
                    grown = size + len(text) + 64
                    if delta.id == continued_id and delta.provider_metadata is None and grown <= limit:
                        size = grown
                        keep(text)
                        yield part
                        continue
                if storable:
                    size += len(cast(Any, part).delta) + 64 if kind in _DELTAS else _approximate_size(part)
                    if kind is ErrorPart or size > limit:
                        storable = False
                        continued = None
                        recording.clear()
                        if kind is not ErrorPart:
                            logger.debug("stream for cache key %s exceeds max_entry_bytes; not stored", key)
                    else:
                        keep(part)
                        continued = DELTA_AFTER.get(kind)
                        if continued is not None:
                            continued_id = cast(Any, part).id
                if kind is FinishPart:
                    finish = cast(FinishPart, part)
                    yield _marked(finish, "miss")
                else:
                    yield part
            ended = True
        finally:
            if ended:  # an exhausted generator has nothing to close: no shield (about 5 us) needed
                await source.aclose()
            else:
                with anyio.CancelScope(shield=True):
                    await source.aclose()
        # Reached only when the consumer read the stream to its end without an exception.
        if storable and finish is not None and finish.finish_reason in self.cache_finish_reasons:
            await self._access.save(
                key, lambda: encode_packed_stream(key, recording, inner.request, inner.response)
            )


_Marked = TypeVar("_Marked", GenerateResult, FinishPart)


def _marked(item: _Marked, status: Literal["hit", "miss"]) -> _Marked:
    """``item`` marked with how the cache answered, for observers further out."""
    return item.model_copy(
        update={"provider_metadata": control.with_cache_status(item.provider_metadata, status)}
    )


def _flight_key(key: str) -> tuple[object, str]:
    """Flights are per event loop: a waiter can only wait on an event of its own loop."""
    try:
        loop: object = asyncio.get_running_loop()
    except RuntimeError:  # trio
        loop = anyio.lowlevel.current_token()
    return (loop, key)


def _approximate_size(part: StreamPart) -> int:
    """A cheap estimate of the stored size of a part that is not a delta, to bound memory while recording
    (a delta is its text + 64)."""
    if isinstance(part, FileContent):
        return len(part.data if isinstance(part.data, str | bytes) else str(part.data)) + 256
    return 256


_DELTAS = frozenset({TextDeltaPart, ReasoningDeltaPart, ToolInputDeltaPart})


_PREVIEW_CHARACTERS = 60


def _missed(key: str, call: WrapContext) -> CacheMissError:
    """The replay miss, naming the model and the start of the last user message (what a reader needs to
    find the call that was never recorded)."""
    return CacheMissError(
        key, model=f"{call.model.provider}:{call.model.model_id}", preview=_prompt_preview(call.params)
    )


def _prompt_preview(params: CallParams) -> str | None:
    for message in reversed(params.prompt):
        if isinstance(message, UserMessage):
            content = message.content
            text = (
                content
                if isinstance(content, str)
                else " ".join(part.text for part in content if isinstance(part, TextPart))
            )
            text = " ".join(text.split())
            return text if len(text) <= _PREVIEW_CHARACTERS else f"{text[: _PREVIEW_CHARACTERS - 3]}..."
    return None
