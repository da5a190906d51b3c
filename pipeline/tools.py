"""Tools: definitions from Python functions or pydantic models, input validation, parallel execution."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_type_hints

import anyio
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from .errors import InvalidToolInputError, NoSuchToolError
from .params import FunctionTool
from .prompt import ToolResultOutput
from .result import ToolCallContent, ToolResultContent

__all__ = ["Tool", "ToolSet", "execute_tool_calls", "parse_tool_input", "tool", "tool_from_model"]

ToolFunction = Callable[..., Any]
ApprovalSetting = bool | Callable[..., bool | Awaitable[bool]]
"""Whether a tool call needs the user's approval: a flag, or a function of the tool's input (called
like ``execute``) returning one."""


@dataclass(frozen=True)
class Tool:
    """A tool the model may call: its name, description, input model and optional ``execute``.

    ``execute`` receives the validated input as keyword arguments (function tools) or as one
    pydantic model instance (model tools); it may be sync or async. Without ``execute`` the tool
    call is returned to the caller instead of being run. With ``needs_approval`` (or when it returns
    true for a call's input) the loop stops with a tool approval request instead of running it.
    ``to_model_output`` (the AI SDK's ``toModelOutput``) turns what ``execute`` returned into what the
    model is sent, e.g. multi-part ``content``; without it the model gets the result as text or JSON.
    """

    name: str
    input_model: type[BaseModel]
    description: str | None = None
    execute: ToolFunction | None = None
    pass_model: bool = False
    needs_approval: ApprovalSetting = False
    to_model_output: Callable[[Any], ToolResultOutput] | None = None

    def definition(self) -> FunctionTool:
        """The provider-facing definition (name, description, JSON schema of the input)."""
        return FunctionTool(
            name=self.name, description=self.description, input_schema=self.input_model.model_json_schema()
        )

    async def run(self, arguments: BaseModel) -> Any:
        """Run ``execute`` with validated arguments (sync functions run in a worker thread)."""
        if self.execute is None:
            raise RuntimeError(f"tool {self.name!r} has no execute function")
        return await self._call(self.execute, arguments)

    async def requires_approval(self, arguments: BaseModel) -> bool:
        """Whether a call with these (validated) arguments must wait for the user's approval."""
        if isinstance(self.needs_approval, bool):
            return self.needs_approval
        return bool(await self._call(self.needs_approval, arguments))

    async def _call(self, function: Callable[..., Any], arguments: BaseModel) -> Any:
        """``function`` called the way ``execute`` is (sync functions in a worker thread)."""
        if self.pass_model:
            call = functools.partial(function, arguments)
        else:
            call = functools.partial(
                function, **{name: getattr(arguments, name) for name in type(arguments).model_fields}
            )
        if inspect.iscoroutinefunction(function):
            return await call()
        outcome = await anyio.to_thread.run_sync(call)
        if inspect.isawaitable(outcome):
            return await outcome
        return outcome


def tool(
    function: ToolFunction | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    needs_approval: ApprovalSetting = False,
) -> Any:
    """Make a :class:`Tool` from a function: its parameters become the input schema.

    Use as ``tool(fn)`` or as a decorator ``@tool`` / ``@tool(name=..., description=...)``. The
    description defaults to the function's docstring. ``needs_approval``: see :class:`Tool`.
    """

    def build(fn: ToolFunction) -> Tool:
        hints = get_type_hints(fn)
        fields: dict[str, Any] = {}
        for parameter in inspect.signature(fn).parameters.values():
            annotation = hints.get(parameter.name, Any)
            default = ... if parameter.default is inspect.Parameter.empty else parameter.default
            fields[parameter.name] = (annotation, default)
        tool_name = name or fn.__name__
        model = create_model(f"{tool_name}_input", __config__=ConfigDict(extra="forbid"), **fields)
        return Tool(
            name=tool_name,
            input_model=model,
            description=description or inspect.getdoc(fn),
            execute=fn,
            needs_approval=needs_approval,
        )

    return build(function) if function is not None else build


def tool_from_model(
    input_model: type[BaseModel],
    *,
    name: str | None = None,
    description: str | None = None,
    execute: ToolFunction | None = None,
    needs_approval: ApprovalSetting = False,
) -> Tool:
    """Make a :class:`Tool` whose input is ``input_model``; ``execute`` (and a ``needs_approval``
    function) receive a model instance."""
    return Tool(
        name=name or input_model.__name__,
        input_model=input_model,
        description=description or inspect.getdoc(input_model),
        execute=execute,
        pass_model=True,
        needs_approval=needs_approval,
    )


class ToolSet:
    """The tools of one call, by name, in the order given."""

    def __init__(self, tools: Iterable[Tool] | Mapping[str, Tool]) -> None:
        if isinstance(tools, Mapping):
            self.tools = {key: _renamed(value, key) for key, value in tools.items()}
        else:
            self.tools = {value.name: value for value in tools}

    def definitions(self) -> list[FunctionTool]:
        return [value.definition() for value in self.tools.values()]

    def get(self, name: str) -> Tool:
        found = self.tools.get(name)
        if found is None:
            raise NoSuchToolError(name, list(self.tools))
        return found


def _renamed(value: Tool, name: str) -> Tool:
    if value.name == name:
        return value
    return dataclasses.replace(value, name=name)


def parse_tool_input(tool_def: Tool, raw_input: str) -> BaseModel:
    """Parse the model's JSON arguments and validate them against the tool's input model.

    Empty or blank input counts as ``{}``. Raises :class:`InvalidToolInputError`.
    """
    text = raw_input.strip() or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidToolInputError(tool_def.name, raw_input, f"not valid JSON ({error.msg})") from None
    try:
        return tool_def.input_model.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc']) or 'input'}: {item['msg']}" for item in error.errors()
        )
        raise InvalidToolInputError(tool_def.name, raw_input, problems) from None


async def execute_tool_calls(
    calls: Sequence[ToolCallContent], tools: ToolSet
) -> list[ToolResultContent | None]:
    """Run the calls' tools in parallel; position by position, a result or ``None`` (no ``execute``).

    Unknown tools, invalid input and exceptions raised by a tool become error results the model can
    read on its next step (``is_error=True``); they do not end the call.
    """
    outcomes: list[ToolResultContent | None] = [None] * len(calls)

    async def run_one(index: int, call: ToolCallContent) -> None:
        outcomes[index] = await _execute_one(call, tools)

    async with anyio.create_task_group() as group:
        for index, call in enumerate(calls):
            group.start_soon(run_one, index, call)
    return outcomes


async def _execute_one(call: ToolCallContent, tools: ToolSet) -> ToolResultContent | None:
    def error_result(message: str) -> ToolResultContent:
        return ToolResultContent(
            tool_call_id=call.tool_call_id, tool_name=call.tool_name, result=message, is_error=True
        )

    try:
        tool_def = tools.get(call.tool_name)
        arguments = parse_tool_input(tool_def, call.input)
    except (NoSuchToolError, InvalidToolInputError) as error:
        return error_result(str(error))
    if tool_def.execute is None:
        return None
    try:
        output = await tool_def.run(arguments)
        model_output = None if tool_def.to_model_output is None else tool_def.to_model_output(output)
    except Exception as error:  # a failing tool is reported to the model, not raised
        return error_result(f"Tool {call.tool_name!r} failed: {type(error).__name__}: {error}")
    return ToolResultContent(
        tool_call_id=call.tool_call_id,
        tool_name=call.tool_name,
        result=_jsonable(output),
        output=model_output,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value
