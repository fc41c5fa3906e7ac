"""Shared reading of provider properties for the built-in packs."""

from __future__ import annotations

from typing import Any

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._ports import port_covers
from mcp_iac.policy._view import Maybe, PlannedResource, all_of, any_of, eq, known, negate, test

INTERNET_V4 = "0.0.0.0/0"
INTERNET_V6 = "::/0"
ANY = "any"


def is_any(value: Any) -> Maybe:
    """An OPNsense source/destination that matches every address."""
    return test(value, lambda v: v is None or (isinstance(v, str) and v.lower() == ANY))


def opnsense_passes(rule: PlannedResource) -> Maybe:
    """The rule lets traffic through and is active."""
    return all_of(
        eq(rule.get("action", "pass"), "pass"), negate(eq(rule.get("enabled", True), False))
    )


def opnsense_from_anywhere(rule: PlannedResource) -> Maybe:
    return all_of(
        is_any(rule.get("source", ANY)), negate(eq(rule.get("sourceInvert", False), True))
    )


def opnsense_to_anywhere(rule: PlannedResource) -> Maybe:
    return all_of(
        is_any(rule.get("destination", ANY)), negate(eq(rule.get("destinationInvert", False), True))
    )


def carries_tcp(protocol: Any) -> Maybe:
    """An OPNsense or AWS protocol that includes TCP."""
    return test(
        protocol,
        lambda p: p is None or str(p).lower() in ("any", "tcp", "tcp/udp", "-1", "all", "6"),
    )


def covers_port(spec: Any, port: int) -> Maybe:
    return test(spec, lambda s: port_covers(s, port))


def aws_rule_covers(rule: Any, port: int) -> Maybe:
    """An AWS security-group rule (a dict of the rule's properties) whose port range covers
    ``port``."""
    if rule is UNKNOWN or not isinstance(rule, dict):
        return UNKNOWN if rule is UNKNOWN else False
    protocol = rule.get("protocol", "tcp")
    low, high = rule.get("fromPort"), rule.get("toPort")
    if UNKNOWN in (protocol, low, high):
        return UNKNOWN
    if str(protocol).lower() in ("-1", "all"):
        return True
    if str(protocol).lower() not in ("tcp", "6"):
        return False
    low = 0 if low is None else low
    high = 65535 if high is None else high
    return bool(low <= port <= high)


def aws_rule_from_internet(rule: Any) -> Maybe:
    if rule is UNKNOWN or not isinstance(rule, dict):
        return UNKNOWN if rule is UNKNOWN else False
    v4, v6 = rule.get("cidrBlocks") or [], rule.get("ipv6CidrBlocks") or []
    if not known(v4) or not known(v6):
        return UNKNOWN
    return any_of(*(eq(c, INTERNET_V4) for c in v4), *(eq(c, INTERNET_V6) for c in v6))


def aws_rule_all_traffic(rule: Any) -> Maybe:
    if rule is UNKNOWN or not isinstance(rule, dict):
        return UNKNOWN if rule is UNKNOWN else False
    return test(rule.get("protocol", "tcp"), lambda p: str(p).lower() in ("-1", "all"))


def rules(value: Any) -> list[Any] | object:
    """A list property (UNKNOWN stays UNKNOWN, absent is empty)."""
    if not known(value):
        return UNKNOWN
    found: list[Any] = value if isinstance(value, list) else []
    return found
