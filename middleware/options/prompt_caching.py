"""PromptCachingMiddleware: one portable prompt-caching policy, mapped to each provider's mechanism.

A :class:`PromptCachePolicy` says what to cache: the system prompt, the tool definitions, the first N
messages, the last N messages, and the messages, parts or tools marked with :func:`mark_for_cache`.
The middleware maps it onto the model it wraps (by the model's provider id):

- **Anthropic** (``anthropic.*``): ``cacheControl`` breakpoints, at most four per request (the API's
  limit, counting the ones already set). Priority when over the limit: tools, system, marked items,
  the last messages (latest first), the first messages; the rest are dropped with an
  ``unsupported`` warning on the result. The TTL becomes ``{"type": "ephemeral"}`` (5 minutes) or
  ``{"type": "ephemeral", "ttl": "1h"}`` (a policy TTL over five minutes), and a later breakpoint
  never has a longer TTL than an earlier one (the API's ordering rule).
- **OpenAI** (``openai.*``): ``prompt_cache_key`` (the policy's ``key``, or a hash of the cached
  prefix, so calls sharing it land on the same cache) and ``prompt_cache_retention`` (``"24h"`` for a
  TTL over one hour, else ``"in_memory"``). Options already set win.
- **Gemini** (``google.*``): implicit caching needs nothing sent (a stable prefix is reused by the
  service). With ``gemini="explicit"`` and a ``gemini_cache`` (e.g.
  :class:`providers.google.cached_content.GeminiCachedContents`), the cached prefix (system, tools,
  first N messages) is stored as a ``cachedContent`` (created once, reused, recreated after it expires)
  and the call sends only the rest plus ``cachedContent`` (the system prompt and tools always go in the
  cached content: the API refuses them beside one).

Every provider reports the cache in the same place: ``usage.input_token_details.cache_read_tokens``
and ``cache_write_tokens``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

from pipeline._base import ProviderOptions
from pipeline.chain import Middleware, TransformContext, WrapContext
from pipeline.control import NAMESPACE
from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams, FunctionTool
from pipeline.prompt import Message, SystemMessage
from pipeline.result import CallWarning, GenerateResult
from pipeline.stream import StreamPart, StreamResult, StreamStartPart

from .provider_options import with_provider_options

__all__ = [
    "MAX_ANTHROPIC_BREAKPOINTS",
    "ExplicitContextCache",
    "PromptCachePolicy",
    "PromptCachingMiddleware",
    "apply_anthropic",
    "apply_openai",
    "cached_prefix",
    "mark_for_cache",
]

MAX_ANTHROPIC_BREAKPOINTS = 4
_MARK = "promptCache"
"""``provider_options["modelpipe"]["promptCache"]``: a mark from :func:`mark_for_cache` (``{"ttl": s}``)."""
_DROPPED = "promptCacheDropped"
"""Control option set by the middleware: how many breakpoints went over Anthropic's limit."""
_FIVE_MINUTES = 300.0
_ONE_HOUR = 3600.0

