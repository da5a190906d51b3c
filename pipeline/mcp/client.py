"""The MCP client: tools for the tool loop, resources, prompts and elicitation, on the official SDK.

``create_mcp_client(transport)`` connects (stdio process or HTTP endpoint) and hands out an
:class:`MCPClient`; leaving the ``async with`` block closes the session and ends the server process.
Every request is bounded by a timeout and its failures are typed (``pipeline.mcp.errors``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import InvalidArgumentError
from ..params import FunctionTool
from ..prompt import Message
from ..tools import Tool
from .convert import error_text, prompt_messages, tool_model_output
from .elicitation import ElicitationHandler, ElicitationRequest, ElicitationResponse
from .errors import (
    MCPClientError,
    MCPConnectionClosedError,
    MCPConnectionError,
    MCPInvalidResultError,
    MCPRequestError,
    MCPTimeoutError,
    MCPToolError,
    MissingMCPExtraError,
)
from .transports import HttpTransport, MCPTransport, SseTransport, StdioTransport

__all__ = ["MCPClient", "MCPTool", "create_mcp_client"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0
_MAX_PAGES = 100
"""Listings are read page by page; a server whose cursor never ends is cut off here."""


@dataclass(frozen=True)
class MCPTool(Tool):
    """A tool of an MCP server; sent to the model with the server's own JSON schema (unless a
    pydantic input model was given for it) and executed by calling the server."""

    server_schema: Mapping[str, Any] | None = None

    def definition(self) -> FunctionTool:
        if self.server_schema is None:
            return super().definition()
        return FunctionTool(
            name=self.name, description=self.description, input_schema=dict(self.server_schema)
        )


def _sdk() -> Any:
    """The SDK's ``mcp`` package, or a typed error naming the extra to install."""
    try:
        import mcp
    except ImportError as error:
        raise MissingMCPExtraError(
            "the MCP client needs the official MCP SDK: pip install 'modelpipe[mcp]'", server=None
        ) from error
    return mcp


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0
    ):
        raise InvalidArgumentError("timeout", "timeout must be a positive number of seconds or None")


def _as_json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return value


