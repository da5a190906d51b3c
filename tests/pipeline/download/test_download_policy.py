"""The download address policy: host canonicalization and address classes (pure functions)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.download._address_policy import blocked_address_reason, blocked_host_reason, parse_ip_host


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("::1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ],
)
def test_numeric_hosts_are_canonicalized_like_a_browser(host: str, expected: str) -> None:
    assert parse_ip_host(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "cdn.example", "1.example", "xn--nxasmq6b.com"])
def test_domain_names_are_not_addresses(host: str) -> None:
    assert parse_ip_host(host) is None


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "09.0.0.1", "example.123", "4294967296", "1:2"])
def test_malformed_numeric_hosts_raise(host: str) -> None:
    with pytest.raises(ValueError):
        parse_ip_host(host)


@pytest.mark.parametrize(
    ("address", "rule"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fd12::1", "unique local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("2001::1", "Teredo"),
        ("64:ff9b:1::1", "local-use NAT64"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:0:127.0.0.1", "loopback"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("2002:7f00:1::", "loopback"),
        ("2001:db8::5efe:a00:1", "private"),  # ISATAP
        ("169.254.169.254", "cloud metadata"),
        ("168.63.129.16", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("2002:a9fe:a9fe::", "cloud metadata"),
    ],
)
def test_blocked_address_classes_name_their_rule(address: str, rule: str) -> None:
    reason = blocked_address_reason(ipaddress.ip_address(address), allow_private_network=False)
    assert reason is not None and rule in reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "172.15.0.1",
        "2606:4700::1",
        "3fff:1000::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert blocked_address_reason(ipaddress.ip_address(address), allow_private_network=False) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "::1", "fd12::1", "::ffff:192.168.0.1"])
def test_private_network_option_allows_private_addresses(address: str) -> None:
    assert blocked_address_reason(ipaddress.ip_address(address), allow_private_network=True) is None


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "168.63.129.16", "fd00:ec2::254", "::ffff:169.254.169.254", "2001::5601:5601"],
)
def test_metadata_addresses_stay_blocked_with_private_networks_allowed(address: str) -> None:
    reason = blocked_address_reason(ipaddress.ip_address(address), allow_private_network=True)
    assert reason is not None and "cloud metadata" in reason


@pytest.mark.parametrize(
    ("host", "allow_private", "blocked"),
    [
        ("localhost", False, True),
        ("app.localhost", False, True),
        ("printer.local", False, True),
        ("localhost", True, False),
        ("metadata.google.internal", True, True),
        ("", True, True),
        ("example.com", False, False),
    ],
)
def test_host_names(host: str, allow_private: bool, blocked: bool) -> None:
    assert (blocked_host_reason(host, allow_private_network=allow_private) is not None) is blocked


PRIVATE_NETWORKS = ("10.0.0.0/8", "127.0.0.0/8", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10")
private_ipv4 = st.sampled_from([ipaddress.ip_network(n) for n in PRIVATE_NETWORKS]).flatmap(
    lambda net: st.integers(int(net.network_address), int(net.broadcast_address))
)


@given(private_ipv4)
def test_every_ipv6_wrapping_of_a_private_ipv4_is_blocked(value: int) -> None:
    forms = [
        ipaddress.IPv6Address((0xFFFF << 32) | value),  # IPv4-mapped
        ipaddress.IPv6Address((0xFFFF << 48) | value),  # IPv4-translated
        ipaddress.IPv6Address(value),  # IPv4-compatible
        ipaddress.IPv6Address((0x64FF9B << 96) | value),  # NAT64
        ipaddress.IPv6Address((0x2002 << 112) | (value << 80)),  # 6to4
    ]
    for form in forms:
        assert blocked_address_reason(form, allow_private_network=False) is not None, form


@given(st.integers(0, 2**32 - 1))
def test_decimal_and_hex_hosts_denote_the_same_address(value: int) -> None:
    assert parse_ip_host(str(value)) == parse_ip_host(hex(value)) == ipaddress.IPv4Address(value)
