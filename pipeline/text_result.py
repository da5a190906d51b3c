"""GenerateTextResult: what ``generate_text`` returns, over one or more steps."""

from functools import reduce

from pydantic import Field

from ._base import ProviderMetadata, Record
from .prompt import Message
from .result import (
    CallWarning,
    Content,
    FileContent,
    FinishReason,
    GenerateResult,
    RequestMetadata,
    ResponseMetadata,
    SourceContent,
    ToolCallContent,
    ToolResultContent,
    Usage,
    add_usage,
)

__all__ = ["GenerateTextResult"]


class GenerateTextResult(Record):
    """The result of ``generate_text`` / ``stream_text``.

    Each model call is one step (several with tools and ``max_steps``). ``text``, ``reasoning_text``,
    ``finish_reason``, ``request``, ``response`` and ``provider_metadata`` come from the final step;
    ``content``, ``files``, ``tool_calls``, ``tool_results`` and ``warnings`` gather every step, and
    ``usage`` is summed over steps.
    """

    steps: list[GenerateResult] = Field(min_length=1)
    response_messages: list[Message] = Field(default_factory=list)

    @property
    def final_step(self) -> GenerateResult:
        return self.steps[-1]

    @property
    def text(self) -> str:
        return self.final_step.text

    @property
    def reasoning_text(self) -> str | None:
        return self.final_step.reasoning_text

    @property
    def content(self) -> list[Content]:
        return [part for step in self.steps for part in step.content]

    @property
    def files(self) -> list[FileContent]:
        return [part for step in self.steps for part in step.files]

    @property
    def tool_calls(self) -> list[ToolCallContent]:
        return [part for step in self.steps for part in step.tool_calls]

    @property
    def tool_results(self) -> list[ToolResultContent]:
        return [part for part in self.content if isinstance(part, ToolResultContent)]

    @property
    def sources(self) -> list[SourceContent]:
        """The sources the model cited, over all steps (e.g. a provider web search's citations)."""
        return [part for part in self.content if isinstance(part, SourceContent)]

    @property
    def finish_reason(self) -> FinishReason:
        return self.final_step.finish_reason

    @property
    def raw_finish_reason(self) -> str | None:
        return self.final_step.raw_finish_reason

    @property
    def usage(self) -> Usage:
        """Token usage summed over all steps."""
        return reduce(add_usage, (step.usage for step in self.steps[1:]), self.steps[0].usage)

    @property
    def warnings(self) -> list[CallWarning]:
        return [warning for step in self.steps for warning in step.warnings]

    @property
    def request(self) -> RequestMetadata:
        return self.final_step.request

    @property
    def response(self) -> ResponseMetadata:
        return self.final_step.response

    @property
    def provider_metadata(self) -> ProviderMetadata | None:
        return self.final_step.provider_metadata