class MCPClient:
    """A connected MCP client (made by :func:`create_mcp_client`)."""

    def __init__(self, session: Any, server: str, timeout: float | None) -> None:
        self._session = session
        self._server = server
        self._timeout = timeout
        self._closed = False

    @property
    def server(self) -> str:
        """The transport's description, e.g. ``stdio: python`` or ``http: http://host/mcp``."""
        return self._server

    @property
    def instructions(self) -> str | None:
        """The server's instructions for using it, if it gave any."""
        value: str | None = self._session.instructions
        return value

    async def _request(self, what: str, call: Callable[[], Awaitable[T]], timeout: float | None) -> T:
        """Run one SDK request with the timeout, turning its failures into typed errors."""
        from mcp.shared.exceptions import MCPError
        from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT

        if self._closed:
            raise MCPConnectionClosedError(f"{what}: the MCP client is closed", server=self._server)
        try:
            with anyio.fail_after(timeout) if timeout is not None else nullcontext():
                return await call()
        except TimeoutError:
            raise MCPTimeoutError(
                f"{what}: no answer within {timeout} s", server=self._server, timeout=timeout or 0.0
            ) from None
        except MCPError as error:
            if error.code == CONNECTION_CLOSED:
                raise MCPConnectionClosedError(
                    f"{what}: the connection closed (did the server exit?)", server=self._server
                ) from error
            if error.code == REQUEST_TIMEOUT:
                raise MCPTimeoutError(
                    f"{what}: {error.message}", server=self._server, timeout=timeout or 0.0
                ) from error
            raise MCPRequestError(
                f"{what}: the server answered error {error.code}: {error.message}",
                server=self._server,
                code=error.code,
            ) from error
        except ValidationError as error:
            raise MCPInvalidResultError(
                f"{what}: malformed answer: {error.error_count()} problem(s): {_first_problem(error)}",
                server=self._server,
            ) from error
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream) as error:
            raise MCPConnectionClosedError(
                f"{what}: the connection closed (did the server exit?)", server=self._server
            ) from error

    async def _list(self, what: str, method: str, field_name: str) -> list[Any]:
        items: list[Any] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            page: Any = await self._request(
                what, functools.partial(getattr(self._session, method), cursor=cursor), self._timeout
            )
            items.extend(getattr(page, field_name))
            cursor = page.next_cursor
            if not cursor:
                return items
        raise MCPInvalidResultError(f"{what}: more than {_MAX_PAGES} pages", server=self._server)

    async def tools(self, *, schemas: Mapping[str, type[BaseModel]] | None = None) -> dict[str, Tool]:
        """The server's tools, by name, ready for ``generate_text(tools=...)`` / ``stream_text``.

        Without ``schemas`` every tool is returned and the model sees the server's JSON schema
        unchanged. With ``schemas`` (tool name to pydantic input model) only those tools are returned,
        their input validated by the model before the server is called; a named tool the server does
        not have raises :class:`MCPClientError`.
        """
        listed = await self._list("tools/list", "list_tools", "tools")
        by_name = {item.name: item for item in listed}
        if schemas is not None:
            missing = sorted(set(schemas) - set(by_name))
            if missing:
                raise MCPClientError(
                    f"tools(schemas=...) names tools the server does not have: {', '.join(missing)} "
                    f"(it has: {', '.join(sorted(by_name)) or 'none'})",
                    server=self._server,
                )
            return {name: self._tool(by_name[name], model) for name, model in schemas.items()}
        return {name: self._tool(item, None) for name, item in by_name.items()}

    def _tool(self, listed: Any, input_model: type[BaseModel] | None) -> MCPTool:
        name: str = listed.name

        async def execute(arguments: BaseModel) -> Any:
            return await self._call_for_model(name, arguments.model_dump(mode="json", exclude_unset=False))

        return MCPTool(
            name=name,
            input_model=input_model or _any_object(name),
            description=listed.description,
            execute=execute,
            pass_model=True,
            to_model_output=tool_model_output,
            server_schema=None if input_model is not None else _as_json(listed.input_schema),
        )

    async def call_tool(
        self, name: str, arguments: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Call a tool; its ``CallToolResult`` as JSON (``content``, ``structuredContent``, ``isError``).

        ``timeout`` (seconds) defaults to the client's. Raises the typed errors of this package; an
        ``isError`` answer is returned as it is (see ``isError``).
        """
        _check_timeout(timeout)
        bound = timeout if timeout is not None else self._timeout
        result = await self._request(
            f"tools/call {name!r}",
            lambda: self._session.call_tool(name, dict(arguments or {}), read_timeout_seconds=bound),
            bound,
        )
        answer = _as_json(result)
        if not isinstance(answer, dict) or not isinstance(answer.get("content", []), list):
            raise MCPInvalidResultError(
                f"tools/call {name!r}: the result has no content list", server=self._server
            )
        return answer

    async def _call_for_model(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        answer = await self.call_tool(name, arguments)
        if answer.get("isError"):
            raise MCPToolError(error_text(answer), server=self._server, tool_name=name)
        return answer

    async def resources(self) -> list[Any]:
        """The server's resources (the SDK's ``Resource``: ``uri``, ``name``, ``mime_type``, ...)."""
        return await self._list("resources/list", "list_resources", "resources")

    async def resource_templates(self) -> list[Any]:
        """The server's resource templates (the SDK's ``ResourceTemplate``)."""
        return await self._list("resources/templates/list", "list_resource_templates", "resource_templates")

    async def read_resource(self, uri: str) -> list[Any]:
        """A resource's contents (the SDK's ``TextResourceContents`` / ``BlobResourceContents``)."""
        result = await self._request(
            f"resources/read {uri!r}", lambda: self._session.read_resource(uri), self._timeout
        )
        return list(result.contents)

    async def prompts(self) -> list[Any]:
        """The server's prompts (the SDK's ``Prompt``: ``name``, ``description``, ``arguments``)."""
        return await self._list("prompts/list", "list_prompts", "prompts")

    async def get_prompt(self, name: str, arguments: Mapping[str, str] | None = None) -> list[Message]:
        """A prompt of the server, filled with ``arguments``, as messages for ``generate_text``."""
        result = await self._request(
            f"prompts/get {name!r}",
            lambda: self._session.get_prompt(name, dict(arguments or {})),
            self._timeout,
        )
        return prompt_messages([_as_json(message) for message in result.messages])


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc']) or 'result'}: {first['msg']}"


def _any_object(name: str) -> type[BaseModel]:
    """An input model that takes any JSON object (the server validates against its own schema)."""
    return create_model(f"{name}_input", __config__=ConfigDict(extra="allow"))


def _elicitation_callback(handler: ElicitationHandler) -> Any:
    """The SDK callback that asks ``handler`` and sends its answer back to the server."""
    import mcp_types

    async def callback(_context: Any, params: Any) -> Any:
        request = ElicitationRequest(
            message=params.message,
            requested_schema=_as_json(getattr(params, "requested_schema", None)) or {},
            url=getattr(params, "url", None),
        )
        try:
            answer = handler(request)
            if inspect.isawaitable(answer):
                answer = await answer
            response = (
                answer if isinstance(answer, ElicitationResponse) else ElicitationResponse(**dict(answer))
            )
        except Exception as error:  # the server hears that the user could not be asked
            return mcp_types.ErrorData(code=mcp_types.INTERNAL_ERROR, message=f"elicitation failed: {error}")
        content = None if response.content is None else dict(response.content)
        return mcp_types.ElicitResult(action=response.action, content=content)

    return callback


@asynccontextmanager
async def create_mcp_client(
    transport: MCPTransport,
    *,
    on_elicitation: ElicitationHandler | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    name: str = "modelpipe",
) -> AsyncIterator[MCPClient]:
    """Connect to an MCP server (the AI SDK's ``createMCPClient``)::

        async with create_mcp_client(StdioTransport("python", args=["server.py"])) as client:
            tools = await client.tools()
            result = await generate_text(model, tools=tools, max_steps=5, prompt="...")

    ``timeout`` bounds each request, tool calls included (seconds; ``None`` for no bound).
    ``on_elicitation`` answers servers that ask the user for input; without it the client does not
    offer elicitation. Leaving the block closes the session and ends a stdio server's process, also
    when the block is cancelled.
    """
    if not isinstance(transport, StdioTransport | HttpTransport | SseTransport):
        raise InvalidArgumentError(
            "transport", f"expected a StdioTransport, HttpTransport or SseTransport, got {transport!r}"
        )
    _check_timeout(timeout)
    if on_elicitation is not None and not callable(on_elicitation):
        raise InvalidArgumentError("on_elicitation", "on_elicitation must be a callable")
    _sdk()
    async with AsyncExitStack() as stack:
        session = await _connect(stack, transport, on_elicitation, timeout, name)
        client = MCPClient(session, transport.describe(), timeout)
        try:
            yield client
        finally:
            client._closed = True


async def _connect(
    stack: AsyncExitStack,
    transport: MCPTransport,
    on_elicitation: ElicitationHandler | None,
    timeout: float | None,
    name: str,
) -> Any:
    """Open the SDK client over ``transport`` (falling back from Streamable HTTP to SSE if allowed)."""
    try:
        return await _open_session(stack, transport, on_elicitation, timeout, name)
    except MCPConnectionError as error:
        fallback = transport.fallback() if isinstance(transport, HttpTransport) else None
        if fallback is None or not _refused(error):
            raise
        try:
            return await _open_session(stack, fallback, on_elicitation, timeout, name)
        except MCPConnectionError as second:
            raise MCPConnectionError(
                f"{error.message}; the SSE fallback failed too: {second.message}", server=transport.describe()
            ) from second


def _refused(error: BaseException) -> bool:
    """True when the server answered the Streamable HTTP handshake with an error (the SDK reports
    a 4xx answer as a JSON-RPC error), rather than not answering at all."""
    from mcp.shared.exceptions import MCPError

    return isinstance(error.__cause__, MCPError)


async def _open_session(
    stack: AsyncExitStack,
    transport: MCPTransport,
    on_elicitation: ElicitationHandler | None,
    timeout: float | None,
    name: str,
) -> Any:
    from mcp import Client
    from mcp_types import Implementation

    client = Client(
        _OpenedTransport(transport),
        read_timeout_seconds=timeout,
        elicitation_callback=None if on_elicitation is None else _elicitation_callback(on_elicitation),
        client_info=Implementation(name=name, version="1"),
        cache=None,
    )
    server = transport.describe()
    inner = AsyncExitStack()
    # The SDK bounds the handshake by read_timeout_seconds (a cancel scope here would cut its task group).
    try:
        await inner.enter_async_context(client)
    except Exception as error:  # spawning, HTTP, protocol: any failure to connect is this one error
        await inner.aclose()
        cause = _first_leaf(error) if isinstance(error, ExceptionGroup) else error
        raise MCPConnectionError(
            f"could not connect: {type(cause).__name__}: {cause}", server=server
        ) from cause
    stack.push_async_exit(inner)
    return client


def _first_leaf(group: ExceptionGroup[Any]) -> BaseException:
    first: BaseException = group
    while isinstance(first, BaseExceptionGroup):
        first = first.exceptions[0]
    return first


class _OpenedTransport:
    """The SDK ``Transport`` protocol (an async context manager yielding the stream pair) over the
    transport's :meth:`open`."""

    def __init__(self, transport: MCPTransport) -> None:
        self._transport = transport
        self._context: Any = None

    async def __aenter__(self) -> Any:
        self._context = self._transport.open()
        return await self._context.__aenter__()

    async def __aexit__(self, *exc: Any) -> bool | None:
        result: bool | None = await self._context.__aexit__(*exc)
        return result
