"""Model results: content parts, finish reason, usage, warnings, request and response metadata."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from ._base import JSONValue, ProviderMetadata, Record
from .prompt import DataContent, ToolResultOutput

__all__ = [
    "NO_REQUEST",
    "NO_RESPONSE",
    "CallWarning",
    "Content",
    "CustomContent",
    "FileContent",
    "FinishReason",
    "GenerateResult",
    "InputTokenDetails",
    "OutputTokenDetails",
    "ReasoningContent",
    "RequestMetadata",
    "ResponseMetadata",
    "SourceContent",
    "TextContent",
    "ToolApprovalRequestContent",
    "ToolCallContent",
    "ToolResultContent",
    "Usage",
    "add_usage",
]

FinishReason = Literal["stop", "length", "content-filter", "tool-calls", "error", "other"]
"""Why the model stopped, unified across providers (the provider's own word is kept as ``raw``)."""


class TextContent(Record):
    type: Literal["text"] = "text"
    text: str
    provider_metadata: ProviderMetadata | None = None


class ReasoningContent(Record):
    type: Literal["reasoning"] = "reasoning"
    text: str
    provider_metadata: ProviderMetadata | None = None


class FileContent(Record):
    """A file the model generated (an image, audio, ...)."""

    type: Literal["file"] = "file"
    media_type: str
    data: DataContent
    provider_metadata: ProviderMetadata | None = None


class ToolCallContent(Record):
    """A tool call the model made. ``input`` is the JSON text of the arguments, as the model sent it."""

    type: Literal["tool-call"] = "tool-call"
    tool_call_id: str
    tool_name: str
    input: str
    provider_executed: bool | None = None
    provider_metadata: ProviderMetadata | None = None


class ToolResultContent(Record):
    """The result of a provider-executed tool (or of a client tool, in multi-step results)."""

    type: Literal["tool-result"] = "tool-result"
    tool_call_id: str
    tool_name: str
    result: JSONValue = None
    is_error: bool | None = None
    provider_executed: bool | None = None
    provider_metadata: ProviderMetadata | None = None
    preliminary: bool | None = None
    """A partial result (e.g. an image still being generated), superseded by the final one: streamed,
    but not part of the step's content."""
    output: ToolResultOutput | None = None
    """What the model is sent for ``result`` when the tool converted it (``Tool.to_model_output``)."""


class ToolApprovalRequestContent(Record):
    """Tool call ``tool_call_id`` waits for the user's approval: the AI SDK's ``tool-approval-request``.

    Made by the loop for a tool with ``needs_approval`` (the call stops after this step), or by a
    provider for a call it would run (e.g. an MCP tool). Answer with a ``tool-approval-response`` part
    naming ``approval_id`` in a tool message of the next call's ``messages``.
    """

    type: Literal["tool-approval-request"] = "tool-approval-request"
    approval_id: str
    tool_call_id: str
    provider_metadata: ProviderMetadata | None = None


class CustomContent(Record):
    """Provider-specific output with no neutral equivalent (e.g. ``kind="openai.compaction"``), kept in
    ``provider_metadata``: the AI SDK's ``custom`` content."""

    type: Literal["custom"] = "custom"
    kind: str
    provider_metadata: ProviderMetadata | None = None


class SourceContent(Record):
    """A source the model cited (a URL or a document)."""

    type: Literal["source"] = "source"
    source_type: Literal["url", "document"] = "url"
    id: str
    url: str | None = None
    title: str | None = None
    media_type: str | None = None
    filename: str | None = None
    provider_metadata: ProviderMetadata | None = None


Content = Annotated[
    TextContent
    | ReasoningContent
    | FileContent
    | ToolCallContent
    | ToolResultContent
    | SourceContent
    | ToolApprovalRequestContent
    | CustomContent,
    Field(discriminator="type"),
]


# Defaults below are made with ``model_construct()`` (no validation: they are the fields' own defaults), so
# importing the library builds no schema: ``InputTokenDetails()`` at class creation built the first one,
# with pydantic's schema machinery and plugin lookup (about 20 ms of import).


class InputTokenDetails(Record):
    no_cache_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None


class OutputTokenDetails(Record):
    text_tokens: int | None = None
    reasoning_tokens: int | None = None


class Usage(Record):
    """Token usage. ``None`` means the provider did not report that number."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    input_token_details: InputTokenDetails = InputTokenDetails.model_construct()
    output_token_details: OutputTokenDetails = OutputTokenDetails.model_construct()
    raw: dict[str, Any] | None = None

    @classmethod
    def of(
        cls,
        *,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cache_read_tokens: int | None = None,
        cache_write_tokens: int | None = None,
        no_cache_tokens: int | None = None,
        reasoning_tokens: int | None = None,
        text_tokens: int | None = None,
        raw: dict[str, Any] | None = None,
    ) -> "Usage":
        """Build a usage with ``total_tokens`` computed as input + output."""
        total = (
            None
            if input_tokens is None and output_tokens is None
            else ((input_tokens or 0) + (output_tokens or 0))
        )
        return cls(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            total_tokens=total,
            input_token_details=InputTokenDetails(
                no_cache_tokens=no_cache_tokens,
                cache_read_tokens=cache_read_tokens,
                cache_write_tokens=cache_write_tokens,
            ),
            output_token_details=OutputTokenDetails(
                text_tokens=text_tokens, reasoning_tokens=reasoning_tokens
            ),
            raw=raw,
        )


def _add(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def add_usage(a: Usage, b: Usage) -> Usage:
    """Sum two usages the AI SDK way: ``None + None`` stays ``None``, otherwise a missing side counts 0."""
    ai, bi = a.input_token_details, b.input_token_details
    ao, bo = a.output_token_details, b.output_token_details
    return Usage(
        input_tokens=_add(a.input_tokens, b.input_tokens),
        output_tokens=_add(a.output_tokens, b.output_tokens),
        total_tokens=_add(a.total_tokens, b.total_tokens),
        input_token_details=InputTokenDetails(
            no_cache_tokens=_add(ai.no_cache_tokens, bi.no_cache_tokens),
            cache_read_tokens=_add(ai.cache_read_tokens, bi.cache_read_tokens),
            cache_write_tokens=_add(ai.cache_write_tokens, bi.cache_write_tokens),
        ),
        output_token_details=OutputTokenDetails(
            text_tokens=_add(ao.text_tokens, bo.text_tokens),
            reasoning_tokens=_add(ao.reasoning_tokens, bo.reasoning_tokens),
        ),
    )


class CallWarning(Record):
    """A setting or feature the provider could not honour; the call still went ahead."""

    type: Literal["unsupported", "compatibility", "deprecated", "other"]
    feature: str | None = None
    setting: str | None = None
    details: str | None = None
    message: str | None = None


class RequestMetadata(Record):
    """What was sent: the provider request body (JSON), when known."""

    body: JSONValue = None


class ResponseMetadata(Record):
    """What came back: response id, timestamp, model id, HTTP headers, and the body when kept."""

    id: str | None = None
    timestamp: datetime | None = None
    model_id: str | None = None
    headers: dict[str, str] | None = None
    body: JSONValue = None


NO_REQUEST = RequestMetadata.model_construct()
NO_RESPONSE = ResponseMetadata.model_construct()
"""Request / response metadata when nothing is known yet: records are frozen, so one instance serves every
result and stream that starts without any (no new record per call)."""


class GenerateResult(Record):
    """The result of one model call (``do_generate``), in the AI SDK's shape."""

    content: list[Content] = Field(default_factory=list)
    finish_reason: FinishReason = "other"
    raw_finish_reason: str | None = None
    usage: Usage = Usage.model_construct()
    warnings: list[CallWarning] = Field(default_factory=list)
    request: RequestMetadata = NO_REQUEST
    response: ResponseMetadata = NO_RESPONSE
    provider_metadata: ProviderMetadata | None = None

    @property
    def text(self) -> str:
        """All text parts, concatenated (``""`` when there are none)."""
        return "".join(part.text for part in self.content if isinstance(part, TextContent))

    @property
    def reasoning_text(self) -> str | None:
        """All reasoning parts, concatenated (``None`` when there are none)."""
        parts = [part.text for part in self.content if isinstance(part, ReasoningContent)]
        return "".join(parts) if parts else None

    @property
    def tool_calls(self) -> list[ToolCallContent]:
        return [part for part in self.content if isinstance(part, ToolCallContent)]

    @property
    def files(self) -> list[FileContent]:
        return [part for part in self.content if isinstance(part, FileContent)]
