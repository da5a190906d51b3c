"""Tool input examples written into tool descriptions: the AI SDK's ``addToolInputExamplesMiddleware``.

For providers that do not take input examples natively: each function tool with examples gets
``"<description>\\n\\n<prefix>\\n<example 1>\\n<example 2>"`` as its description (just
``"<prefix>\\n..."`` without a prior description), and its ``input_examples`` removed unless
``remove=False``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from pipeline.chain import Middleware, TransformContext
from pipeline.errors import InvalidArgumentError
from pipeline.params import CallParams, FunctionTool, ProviderTool

__all__ = ["AddToolInputExamplesMiddleware", "ExampleFormatter", "add_tool_input_examples", "format_example"]

ExampleFormatter = Callable[[Mapping[str, Any], int], str]
"""Formats one example (``{"input": {...}}``) given its index in the tool's examples."""

DEFAULT_PREFIX = "Input Examples:"


def format_example(example: Mapping[str, Any], index: int) -> str:
    """The default formatter: the example's input as compact JSON (the AI SDK's ``JSON.stringify``)."""
    return json.dumps(example["input"], ensure_ascii=False, separators=(",", ":"))


def add_tool_input_examples(
    params: CallParams,
    *,
    prefix: str = DEFAULT_PREFIX,
    format: ExampleFormatter = format_example,
    remove: bool = True,
) -> CallParams:
    """``params`` whose function tools carry their input examples in their descriptions; pure.

    An example that is not ``{"input": {...}}`` is an :class:`InvalidArgumentError` naming
    ``tools[i].input_examples[j]``.
    """
    if not params.tools or not any(_has_examples(tool) for tool in params.tools):
        return params
    tools = [
        _with_examples(tool, index, prefix, format, remove) if _has_examples(tool) else tool
        for index, tool in enumerate(params.tools)
    ]
    return params.model_copy(update={"tools": tools})


def _has_examples(tool: FunctionTool | ProviderTool) -> TypeGuard[FunctionTool]:
    """Only function tools have input examples; a provider tool is passed on as it is."""
    return isinstance(tool, FunctionTool) and bool(tool.input_examples)


def _with_examples(
    tool: FunctionTool, index: int, prefix: str, format: ExampleFormatter, remove: bool
) -> FunctionTool:
    examples = tool.input_examples or []
    for position, example in enumerate(examples):
        if not isinstance(example.get("input"), Mapping):
            raise InvalidArgumentError(
                f"tools[{index}].input_examples[{position}]",
                f"an input example of tool {tool.name!r} must look like {{'input': {{...}}}}",
            )
    section = "\n".join([prefix, *(format(example, position) for position, example in enumerate(examples))])
    description = f"{tool.description}\n\n{section}" if tool.description else section
    update: dict[str, Any] = {"description": description}
    if remove:
        update["input_examples"] = None
    return tool.model_copy(update=update)


class AddToolInputExamplesMiddleware(Middleware):
    """Appends each function tool's input examples to its description, in generate and stream.

    ``prefix`` heads the examples (default ``"Input Examples:"``); ``format(example, index)`` renders
    one example (default: its input as compact JSON); ``remove=False`` keeps ``input_examples`` on the
    tool (for a provider that also reads them natively).
    """

    def __init__(
        self, *, prefix: str = DEFAULT_PREFIX, format: ExampleFormatter = format_example, remove: bool = True
    ) -> None:
        self.prefix = prefix
        self.format = format
        self.remove = remove

    async def transform_params(self, ctx: TransformContext) -> CallParams:
        return add_tool_input_examples(ctx.params, prefix=self.prefix, format=self.format, remove=self.remove)
