"""Loopback servers speaking the OpenAI Batch and Anthropic Message Batches APIs.

Each answers a request line by echoing its last user text (``"echo: <text>"``); a line whose text
contains ``fail`` is answered with a 400 error, one containing ``late`` is never run (expired).
A batch reports itself running for ``polls_before_end`` polls, then ended.
"""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

from providers.testing import JsonReply, LoopbackServer, RawReply, RecordedRequest
from providers.testing import anthropic as anthropic_wire
from providers.testing import openai as openai_wire


def _last_text(messages: list[dict[str, Any]]) -> str:
    content = messages[-1]["content"]
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))


def _jsonl(lines: list[dict[str, Any]]) -> RawReply:
    body = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return RawReply(body=body, headers={"content-type": "application/binary"})


class OpenAIBatchServer:
    """``/v1/files``, ``/v1/batches`` and file contents."""

    def __init__(self, server: LoopbackServer, *, polls_before_end: int = 1) -> None:
        self.server = server
        self.polls_before_end = polls_before_end
        self.polls = 0
        self.uploaded: list[dict[str, Any]] = []
        self.created: dict[str, Any] | None = None
        self.cancelled = False
        server.route("/v1/files", self.files)
        server.route("/v1/batches", self.batches)

    def files(self, request: RecordedRequest) -> JsonReply | RawReply:
        if request.method == "POST":
            head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            form = email.message_from_bytes(head + request.body, policy=email.policy.HTTP)
            fields = {
                part.get_param("name", header="content-disposition"): part for part in form.iter_parts()
            }
            assert fields["purpose"].get_content().strip() == "batch"
            payload = fields["file"].get_payload(decode=True)
            self.uploaded = [json.loads(line) for line in payload.decode().splitlines() if line]
            return JsonReply({"id": "file-in", "object": "file", "purpose": "batch", "bytes": len(payload)})
        if request.path == "/v1/files/file-out/content":
            return _jsonl(self._lines(ok=True))
        if request.path == "/v1/files/file-err/content":
            return _jsonl(self._lines(ok=False))
        return JsonReply({"error": {"message": "no such file", "type": "invalid_request_error"}}, status=404)

    def _lines(self, *, ok: bool) -> list[dict[str, Any]]:
        lines = []
        for line in self.uploaded:
            text = _last_text(line["body"]["messages"])
            if "late" in text or ("fail" in text) == ok:
                continue
            if ok:
                body = openai_wire.completion_body(f"echo: {text}")
                response = {"status_code": 200, "request_id": "req", "body": body}
            else:
                error = openai_wire.error_body("bad request line", error_type="invalid_request_error")
                response = {"status_code": 400, "request_id": "req", "body": error}
            lines.append(
                {"id": f"resp-{line['custom_id']}", "custom_id": line["custom_id"], "response": response}
            )
        return lines

    def _batch(self, status: str) -> dict[str, Any]:
        ended = status == "completed"
        return {
            "id": "batch_1",
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": "file-in",
            "completion_window": "24h",
            "status": status,
            "output_file_id": "file-out" if ended else None,
            "error_file_id": "file-err" if ended else None,
            "request_counts": {"total": len(self.uploaded), "completed": 0, "failed": 0},
        }

    def batches(self, request: RecordedRequest) -> JsonReply:
        if request.method == "POST" and request.path == "/v1/batches":
            self.created = request.json()
            return JsonReply(self._batch("validating"))
        if request.path == "/v1/batches/batch_1/cancel":
            self.cancelled = True
            return JsonReply(self._batch("cancelling"))
        if request.path == "/v1/batches/batch_1":
            self.polls += 1
            return JsonReply(
                self._batch("completed" if self.polls > self.polls_before_end else "in_progress")
            )
        return JsonReply(
            {"error": {"message": "No batch found", "type": "invalid_request_error"}}, status=404
        )


class AnthropicBatchServer:
    """``/v1/messages/batches`` and its results."""

    def __init__(self, server: LoopbackServer, *, polls_before_end: int = 1) -> None:
        self.server = server
        self.polls_before_end = polls_before_end
        self.polls = 0
        self.requests: list[dict[str, Any]] = []
        self.cancelled = False
        server.route("/v1/messages/batches", self.batches)

    def _batch(self, status: str) -> dict[str, Any]:
        ended = status == "ended"
        return {
            "id": "msgbatch_1",
            "type": "message_batch",
            "processing_status": status,
            "request_counts": {
                "processing": 0 if ended else len(self.requests),
                "succeeded": 0,
                "errored": 0,
                "canceled": 0,
                "expired": 0,
            },
            "results_url": self.server.url("/v1/messages/batches/msgbatch_1/results") if ended else None,
        }

    def batches(self, request: RecordedRequest) -> JsonReply | RawReply:
        if request.method == "POST" and request.path == "/v1/messages/batches":
            self.requests = request.json()["requests"]
            return JsonReply(self._batch("in_progress"))
        if request.path == "/v1/messages/batches/msgbatch_1/cancel":
            self.cancelled = True
            return JsonReply(self._batch("canceling"))
        if request.path == "/v1/messages/batches/msgbatch_1/results":
            return _jsonl([self._result(line) for line in self.requests])
        if request.path == "/v1/messages/batches/msgbatch_1":
            self.polls += 1
            return JsonReply(self._batch("ended" if self.polls > self.polls_before_end else "in_progress"))
        return JsonReply(anthropic_wire.error_body("not_found_error", "no such batch"), status=404)

    def _result(self, line: dict[str, Any]) -> dict[str, Any]:
        text = _last_text(line["params"]["messages"])
        if "late" in text:
            result: dict[str, Any] = {"type": "expired"}
        elif "fail" in text:
            result = {
                "type": "errored",
                "error": anthropic_wire.error_body("invalid_request_error", "bad line"),
            }
        else:
            message = anthropic_wire.message_body([{"type": "text", "text": f"echo: {text}"}])
            result = {"type": "succeeded", "message": message}
        return {"custom_id": line["custom_id"], "result": result}
