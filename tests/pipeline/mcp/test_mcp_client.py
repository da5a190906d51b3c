"""The MCP client against real MCP servers (stdio and Streamable HTTP), on asyncio and trio, with the
tool loop running through the OpenAI terminal on a loopback server."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from pipeline import ContentOutput, MediaItem, TextItem, UserMessage, generate_text, stream_text
from pipeline.mcp import (
    ElicitationRequest,
    ElicitationResponse,
    HttpTransport,
    MCPClientError,
    MCPConnectionClosedError,
    MCPConnectionError,
    MCPTimeoutError,
    StdioTransport,
    create_mcp_client,
)
from providers.openai import OpenAIProvider
from providers.testing import LoopbackServer
from providers.testing import openai as fake

from .conftest import stdio_transport

BACKENDS = ["asyncio", "trio"]


def run(main: Callable[[], Awaitable[Any]], backend: str = "asyncio") -> Any:
    return anyio.run(main, backend=backend)


def chat(server: LoopbackServer) -> Any:
    return OpenAIProvider(base_url=f"{server.base_url}/v1", api_key="loopback").chat("gpt-4o-mini")


def transport_for(kind: str, http_url: str) -> StdioTransport | HttpTransport:
    return stdio_transport() if kind == "stdio" else HttpTransport(http_url)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def child_processes() -> set[int]:
    """This process's children (Linux ``/proc``; empty elsewhere)."""
    children: set[int] = set()
    for listing in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        children.update(int(pid) for pid in listing.read_text().split())
    return children


def living_tasks(backend: str) -> int:
    if backend == "trio":
        import trio

        return int(trio.lowlevel.current_statistics().tasks_living)
    import asyncio

    return len(asyncio.all_tasks())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", ["stdio", "http"])
