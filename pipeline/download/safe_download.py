"""SafeDownloader: the default download function, safe against SSRF and oversized or slow bodies.

Per call it downloads the URLs the model cannot fetch itself, in parallel (bounded), each under a
total deadline, all under one shared byte budget; the first failure cancels the rest. See
``reference/reliability.md`` section 2 for the policy and the incidents behind it.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection, Mapping
from functools import cached_property

import anyio
import httpx

from ..attachment_limits import DEFAULT_MAX_CALL_BYTES, DEFAULT_MAX_FILE_BYTES, MiB
from ..errors import DownloadTimeoutError
from ..redact import redact_url
from ._destination import Resolver, system_resolver
from ._limited_read import ByteBudget
from ._safe_fetch import FetchPolicy, fetch_attachment, sanitize_headers
from .types import DownloadedFile, DownloadRequest

__all__ = ["DEFAULT_USER_AGENT", "MiB", "SafeDownloader"]

DEFAULT_USER_AGENT = "modelpipe-download/0.1"


class SafeDownloader:
    """The default :data:`~pipeline.download.DownloadFunction` (an instance is callable as one).

    * http and https only; the host is resolved once per hop (``resolver``, sync or async; the system
      resolver by default) and refused when ANY address is private, loopback, link-local,
      unspecified, multicast, reserved, CGNAT or a cloud-metadata address, including IPv6 forms that
      embed such an IPv4 and numeric hosts such as ``2130706433`` or ``127.1``;
    * the connection goes to the checked address (``Host`` header and TLS SNI keep the name);
    * redirects are followed by hand (at most ``max_redirects``), each hop checked again;
    * ``headers`` are sanitized (no ``Authorization``, ``Cookie``, proxy or forwarding headers) and
      all are dropped once a redirect leaves the original origin;
    * ``max_file_bytes`` per file and ``max_call_bytes`` per call, counted on decoded bytes (20 and
      50 MiB, the same defaults as inline attachments, see :mod:`pipeline.attachment_limits`);
    * connect / read timeouts per operation and ``total_timeout`` per file.

    ``allow_private_network=True`` lifts the private-address rule (metadata stays blocked);
    ``trusted_hosts`` lifts it for the named hosts only. ``transport`` replaces the network layer
    (tests, custom networking); it receives requests whose URL host is the checked IP address, and
    it is not closed by the downloader.
    """

    def __init__(
        self,
        *,
        allow_private_network: bool = False,
        trusted_hosts: Collection[str] = (),
        resolver: Resolver | None = None,
        headers: Mapping[str, str] | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        max_call_bytes: int = DEFAULT_MAX_CALL_BYTES,
        max_redirects: int = 5,
        max_concurrency: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 30.0,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = FetchPolicy(
            resolver=resolver or system_resolver,
            allow_private_network=allow_private_network,
            trusted_hosts=frozenset(host.lower().rstrip(".") for host in trusted_hosts),
            max_redirects=max_redirects,
            max_file_bytes=max_file_bytes,
            user_agent=user_agent,
            headers=sanitize_headers(headers or {}),
        )
        self.max_call_bytes = max_call_bytes
        self.max_concurrency = max_concurrency
        self.timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        self.total_timeout = total_timeout
        self.transport = transport

    async def __call__(self, requests: list[DownloadRequest]) -> list[DownloadedFile | None]:
        """Download every request the model cannot fetch itself; ``None`` for the others."""
        positions: dict[str, list[int]] = {}
        for index, request in enumerate(requests):
            if not request.is_url_supported_by_model:
                positions.setdefault(str(request.url), []).append(index)
        results: list[DownloadedFile | None] = [None] * len(requests)
        if not positions:
            return results
        budget = ByteBudget(self.max_call_bytes)
        limiter = anyio.CapacityLimiter(self.max_concurrency)
        failures: list[Exception] = []
        client = self._client()
        try:
            async with anyio.create_task_group() as group:

                async def download(url: str, indexes: list[int]) -> None:
                    try:
                        async with limiter:
                            downloaded = await self._download_one(client, httpx.URL(url), budget)
                    except Exception as error:  # the first failure ends the call, unwrapped
                        failures.append(error)
                        group.cancel_scope.cancel()
                        return
                    for index in indexes:
                        results[index] = downloaded

                for url, indexes in positions.items():
                    group.start_soon(download, url, indexes)
        finally:
            if self.transport is None:
                with anyio.move_on_after(1, shield=True):
                    await client.aclose()
        if failures:
            raise failures[0]
        return results

    async def _download_one(
        self, client: httpx.AsyncClient, url: httpx.URL, budget: ByteBudget
    ) -> DownloadedFile:
        try:
            with anyio.fail_after(self.total_timeout):
                return await fetch_attachment(client, url, self.policy, budget)
        except TimeoutError as error:
            raise DownloadTimeoutError(
                redact_url(url), timeout=self.total_timeout, cause="total download time exceeded"
            ) from error

    @cached_property
    def _ssl_context(self) -> ssl.SSLContext:
        """Built on first use and then shared (loading the CA bundle takes tens of milliseconds)."""
        return httpx.create_ssl_context()

    def _client(self) -> httpx.AsyncClient:
        transport = self.transport or httpx.AsyncHTTPTransport(
            verify=self._ssl_context, limits=httpx.Limits(max_keepalive_connections=0), trust_env=False
        )
        return httpx.AsyncClient(transport=transport, timeout=self.timeout, trust_env=False)
