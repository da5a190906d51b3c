"""LoggingMiddleware: one stdlib ``logging`` record per model call, with structured fields.

Records go to the ``"modelpipe.calls"`` logger (no handlers are installed; configure logging as
usual). Every record carries its fields in ``record.modelpipe`` (passed as
``extra={"modelpipe": {...}}``), always with the same keys (``None`` when unknown):

``call_type`` (``"generate"`` / ``"stream"``), ``provider``, ``model``, ``outcome`` (``"ok"`` /
``"error"`` / ``"cancelled"``), ``latency_ms``, ``time_to_first_chunk_ms`` (streams),
``finish_reason``, ``response_id``, ``response_model``, ``input_tokens``, ``output_tokens``,
``total_tokens``, ``cache_read_tokens``, ``cache_write_tokens``, ``reasoning_tokens``, ``cache``
(``"hit"`` / ``"miss"`` when a cache sits inside), ``attempt`` (1, or the retry attempt the retry loop
sets), ``error_type``, ``error_message`` (redacted) and ``status_code``; ``cost_usd`` (the USD a cost
layer inside priced the call at) and ``fallback`` (``"provider/model"`` that answered, when a fallback
layer inside chose it).

Successful and cancelled calls log at ``level`` (INFO), failures at ``error_level`` (WARNING).
Streams are logged when they finish, fail or are closed early. With ``include_content=True`` a
second record at DEBUG on ``"modelpipe.content"`` carries the redacted prompt and completion
(``record.modelpipe["prompt"]`` / ``["completion"]``, next to ``call_type``, ``provider``, ``model``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pipeline import control
from pipeline.chain import Middleware, WrapContext
from pipeline.errors import APICallError
from pipeline.redact import redact_text, redact_value
from pipeline.result import GenerateResult
from pipeline.stream import StreamResult

from .observer import CallRecord, Outcome, cache_status, observe_generate, observe_stream, retry_attempt

__all__ = [
    "CALL_LOGGER",
    "CONTENT_LOGGER",
    "LoggingMiddleware",
    "call_fields",
    "content_fields",
    "resilience_fields",
]

CALL_LOGGER = "modelpipe.calls"
CONTENT_LOGGER = "modelpipe.content"


def _milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def call_fields(record: CallRecord) -> dict[str, Any]:
    """The structured fields of one call's log record (no prompt or completion text)."""
    result = record.result
    usage = result.usage if result is not None else None
    error = record.error
    return {
        "call_type": record.type,
        "provider": record.provider,
        "model": record.model_id,
        "outcome": record.outcome,
        "latency_ms": _milliseconds(record.latency),
        "time_to_first_chunk_ms": _milliseconds(record.time_to_first_chunk),
        "finish_reason": result.finish_reason if result is not None else None,
        "response_id": result.response.id if result is not None else None,
        "response_model": result.response.model_id if result is not None else None,
        "input_tokens": usage.input_tokens if usage else None,
        "output_tokens": usage.output_tokens if usage else None,
        "total_tokens": usage.total_tokens if usage else None,
        "cache_read_tokens": usage.input_token_details.cache_read_tokens if usage else None,
        "cache_write_tokens": usage.input_token_details.cache_write_tokens if usage else None,
        "reasoning_tokens": usage.output_token_details.reasoning_tokens if usage else None,
        "cache": cache_status(result),
        "attempt": retry_attempt(record.params),
        "error_type": record.error_type,
        "error_message": redact_text(str(error)) if error is not None else None,
        "status_code": error.status_code if isinstance(error, APICallError) else None,
        **resilience_fields(result),
    }


def resilience_fields(result: GenerateResult | None) -> dict[str, Any]:
    """``cost_usd`` and ``fallback`` from the control-channel marks of a cost or fallback layer inside."""
    metadata = result.provider_metadata if result is not None else None
    cost = control.call_cost(metadata)
    answer = control.fallback_answer(metadata)
    return {
        "cost_usd": cost.get("total_usd") if cost is not None else None,
        "fallback": f"{answer.get('provider')}/{answer.get('model')}" if answer is not None else None,
    }


def content_fields(record: CallRecord) -> dict[str, Any]:
    """The redacted prompt and completion of one call (binary data as placeholders)."""
    return {
        "prompt": redact_value(record.params.prompt),
        "completion": redact_value(record.result.content) if record.result is not None else None,
    }


def _summary(fields: dict[str, Any]) -> str:
    details = [
        f"{name}={fields[key]}"
        for name, key in (
            ("in", "input_tokens"),
            ("out", "output_tokens"),
            ("finish", "finish_reason"),
            ("ttfc_ms", "time_to_first_chunk_ms"),
            ("cache", "cache"),
            ("error", "error_type"),
            ("status", "status_code"),
            ("cost_usd", "cost_usd"),
            ("fallback", "fallback"),
        )
        if fields[key] is not None
    ]
    if fields["attempt"] != 1:
        details.append(f"attempt={fields['attempt']}")
    return " ".join(details)


class LoggingMiddleware(Middleware):
    """Logs every call that passes through it; see the module docstring for the fields.

    Errors pass through unchanged; what is logged about them (``error_message``) is scrubbed.
    Streamed text is kept only when ``include_content`` asks for it.
    """

    def __init__(
        self,
        *,
        logger: logging.Logger | str = CALL_LOGGER,
        level: int = logging.INFO,
        error_level: int = logging.WARNING,
        include_content: bool = False,
        content_logger: logging.Logger | str = CONTENT_LOGGER,
    ) -> None:
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger
        self.content_logger = (
            logging.getLogger(content_logger) if isinstance(content_logger, str) else content_logger
        )
        self.level = level
        self.error_level = error_level
        self.include_content = include_content

    async def wrap_generate(self, call: WrapContext) -> GenerateResult:
        return await observe_generate(call, self.emit, wants=self._logs)

    def _logs(self, outcome: Outcome) -> bool:
        """Whether a call that ended with ``outcome`` would be logged at all (by either logger); always,
        when a subclass emits in its own way."""
        if type(self).emit is not LoggingMiddleware.emit:
            return True
        level = self.error_level if outcome == "error" else self.level
        return self.logger.isEnabledFor(level) or (
            self.include_content and self.content_logger.isEnabledFor(logging.DEBUG)
        )

    async def wrap_stream(self, call: WrapContext) -> StreamResult:
        return await observe_stream(call, self.emit, keep_content=self.include_content, wants=self._logs)

    def emit(self, record: CallRecord) -> None:
        """Log one finished call (and its content, when asked for)."""
        level = self.error_level if record.outcome == "error" else self.level
        if self.logger.isEnabledFor(level):
            fields = call_fields(record)
            self.logger.log(
                level,
                "%s %s/%s %s in %.1f ms %s",
                record.type,
                record.provider,
                record.model_id,
                record.outcome,
                record.latency * 1000,
                _summary(fields),
                extra={"modelpipe": fields},
            )
        if self.include_content and self.content_logger.isEnabledFor(logging.DEBUG):
            content = content_fields(record)
            self.content_logger.debug(
                "%s %s/%s prompt=%s completion=%s",
                record.type,
                record.provider,
                record.model_id,
                json.dumps(content["prompt"], ensure_ascii=False),
                json.dumps(content["completion"], ensure_ascii=False),
                extra={
                    "modelpipe": {
                        "call_type": record.type,
                        "provider": record.provider,
                        "model": record.model_id,
                        **content,
                    }
                },
            )

    def __repr__(self) -> str:
        return (
            f"LoggingMiddleware(logger={self.logger.name!r}, level={logging.getLevelName(self.level)}, "
            f"include_content={self.include_content})"
        )
