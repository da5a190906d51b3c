"""generate_text() and stream_text(): the async entry points.

Each call validates the prompt and settings before any I/O, normalizes the prompt, downloads the
attachments the model cannot fetch itself, then calls the model (with its middleware chain) under the
retry policy. Retries re-run the whole chain.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Unpack

import anyio

from pipeline.download import DownloadFunction, download_attachments

from . import control
from .approval import CollectedApprovals, approval_requests, collect_tool_approvals, resume_approvals
from .errors import InvalidArgumentError
from .model import LanguageModel
from .normalize import normalize_prompt
from .params import CallParams, FunctionTool, ProviderTool
from .prompt import Message, SystemMessage, ToolMessage
from .registry import resolve_model
from .response_messages import to_response_messages
from .result import GenerateResult, ToolApprovalRequestContent, ToolCallContent, ToolResultContent
from .retry import RetryPolicy, retry_policy, with_retries
from .settings import CallSettings, build_call_params, checked_keywords
from .standardize import standardize_prompt_with_paths
from .stream import FinishPart, StreamCollector, StreamPart, StreamResult
from .stream_text_result import FinishCallback, StreamTextResult
from .text_result import GenerateTextResult
from .tools import Tool, ToolSet, execute_tool_calls

__all__ = [
    "StopCondition",
    "ToolsInput",
    "executable_tools",
    "generate_text",
    "prepare_call",
    "stream_text",
]

PromptInput = str | Sequence[Message | Mapping[str, Any]]
SystemInput = str | SystemMessage | Mapping[str, Any] | Sequence[SystemMessage | Mapping[str, Any]]

ToolsInput = (
    Sequence[Tool | FunctionTool | ProviderTool | Mapping[str, Any]] | Mapping[str, Tool | ProviderTool]
)
"""Tools to run (:class:`Tool`), to send only (definitions), or for the provider to run
(:class:`ProviderTool`); as a mapping, each key names its tool."""
StopCondition = Callable[[list[GenerateResult]], bool]
"""Called after each step with the steps so far; ``True`` ends the tool loop."""

_CONTENT_FREE_PARTS = frozenset(
    {"stream-start", "response-metadata", "raw", "text-start", "reasoning-start", "tool-input-start"}
)
"""Parts that hand out no content: a stream that fails after only these may still be retried."""
_TOOL_FINISH_REASONS = frozenset({"stop", "tool-calls"})


def prepare_call(
    *,
    system: SystemInput | None = None,
    instructions: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    tools: ToolsInput | None = None,
    **settings: Unpack[CallSettings],
) -> CallParams:
    """Validate and normalize a call's prompt and settings into :class:`CallParams` (no I/O)."""
    return _prepare(
        system=system, instructions=instructions, prompt=prompt, messages=messages, tools=tools, **settings
    )[0]


def _prepare(
    *,
    system: SystemInput | None,
    instructions: SystemInput | None,
    prompt: PromptInput | None,
    messages: Sequence[Message | Mapping[str, Any]] | None,
    tools: ToolsInput | None,
    **settings: Unpack[CallSettings],
) -> tuple[CallParams, CollectedApprovals]:
    """:func:`prepare_call`, plus the tool approvals the prompt's last message answers."""
    standardized, paths = standardize_prompt_with_paths(
        system=system, prompt=prompt, messages=messages, instructions=instructions
    )
    approvals = collect_tool_approvals(standardized)
    definitions = (
        None if tools is None else [*executable_tools(tools).definitions(), *_plain_definitions(tools)]
    )
    params = build_call_params(normalize_prompt(standardized, paths=paths), **settings, tools=definitions)
    return params, approvals


def _with_tool_message(params: CallParams, message: ToolMessage) -> CallParams:
    """``params`` with ``message`` at the end of the prompt (merged into a trailing tool message)."""
    prompt = list(params.prompt)
    if prompt and isinstance(prompt[-1], ToolMessage):
        last = prompt[-1]
        prompt[-1] = last.model_copy(update={"content": [*last.content, *message.content]})
    else:
        prompt.append(message)
    return params.model_copy(update={"prompt": prompt})


