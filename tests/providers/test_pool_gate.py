"""PoolGate: requests enter httpcore's pool one at a time, and only until each owns a connection."""

from __future__ import annotations

from typing import Any

import anyio
import httpcore
import httpx
import pytest
import trio

from providers._http import HttpClient, post_json
from providers._pool_gate import GatedTransport, PoolGate
from providers.testing import JsonReply, LoopbackServer


class ScriptedTransport(httpx.AsyncBaseTransport):
    """Records when each request enters and leaves; emits ``events`` through the trace extension first."""

    def __init__(self, events: list[str], fail: bool = False) -> None:
        self.events = events
        self.fail = fail
        self.log: list[str] = []
        self.answer = anyio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path
        self.log.append(f"enter {name}")
        trace = request.extensions["trace"]
        for event in self.events:
            await trace(event, {})
        if self.fail:
            raise httpx.ConnectError("refused")
        await self.answer.wait()
        self.log.append(f"leave {name}")
        return httpx.Response(200)


async def _both(gate: PoolGate, transport: ScriptedTransport) -> None:
    async with anyio.create_task_group() as group:
        group.start_soon(gate.send, transport, httpx.Request("POST", "http://a.test/1"))
        await anyio.wait_all_tasks_blocked()
        group.start_soon(gate.send, transport, httpx.Request("POST", "http://a.test/2"))
        await anyio.wait_all_tasks_blocked()
        transport.answer.set()


@pytest.mark.parametrize("event", ["http11.send_request_headers.started", "connection.connect_tcp.started"])
async def test_the_next_request_enters_once_the_first_owns_its_connection(event: str) -> None:
    transport = ScriptedTransport(["connection.connect_tcp.complete", event])
    await _both(PoolGate(), transport)
    assert transport.log[:2] == ["enter /1", "enter /2"]  # /2 did not wait for /1's answer


async def test_without_an_ownership_event_the_gate_opens_when_the_request_returns() -> None:
    transport = ScriptedTransport(["http11.response_closed.started"])
    await _both(PoolGate(), transport)
    assert transport.log == ["enter /1", "leave /1", "enter /2", "leave /2"]


async def test_a_failed_request_opens_the_gate() -> None:
    gate = PoolGate()
    transport = ScriptedTransport([], fail=True)
    for _ in range(2):
        with pytest.raises(httpx.ConnectError):
            await gate.send(transport, httpx.Request("POST", "http://a.test/x"))
    assert transport.log == ["enter /x", "enter /x"]


def test_a_burst_under_trio_never_hands_one_connection_to_two_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under trio a pooled client sends through the gate into httpx's own pool. Without the gate,
    httpcore 1.0.9 gives a warm idle connection to many requests of a burst; all but one get
    ConnectionNotAvailable and queue again (hundreds of times for 60 requests)."""
    refused = 0
    handle = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counting(self: Any, request: Any) -> Any:
        nonlocal refused
        try:
            return await handle(self, request)
        except httpcore.ConnectionNotAvailable:
            refused += 1
            raise

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counting)
    http = HttpClient()
    with LoopbackServer() as server:
        server.default_reply = JsonReply({"ok": True}, delay=0.02)

        async def call(answers: list[Any]) -> None:
            response = await post_json(
                http, server.url("/x"), headers={}, body={}, parse_error=lambda status, text: ("", None)
            )
            answers.append(response.value)

        async def bursts() -> None:
            assert isinstance(http.client()._transport, GatedTransport)
            try:
                for _ in range(3):  # the first burst opens the connections, the next ones reuse them
                    answers: list[Any] = []
                    async with trio.open_nursery() as nursery:
                        for _ in range(60):
                            nursery.start_soon(call, answers)
                    assert answers == [{"ok": True}] * 60
            finally:
                await http.aclose()

        trio.run(bursts)
    assert refused == 0


async def test_waiting_at_the_gate_is_bounded_by_the_pool_timeout() -> None:
    gate = PoolGate()
    transport = ScriptedTransport([])  # never owns a connection: holds the gate until answered
    timeouts = {"timeout": {"connect": 1.0, "read": 1.0, "write": 1.0, "pool": 0.05}}
    async with anyio.create_task_group() as group:
        group.start_soon(gate.send, transport, httpx.Request("POST", "http://a.test/1"))
        await anyio.wait_all_tasks_blocked()
        with pytest.raises(httpx.PoolTimeout, match=r"within 0\.05 s"):
            await gate.send(transport, httpx.Request("POST", "http://a.test/2", extensions=timeouts))
        transport.answer.set()
    assert transport.log == ["enter /1", "leave /1"]
