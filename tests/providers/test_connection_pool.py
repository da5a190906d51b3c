"""HTTP11ConnectionPool's hand-out pass, against real keep-alive servers on 127.0.0.1: bursts, limits,
keep-alive expiry, and when an idle connection's socket is asked whether the server closed it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx
import pytest
from httpcore._async.connection_pool import AsyncPoolRequest

from providers._asyncio_network import AsyncioHTTPTransport, AsyncioStream
from providers._http import HttpClient, post_json
from providers._http11 import MergedBodyConnection


@dataclass
class KeepAliveServer:
    """Answers every request of a connection with the connection's number (from 1), after ``delay``."""

    delay: float = 0.0
    opened: int = 0
    closed_by_client: list[int] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        number = self.opened
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.served.append(head.split(b" ")[1].decode())
                await asyncio.sleep(self.delay)
                body = str(number).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except asyncio.IncompleteReadError:
            self.closed_by_client.append(number)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@asynccontextmanager
async def serving(delay: float = 0.0) -> AsyncIterator[KeepAliveServer]:
    state = KeepAliveServer(delay=delay)
    tasks: set[asyncio.Task[Any]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        await state.handle(reader, writer)

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def pooled(**limits: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncioHTTPTransport(httpx.Limits(**limits)))


async def wait_for(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


async def test_a_burst_on_warm_connections_hands_each_connection_to_one_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpcore 1.0.9's own pass gives a warm idle connection to every request of a burst that enters
    before the first one starts on it; all but one get ConnectionNotAvailable and queue again."""
    refused = 0
    handle = MergedBodyConnection.handle_async_request

    async def counting(self: MergedBodyConnection, request: httpcore.Request) -> httpcore.Response:
        nonlocal refused
        try:
            return await handle(self, request)
        except httpcore.ConnectionNotAvailable:
            refused += 1
            raise

    monkeypatch.setattr(MergedBodyConnection, "handle_async_request", counting)
    http = HttpClient()
    async with serving(delay=0.02) as server:

        async def call() -> Any:
            response = await post_json(
                http, server.url("/x"), headers={}, body={}, parse_error=lambda status, text: ("", None)
            )
            return response.value

        try:
            for _ in range(3):  # the first burst opens the connections, the next ones reuse them
                assert len(await asyncio.gather(*(call() for _ in range(60)))) == 60
        finally:
            await http.aclose()
        assert server.opened == 60
    assert refused == 0


async def test_only_the_idle_connection_about_to_be_handed_out_is_polled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpcore's pass asks every idle connection's socket whether the server closed it, twice per
    request; here only the one connection a request is about to get is asked."""
    polls = 0
    get_extra_info = AsyncioStream.get_extra_info

    def counting(self: AsyncioStream, info: str) -> Any:
        nonlocal polls
        polls += info == "is_readable"
        return get_extra_info(self, info)

    async with serving(delay=0.02) as server, pooled() as client:
        await asyncio.gather(*(client.get(server.url()) for _ in range(8)))  # eight warm connections
        monkeypatch.setattr(AsyncioStream, "get_extra_info", counting)
        for _ in range(5):
            assert (await client.get(server.url())).status_code == 200
    assert server.opened == 8
    assert polls == 5


async def test_an_idle_connection_past_its_keep_alive_time_is_closed_and_replaced() -> None:
    async with serving() as server, pooled(keepalive_expiry=0.05) as client:
        assert (await client.get(server.url())).text == "1"
        await asyncio.sleep(0.1)
        assert (await client.get(server.url())).text == "2"
        await wait_for(lambda: server.closed_by_client == [1])


async def test_idle_connections_above_the_keep_alive_limit_are_closed() -> None:
    async with serving(delay=0.02) as server, pooled(max_keepalive_connections=2) as client:
        await asyncio.gather(*(client.get(server.url()) for _ in range(5)))
        await wait_for(lambda: len(server.closed_by_client) == 3)
        answers = await asyncio.gather(*(client.get(server.url()) for _ in range(2)))
    assert server.opened == 5  # the two kept connections carried the next two requests
    kept = {"1", "2", "3", "4", "5"} - {str(number) for number in server.closed_by_client}
    assert {answer.text for answer in answers} == kept


async def test_a_full_pool_makes_room_by_closing_an_idle_connection_to_another_origin() -> None:
    async with serving() as first, serving() as second, pooled(max_connections=1) as client:
        assert (await client.get(first.url())).status_code == 200
        assert (await client.get(second.url())).status_code == 200
        await wait_for(lambda: first.closed_by_client == [1])
    assert (first.opened, second.opened) == (1, 1)


async def test_requests_beyond_a_full_pool_wait_and_are_served_in_order() -> None:
    async with serving(delay=0.01) as server, pooled(max_connections=1) as client:
        tasks = []
        for index in range(4):
            tasks.append(asyncio.create_task(client.get(server.url(f"/{index}"))))
            await asyncio.sleep(0)  # each request enters the pool before the next
        answers = await asyncio.gather(*tasks)
    assert [answer.text for answer in answers] == ["1"] * 4
    assert server.served == ["/0", "/1", "/2", "/3"]


async def test_a_connection_handed_to_a_request_cancelled_before_it_started_serves_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The only connection is handed to the waiting ``/b``, which is cancelled before it runs: the
    reservation lapses with ``/b`` and ``/c`` gets the connection (it would otherwise wait forever)."""
    waiting: list[asyncio.Task[httpx.Response]] = []
    assign = AsyncPoolRequest.assign_to_connection

    def assign_then_cancel_b(self: AsyncPoolRequest, connection: Any) -> None:
        assign(self, connection)
        if self.request.url.target == b"/b":
            waiting[0].cancel()

    monkeypatch.setattr(AsyncPoolRequest, "assign_to_connection", assign_then_cancel_b)
    async with serving(delay=0.05) as server, pooled(max_connections=1) as client:
        first = asyncio.create_task(client.get(server.url("/a")))
        await asyncio.sleep(0.01)  # /a holds the only connection
        waiting.append(asyncio.create_task(client.get(server.url("/b"))))
        await asyncio.sleep(0.01)  # /b waits for it
        assert (await first).text == "1"
        with pytest.raises(asyncio.CancelledError):
            await waiting[0]
        third = await asyncio.wait_for(client.get(server.url("/c")), 2)
    assert third.text == "1"
    assert server.served == ["/a", "/c"]