def executable_tools(tools: ToolsInput | None) -> ToolSet:
    """The :class:`Tool` objects among ``tools`` (plain definitions are sent but never executed)."""
    if tools is None:
        return ToolSet([])
    if isinstance(tools, Mapping):
        return ToolSet({key: value for key, value in tools.items() if isinstance(value, Tool)})
    return ToolSet([item for item in tools if isinstance(item, Tool)])


def _plain_definitions(tools: ToolsInput) -> list[FunctionTool | ProviderTool | Mapping[str, Any]]:
    if isinstance(tools, Mapping):
        for key, value in tools.items():
            if not isinstance(value, Tool | ProviderTool):
                raise InvalidArgumentError(
                    f"tools[{key!r}]",
                    f"a mapping of tools takes Tool or ProviderTool values, got {type(value).__name__} "
                    "(send a plain definition in a list of tools instead)",
                )
        return [
            value.model_copy(update={"name": key})
            for key, value in tools.items()
            if isinstance(value, ProviderTool)
        ]
    return [item for item in tools if not isinstance(item, Tool)]


def _check_steps(max_steps: int) -> None:
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise InvalidArgumentError("max_steps", "max_steps must be an integer >= 1")


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0
    ):
        raise InvalidArgumentError("timeout", "timeout must be a positive number of seconds")


def _deadline(timeout: float | None) -> AbstractContextManager[object]:
    """``anyio.fail_after(timeout)``; without a timeout no cancel scope at all (it would never fire)."""
    return nullcontext() if timeout is None else anyio.fail_after(timeout)


def _for_attempt(params: CallParams, attempt: int) -> CallParams:
    """Params for retry ``attempt``, marked on the control channel so layers can tell a retry."""
    if attempt == 1:
        return params
    return params.model_copy(
        update={"provider_options": control.with_attempt(params.provider_options, attempt)}
    )


@checked_keywords(CallSettings)
async def generate_text(
    model: LanguageModel | str,
    *,
    system: SystemInput | None = None,
    instructions: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    max_retries: int | RetryPolicy = 2,
    timeout: float | None = None,
    download: DownloadFunction | None = None,
    tools: ToolsInput | None = None,
    max_steps: int = 1,
    stop_when: StopCondition | None = None,
    **settings: Unpack[CallSettings],
) -> GenerateTextResult:
    """Generate text (and tool calls) for a prompt.

    ``model`` is a :class:`LanguageModel` or a model string such as ``"openai/gpt-4o"``. Give
    ``system`` (or ``instructions``, the AI SDK's newer name for it) and exactly one of ``prompt`` /
    ``messages``. Tools with an ``execute`` function run
    when the model calls them; with ``max_steps > 1`` their results go back to the model until it
    answers without tool calls, ``max_steps`` is reached or ``stop_when`` says stop. Every step goes
    through the whole middleware chain. ``max_retries`` is a number of retries or a
    :class:`~pipeline.retry.RetryPolicy` (backoff, jitter, the longest ``Retry-After`` honoured).
    ``timeout`` bounds the whole call, retries included (``TimeoutError``). Cancel the call with
    anyio cancel scopes as usual.
    """
    language_model = resolve_model(model)
    toolset = executable_tools(tools)
    params, approvals = _prepare(
        system=system, instructions=instructions, prompt=prompt, messages=messages, tools=tools, **settings
    )
    policy = retry_policy(max_retries)
    _check_timeout(timeout)
    _check_steps(max_steps)
    steps: list[GenerateResult] = []
    resumed_messages: list[Message] = []
    with _deadline(timeout):
        params = await download_attachments(params, language_model.supported_urls, download=download)
        resumed = await resume_approvals(approvals, toolset)
        if resumed.message is not None:
            params = _with_tool_message(params, resumed.message)
            resumed_messages.append(resumed.message)
        while True:
            result = await _generate_step(language_model, params, policy)
            step, _ = await _run_tools(result, toolset)
            steps.append(step)
            if not _continue_loop(steps, max_steps, stop_when):
                break
            params = params.model_copy(update={"prompt": [*params.prompt, *to_response_messages(step)]})
    return GenerateTextResult(
        steps=steps,
        response_messages=[*resumed_messages, *(m for step in steps for m in to_response_messages(step))],
    )


