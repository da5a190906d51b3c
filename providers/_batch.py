"""What the providers' batch APIs share: the job record, prompts to params, results to batch items.

A provider batch (OpenAI Batch, Anthropic Message Batches) runs at half the price within hours. Its
items come back as :class:`~pipeline.batch.BatchItem` values, the same shape as
:func:`pipeline.batch.generate_many`: in input order, each a ``GenerateTextResult`` or its typed error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio

from pipeline.batch import BatchItem, BatchPrompt
from pipeline.errors import APICallError, InvalidArgumentError, InvalidPromptError
from pipeline.generate import prepare_call
from pipeline.params import CallParams
from pipeline.response_messages import to_response_messages
from pipeline.result import GenerateResult
from pipeline.text_result import GenerateTextResult

__all__ = [
    "BatchJob",
    "BatchRunner",
    "BatchState",
    "batch_params",
    "custom_index",
    "items_in_order",
    "not_run_error",
    "text_result",
    "wait_until_ended",
]

BatchState = Literal["running", "ended", "cancelling"]
"""Where a provider batch is: still running, ended (completed, failed, expired or cancelled), cancelling."""


@dataclass(frozen=True, slots=True)
class BatchJob:
    """A submitted provider batch: its id, item count, state, the provider's own status word and body."""

    id: str
    size: int
    state: BatchState
    status: str
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def batch_params(prompts: Iterable[BatchPrompt], shared: Mapping[str, Any]) -> list[CallParams]:
    """Each prompt validated into call params (before any I/O); a bad one names its index."""
    if isinstance(prompts, str | Mapping):
        raise InvalidArgumentError("prompts", "must be an iterable of prompts, not a single prompt")
    params = []
    for index, prompt in enumerate(prompts):
        if isinstance(prompt, str):
            arguments = {**shared, "prompt": prompt}
        elif isinstance(prompt, Mapping):
            arguments = {**shared, **prompt}
        else:
            raise InvalidArgumentError(
                f"prompts[{index}]", f"must be a string or a mapping, got {type(prompt)}"
            )
        try:
            params.append(prepare_call(**arguments))
        except (InvalidArgumentError, InvalidPromptError) as error:
            raise InvalidArgumentError(f"prompts[{index}]", str(error)) from error
    if not params:
        raise InvalidArgumentError("prompts", "a provider batch needs at least one prompt")
    return params


def text_result(step: GenerateResult) -> GenerateTextResult:
    """One answered request as the result ``generate_text`` would give."""
    return GenerateTextResult(steps=[step], response_messages=to_response_messages(step))


def items_in_order(
    size: int, answers: Mapping[int, GenerateTextResult | Exception], *, missing: Callable[[int], Exception]
) -> list[BatchItem[GenerateTextResult]]:
    """``size`` items in input order; an index without an answer gets ``missing(index)``."""
    items: list[BatchItem[GenerateTextResult]] = []
    for index in range(size):
        answer = answers.get(index)
        if answer is None:
            answer = missing(index)
        if isinstance(answer, Exception):
            items.append(BatchItem(index, error=answer))
        else:
            items.append(BatchItem(index, result=answer))
    return items


def custom_index(custom_id: Any, size: int) -> int | None:
    """The input index a result line's ``custom_id`` names (``None`` for a foreign or bad id)."""
    if isinstance(custom_id, str) and custom_id.isdigit():
        index = int(custom_id)
        return index if index < size else None
    return None


async def wait_until_ended(
    poll: Callable[[], Awaitable[BatchJob]], *, interval: float, timeout: float | None
) -> BatchJob:
    """Poll every ``interval`` seconds until the job has ended (``TimeoutError`` after ``timeout``)."""
    if not interval > 0:
        raise InvalidArgumentError("poll_interval", f"must be a positive number of seconds, got {interval!r}")
    with anyio.fail_after(timeout):
        while True:
            job = await poll()
            if job.state == "ended":
                return job
            await anyio.sleep(interval)


def not_run_error(url: str, job: BatchJob, index: int) -> APICallError:
    """The error of an item the provider never answered (the batch expired, was cancelled or failed)."""
    return APICallError(
        f"batch {job.id} ended ({job.status}) without an answer for item {index}",
        url=url,
        is_retryable=True,
    )


class BatchRunner:
    """``run`` = ``submit``, ``wait``, ``collect``, for a provider batch class that has those three."""

    async def submit(self, prompts: Iterable[BatchPrompt], **call_arguments: Any) -> BatchJob:
        raise NotImplementedError

    async def wait(
        self, job: BatchJob, *, poll_interval: float = 30.0, timeout: float | None = None
    ) -> BatchJob:
        raise NotImplementedError

    async def collect(self, job: BatchJob) -> list[BatchItem[GenerateTextResult]]:
        raise NotImplementedError

    async def run(
        self,
        prompts: Iterable[BatchPrompt],
        *,
        poll_interval: float = 30.0,
        timeout: float | None = None,
        **call_arguments: Any,
    ) -> list[BatchItem[GenerateTextResult]]:
        """Submit, wait until the batch ends (polling every ``poll_interval`` seconds), collect."""
        job = await self.submit(prompts, **call_arguments)
        return await self.collect(await self.wait(job, poll_interval=poll_interval, timeout=timeout))
