"""Fetching one attachment URL safely: pinned hops, redirects by hand, clean headers, bounded body.

Each hop is checked (and resolved once) before its request is sent; only 301/302/303/307/308 are
followed, at most ``max_redirects`` times, and every response body is closed before the next hop.
Caller headers are sanitized (credentials, cookies, proxy, forwarding, metadata and hop-by-hop
headers never leave) and all of them are dropped for good at the first cross-origin hop.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import anyio
import httpx

from ..errors import DownloadError, DownloadTimeoutError
from ..redact import redact_text, redact_url
from ._destination import Resolver, check_destination
from ._limited_read import ACCEPT_ENCODING, ByteBudget, read_limited
from .types import DownloadedFile

__all__ = ["FetchPolicy", "fetch_attachment", "sanitize_headers"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_FORBIDDEN_HEADERS = frozenset(
    {
        "accept-encoding",
        "authorization",
        "connection",
        "content-length",
        "cookie",
        "forwarded",
        "host",
        "keep-alive",
        "metadata",
        "metadata-flavor",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        "x-aws-ec2-metadata-token",
        "x-aws-ec2-metadata-token-ttl-seconds",
        "x-metadata-token",
        "x-real-ip",
    }
)
_FORBIDDEN_PREFIXES = ("proxy-", "x-forwarded-")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Everything that decides how one URL is fetched (shared, read-only)."""

    resolver: Resolver
    allow_private_network: bool
    trusted_hosts: Collection[str]
    max_redirects: int
    max_file_bytes: int
    user_agent: str
    headers: Mapping[str, str] = field(default_factory=dict)


def sanitize_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Caller headers a download may send: lower-cased, without credentials and routing headers."""
    return {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in _FORBIDDEN_HEADERS and not name.lower().startswith(_FORBIDDEN_PREFIXES)
    }


async def fetch_attachment(
    client: httpx.AsyncClient, url: httpx.URL, policy: FetchPolicy, budget: ByteBudget
) -> DownloadedFile:
    """Download ``url`` under ``policy``; errors are :class:`DownloadError` s naming the redacted URL."""
    shown = redact_url(url)
    try:
        return await _follow(client, url, policy, budget, shown)
    except httpx.TimeoutException as error:
        raise DownloadTimeoutError(shown, timeout=None, cause=_describe(error)) from error
    except (httpx.HTTPError, OSError) as error:
        raise DownloadError(shown, cause=_describe(error)) from error
    except UnicodeError as error:  # a redirect to an invalid IDNA host (httpx decodes it while sending)
        raise DownloadError(
            shown, cause=f"invalid host name in the redirect location: {_describe(error)}"
        ) from error


async def _follow(
    client: httpx.AsyncClient, url: httpx.URL, policy: FetchPolicy, budget: ByteBudget, shown: str
) -> DownloadedFile:
    origin: tuple[str, str, int | None] | None = None
    caller_headers = policy.headers
    current = url
    for _ in range(policy.max_redirects + 1):
        destination = await check_destination(
            current,
            resolver=policy.resolver,
            allow_private_network=policy.allow_private_network,
            trusted_hosts=policy.trusted_hosts,
        )
        hop_origin = _origin(current)  # after the check, which refuses hosts that cannot be decoded
        origin = origin or hop_origin
        if hop_origin != origin:
            caller_headers = {}
        headers = {
            **caller_headers,
            "host": destination.host_header,
            "accept-encoding": ACCEPT_ENCODING,
            "user-agent": policy.headers.get("user-agent", policy.user_agent),
        }
        extensions = {"sni_hostname": destination.server_name} if destination.server_name else {}
        request = client.build_request("GET", destination.request_url, headers=headers, extensions=extensions)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                current = current.join(location)
                continue
            if not 200 <= response.status_code < 300:
                raise DownloadError(
                    shown, status_code=response.status_code, status_text=response.reason_phrase
                )
            data = await read_limited(response, url=shown, max_bytes=policy.max_file_bytes, budget=budget)
            return DownloadedFile(data=data, media_type=_content_type(response))
        finally:
            with anyio.move_on_after(1, shield=True):
                await response.aclose()
    raise DownloadError(shown, cause=f"too many redirects (max {policy.max_redirects})")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host.rstrip("."), url.port)


def _content_type(response: httpx.Response) -> str | None:
    value = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return value or None


def _describe(error: BaseException) -> str:
    text = redact_text(str(error))
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
