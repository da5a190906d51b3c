"""CallParams: the one request object every middleware hook and every provider sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field

from ._base import ProviderOptions, Record
from .prompt import Message
from .redact import redact_headers, scrub_value

__all__ = [
    "CallParams",
    "FunctionTool",
    "ReasoningLevel",
    "ResponseFormat",
    "ResponseFormatJson",
    "ResponseFormatText",
    "ToolChoice",
    "ToolChoiceTool",
]


class FunctionTool(Record):
    """A tool the model may call: name, description and the JSON schema of its input."""

    type: Literal["function"] = "function"
    name: str
    description: str | None = None
    input_schema: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    strict: bool | None = None
    provider_options: ProviderOptions | None = None
    input_examples: list[dict[str, Any]] | None = None
    """Example inputs, each ``{"input": {...}}`` (the AI SDK's ``inputExamples``)."""


class ToolChoiceTool(Record):
    """Force the model to call the named tool."""

    type: Literal["tool"] = "tool"
    tool_name: str


ToolChoice = Literal["auto", "none", "required"] | ToolChoiceTool


class ResponseFormatText(Record):
    type: Literal["text"] = "text"


class ResponseFormatJson(Record):
    """Ask for JSON output, optionally conforming to ``json_schema`` (wire name ``schema``)."""

    type: Literal["json"] = "json"
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    name: str | None = None
    description: str | None = None


ResponseFormat = Annotated[ResponseFormatText | ResponseFormatJson, Field(discriminator="type")]


ReasoningLevel = Literal["provider-default", "none", "minimal", "low", "medium", "high", "xhigh"]
"""How hard the model should think (the AI SDK's top-level ``reasoning`` call option)."""


class CallParams(Record):
    """Everything a model call needs, after prompt normalization.

    Frozen: a middleware that changes the request returns ``params.model_copy(update={...})``.
    ``None`` means "not set" (the provider's default applies).
    """

    prompt: list[Message]
    max_output_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    stop_sequences: list[str] | None = None
    seed: int | None = None
    response_format: ResponseFormat | None = None
    tools: list[FunctionTool] | None = None
    tool_choice: ToolChoice | None = None
    reasoning: ReasoningLevel | None = None
    include_raw_chunks: bool = False
    headers: dict[str, str] | None = None
    provider_options: ProviderOptions | None = None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """``repr`` / ``str`` show credential headers and options as ``[REDACTED]``."""
        for name, value in super().__repr_args__():
            if name == "headers" and value is not None:
                yield name, redact_headers(value)
            elif name == "provider_options":
                yield name, scrub_value(value)
            else:
                yield name, value
