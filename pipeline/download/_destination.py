"""Where one download hop may connect: scheme and host checks, one resolution, every address checked.

The result pins the hop to the checked address: the request goes to that IP while the ``Host`` header
and the TLS server name stay the original host, so a second (rebinding) resolution can never happen.
"""

from __future__ import annotations

import inspect
import socket
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

import anyio
import httpx

from ..errors import DownloadBlockedError, DownloadError
from ..redact import redact_text, redact_url
from ._address_policy import IPAddress, blocked_address_reason, blocked_host_reason, parse_ip_host

__all__ = ["Destination", "Resolver", "check_destination", "system_resolver"]

Resolver = Callable[[str], Awaitable[Sequence[str]] | Sequence[str]]
"""Host name to IP address strings; sync or async. The default asks the system (``getaddrinfo``)."""

_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_PORT = 65535


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked hop: the URL asked for, its normalized host, and the address to connect to."""

    url: httpx.URL
    host: str
    address: IPAddress

    @property
    def request_url(self) -> httpx.URL:
        """The URL with the checked address as its host (no user info, no fragment)."""
        return httpx.URL(
            scheme=self.url.scheme, host=str(self.address), port=self.url.port, raw_path=self.url.raw_path
        )

    @property
    def host_header(self) -> str:
        """The original host (and non-default port) for the ``Host`` header."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = self.url.port
        return host if port is None or port == _DEFAULT_PORTS[self.url.scheme] else f"{host}:{port}"

    @property
    def server_name(self) -> str | None:
        """The TLS server name (SNI) to present, or ``None`` for plain HTTP and IP-literal hosts."""
        if self.url.scheme != "https" or parse_ip_host(self.host) is not None:
            return None
        return self.host


async def system_resolver(host: str) -> list[str]:
    """The system's addresses for ``host`` (every A and AAAA record, in its order, without repeats)."""
    infos = await anyio.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    addresses: dict[str, None] = {}
    for *_, sockaddr in infos:
        addresses[str(sockaddr[0]).partition("%")[0]] = None
    return list(addresses)


async def check_destination(
    url: httpx.URL,
    *,
    resolver: Resolver,
    allow_private_network: bool,
    trusted_hosts: Collection[str] = (),
) -> Destination:
    """Check ``url`` for one hop and pick the address to connect to.

    Raises :class:`DownloadBlockedError` for a scheme other than http(s), a refused host name, a
    malformed numeric or internationalized host, a port outside 1-65535, or when ANY resolved address
    is refused; :class:`DownloadError` when the host does not resolve. ``trusted_hosts`` skip the
    private-network check (metadata stays blocked).
    """
    shown = redact_url(url)
    if url.scheme not in _SCHEMES:
        raise DownloadBlockedError(shown, f"scheme {url.scheme!r} is not allowed (only http and https)")
    if url.port is not None and not 0 < url.port <= _MAX_PORT:
        raise DownloadBlockedError(shown, f"port {url.port} is out of range (1 to {_MAX_PORT})")
    try:
        host = url.host.rstrip(".")  # decoded on access: an invalid IDNA label raises here
    except UnicodeError:
        raise DownloadBlockedError(
            shown, "host is not a valid internationalized domain name (IDNA)"
        ) from None
    allow_private = allow_private_network or host in trusted_hosts
    if "%" in host:
        raise DownloadBlockedError(shown, "IPv6 zone identifiers are not allowed")
    reason = blocked_host_reason(host, allow_private_network=allow_private)
    if reason is not None:
        raise DownloadBlockedError(shown, reason)
    try:
        literal = parse_ip_host(host)
    except ValueError as error:
        raise DownloadBlockedError(shown, str(error)) from None
    addresses = [literal] if literal is not None else await _resolve(host, resolver, shown)
    for address in addresses:
        reason = blocked_address_reason(address, allow_private_network=allow_private)
        if reason is not None:
            raise DownloadBlockedError(shown, reason)
    return Destination(url=url, host=host, address=addresses[0])


async def _resolve(host: str, resolver: Resolver, shown: str) -> list[IPAddress]:
    try:
        answer = resolver(host)
        texts = await answer if inspect.isawaitable(answer) else answer
    except OSError as error:
        raise DownloadError(shown, cause=f"could not resolve host: {redact_text(str(error))}") from error
    if not texts:
        raise DownloadError(shown, cause="could not resolve host: no addresses")
    addresses: list[IPAddress] = []
    for text in texts:
        try:
            address = parse_ip_host(text)
        except ValueError:
            address = None
        if address is None:
            raise DownloadBlockedError(shown, f"resolver returned an invalid address {text!r}")
        addresses.append(address)
    return addresses
