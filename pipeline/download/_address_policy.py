"""Which hosts and IP addresses a download may reach (pure functions, no I/O).

Host literals are canonicalized the way a browser's URL parser does it, so ``2130706433``,
``0x7f000001``, ``0177.0.0.1`` and ``127.1`` are all ``127.0.0.1``. Addresses are judged by an
explicit table of special-purpose ranges plus ``not is_global`` (the standard library's tables have
changed between Python releases), and IPv6 forms that carry an IPv4 destination (IPv4-mapped,
IPv4-translated, IPv4-compatible, NAT64, 6to4, ISATAP, Teredo) are judged by that IPv4.
Cloud-metadata addresses and names are refused even when private networks are allowed.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = [
    "IPAddress",
    "blocked_address_reason",
    "blocked_host_reason",
    "parse_ip_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

_IPV4_RULES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/8"), "unspecified address"),
    (_V4("10.0.0.0/8"), "private address"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT address"),
    (_V4("127.0.0.0/8"), "loopback address"),
    (_V4("169.254.0.0/16"), "link-local address"),
    (_V4("172.16.0.0/12"), "private address"),
    (_V4("192.0.0.0/24"), "IETF protocol assignment address"),
    (_V4("192.0.2.0/24"), "documentation address"),
    (_V4("192.88.99.0/24"), "reserved address"),
    (_V4("192.168.0.0/16"), "private address"),
    (_V4("198.18.0.0/15"), "benchmarking address"),
    (_V4("198.51.100.0/24"), "documentation address"),
    (_V4("203.0.113.0/24"), "documentation address"),
    (_V4("224.0.0.0/4"), "multicast address"),
    (_V4("240.0.0.0/4"), "reserved address"),
)

_IPV6_RULES: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified address"),
    (_V6("::1/128"), "loopback address"),
    (_V6("100::/64"), "discard-only address"),
    (_V6("2001::/32"), "Teredo address"),
    (_V6("2001:db8::/32"), "documentation address"),
    (_V6("3fff::/20"), "documentation address"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64 address"),
    (_V6("fc00::/7"), "unique local (private) address"),
    (_V6("fe80::/10"), "link-local address"),
    (_V6("fec0::/10"), "site-local address"),
    (_V6("ff00::/8"), "multicast address"),
)

_CLOUD_METADATA_IPV4 = frozenset(
    ipaddress.IPv4Address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean, OpenStack ...
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.170.23",  # AWS EKS pod identity agent
        "169.254.169.253",  # AWS VPC DNS
        "168.63.129.16",  # Azure WireServer (a public address)
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud Classic
        "169.254.42.42",  # Scaleway
    )
)
_CLOUD_METADATA_IPV6 = frozenset(
    ipaddress.IPv6Address(text) for text in ("fd00:ec2::254", "fd00:ec2::23", "fd20:ce::254", "fd00:42::42")
)
_CLOUD_METADATA_HOSTS = frozenset(
    {"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)

_NAT64_WELL_KNOWN = _V6("64:ff9b::/96")
_IPV4_TRANSLATED = _V6("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = _V6("::/96")
_TEREDO = _V6("2001::/32")
_ISATAP_MARKERS = (b"\x00\x00\x5e\xfe", b"\x02\x00\x5e\xfe")

# RFC 6052 section 2.2: byte positions of an IPv4 address embedded under a NAT64 prefix of each
# length (byte 8 is skipped), plus the 6to4 position (RFC 3056). Used only for the metadata guard.
_EMBEDDING_POSITIONS: tuple[tuple[int, int, int, int], ...] = (
    (4, 5, 6, 7),
    (5, 6, 7, 9),
    (6, 7, 9, 10),
    (7, 9, 10, 11),
    (9, 10, 11, 12),
    (12, 13, 14, 15),
    (2, 3, 4, 5),
)

_IPV4_NUMBER = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or ``None`` for a domain name.

    ``host`` is lower-case without brackets or trailing dots (as in ``httpx.URL.host``). IPv4 follows
    the WHATWG URL rules: 1 to 4 decimal, octal (``0`` prefix) or hex (``0x``) parts, the last part
    filling the remaining bytes. Raises ``ValueError`` for a host that looks numeric but is not a
    valid address (such hosts are refused rather than handed to the system resolver).
    """
    if ":" in host:
        return ipaddress.IPv6Address(host)  # zone ids ("%eth0") and junk raise ValueError
    parts = host.split(".")
    if not _IPV4_NUMBER.match(parts[-1]):
        return None
    if len(parts) > 4:
        raise ValueError(f"invalid IPv4 host {host!r}")
    numbers = [_parse_ipv4_number(part, host) for part in parts]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"invalid IPv4 host {host!r}")
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_ipv4_number(part: str, host: str) -> int:
    try:
        if part[:2] in ("0x", "0X"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10)
    except ValueError:
        raise ValueError(f"invalid IPv4 host {host!r}") from None


def blocked_host_reason(host: str, *, allow_private_network: bool) -> str | None:
    """Why a host name is refused before any resolution, or ``None`` if it may be resolved."""
    if not host:
        return "empty host"
    if host in _CLOUD_METADATA_HOSTS:
        return "cloud metadata host"
    if allow_private_network:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "localhost name"
    if host.endswith(".local"):
        return "local network name"
    return None


def blocked_address_reason(address: IPAddress, *, allow_private_network: bool) -> str | None:
    """Why a download may not connect to ``address``, or ``None`` if it may.

    Metadata addresses are refused always; other non-public addresses unless
    ``allow_private_network``.
    """
    if _is_cloud_metadata(address):
        return f"cloud metadata address {address}"
    if allow_private_network:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return _ipv4_reason(address)
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = _ipv4_reason(embedded)
        return f"{reason} (IPv4 {embedded} embedded in {address})" if reason else None
    for network, label in _IPV6_RULES:
        if address in network:
            return f"{label} {address}"
    return None if address.is_global else f"non-global address {address}"


def _ipv4_reason(address: ipaddress.IPv4Address) -> str | None:
    for network, label in _IPV4_RULES:
        if address in network:
            return f"{label} {address}"
    return None if address.is_global else f"non-global address {address}"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 destination of an IPv6 transition form (the IPv6 wrapper itself is not routed)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    low32 = ipaddress.IPv4Address(packed[12:])
    if address in _NAT64_WELL_KNOWN or address in _IPV4_TRANSLATED or packed[8:12] in _ISATAP_MARKERS:
        return low32
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return low32
    return None


def _is_cloud_metadata(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv4Address):
        return address in _CLOUD_METADATA_IPV4
    if address in _CLOUD_METADATA_IPV6:
        return True
    packed = address.packed
    candidates = {ipaddress.IPv4Address(bytes(packed[i] for i in spot)) for spot in _EMBEDDING_POSITIONS}
    if address in _TEREDO:
        candidates.add(ipaddress.IPv4Address(int.from_bytes(packed[12:], "big") ^ 0xFFFFFFFF))
    return not candidates.isdisjoint(_CLOUD_METADATA_IPV4)