def test_two_step_tool_loop(kind: str, backend: str, http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(
                fake.tool_call_reply("weather", {"city": "Paris"}), fake.text_reply("Sunny, 18 degrees.")
            )
            tasks_before = living_tasks(backend)
            async with create_mcp_client(transport_for(kind, http_url)) as client:
                tools = await client.tools()
                result = await generate_text(
                    chat(server), tools=tools, max_steps=3, prompt="Weather in Paris?"
                )
            assert living_tasks(backend) == tasks_before
        assert result.text == "Sunny, 18 degrees."
        assert [step.finish_reason for step in result.steps] == ["tool-calls", "stop"]
        sent = {item["function"]["name"]: item["function"] for item in server.requests[0].json()["tools"]}
        assert set(sent) == set(tools) and "book_table" in sent
        assert sent["weather"]["parameters"] == {  # the schema the server lists, unchanged
            "type": "object",
            "properties": {"city": {"title": "City", "type": "string"}},
            "required": ["city"],
            "title": "weatherArguments",
        }
        tool_message = server.requests[1].json()["messages"][-1]
        assert tool_message["role"] == "tool"
        assert "It is 18 degrees and sunny in Paris." in tool_message["content"]

    run(main, backend)


def test_stream_text_runs_mcp_tools(http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(
                fake.stream_reply(
                    fake.stream_chunks((), tool_calls=[("call_1", "add", ['{"a": 2, ', '"b": 3}'])])
                ),
                fake.stream_reply(fake.stream_chunks(("The sum is ", "5."))),
            )
            async with create_mcp_client(HttpTransport(http_url)) as client:
                stream = stream_text(chat(server), tools=await client.tools(), max_steps=2, prompt="2+3?")
                text = "".join([delta async for delta in stream.text_stream])
                final = await stream.result()
        assert text == "The sum is 5."
        assert final.steps[0].content[-1].result["structuredContent"] == {"result": 5}

    run(main)


def test_multi_part_results_keep_text_images_and_resources(http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(fake.tool_call_reply("chart", {"city": "Oslo"}), fake.text_reply("Here it is."))
            async with create_mcp_client(HttpTransport(http_url)) as client:
                result = await generate_text(
                    chat(server), tools=await client.tools(), max_steps=2, prompt="chart"
                )
        tool_result = result.steps[0].content[-1]
        assert tool_result.result["content"][1]["type"] == "image"  # the raw MCP result for the caller
        assert isinstance(tool_result.output, ContentOutput)  # what the model is sent
        text, image, resource = tool_result.output.value
        assert text == TextItem(text="Chart for Oslo")
        assert isinstance(image, MediaItem) and image.media_type == "image/png"
        assert resource == TextItem(text="hour,temp\n9,18")
        assert result.response_messages[1].content[0].output == tool_result.output

    run(main)


def test_is_error_becomes_an_error_result_the_model_sees(http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(fake.tool_call_reply("fail", {"reason": "x"}), fake.text_reply("Sorry."))
            async with create_mcp_client(HttpTransport(http_url)) as client:
                result = await generate_text(
                    chat(server), tools=await client.tools(), max_steps=2, prompt="go"
                )
                direct = await client.call_tool("fail", {"reason": "y"})
        tool_result = result.steps[0].content[-1]
        assert tool_result.is_error is True
        assert "Error executing tool fail" in tool_result.result
        assert "Error executing tool fail" in server.requests[1].json()["messages"][-1]["content"]
        assert direct["isError"] is True

    run(main)


class AddInput(BaseModel):
    a: int
    b: int


def test_schemas_narrow_to_named_tools_with_pydantic_models(http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(
                fake.tool_call_reply("add", {"a": "not a number", "b": 1}, call_id="c1"),
                fake.tool_call_reply("add", {"a": 4, "b": 5}, call_id="c2"),
                fake.text_reply("9"),
            )
            async with create_mcp_client(HttpTransport(http_url)) as client:
                tools = await client.tools(schemas={"add": AddInput})
                result = await generate_text(chat(server), tools=tools, max_steps=3, prompt="4+5")
                with pytest.raises(MCPClientError, match="does not have: nope"):
                    await client.tools(schemas={"nope": AddInput})
        assert list(tools) == ["add"]
        assert server.requests[0].json()["tools"][0]["function"]["parameters"] == AddInput.model_json_schema()
        first, second = result.steps[0].content[-1], result.steps[1].content[-1]
        assert first.is_error is True and "Invalid input for tool 'add'" in first.result  # never sent
        assert second.result["structuredContent"] == {"result": 9}

    run(main)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (ElicitationResponse("accept", {"confirm": True, "seats": 4}), "Booked 4 seats at Chez Max."),
        ({"action": "decline"}, "No booking (decline)."),
        (ElicitationResponse("cancel"), "No booking (cancel)."),
    ],
)
def test_elicitation_answers(answer: Any, expected: str, http_url: str) -> None:
    asked: list[ElicitationRequest] = []

    async def on_elicitation(request: ElicitationRequest) -> Any:
        asked.append(request)
        return answer

    async def main() -> dict[str, Any]:
        over_stdio = isinstance(answer, ElicitationResponse) and answer.action == "accept"
        transport = stdio_transport() if over_stdio else HttpTransport(http_url)
        async with create_mcp_client(transport, on_elicitation=on_elicitation) as client:
            return await client.call_tool("book_table", {"restaurant": "Chez Max"})

    result = run(main)
    assert result["content"][0]["text"] == expected
    assert asked[0].message == "Book a table at Chez Max?"
    assert asked[0].requested_schema["required"] == ["confirm"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_elicitation_over_http(backend: str, http_url: str) -> None:
    async def main() -> dict[str, Any]:
        async with create_mcp_client(
            HttpTransport(http_url),
            on_elicitation=lambda request: {"action": "accept", "content": {"confirm": True}},
        ) as client:
            return await client.call_tool("book_table", {"restaurant": "Noma"})

    assert run(main, backend)["content"][0]["text"] == "Booked 2 seats at Noma."


def test_resources_and_prompts_as_messages(http_url: str) -> None:
    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(fake.text_reply("Looks fine."))
            async with create_mcp_client(HttpTransport(http_url)) as client:
                resources = await client.resources()
                contents = await client.read_resource("notes://today")
                prompts = await client.prompts()
                messages = await client.get_prompt("review_code", {"code": "x = 1"})
                result = await generate_text(chat(server), messages=messages)
        assert [(r.uri, r.mime_type) for r in resources] == [("notes://today", "text/plain")]
        assert contents[0].text == "Buy milk."
        assert [p.name for p in prompts] == ["review_code"] and prompts[0].arguments[0].name == "code"
        assert messages == [
            UserMessage(content=[{"type": "text", "text": "Please review this code:\nx = 1"}])
        ]
        assert server.requests[0].json()["messages"] == [
            {"role": "user", "content": "Please review this code:\nx = 1"}
        ]
        assert result.text == "Looks fine."

    run(main)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hanging_tool_is_bounded_by_the_per_call_timeout(backend: str, http_url: str) -> None:
    async def main() -> None:
        async with create_mcp_client(HttpTransport(http_url), timeout=5) as client:
            with pytest.raises(MCPTimeoutError, match="tools/call 'hang'") as caught:
                await client.call_tool("hang", timeout=0.3)
            assert caught.value.timeout == 0.3
            assert (await client.call_tool("add", {"a": 1, "b": 1}))["structuredContent"] == {"result": 2}

    run(main, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_exit_is_typed_and_nothing_is_left_running(backend: str) -> None:
    async def main() -> None:
        tasks_before, children_before = living_tasks(backend), child_processes()
        async with create_mcp_client(stdio_transport()) as client:
            pid = (await client.call_tool("pid"))["structuredContent"]["result"]
            assert child_processes() - children_before == {pid}
            with pytest.raises(MCPConnectionClosedError, match="did the server exit"):
                await client.call_tool("crash", timeout=5)
            with pytest.raises(MCPConnectionClosedError):
                await client.call_tool("add", {"a": 1, "b": 1}, timeout=5)
        assert not alive(pid)
        assert living_tasks(backend) == tasks_before and child_processes() == children_before
        with pytest.raises(MCPConnectionClosedError, match="client is closed"):
            await client.call_tool("add", {"a": 1, "b": 1})

    run(main, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cancellation_terminates_the_server_process(backend: str) -> None:
    pids: list[int] = []

    async def main() -> None:
        tasks_before, children_before = living_tasks(backend), child_processes()
        calling = anyio.Event()

        async def use_client() -> None:
            async with create_mcp_client(stdio_transport(), timeout=None) as client:
                pids.append((await client.call_tool("pid"))["structuredContent"]["result"])
                calling.set()
                await client.call_tool("hang")  # cancelled mid-call

        async with anyio.create_task_group() as group:
            group.start_soon(use_client)
            await calling.wait()
            await anyio.sleep(0.1)
            group.cancel_scope.cancel()
        assert living_tasks(backend) == tasks_before and child_processes() == children_before

    run(main, backend)
    assert not alive(pids[0])


def test_connection_failures_are_typed() -> None:
    async def main() -> None:
        with pytest.raises(MCPConnectionError, match="could not connect"):
            async with create_mcp_client(StdioTransport("/nonexistent/mcp-server")):
                pass
        with pytest.raises(MCPConnectionError, match="could not connect"):
            async with create_mcp_client(StdioTransport(sys.executable, args=["-c", "pass"]), timeout=5):
                pass
        # an HTTP server that is no MCP server
        with LoopbackServer() as server, pytest.raises(MCPConnectionError, match="http: "):
            async with create_mcp_client(HttpTransport(f"{server.base_url}/mcp", sse_fallback=False)):
                pass

    run(main)


def test_http_headers_reach_the_server() -> None:
    async def main() -> None:
        with LoopbackServer() as server, pytest.raises(MCPConnectionError):
            async with create_mcp_client(
                HttpTransport(
                    f"{server.base_url}/mcp", headers={"Authorization": "Bearer t0k"}, sse_fallback=False
                )
            ):
                pass
        assert server.requests[0].headers["authorization"] == "Bearer t0k"

    run(main)


def test_sse_fallback_failing_too_names_both_attempts() -> None:
    async def main() -> None:
        with LoopbackServer() as server, pytest.raises(MCPConnectionError, match="SSE fallback failed too"):
            async with create_mcp_client(HttpTransport(f"{server.base_url}/mcp"), timeout=5):
                pass

    run(main)


def test_sse_fallback(sse_url: str) -> None:
    async def main() -> dict[str, Any]:
        async with create_mcp_client(HttpTransport(sse_url)) as client:
            assert client.server == f"http: {sse_url}"
            return await client.call_tool("add", {"a": 20, "b": 22})

    assert run(main)["structuredContent"] == {"result": 42}


def test_bad_arguments_fail_before_any_io() -> None:
    from pipeline import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="command"):
        StdioTransport("")
    with pytest.raises(InvalidArgumentError, match="args"):
        StdioTransport("python", args="server.py")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="absolute http"):
        HttpTransport("localhost:8000/mcp")
    with pytest.raises(InvalidArgumentError, match="headers"):
        HttpTransport("http://127.0.0.1/mcp", headers={"X": 1})  # type: ignore[dict-item]

    async def main() -> None:
        with pytest.raises(InvalidArgumentError, match="timeout"):
            async with create_mcp_client(stdio_transport(), timeout=0):
                pass

    run(main)


def test_malformed_results_are_typed() -> None:
    from pipeline.mcp import MCPInvalidResultError

    script = str(Path(__file__).with_name("malformed_server.py"))

    async def main() -> None:
        with LoopbackServer() as server:
            server.enqueue(fake.tool_call_reply("broken", {}), fake.text_reply("It broke."))
            async with create_mcp_client(StdioTransport(sys.executable, args=[script]), timeout=10) as client:
                with pytest.raises(MCPInvalidResultError, match="tools/call 'broken': malformed answer"):
                    await client.call_tool("broken")
                result = await generate_text(
                    chat(server), tools=await client.tools(), max_steps=2, prompt="go"
                )
        tool_result = result.steps[0].content[-1]
        assert tool_result.is_error is True and "MCPInvalidResultError" in tool_result.result

    run(main)


def test_a_failing_elicitation_handler_is_reported_to_the_server(http_url: str) -> None:
    def on_elicitation(request: ElicitationRequest) -> ElicitationResponse:
        raise RuntimeError("no terminal to ask on")

    async def main() -> None:
        async with create_mcp_client(HttpTransport(http_url), on_elicitation=on_elicitation) as client:
            with pytest.raises(MCPClientError, match="elicitation failed: no terminal to ask on"):
                await client.call_tool("book_table", {"restaurant": "Noma"})
            assert (await client.call_tool("add", {"a": 1, "b": 2}))["structuredContent"] == {"result": 3}

    run(main)


def test_a_per_call_timeout_longer_than_the_clients_wins(http_url: str) -> None:
    async def main() -> None:
        async with create_mcp_client(HttpTransport(http_url), timeout=5) as client:
            with pytest.raises(MCPTimeoutError) as caught:
                await client.call_tool("slow", {"seconds": 30}, timeout=0.3)
            assert caught.value.timeout == 0.3
            client._timeout = 0.3  # a client default shorter than the call's own timeout
            answer = await client.call_tool("slow", {"seconds": 0.6}, timeout=10)
            assert answer["structuredContent"] == {"result": "done"}

    run(main)


def test_blocking_client_with_generate_text_sync() -> None:
    from pipeline import generate_text_sync, stream_text_sync
    from pipeline.mcp import create_mcp_client_sync

    with LoopbackServer() as server:
        server.enqueue(
            fake.tool_call_reply("weather", {"city": "Rome"}),
            fake.text_reply("Sunny in Rome."),
            fake.stream_reply(fake.stream_chunks((), tool_calls=[("call_2", "add", ['{"a": 1, "b": 1}'])])),
            fake.stream_reply(fake.stream_chunks(("2",))),
        )
        with create_mcp_client_sync(stdio_transport()) as client:
            pid = client.call_tool("pid")["structuredContent"]["result"]
            tools = client.tools()
            result = generate_text_sync(chat(server), tools=tools, max_steps=2, prompt="Rome?")
            with stream_text_sync(chat(server), tools=tools, max_steps=2, prompt="1+1") as stream:
                streamed = "".join(stream.text_stream)
            assert client.get_prompt("review_code", {"code": "y"})[0].role == "user"
    assert result.text == "Sunny in Rome." and streamed == "2"
    assert "sunny in Rome" in server.requests[1].json()["messages"][-1]["content"]
    assert not alive(pid)