Item = TypeVar("Item", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PromptCachePolicy:
    """What to cache, for every provider.

    ``system`` / ``tools``: the system prompt / the tool definitions. ``first_messages``: the first N
    non-system messages (a stable preamble, few-shot examples, a long document). ``last_messages``: the
    last N non-system messages (a growing conversation: each turn reads the previous turn's cache).
    ``marked``: honour :func:`mark_for_cache`. ``ttl`` (seconds): how long entries should live, ``None``
    for the provider default. ``key``: OpenAI's ``prompt_cache_key`` (default: a hash of the cached
    prefix). ``gemini``: ``"implicit"`` (send nothing) or ``"explicit"`` (a ``cachedContent``).
    ``roles``: which messages ``first_messages`` / ``last_messages`` count (default all but system).
    """

    system: bool = True
    tools: bool = True
    first_messages: int = 0
    last_messages: int = 0
    marked: bool = True
    ttl: float | None = None
    key: str | None = None
    gemini: Literal["implicit", "explicit"] = "implicit"
    roles: frozenset[str] | None = None

    def __post_init__(self) -> None:
        for name in ("first_messages", "last_messages"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidArgumentError(
                    f"PromptCachePolicy.{name}", f"must be an integer >= 0, got {value!r}"
                )
        if self.ttl is not None and (
            isinstance(self.ttl, bool) or not isinstance(self.ttl, int | float) or not self.ttl > 0
        ):
            raise InvalidArgumentError(
                "PromptCachePolicy.ttl", f"must be a positive number of seconds, got {self.ttl!r}"
            )
        if self.gemini not in ("implicit", "explicit"):
            raise InvalidArgumentError(
                "PromptCachePolicy.gemini", f"must be 'implicit' or 'explicit', got {self.gemini!r}"
            )


def mark_for_cache(item: Item, *, ttl: float | None = None) -> Item:
    """``item`` (a message, a content part or a :class:`FunctionTool`) marked as a cache breakpoint."""
    if ttl is not None and not ttl > 0:
        raise InvalidArgumentError("ttl", f"must be a positive number of seconds, got {ttl!r}")
    return with_provider_options(item, {NAMESPACE: {_MARK: {"ttl": ttl}}})


def _mark_of(item: Any) -> dict[str, Any] | None:
    controls = (getattr(item, "provider_options", None) or {}).get(NAMESPACE)
    mark = controls.get(_MARK) if isinstance(controls, Mapping) else None
    return dict(mark) if isinstance(mark, Mapping) else None


def _has_anthropic_mark(item: Any) -> bool:
    section = (getattr(item, "provider_options", None) or {}).get("anthropic") or {}
    return isinstance(section, Mapping) and ("cacheControl" in section or "cache_control" in section)


# --- which items the policy selects ------------------------------------------------------------------


def _conversation(params: CallParams, policy: PromptCachePolicy) -> list[int]:
    """Indexes of the messages ``first_messages`` / ``last_messages`` count."""
    return [
        index
        for index, message in enumerate(params.prompt)
        if not isinstance(message, SystemMessage) and (policy.roles is None or message.role in policy.roles)
    ]


def _last_system(prompt: Sequence[Message]) -> int | None:
    found = [index for index, message in enumerate(prompt) if isinstance(message, SystemMessage)]
    return found[-1] if found else None


def _first_count(params: CallParams, policy: PromptCachePolicy) -> int:
    """How many leading prompt messages the cached prefix holds (system messages and the first N)."""
    conversation = _conversation(params, policy)
    last_system = _last_system(params.prompt)
    end = -1 if last_system is None or not policy.system else last_system
    if policy.first_messages and conversation:
        end = max(end, conversation[min(policy.first_messages, len(conversation)) - 1])
    return end + 1


def cached_prefix(params: CallParams, policy: PromptCachePolicy) -> CallParams:
    """The part of ``params`` the policy caches as one prefix: system messages (when ``system``), the
    first N messages and the tools (when ``tools``); no settings."""
    prompt = params.prompt[: _first_count(params, policy)]
    if not policy.system:
        prompt = [message for message in prompt if not isinstance(message, SystemMessage)]
    tools = params.tools if policy.tools else None
    return CallParams(prompt=prompt, tools=tools, tool_choice=params.tool_choice if tools else None)


# --- Anthropic ----------------------------------------------------------------------------------------


def _anthropic_ttl(ttl: float | None) -> float:
    return _ONE_HOUR if ttl is not None and ttl > _FIVE_MINUTES else _FIVE_MINUTES


def _cache_control(ttl: float) -> dict[str, Any]:
    return {"type": "ephemeral", "ttl": "1h"} if ttl > _FIVE_MINUTES else {"type": "ephemeral"}


@dataclass(frozen=True, slots=True)
class _Target:
    """A breakpoint: a tool (``tool``), a message (``message``) or a part of one (``message``, ``part``)."""

    tool: int | None = None
    message: int | None = None
    part: int | None = None
    ttl: float = _FIVE_MINUTES

    def order(self) -> tuple[int, int, int]:
        """Where the breakpoint sits in Anthropic's request: tools, then system, then messages."""
        if self.tool is not None:
            return (0, self.tool, 0)
        return (1, self.message or 0, -1 if self.part is None else self.part)


def _anthropic_targets(params: CallParams, policy: PromptCachePolicy) -> list[_Target]:
    """The policy's breakpoints in priority order (duplicates removed)."""
    ttl = _anthropic_ttl(policy.ttl)
    wanted: list[_Target] = []
    tools = params.tools or []
    function_tools = [index for index, tool in enumerate(tools) if isinstance(tool, FunctionTool)]
    if policy.tools and function_tools:
        wanted.append(_Target(tool=function_tools[-1], ttl=ttl))
    last_system = _last_system(params.prompt)
    if policy.system and last_system is not None:
        wanted.append(_Target(message=last_system, ttl=ttl))
    if policy.marked:
        for index, tool in enumerate(tools):
            if (mark := _mark_of(tool)) is not None:
                wanted.append(_Target(tool=index, ttl=_anthropic_ttl(mark.get("ttl") or policy.ttl)))
        for index, message in enumerate(params.prompt):
            if (mark := _mark_of(message)) is not None:
                wanted.append(_Target(message=index, ttl=_anthropic_ttl(mark.get("ttl") or policy.ttl)))
            for position, part in enumerate(getattr(message, "content", None) or []):
                if not isinstance(part, str) and (mark := _mark_of(part)) is not None:
                    wanted.append(
                        _Target(
                            message=index, part=position, ttl=_anthropic_ttl(mark.get("ttl") or policy.ttl)
                        )
                    )
    conversation = _conversation(params, policy)
    if policy.last_messages:
        wanted.extend(
            _Target(message=index, ttl=ttl) for index in reversed(conversation[-policy.last_messages :])
        )
    if policy.first_messages and conversation:
        wanted.append(
            _Target(message=conversation[min(policy.first_messages, len(conversation)) - 1], ttl=ttl)
        )
    seen: set[tuple[int | None, int | None, int | None]] = set()
    unique = []
    for target in wanted:
        spot = (target.tool, target.message, target.part)
        if spot not in seen:
            seen.add(spot)
            unique.append(target)
    return unique


def _item_of(params: CallParams, target: _Target) -> Any:
    """The tool, message or message part a target names."""
    if target.tool is not None:
        return (params.tools or [])[target.tool]
    message = params.prompt[target.message or 0]
    return message if target.part is None else message.content[target.part]


def _existing_breakpoints(params: CallParams) -> int:
    count = sum(_has_anthropic_mark(tool) for tool in params.tools or [])
    for message in params.prompt:
        count += _has_anthropic_mark(message)
        count += sum(
            _has_anthropic_mark(part)
            for part in getattr(message, "content", None) or []
            if not isinstance(part, str)
        )
    return count


def apply_anthropic(
    params: CallParams, policy: PromptCachePolicy, *, cache_control: Mapping[str, Any] | None = None
) -> tuple[CallParams, int]:
    """``params`` with the policy's ``cacheControl`` breakpoints, and how many went over the limit.

    Options already on an item win. ``cache_control`` replaces the value derived from the TTL.
    """
    targets = [  # an item that already has a breakpoint keeps it and is counted once, below
        target
        for target in _anthropic_targets(params, policy)
        if not _has_anthropic_mark(_item_of(params, target))
    ]
    if not targets:
        return params, 0
    room = max(0, MAX_ANTHROPIC_BREAKPOINTS - _existing_breakpoints(params))
    chosen, dropped = targets[:room], len(targets[room:])
    chosen.sort(key=_Target.order)
    longest = _ONE_HOUR
    tools = list(params.tools or [])
    prompt = list(params.prompt)
    for target in chosen:
        ttl = min(target.ttl, longest)  # a longer TTL may not follow a shorter one
        longest = ttl
        marker: ProviderOptions = {"anthropic": {"cacheControl": dict(cache_control or _cache_control(ttl))}}
        if target.tool is not None:
            tools[target.tool] = with_provider_options(tools[target.tool], marker)
        elif target.message is not None and target.part is None:
            prompt[target.message] = with_provider_options(prompt[target.message], marker)
        elif target.message is not None and target.part is not None:
            message = prompt[target.message]
            content = list(getattr(message, "content", []))
            content[target.part] = with_provider_options(content[target.part], marker)
            prompt[target.message] = message.model_copy(update={"content": content})
    update: dict[str, Any] = {"prompt": prompt}
    if params.tools is not None:
        update["tools"] = tools
    return params.model_copy(update=update), dropped


# --- OpenAI ------------------------------------------------------------------------------------------


def _prefix_key(prefix: CallParams) -> str:
    dumped = prefix.model_dump(mode="json", exclude_none=True)
    digest = hashlib.sha256(json.dumps(dumped, sort_keys=True).encode()).hexdigest()
    return f"modelpipe-{digest[:32]}"


def apply_openai(params: CallParams, policy: PromptCachePolicy) -> CallParams:
    """``params`` with ``promptCacheKey`` and ``promptCacheRetention`` (options already set win)."""
    key = policy.key or _prefix_key(cached_prefix(params, policy))
    options: dict[str, Any] = {"promptCacheKey": key}
    if policy.ttl is not None:
        options["promptCacheRetention"] = "24h" if policy.ttl > _ONE_HOUR else "in_memory"
    return with_provider_options(params, {"openai": options})


# --- Gemini ------------------------------------------------------------------------------------------


class ExplicitContextCache(Protocol):
    """Stores a prompt prefix as provider-side cached content and names it (Gemini ``cachedContents``)."""

    async def cached_content(self, model_id: str, prefix: CallParams, ttl: float | None) -> str:
        """The name of cached content holding ``prefix`` for ``model_id`` (created, or reused while alive)."""
        ...


async def _apply_gemini_explicit(
    params: CallParams, policy: PromptCachePolicy, model_id: str, cache: ExplicitContextCache
) -> CallParams:
    # A request naming a cachedContent may not also send a system instruction or tools: both go in it.
    prefix = cached_prefix(params, dataclasses.replace(policy, system=True, tools=True))
    if not prefix.prompt and not prefix.tools:
        return params
    name = await cache.cached_content(model_id, prefix, policy.ttl)
    cached_ids = {id(message) for message in prefix.prompt}
    rest = [message for message in params.prompt if id(message) not in cached_ids]
    update: dict[str, Any] = {"prompt": rest}
    if prefix.tools:
        update["tools"] = None
        update["tool_choice"] = None
    return with_provider_options(params.model_copy(update=update), {"google": {"cachedContent": name}})


# --- the middleware ------------------------------------------------------------------------------------


def _family(provider: str) -> str:
    return provider.split(".")[0].lower()


def _with_dropped(params: CallParams, dropped: int) -> CallParams:
    return with_provider_options(params, {NAMESPACE: {_DROPPED: dropped}}) if dropped else params


def _dropped_warning(params: CallParams) -> CallWarning | None:
    controls = (params.provider_options or {}).get(NAMESPACE)
    dropped = controls.get(_DROPPED) if isinstance(controls, Mapping) else None
    if not dropped:
        return None
    return CallWarning(
        type="unsupported",
        feature="cacheControl breakpoint limit",
        details=(
            f"the prompt-caching policy asked for {dropped} breakpoint(s) over Anthropic's limit of "
            f"{MAX_ANTHROPIC_BREAKPOINTS}; the lowest-priority ones were left out"
        ),
    )


class PromptCachingMiddleware(Middleware):
    """Applies a :class:`PromptCachePolicy` to each call, in the wrapped provider's own terms.

    ``gemini_cache`` is needed for ``policy.gemini == "explicit"`` (an :class:`ExplicitContextCache`,
    e.g. ``providers.google.cached_content.GeminiCachedContents``). Other providers pass unchanged.
    """

    def __init__(
        self, policy: PromptCachePolicy | None = None, *, gemini_cache: ExplicitContextCache | None = None
    ) -> None:
        self.policy = policy or PromptCachePolicy()
        if self.policy.gemini == "explicit" and gemini_cache is None:
            raise InvalidArgumentError(
                "gemini_cache",
                "PromptCachePolicy(gemini='explicit') needs a gemini_cache to store the prefix in",
            )
        self.gemini_cache = gemini_cache

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        family = _family(ctx.model.provider)
        if family == "anthropic":
            params, dropped = apply_anthropic(ctx.params, self.policy)
            return _with_dropped(params, dropped)
        if family == "openai":
            return apply_openai(ctx.params, self.policy)
        if family == "google" and self.policy.gemini == "explicit" and self.gemini_cache is not None:
            return await _apply_gemini_explicit(
                ctx.params, self.policy, ctx.model.model_id, self.gemini_cache
            )
        return ctx.params

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        result = await call.do_generate()
        warning = _dropped_warning(call.params)
        return (
            result if warning is None else result.model_copy(update={"warnings": [*result.warnings, warning]})
        )

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        result = await call.do_stream()
        warning = _dropped_warning(call.params)
        if warning is None:
            return result

        return StreamResult(
            stream=_warned(result.stream, warning), request=result.request, response=result.response
        )


async def _warned(
    source: AsyncGenerator[StreamPart, None], warning: CallWarning
) -> AsyncGenerator[StreamPart, None]:
    """``source`` with ``warning`` added to its stream-start part."""
    try:
        async for part in source:
            if isinstance(part, StreamStartPart):
                part = part.model_copy(update={"warnings": [*part.warnings, warning]})
            yield part
    finally:
        await source.aclose()