async def _generate_step(model: LanguageModel, params: CallParams, policy: RetryPolicy) -> GenerateResult:
    """One model call under the retry policy (each attempt re-runs the middleware chain)."""
    return await with_retries(lambda attempt: model.do_generate(_for_attempt(params, attempt)), policy)


async def _run_tools(
    step: GenerateResult, toolset: ToolSet
) -> tuple[GenerateResult, list[ToolApprovalRequestContent | ToolResultContent]]:
    """Run the client tools the step called (in parallel), except those waiting for the user's approval;
    the step with the approval requests and the results appended, and the new parts."""
    calls = _client_tool_calls(step)
    if not calls or step.finish_reason not in _TOOL_FINISH_REASONS:
        return step, []
    requests = await approval_requests(calls, toolset)
    held = {request.tool_call_id for request in requests}
    runnable = [call for call in calls if call.tool_call_id not in held]
    results = [result for result in await execute_tool_calls(runnable, toolset) if result is not None]
    added: list[ToolApprovalRequestContent | ToolResultContent] = [*requests, *results]
    if not added:
        return step, []
    return step.model_copy(update={"content": [*step.content, *added]}), added


def _client_tool_calls(step: GenerateResult) -> list[ToolCallContent]:
    return [call for call in step.tool_calls if not call.provider_executed]


def _continue_loop(steps: list[GenerateResult], max_steps: int, stop_when: StopCondition | None) -> bool:
    """Go on while the last step called client tools that all produced results, within the limits."""
    last = steps[-1]
    calls = _client_tool_calls(last)
    if not calls or len(steps) >= max_steps:
        return False
    answered = {part.tool_call_id for part in last.content if part.type == "tool-result"}
    if any(call.tool_call_id not in answered for call in calls):
        return False
    return not (stop_when is not None and stop_when(steps))


@checked_keywords(CallSettings)
def stream_text(
    model: LanguageModel | str,
    *,
    system: SystemInput | None = None,
    instructions: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    max_retries: int | RetryPolicy = 2,
    timeout: float | None = None,
    download: DownloadFunction | None = None,
    tools: ToolsInput | None = None,
    max_steps: int = 1,
    stop_when: StopCondition | None = None,
    on_finish: FinishCallback | None = None,
    **settings: Unpack[CallSettings],
) -> StreamTextResult:
    """Stream text for a prompt; returns at once, the call starts when the stream is first read.

    Bad input raises here, before any I/O. Read ``result.text_stream`` (text deltas) or
    ``result.full_stream`` (typed parts, tool results included); ``await result.result()`` gives
    the final :class:`GenerateTextResult`, ``await result.text`` / ``result.usage`` ... its fields.
    Use ``async with stream_text(...) as result:`` (or ``aclose()``) to close everything underneath
    when leaving early. Tools and ``max_steps`` work as
    in :func:`generate_text`; ``timeout`` bounds the whole stream.
    """
    language_model = resolve_model(model)
    toolset = executable_tools(tools)
    params, approvals = _prepare(
        system=system, instructions=instructions, prompt=prompt, messages=messages, tools=tools, **settings
    )
    policy = retry_policy(max_retries)
    _check_timeout(timeout)
    _check_steps(max_steps)
    loop = _StreamLoop(language_model, policy, toolset, max_steps, stop_when, approvals)

    def open_stream(result: StreamTextResult) -> AsyncGenerator[StreamPart, None]:
        return loop.run(params, download, result)

    return StreamTextResult(open_stream, on_finish=on_finish, timeout=timeout)


