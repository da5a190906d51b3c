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
from .errors import InvalidArgumentError
from .model import LanguageModel
from .normalize import normalize_prompt
from .params import CallParams, FunctionTool, ProviderTool
from .prompt import Message, SystemMessage
from .registry import resolve_model
from .response_messages import to_response_messages
from .result import GenerateResult, ToolCallContent, ToolResultContent
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
    standardized, paths = standardize_prompt_with_paths(
        system=system, prompt=prompt, messages=messages, instructions=instructions
    )
    definitions = (
        None if tools is None else [*executable_tools(tools).definitions(), *_plain_definitions(tools)]
    )
    return build_call_params(normalize_prompt(standardized, paths=paths), **settings, tools=definitions)


def executable_tools(tools: ToolsInput | None) -> ToolSet:
    """The :class:`Tool` objects among ``tools`` (plain definitions are sent but never executed)."""
    if tools is None:
        return ToolSet([])
    if isinstance(tools, Mapping):
        return ToolSet({key: value for key, value in tools.items() if isinstance(value, Tool)})
    return ToolSet([item for item in tools if isinstance(item, Tool)])


def _plain_definitions(tools: ToolsInput) -> list[FunctionTool | ProviderTool | Mapping[str, Any]]:
    if isinstance(tools, Mapping):
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
    params = prepare_call(
        system=system, instructions=instructions, prompt=prompt, messages=messages, tools=tools, **settings
    )
    policy = retry_policy(max_retries)
    _check_timeout(timeout)
    _check_steps(max_steps)
    steps: list[GenerateResult] = []
    with _deadline(timeout):
        params = await download_attachments(params, language_model.supported_urls, download=download)
        while True:
            result = await _generate_step(language_model, params, policy)
            step, _ = await _run_tools(result, toolset)
            steps.append(step)
            if not _continue_loop(steps, max_steps, stop_when):
                break
            params = params.model_copy(update={"prompt": [*params.prompt, *to_response_messages(step)]})
    return GenerateTextResult(
        steps=steps, response_messages=[m for step in steps for m in to_response_messages(step)]
    )


async def _generate_step(model: LanguageModel, params: CallParams, policy: RetryPolicy) -> GenerateResult:
    """One model call under the retry policy (each attempt re-runs the middleware chain)."""
    return await with_retries(lambda attempt: model.do_generate(_for_attempt(params, attempt)), policy)


async def _run_tools(
    step: GenerateResult, toolset: ToolSet
) -> tuple[GenerateResult, list[ToolResultContent]]:
    """Run the client tools the step called (in parallel); the step with their results appended."""
    calls = _client_tool_calls(step)
    if not calls or step.finish_reason not in _TOOL_FINISH_REASONS:
        return step, []
    results = [result for result in await execute_tool_calls(calls, toolset) if result is not None]
    if not results:
        return step, []
    return step.model_copy(update={"content": [*step.content, *results]}), results


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
    params = prepare_call(
        system=system, instructions=instructions, prompt=prompt, messages=messages, tools=tools, **settings
    )
    policy = retry_policy(max_retries)
    _check_timeout(timeout)
    _check_steps(max_steps)
    loop = _StreamLoop(language_model, policy, toolset, max_steps, stop_when)

    def open_stream(result: StreamTextResult) -> AsyncGenerator[StreamPart, None]:
        return loop.run(params, download, result.set_stream_metadata)

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
    ) -> None:
        self.model = model
        self.policy = policy
        self.toolset = toolset
        self.max_steps = max_steps
        self.stop_when = stop_when

    def run(
        self, params: CallParams, download: DownloadFunction | None, on_open: Callable[[StreamResult], None]
    ) -> AsyncGenerator[StreamPart, None]:
        """The parts of the whole call (every step, tool results included)."""
        if not self.toolset.tools:  # one step, nothing to run: the model's parts, passed straight through
            return _stream_with_retries(self.model, params, self.policy, on_open, download=download)
        return self._steps(params, download, on_open)

    async def _steps(
        self, params: CallParams, download: DownloadFunction | None, on_open: Callable[[StreamResult], None]
    ) -> AsyncGenerator[StreamPart, None]:
        params = await download_attachments(params, self.model.supported_urls, download=download)
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
            step, tool_results = await _run_tools(collector.result(), self.toolset)
            for tool_result in tool_results:
                yield tool_result
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
) -> AsyncGenerator[StreamPart, None]:
    """Download what the model cannot fetch (unless ``downloaded``), then open the model stream,
    retrying until its first content part (never after content), and pass its parts on."""
    if not downloaded:
        params = await download_attachments(params, model.supported_urls, download=download)
    opened, preamble, finished = await _open_with_retries(model, params, policy)
    on_open(opened)
    try:
        for part in preamble:
            yield part
        if not finished:
            async for part in opened.stream:
                yield part
    finally:
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
