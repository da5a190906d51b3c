"""generate_text() and stream_text(): the async entry points.

Each call validates the prompt and settings before any I/O, normalizes the prompt, downloads the
attachments the model cannot fetch itself, then calls the model (with its middleware chain) under the
retry policy. Retries re-run the whole chain.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import Any, TypedDict, Unpack

import anyio

from middleware.download import DownloadFunction, download_attachments

from .errors import InvalidArgumentError
from .model import LanguageModel
from .normalize import normalize_prompt
from .params import CallParams, FunctionTool, ReasoningLevel, ResponseFormat, ToolChoice
from .prompt import Message, SystemMessage
from .registry import resolve_model
from .retry import RetryPolicy, with_retries
from .settings import build_call_params
from .standardize import standardize_prompt
from .stream import StreamPart, StreamResult
from .stream_text_result import FinishCallback, StreamTextResult
from .text_result import GenerateTextResult

__all__ = ["CallSettings", "generate_text", "prepare_call", "stream_text"]

PromptInput = str | Sequence[Message | Mapping[str, Any]]
SystemInput = str | SystemMessage | Mapping[str, Any] | Sequence[SystemMessage | Mapping[str, Any]]

_CONTENT_FREE_PARTS = frozenset({"stream-start", "response-metadata", "raw"})


class CallSettings(TypedDict, total=False):
    """Settings shared by every entry point; ``None`` (or leaving one out) means the provider's default."""

    max_output_tokens: int | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    presence_penalty: float | None
    frequency_penalty: float | None
    stop_sequences: Sequence[str] | None
    seed: int | None
    response_format: ResponseFormat | Mapping[str, Any] | None
    tools: Sequence[FunctionTool | Mapping[str, Any]] | None
    tool_choice: ToolChoice | Mapping[str, Any] | None
    reasoning: ReasoningLevel | None
    headers: Mapping[str, str | None] | None
    provider_options: Mapping[str, Mapping[str, Any]] | None
    include_raw_chunks: bool


def prepare_call(
    *,
    system: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    **settings: Unpack[CallSettings],
) -> CallParams:
    """Validate and normalize a call's prompt and settings into :class:`CallParams` (no I/O)."""
    standardized = standardize_prompt(system=system, prompt=prompt, messages=messages)
    return build_call_params(normalize_prompt(standardized), **settings)


def _policy(max_retries: int) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries)


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0):
        raise InvalidArgumentError("timeout", "timeout must be a positive number of seconds")


def with_attempt(params: CallParams, attempt: int) -> CallParams:
    """Params for retry ``attempt`` (>= 2 carries ``provider_options["modelpipe"]["attempt"]``)."""
    if attempt == 1:
        return params
    options = dict(params.provider_options or {})
    options["modelpipe"] = {**options.get("modelpipe", {}), "attempt": attempt}
    return params.model_copy(update={"provider_options": options})


async def generate_text(
    model: LanguageModel | str,
    *,
    system: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    max_retries: int = 2,
    timeout: float | None = None,
    download: DownloadFunction | None = None,
    **settings: Unpack[CallSettings],
) -> GenerateTextResult:
    """Generate text (and tool calls) for a prompt.

    ``model`` is a :class:`LanguageModel` or a model string such as ``"openai/gpt-4o"``. Give
    ``system`` and exactly one of ``prompt`` / ``messages``. ``timeout`` bounds the whole call,
    retries included (``TimeoutError``). Cancel the call with anyio cancel scopes as usual.
    """
    language_model = resolve_model(model)
    params = prepare_call(system=system, prompt=prompt, messages=messages, **settings)
    policy = _policy(max_retries)
    _check_timeout(timeout)
    with anyio.fail_after(timeout):
        params = await download_attachments(params, language_model.supported_urls, download=download)
        result = await with_retries(
            lambda attempt: language_model.do_generate(with_attempt(params, attempt)), policy
        )
    return GenerateTextResult(steps=[result])


def stream_text(
    model: LanguageModel | str,
    *,
    system: SystemInput | None = None,
    prompt: PromptInput | None = None,
    messages: Sequence[Message | Mapping[str, Any]] | None = None,
    max_retries: int = 2,
    timeout: float | None = None,
    download: DownloadFunction | None = None,
    on_finish: FinishCallback | None = None,
    **settings: Unpack[CallSettings],
) -> StreamTextResult:
    """Stream text for a prompt; returns at once, the call starts when the stream is first read.

    Bad input raises here, before any I/O. Read ``result.text_stream`` (text deltas) or
    ``result.full_stream`` (typed parts); ``await result.result()`` gives the final
    :class:`GenerateTextResult`. Use ``async with stream_text(...) as result:`` (or ``aclose()``) to
    close everything underneath when leaving early. ``timeout`` bounds the whole stream.
    """
    language_model = resolve_model(model)
    params = prepare_call(system=system, prompt=prompt, messages=messages, **settings)
    policy = _policy(max_retries)
    _check_timeout(timeout)

    def open_stream(result: StreamTextResult) -> AsyncGenerator[StreamPart, None]:
        return _stream_with_retries(language_model, params, policy, download, result.set_stream_metadata)

    return StreamTextResult(open_stream, on_finish=on_finish, timeout=timeout)


async def _stream_with_retries(
    model: LanguageModel,
    params: CallParams,
    policy: RetryPolicy,
    download: DownloadFunction | None,
    on_open: Callable[[StreamResult], None],
) -> AsyncGenerator[StreamPart, None]:
    """Open the model stream, retrying until its first content part; never retry after content."""
    params = await download_attachments(params, model.supported_urls, download=download)

    async def open_attempt(attempt: int) -> tuple[StreamResult, list[StreamPart], bool]:
        opened = await model.do_stream(with_attempt(params, attempt))
        try:
            preamble, finished = await _read_until_content(opened.stream)
        except BaseException:
            await opened.stream.aclose()
            raise
        return opened, preamble, finished

    opened, preamble, finished = await with_retries(open_attempt, policy)
    on_open(opened)
    try:
        for part in preamble:
            yield part
        if not finished:
            async for part in opened.stream:
                yield part
    finally:
        await opened.stream.aclose()


async def _read_until_content(stream: AsyncGenerator[StreamPart, None]) -> tuple[list[StreamPart], bool]:
    """Read parts up to and including the first one that carries content; ``True`` if the stream ended."""
    preamble: list[StreamPart] = []
    async for part in stream:
        preamble.append(part)
        if part.type not in _CONTENT_FREE_PARTS:
            return preamble, False
    return preamble, True