class _StreamLoop:
    """Runs the steps of one streamed call: each step's stream, then its tools, then the next step."""

    def __init__(
        self,
        model: LanguageModel,
        policy: RetryPolicy,
        toolset: ToolSet,
        max_steps: int,
        stop_when: StopCondition | None,
        approvals: CollectedApprovals,
    ) -> None:
        self.model = model
        self.policy = policy
        self.toolset = toolset
        self.max_steps = max_steps
        self.stop_when = stop_when
        self.approvals = approvals

    def run(
        self, params: CallParams, download: DownloadFunction | None, result: StreamTextResult
    ) -> AsyncGenerator[StreamPart, None]:
        """The parts of the whole call (every step, tool results included)."""
        on_open = result.set_stream_metadata
        if not self.toolset.tools and not self.approvals:  # one step, nothing to run: passed straight through
            return _stream_with_retries(
                self.model, params, self.policy, on_open, download=download, hand_over=result.hand_over
            )
        return self._steps(params, download, result)

    async def _steps(
        self, params: CallParams, download: DownloadFunction | None, result: StreamTextResult
    ) -> AsyncGenerator[StreamPart, None]:
        on_open = result.set_stream_metadata
        params = await download_attachments(params, self.model.supported_urls, download=download)
        resumed = await resume_approvals(self.approvals, self.toolset)
        if resumed.message is not None:
            params = _with_tool_message(params, resumed.message)
        result.set_resumed(resumed.message, resumed.parts)
        for resumed_part in resumed.parts:
            yield resumed_part
        steps: list[GenerateResult] = []
        while True:  # every step sends the attachments downloaded above, as generate_text does
            collector = StreamCollector()
            finish: FinishPart | None = None
            stream = _stream_with_retries(self.model, params, self.policy, on_open, downloaded=True)
            try:
                async for part in stream:
                    collector.add(part)
                    if isinstance(part, FinishPart):
                        finish = part  # held back until the step's tools have run
                    else:
                        yield part
            finally:
                await stream.aclose()
            step, added = await _run_tools(collector.result(), self.toolset)
            for added_part in added:
                yield added_part
            if finish is not None:
                yield finish
            steps.append(step)
            if not _continue_loop(steps, self.max_steps, self.stop_when):
                return
            params = params.model_copy(update={"prompt": [*params.prompt, *to_response_messages(step)]})


async def _stream_with_retries(
    model: LanguageModel,
    params: CallParams,
    policy: RetryPolicy,
    on_open: Callable[[StreamResult], None],
    *,
    download: DownloadFunction | None = None,
    downloaded: bool = False,
    hand_over: Callable[[AsyncGenerator[StreamPart, None]], None] | None = None,
) -> AsyncGenerator[StreamPart, None]:
    """Download what the model cannot fetch (unless ``downloaded``), then open the model stream,
    retrying until its first content part (never after content), and pass its parts on.

    With ``hand_over``, the rest of the model stream after the parts read while opening is handed to
    it (the reader then reads and closes it) instead of being passed on part by part."""
    if not downloaded:
        params = await download_attachments(params, model.supported_urls, download=download)
    opened, preamble, finished = await _open_with_retries(model, params, policy)
    on_open(opened)
    handed_over = False
    try:
        for part in preamble:
            yield part
        if not finished and hand_over is not None:
            hand_over(opened.stream)
            handed_over = True
            return
        if not finished:
            async for part in opened.stream:
                yield part
    finally:
        if not handed_over:
            await opened.stream.aclose()


async def _open_with_retries(
    model: LanguageModel, params: CallParams, policy: RetryPolicy
) -> tuple[StreamResult, list[StreamPart], bool]:
    """Open the model stream and read up to its first content part, retrying failures until then.

    Returns the open stream, the parts read (to be passed on first) and whether the stream has ended.
    """

    async def open_attempt(attempt: int) -> tuple[StreamResult, list[StreamPart], bool]:
        opened = await model.do_stream(_for_attempt(params, attempt))
        try:
            preamble, finished = await _read_until_content(opened.stream)
        except BaseException:
            await opened.stream.aclose()
            raise
        return opened, preamble, finished

    return await with_retries(open_attempt, policy)


async def _read_until_content(stream: AsyncGenerator[StreamPart, None]) -> tuple[list[StreamPart], bool]:
    """Read parts up to and including the first one that carries content; ``True`` if the stream ended."""
    preamble: list[StreamPart] = []
    async for part in stream:
        preamble.append(part)
        if part.type not in _CONTENT_FREE_PARTS:
            return preamble, False
    return preamble, True
