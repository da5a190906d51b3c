"""OpenAI Batch API for chat completions: submit, poll, collect (half the price, answers within 24 h).

``batch = OpenAIBatch(model)`` for an :class:`~providers.openai.OpenAIChatLanguageModel` (its key, base
URL, organization, project and HTTP client). :meth:`OpenAIBatch.submit` uploads one JSONL line per
prompt (``custom_id`` = its index, ``POST /v1/chat/completions`` with the body the model would send)
as a ``purpose=batch`` file and creates the batch; :meth:`~OpenAIBatch.poll` reads its status;
:meth:`~OpenAIBatch.collect` downloads the output and error files and returns
:class:`~pipeline.batch.BatchItem` values in input order, like ``generate_many``. :meth:`~OpenAIBatch.run`
does all three. The middleware chain is not run: the provider answers later, offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from pipeline.batch import BatchItem, BatchPrompt
from pipeline.errors import APICallError, InvalidArgumentError, InvalidResponseDataError
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

from .error_mapping import parse_openai_error
from .map_response import map_chat_response
from .model import OpenAIChatLanguageModel
from .wire import ChatResponse

__all__ = ["CHAT_COMPLETIONS", "OpenAIBatch", "batch_state"]

CHAT_COMPLETIONS = "/v1/chat/completions"
_ENDED = frozenset({"completed", "failed", "expired", "cancelled"})


def batch_state(status: str) -> BatchState:
    """``validating`` / ``in_progress`` / ``finalizing`` run; ``cancelling``; the rest have ended."""
    if status in _ENDED:
        return "ended"
    return "cancelling" if status == "cancelling" else "running"


def _job(body: Any, size: int | None = None) -> BatchJob:
    if not isinstance(body, Mapping) or not isinstance(body.get("id"), str):
        raise InvalidResponseDataError(f"OpenAI batch answer without an id: {body!r}"[:300])
    status = str(body.get("status", ""))
    counts = body.get("request_counts") or {}
    total = size if size is not None else int(counts.get("total") or 0)
    return BatchJob(id=body["id"], size=total, state=batch_state(status), status=status, raw=body)


class OpenAIBatch(BatchRunner):
    """Runs prompts through the OpenAI Batch API with ``model``'s settings."""

    def __init__(
        self,
        model: OpenAIChatLanguageModel,
        *,
        completion_window: str = "24h",
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        self.model = model
        self.completion_window = completion_window
        self.metadata = dict(metadata or {})

    def __repr__(self) -> str:
        return f"OpenAIBatch(model={self.model!r})"

    def _target(self, path: str) -> tuple[str, dict[str, str]]:
        return self.model._connection.target(path, None)

    async def _json(self, method: Method, path: str, **arguments: Any) -> Any:
        url, headers = self._target(path)
        http = self.model._client()
        return await request_json(
            http, method, url, headers=headers, parse_error=parse_openai_error, **arguments
        )

    def request_lines(self, prompts: Iterable[BatchPrompt], **call_arguments: Any) -> list[dict[str, Any]]:
        """The JSONL lines of a batch (pure): ``custom_id`` is each prompt's index."""
        lines = []
        for index, params in enumerate(batch_params(prompts, call_arguments)):
            body, _ = self.model._body(params)
            lines.append({"custom_id": str(index), "method": "POST", "url": CHAT_COMPLETIONS, "body": body})
        return lines

    async def submit(self, prompts: Iterable[BatchPrompt], **call_arguments: Any) -> BatchJob:
        """Upload the requests and create the batch. ``call_arguments`` are ``generate_text``'s (``system``,
        ``temperature`` ...); a prompt given as a mapping overrides them."""
        lines = self.request_lines(prompts, **call_arguments)
        self._target("/files")  # a missing key fails before any I/O
        payload = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
        uploaded = await self._json(
            "POST",
            "/files",
            file=("batch.jsonl", payload, "application/jsonl"),
            fields={"purpose": "batch"},
        )
        if not isinstance(uploaded, Mapping) or not isinstance(uploaded.get("id"), str):
            raise InvalidResponseDataError(f"OpenAI file upload answer without an id: {uploaded!r}"[:300])
        body: dict[str, Any] = {
            "input_file_id": uploaded["id"],
            "endpoint": CHAT_COMPLETIONS,
            "completion_window": self.completion_window,
        }
        if self.metadata:
            body["metadata"] = self.metadata
        return _job(await self._json("POST", "/batches", json_body=body), len(lines))

    async def poll(self, job: BatchJob | str) -> BatchJob:
        """The batch's current status (``GET /batches/{id}``)."""
        batch_id = job.id if isinstance(job, BatchJob) else job
        size = job.size if isinstance(job, BatchJob) else None
        return _job(await self._json("GET", f"/batches/{batch_id}"), size)

    async def cancel(self, job: BatchJob | str) -> BatchJob:
        """Ask the provider to cancel (``POST /batches/{id}/cancel``); items already answered are kept."""
        batch_id = job.id if isinstance(job, BatchJob) else job
        return _job(await self._json("POST", f"/batches/{batch_id}/cancel"))

    async def wait(
        self, job: BatchJob, *, poll_interval: float = 30.0, timeout: float | None = None
    ) -> BatchJob:
        """Poll until the batch has ended."""
        return await wait_until_ended(lambda: self.poll(job), interval=poll_interval, timeout=timeout)

    async def collect(self, job: BatchJob) -> list[BatchItem[GenerateTextResult]]:
        """The items of an ended batch in input order: each answer, or the typed error of its line (or of
        its absence, when the batch expired, failed or was cancelled first)."""
        if job.state != "ended":
            raise InvalidArgumentError("job", f"batch {job.id} has not ended yet (status {job.status!r})")
        answers: dict[int, GenerateTextResult | Exception] = {}
        for key in ("output_file_id", "error_file_id"):
            file_id = job.raw.get(key)
            if isinstance(file_id, str) and file_id:
                url, headers = self._target(f"/files/{file_id}/content")
                raw = await request_bytes(
                    self.model._client(), "GET", url, headers=headers, parse_error=parse_openai_error
                )
                for line in raw.decode().splitlines():
                    if line.strip():
                        self._answer(json.loads(line), job, answers)
        url, _ = self._target(f"/batches/{job.id}")
        return items_in_order(job.size, answers, missing=lambda index: not_run_error(url, job, index))

    def _answer(self, line: Any, job: BatchJob, answers: dict[int, GenerateTextResult | Exception]) -> None:
        index = custom_index(line.get("custom_id") if isinstance(line, Mapping) else None, job.size)
        if index is None:
            return
        url, _ = self._target(CHAT_COMPLETIONS.removeprefix("/v1"))
        response = line.get("response") or {}
        error = line.get("error")
        status = response.get("status_code")
        body = response.get("body")
        if error or status != 200:
            message, data = parse_openai_error(
                int(status or 500), json.dumps(body) if body is not None else ""
            )
            if isinstance(error, Mapping) and error.get("message"):
                message, data = str(error["message"]), error
            answers[index] = APICallError(
                message,
                url=url,
                status_code=status,
                is_retryable=status in (408, 409, 429) or (status or 0) >= 500,
                data=data,
            )
            return
        try:
            chat = ChatResponse.model_validate(body)
        except ValidationError as exc:
            answers[index] = InvalidResponseDataError(f"batch item {index}: not a chat completion: {exc}")
            return
        answers[index] = text_result(
            map_chat_response(chat, request_body=None, metadata_key=self.model._endpoint.name)
        )
