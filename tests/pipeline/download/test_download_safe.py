"""SafeDownloader against real HTTP servers on 127.0.0.1 (reliability test plan A1-A8)."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import pytest

from pipeline.download import DownloadRequest
from pipeline.download.safe_download import SafeDownloader
from pipeline.errors import DownloadBlockedError, DownloadError, DownloadTimeoutError, DownloadTooLargeError
from pipeline.generate import generate_text
from pipeline.prompt import FilePart
from pipeline.testing import MockLanguageModel

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(32))


def public_resolver(host: str) -> list[str]:
    """A resolver answering a public address for every name (for stubbed transports)."""
    return ["93.184.216.34"]


@dataclass
class Seen:
    """One request a loopback server received."""

    path: str
    headers: dict[str, str]


Handler = Callable[["Loopback", asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Loopback:
    """A tiny HTTP/1.1 server on 127.0.0.1: one request per connection, routes by path."""

    routes: dict[str, Handler] = field(default_factory=dict)
    accepts: int = 0
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.accepts += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in header_lines:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            path = request_line.split(" ")[1]
            self.requests.append(Seen(path, headers))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                handler = self.routes.get(path.partition("?")[0], NOT_FOUND)
                await handler(self, reader, writer)
            finally:
                self.in_flight -= 1
        except (asyncio.IncompleteReadError, ConnectionError):
            self.disconnected.set()
        finally:
            writer.close()
            self._tasks.discard(task)


def head(status: int, headers: dict[str, str], reason: str = "OK") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    status: int = 200,
    body: bytes = b"",
    *,
    reason: str = "OK",
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> Handler:
    async def handler(server: Loopback, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(delay)
        writer.write(head(status, {"Content-Length": str(len(body)), **(headers or {})}, reason) + body)
        await writer.drain()

    return handler


NOT_FOUND = respond(404, b"missing", reason="Not Found")


def redirect(location: str, status: int = 302) -> Handler:
    return respond(status, b"moved", reason="Found", headers={"Location": location})


def chunked(body: bytes, size: int = 1000, headers: dict[str, str] | None = None) -> Handler:
    """A body without Content-Length (chunked transfer encoding)."""

    async def handler(server: Loopback, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Transfer-Encoding": "chunked", **(headers or {})}))
        for start in range(0, len(body), size):
            piece = body[start : start + size]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    return handler


def drip(interval: float) -> Handler:
    """One byte per ``interval`` forever; notes when the client goes away."""

    async def handler(server: Loopback, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Transfer-Encoding": "chunked"}))
        while True:
            writer.write(b"1\r\nx\r\n")
            await writer.drain()
            if await wait_for_close(reader, interval):
                server.disconnected.set()
                return

    return handler


def stall() -> Handler:
    """Never answers; notes when the client goes away."""

    async def handler(server: Loopback, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not await wait_for_close(reader, 0.05):
            pass
        server.disconnected.set()

    return handler


async def wait_for_close(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1), seconds) == b""
    except TimeoutError:
        return False


@pytest.fixture
async def server() -> AsyncIterator[Loopback]:
    loopback = Loopback()
    await loopback.start()
    yield loopback
    await loopback.stop()


@pytest.fixture
async def other_server() -> AsyncIterator[Loopback]:
    loopback = Loopback()
    await loopback.start()
    yield loopback
    await loopback.stop()


def local(**options: object) -> SafeDownloader:
    """A downloader allowed to reach the loopback servers."""
    return SafeDownloader(allow_private_network=True, **options)  # type: ignore[arg-type]


async def fetch_one(downloader: SafeDownloader, url: str) -> bytes:
    [result] = await downloader([DownloadRequest(httpx.URL(url), False)])
    assert result is not None
    return result.data


# --- parallelism -------------------------------------------------------------------------------


async def test_parallel_downloads_take_about_the_slowest_not_the_sum(server: Loopback) -> None:
    for name in ("a", "b", "c"):
        server.routes[f"/{name}"] = respond(200, name.encode(), delay=0.3)
    requests = [DownloadRequest(httpx.URL(server.url(f"/{name}")), False) for name in ("a", "b", "c")]
    started = time.monotonic()
    results = await local()(requests)
    elapsed = time.monotonic() - started
    assert [r.data for r in results if r is not None] == [b"a", b"b", b"c"]
    assert elapsed < 0.6, f"took {elapsed:.2f}s; three serial downloads take 0.9s"
    assert server.max_in_flight == 3


async def test_concurrency_is_bounded(server: Loopback) -> None:
    for index in range(4):
        server.routes[f"/{index}"] = respond(200, b"x", delay=0.05)
    requests = [DownloadRequest(httpx.URL(server.url(f"/{index}")), False) for index in range(4)]
    await local(max_concurrency=2)(requests)
    assert server.max_in_flight == 2


async def test_supported_urls_are_not_fetched_and_repeated_urls_are_fetched_once(server: Loopback) -> None:
    server.routes["/x"] = respond(200, b"x")
    url = httpx.URL(server.url("/x"))
    requests = [DownloadRequest(url, True), DownloadRequest(url, False), DownloadRequest(url, False)]
    results = await local()(requests)
    assert results[0] is None
    assert [r.data if r else None for r in results[1:]] == [b"x", b"x"]
    assert server.paths == ["/x"]


# --- address checks (A1-A3) --------------------------------------------------------------------

NAMES = {
    "loopback.example": ["127.0.0.1"],
    "mixed.example": ["93.184.216.34", "127.0.0.1"],
    "private.example": ["10.0.0.5"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "meta.example": ["169.254.169.254"],
}


def table_resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> Callable[[str], list[str]]:
    def resolve(host: str) -> list[str]:
        if calls is not None:
            calls.append(host)
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.1.",
        "2130706433",
        "0x7f000001",
        "0177.1",
        "127.1",
        "0.0.0.0",
        "[::1]",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::]",
        "localhost",
        "localhost.",
        "app.localhost",
        "loopback.example",
        "mixed.example",
        "private.example",
        "mapped.example",
    ],
)
async def test_blocked_addresses_never_reach_a_listener(server: Loopback, host: str) -> None:
    downloader = SafeDownloader(resolver=table_resolver(NAMES))
    with pytest.raises(DownloadBlockedError):
        await fetch_one(downloader, server.url("/secret", host=host))
    assert server.accepts == 0


def test_dotted_octal_quads_are_rejected_by_url_parsing_already() -> None:
    with pytest.raises(httpx.InvalidURL):
        httpx.URL("http://0177.0.0.1/secret")


async def test_the_listener_counts_connections_when_private_networks_are_allowed(server: Loopback) -> None:
    server.routes["/secret"] = respond(200, b"ok")
    downloader = local(resolver=table_resolver(NAMES))
    assert await fetch_one(downloader, server.url("/secret", "loopback.example")) == b"ok"
    assert server.accepts == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://168.63.129.16/",
        "http://[fd00:ec2::254]/",
        "http://meta.example/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0xa9fea9fe/",
    ],
)
async def test_metadata_targets_stay_blocked_with_private_networks_allowed(url: str) -> None:
    with pytest.raises(DownloadBlockedError, match="metadata"):
        await fetch_one(local(resolver=table_resolver(NAMES)), url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/file", "gopher://example.com/", "gs://bucket/object"]
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(DownloadBlockedError, match="scheme"):
        await fetch_one(SafeDownloader(), url)


async def test_connection_goes_to_the_checked_address_with_the_original_host(server: Loopback) -> None:
    server.routes["/f"] = respond(200, b"pinned")
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # rebinding: the second answer must never be used
    calls: list[str] = []

    def rebinding(host: str) -> list[str]:
        calls.append(host)
        return next(answers)

    downloader = SafeDownloader(resolver=rebinding, trusted_hosts=["files.example"])
    assert await fetch_one(downloader, server.url("/f", "files.example")) == b"pinned"
    assert calls == ["files.example"]
    assert server.requests[0].headers["host"] == f"files.example:{server.port}"


@pytest.mark.parametrize(
    ("url", "address", "server_name", "host"),
    [
        ("https://files.example/a.png", "93.184.216.34", "files.example", "files.example"),
        ("https://files.example:8443/a.png", "93.184.216.34", "files.example", "files.example:8443"),
        ("http://files.example/a.png", "93.184.216.34", None, "files.example"),
        ("https://[2606:4700::1]/a.png", "2606:4700::1", None, "[2606:4700::1]"),
    ],
)
async def test_https_requests_present_the_original_name_for_tls_while_connecting_to_the_address(
    url: str, address: str, server_name: str | None, host: str
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=b"ok")

    transport = httpx.MockTransport(handler)
    downloader = SafeDownloader(resolver=public_resolver, transport=transport)
    assert await fetch_one(downloader, url) == b"ok"
    [request] = sent
    assert request.url.host == address
    assert request.extensions.get("sni_hostname") == server_name
    assert request.headers["host"] == host


async def test_bodies_a_custom_transport_already_read_are_limited_too() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 11))
    downloader = SafeDownloader(resolver=public_resolver, transport=transport, max_file_bytes=10)
    with pytest.raises(DownloadTooLargeError):
        await fetch_one(downloader, "https://files.example/big")


async def test_unexpected_errors_surface_unwrapped_not_as_exception_groups() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("transport bug")

    downloader = SafeDownloader(resolver=public_resolver, transport=httpx.MockTransport(broken))
    with pytest.raises(RuntimeError, match="transport bug"):
        await fetch_one(downloader, "https://files.example/x")


async def test_an_async_resolver_is_awaited(server: Loopback) -> None:
    server.routes["/f"] = respond(200, b"ok")

    async def resolve(host: str) -> list[str]:
        await anyio.sleep(0)
        return ["127.0.0.1"]

    assert await fetch_one(local(resolver=resolve), server.url("/f", "async.example")) == b"ok"


async def test_unresolvable_hosts_fail_with_a_download_error() -> None:
    with pytest.raises(DownloadError, match="could not resolve"):
        await fetch_one(SafeDownloader(resolver=lambda host: []), "https://nowhere.example/x")


# --- redirects (A4) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://internal.example:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ],
)
async def test_redirect_from_a_public_looking_host_to_a_blocked_target_is_refused(
    server: Loopback, target: str
) -> None:
    server.routes["/start"] = redirect(target.format(port=server.port))
    server.routes["/secret"] = respond(200, b"internal data")
    resolver = table_resolver({"files.example": ["127.0.0.1"], "internal.example": ["127.0.0.1"]})
    downloader = SafeDownloader(resolver=resolver, trusted_hosts=["files.example"])
    with pytest.raises(DownloadBlockedError):
        await fetch_one(downloader, server.url("/start", "files.example"))
    assert server.paths == ["/start"]


async def test_five_redirects_are_followed_with_relative_locations(server: Loopback) -> None:
    for hop in range(5):
        server.routes[f"/hop{hop}"] = redirect(f"hop{hop + 1}", status=(301, 302, 303, 307, 308)[hop])
    server.routes["/hop5"] = respond(200, b"arrived")
    assert await fetch_one(local(), server.url("/hop0")) == b"arrived"
    assert server.paths == [f"/hop{hop}" for hop in range(6)]


async def test_a_sixth_redirect_is_refused(server: Loopback) -> None:
    for hop in range(6):
        server.routes[f"/hop{hop}"] = redirect(f"/hop{hop + 1}")
    with pytest.raises(DownloadError, match="too many redirects"):
        await fetch_one(local(), server.url("/hop0"))
    assert len(server.requests) == 6


async def test_an_unparsable_redirect_location_is_a_download_error(server: Loopback) -> None:
    server.routes["/x"] = redirect("http://0177.0.0.1/secret")
    with pytest.raises(DownloadError, match="Invalid URL in location"):
        await fetch_one(local(), server.url("/x"))
    assert server.paths == ["/x"]


@pytest.mark.parametrize(
    ("location", "error", "reason"),
    [
        ("http://xn--a.example/secret", DownloadError, "invalid host name in the redirect location"),
        ("http://127.0.0.1:99999/secret", DownloadBlockedError, "port 99999 is out of range"),
        ("http://127.0.0.1:0/secret", DownloadBlockedError, "port 0 is out of range"),
    ],
)
async def test_a_redirect_to_an_undecodable_host_or_impossible_port_is_a_download_error(
    server: Loopback, location: str, error: type[DownloadError], reason: str
) -> None:
    server.routes["/x"] = redirect(location)
    with pytest.raises(error, match=reason):
        await fetch_one(local(), server.url("/x"))
    assert server.paths == ["/x"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/x", "port 99999 is out of range"),
        ("http://xn--a.example/x", "host is not a valid internationalized domain name"),
    ],
)
async def test_an_impossible_port_or_undecodable_host_is_blocked_before_connecting(
    url: str, reason: str
) -> None:
    with pytest.raises(DownloadBlockedError, match=reason):
        await fetch_one(local(resolver=lambda host: ["127.0.0.1"]), url)


@pytest.mark.parametrize("status", [300, 304])
async def test_other_3xx_statuses_are_not_followed(server: Loopback, status: int) -> None:
    server.routes["/x"] = redirect("/y", status=status)
    with pytest.raises(DownloadError) as raised:
        await fetch_one(local(), server.url("/x"))
    assert raised.value.status_code == status
    assert server.paths == ["/x"]


# --- headers (A5) ------------------------------------------------------------------------------


async def test_credentials_are_never_sent_and_caller_headers_stop_at_the_first_cross_origin_hop(
    server: Loopback, other_server: Loopback
) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(other_server.url("/c"))
    other_server.routes["/c"] = redirect(server.url("/d"))
    server.routes["/d"] = respond(200, b"done")
    headers = {
        "Authorization": "Bearer secret",
        "Cookie": "s=1",
        "X-Forwarded-For": "1.2.3.4",
        "Proxy-Authorization": "p",
        "X-Trace": "t1",
        "User-Agent": "my-agent",
    }
    assert await fetch_one(local(headers=headers), server.url("/a")) == b"done"

    sent = [*server.requests[:2], other_server.requests[0], server.requests[2]]
    for seen in sent:
        assert not {"authorization", "cookie", "x-forwarded-for", "proxy-authorization"} & set(seen.headers)
        assert seen.headers["user-agent"] == "my-agent"
        assert seen.headers["accept-encoding"] == "identity, gzip"
    assert [seen.headers.get("x-trace") for seen in sent] == ["t1", "t1", None, None]


# --- size limits (A6) --------------------------------------------------------------------------


@pytest.mark.parametrize("make", [respond, chunked], ids=["content-length", "chunked"])
async def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused(
    server: Loopback, make: Callable[..., Handler]
) -> None:
    server.routes["/cap"] = make(200, b"a" * 1000) if make is respond else make(b"a" * 1000, size=300)
    server.routes["/over"] = make(200, b"a" * 1001) if make is respond else make(b"a" * 1001, size=300)
    downloader = local(max_file_bytes=1000)
    assert len(await fetch_one(downloader, server.url("/cap"))) == 1000
    with pytest.raises(DownloadTooLargeError, match="maximum size of 1000 bytes") as raised:
        await fetch_one(downloader, server.url("/over"))
    assert raised.value.max_bytes == 1000


async def test_a_huge_content_length_is_refused_before_reading(server: Loopback) -> None:
    server.routes["/huge"] = respond(200, b"x" * 10, headers={"Content-Length": str(2**30)})
    with pytest.raises(DownloadTooLargeError, match=f"Content-Length: {2**30}"):
        await fetch_one(local(max_file_bytes=1000), server.url("/huge"))


async def test_gzip_bodies_are_decoded_and_a_gzip_bomb_stops_at_the_decoded_limit(server: Loopback) -> None:
    server.routes["/small"] = respond(200, gzip.compress(PNG), headers={"Content-Encoding": "gzip"})
    bomb = gzip.compress(b"\x00" * (16 * 1024 * 1024))
    server.routes["/bomb"] = chunked(bomb, size=4096, headers={"Content-Encoding": "gzip"})
    downloader = local(max_file_bytes=64 * 1024)
    assert await fetch_one(downloader, server.url("/small")) == PNG
    assert len(bomb) < 64 * 1024
    with pytest.raises(DownloadTooLargeError):
        await fetch_one(downloader, server.url("/bomb"))


async def test_unsupported_content_encodings_are_refused(server: Loopback) -> None:
    server.routes["/br"] = respond(200, b"\x0b\x02\x80", headers={"Content-Encoding": "br"})
    with pytest.raises(DownloadError, match="unsupported Content-Encoding 'br'"):
        await fetch_one(local(), server.url("/br"))


async def test_the_per_call_budget_covers_all_files_together(server: Loopback) -> None:
    server.routes["/a"] = respond(200, b"a" * 600)
    server.routes["/b"] = respond(200, b"b" * 400)
    server.routes["/c"] = respond(200, b"c")
    exact = [DownloadRequest(httpx.URL(server.url(p)), False) for p in ("/a", "/b")]
    assert [len(r.data) for r in await local(max_call_bytes=1000)(exact) if r] == [600, 400]
    with pytest.raises(DownloadTooLargeError, match="total maximum size of 1000 bytes"):
        await local(max_call_bytes=1000)([*exact, DownloadRequest(httpx.URL(server.url("/c")), False)])


# --- time limits and cancellation (A7) ---------------------------------------------------------


async def test_a_slow_drip_is_stopped_at_the_total_deadline(server: Loopback) -> None:
    server.routes["/drip"] = drip(0.05)
    started = time.monotonic()
    with pytest.raises(DownloadTimeoutError, match=r"limit 0\.5 s"):
        await fetch_one(local(total_timeout=0.5), server.url("/drip"))
    assert 0.45 < time.monotonic() - started < 1.5
    with anyio.fail_after(1):
        await server.disconnected.wait()


async def test_a_silent_server_trips_the_read_timeout(server: Loopback) -> None:
    server.routes["/stall"] = stall()
    with pytest.raises(DownloadTimeoutError, match="ReadTimeout"):
        await fetch_one(local(read_timeout=0.2), server.url("/stall"))


async def test_cancellation_stops_the_downloads_and_closes_the_connections(server: Loopback) -> None:
    server.routes["/stall"] = stall()
    server.routes["/drip"] = drip(0.05)
    requests = [DownloadRequest(httpx.URL(server.url(p)), False) for p in ("/stall", "/drip")]
    started = time.monotonic()
    with anyio.move_on_after(0.3) as scope:
        await local()(requests)
    assert scope.cancelled_caught
    assert time.monotonic() - started < 0.6
    with anyio.fail_after(1):
        await server.disconnected.wait()


async def test_the_first_failure_cancels_the_other_downloads(server: Loopback) -> None:
    server.routes["/stall"] = stall()
    server.routes["/missing"] = respond(404, b"", reason="Not Found", delay=0.1)
    requests = [DownloadRequest(httpx.URL(server.url(p)), False) for p in ("/stall", "/missing")]
    started = time.monotonic()
    with pytest.raises(DownloadError) as raised:
        await local()(requests)
    assert raised.value.status_code == 404
    assert time.monotonic() - started < 1.0


# --- errors and redaction (A8) -----------------------------------------------------------------


async def test_http_errors_carry_the_status_and_never_the_query_string(server: Loopback) -> None:
    url = server.url("/private.png?X-Amz-Signature=topsecret&token=abc")
    with pytest.raises(DownloadError) as raised:
        await fetch_one(local(), url)
    error = raised.value
    assert (error.status_code, error.status_text) == (404, "Not Found")
    assert error.url == server.url("/private.png")
    assert "topsecret" not in str(error) and "topsecret" not in repr(error)
    assert server.paths == ["/private.png?X-Amz-Signature=topsecret&token=abc"]


async def test_blocked_and_connection_errors_never_show_the_query_string(server: Loopback) -> None:
    with pytest.raises(DownloadBlockedError) as blocked:
        await fetch_one(SafeDownloader(), "http://10.0.0.1/x?sig=topsecret")
    assert "topsecret" not in str(blocked.value)
    closed_port = server.port
    await server.stop()
    with pytest.raises(DownloadError) as refused:
        await fetch_one(local(), f"http://127.0.0.1:{closed_port}/x?sig=topsecret")
    assert "topsecret" not in str(refused.value)
    await server.start()


async def test_generate_text_downloads_an_image_url_the_model_cannot_fetch(server: Loopback) -> None:
    server.routes["/cat"] = respond(200, PNG, headers={"Content-Type": "application/octet-stream"})
    model = MockLanguageModel()
    messages = [{"role": "user", "content": [{"type": "image", "image": server.url("/cat")}]}]
    call_headers = {"Authorization": "Bearer provider-key", "x-api-key": "provider-key"}
    await generate_text(model, messages=messages, download=local(), headers=call_headers)
    assert not {"authorization", "x-api-key"} & set(server.requests[0].headers)
    content = model.generate_calls[0].prompt[0].content
    assert isinstance(content, list)
    [part] = content
    assert isinstance(part, FilePart)
    assert (part.data, part.media_type) == (PNG, "image/png")
