"""CallParams: the one request object every middleware hook and every provider sees."""

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from ._base import ProviderOptions, Record
from .prompt import Message
from .redact import redact_headers, scrub_value

__all__ = [
    "CallParams",
    "FunctionTool",
    "ProviderTool",
    "ReasoningLevel",
    "ResponseFormat",
    "ResponseFormatJson",
    "ResponseFormatText",
    "ToolChoice",
    "ToolChoiceTool",
    "ToolDefinition",
    "split_tools",
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


class ProviderTool(Record):
    """A tool the provider runs itself (web search, code execution, ...): the AI SDK's provider-defined tool.

    ``id`` is ``"<provider>.<tool type>"`` (``"openai.web_search"``); ``name`` is the name the model's
    calls and results carry; ``args`` are the tool's settings, mapped to the wire by the provider that
    owns the ``id``. A provider that does not own it skips the tool with an ``unsupported`` warning.
    Made by the provider packages' ``tools`` modules, e.g. ``providers.openai.tools.web_search()``.
    """

    type: Literal["provider"] = "provider"
    id: str
    name: str
    args: dict[str, Any] = Field(default_factory=dict)

    @property
    def provider(self) -> str:
        """The provider that owns the tool: the part of ``id`` before the first dot."""
        return self.id.split(".", 1)[0]


def _tool_kind(value: Any) -> str:
    """The union's tag: a mapping without ``type`` is a function tool, as before provider tools existed."""
    if isinstance(value, dict):
        return str(value.get("type", "function"))
    return str(getattr(value, "type", "function"))


ToolDefinition = Annotated[
    Annotated[FunctionTool, Tag("function")] | Annotated[ProviderTool, Tag("provider")],
    Discriminator(_tool_kind),
]
"""What a call sends as a tool: a function the caller runs, or a tool the provider runs."""


def split_tools(
    tools: list[FunctionTool | ProviderTool] | None,
) -> tuple[list[FunctionTool], list[ProviderTool]]:
    """The function tools and the provider tools of a call, each in the order given."""
    functions = [tool for tool in tools or () if isinstance(tool, FunctionTool)]
    provided = [tool for tool in tools or () if isinstance(tool, ProviderTool)]
    return functions, provided


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
    tools: list[ToolDefinition] | None = None
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
