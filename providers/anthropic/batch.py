"""Anthropic Message Batches: submit, poll, collect (half the price, answers within 24 h).

``batch = AnthropicBatch(model)`` for an :class:`~providers.anthropic.AnthropicMessagesModel` (its key,
base URL, headers and HTTP client). :meth:`AnthropicBatch.submit` sends one request per prompt
(``custom_id`` = its index, ``params`` = the Messages body the model would send) to
``POST /v1/messages/batches``; :meth:`~AnthropicBatch.poll` reads its ``processing_status``;
:meth:`~AnthropicBatch.collect` reads the results (JSONL) and returns :class:`~pipeline.batch.BatchItem`
values in input order, like ``generate_many``: ``succeeded`` answers, ``errored`` lines as
:class:`~pipeline.errors.APICallError`, ``canceled`` / ``expired`` ones as retryable errors.
The middleware chain is not run: the provider answers later, offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from pipeline.batch import BatchItem, BatchPrompt
from pipeline.errors import APICallError, InvalidArgumentError, InvalidResponseDataError
from pipeline.params import CallParams
from pipeline.text_result import GenerateTextResult
from providers._batch import (
    BatchJob,
    BatchRunner,
    BatchState,
    batch_params,
    custom_index,
    items_in_order,
    not_run_error,
    text_result,
    wait_until_ended,
)
from providers._http import Method
from providers._rest import request_bytes, request_json

from .map_response import map_response
from .model import AnthropicMessagesModel
from .provider_tools import ToolNameMapping
from .request import AnthropicRequest, build_request
from .wire import parse_error_body

__all__ = ["AnthropicBatch"]

_ERROR_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}


def _job(body: Any, size: int | None = None) -> BatchJob:
    if not isinstance(body, Mapping) or not isinstance(body.get("id"), str):
        raise InvalidResponseDataError(f"Anthropic message batch answer without an id: {body!r}"[:300])
    status = str(body.get("processing_status", ""))
    counts = body.get("request_counts") or {}
    total = size if size is not None else sum(int(value or 0) for value in counts.values())
    state: BatchState = "ended" if status == "ended" else "cancelling" if status == "canceling" else "running"
    return BatchJob(id=body["id"], size=total, state=state, status=status, raw=body)


class AnthropicBatch(BatchRunner):
    """Runs prompts through Anthropic's Message Batches API with ``model``'s settings."""

    def __init__(self, model: AnthropicMessagesModel) -> None:
        self.model = model
        self._json_tool: dict[str, set[int]] = {}
        """Per submitted batch: the items whose JSON answer comes back as the ``json`` tool's input."""

    def __repr__(self) -> str:
        return f"AnthropicBatch(model={self.model!r})"

    def _requests(self, prompts: Iterable[BatchPrompt], shared: Mapping[str, Any]) -> list[AnthropicRequest]:
        return [
            build_request(self.model.model_id, params, stream=False)
            for params in batch_params(prompts, shared)
        ]

    def _endpoint(self, betas: list[str] | None = None) -> tuple[str, dict[str, str]]:
        """The batches URL and the model's request headers (with ``betas``); no key: fails before I/O."""
        request = AnthropicRequest(
            body={},
            betas=betas or [],
            warnings=[],
            uses_json_response_tool=False,
            tool_names=ToolNameMapping({}),
        )
        url, headers = self.model._endpoint(CallParams(prompt=[]), request)
        return f"{url}/batches", headers

    async def _json(self, method: Method, path: str = "", json_body: Any = None) -> Any:
        url, headers = self._endpoint()
        return await request_json(
            self.model._client(),
            method,
            f"{url}{path}",
            headers=headers,
            parse_error=parse_error_body,
            json_body=json_body,
        )

    def request_lines(self, prompts: Iterable[BatchPrompt], **call_arguments: Any) -> list[dict[str, Any]]:
        """The ``requests`` of a batch (pure): ``custom_id`` is each prompt's index."""
        return [
            {"custom_id": str(index), "params": request.body}
            for index, request in enumerate(self._requests(prompts, call_arguments))
        ]

    async def submit(self, prompts: Iterable[BatchPrompt], **call_arguments: Any) -> BatchJob:
        """Create the batch. ``call_arguments`` are ``generate_text``'s (``system``, ``max_output_tokens``
        ...); a prompt given as a mapping overrides them."""
        requests = self._requests(prompts, call_arguments)
        url, headers = self._endpoint(
            list(dict.fromkeys(beta for request in requests for beta in request.betas))
        )
        lines = [{"custom_id": str(index), "params": request.body} for index, request in enumerate(requests)]
        body = await request_json(
            self.model._client(),
            "POST",
            url,
            headers=headers,
            parse_error=parse_error_body,
            json_body={"requests": lines},
        )
        job = _job(body, len(lines))
        self._json_tool[job.id] = {
            index for index, request in enumerate(requests) if request.uses_json_response_tool
        }
        return job

    async def poll(self, job: BatchJob | str) -> BatchJob:
        """The batch's current status (``GET /messages/batches/{id}``)."""
        batch_id = job.id if isinstance(job, BatchJob) else job
        size = job.size if isinstance(job, BatchJob) else None
        return _job(await self._json("GET", f"/{batch_id}"), size)

    async def cancel(self, job: BatchJob | str) -> BatchJob:
        """Ask the provider to cancel; items already answered are kept."""
        batch_id = job.id if isinstance(job, BatchJob) else job
        return _job(await self._json("POST", f"/{batch_id}/cancel"))

    async def wait(
        self, job: BatchJob, *, poll_interval: float = 30.0, timeout: float | None = None
    ) -> BatchJob:
        """Poll until the batch has ended."""
        return await wait_until_ended(lambda: self.poll(job), interval=poll_interval, timeout=timeout)

    async def collect(self, job: BatchJob) -> list[BatchItem[GenerateTextResult]]:
        """The items of an ended batch in input order (JSONL from ``<base>/<id>/results``).

        The ``results_url`` the answer names is not followed: the request carries the API key, which
        goes only to the configured base URL (a tampered answer must not send it elsewhere).
        """
        if job.state != "ended":
            raise InvalidArgumentError("job", f"batch {job.id} has not ended yet (status {job.status!r})")
        base, headers = self._endpoint()
        url = f"{base}/{job.id}/results"
        raw = await request_bytes(
            self.model._client(), "GET", url, headers=headers, parse_error=parse_error_body
        )
        answers: dict[int, GenerateTextResult | Exception] = {}
        json_tool = self._json_tool.get(job.id, set())
        for line in raw.decode().splitlines():
            if line.strip():
                self._answer(json.loads(line), job, json_tool, base, answers)
        return items_in_order(job.size, answers, missing=lambda index: not_run_error(url, job, index))

    def _answer(
        self,
        line: Any,
        job: BatchJob,
        json_tool: set[int],
        base: str,
        answers: dict[int, GenerateTextResult | Exception],
    ) -> None:
        index = custom_index(line.get("custom_id") if isinstance(line, Mapping) else None, job.size)
        if index is None:
            return
        result = line.get("result") or {}
        kind = result.get("type")
        if kind == "succeeded":
            try:
                step = map_response(result.get("message"), uses_json_response_tool=index in json_tool)
            except ValidationError as exc:
                answers[index] = InvalidResponseDataError(f"batch item {index}: not a message: {exc}")
                return
            answers[index] = text_result(step)
        elif kind == "errored":
            error = (result.get("error") or {}).get("error") or result.get("error") or {}
            error_type = str(error.get("type", "api_error"))
            status = _ERROR_STATUS.get(error_type, 500)
            answers[index] = APICallError(
                str(error.get("message") or error_type),
                url=f"{base}",
                status_code=status,
                is_retryable=status in (429, 500, 529),
                data=result.get("error"),
            )
        else:  # canceled or expired: never run
            answers[index] = not_run_error(f"{base}/{job.id}", job, index)
