"""Property models: what users may declare, and the clear errors for what they may not."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mcp_iac.providers.opnsense._dhcp import StaticProperties, pool_text, same_pools
from mcp_iac.providers.opnsense._haproxy import (
    BackendProperties,
    FrontendProperties,
    same_binds,
    split_bind,
)
from mcp_iac.providers.opnsense._nat import NatProperties
from mcp_iac.providers.opnsense._rule import protocol_field, protocol_value
from mcp_iac.providers.opnsense._user import _iso_date, _opnsense_date


def test_a_bind_splits_into_address_and_port() -> None:
    assert split_bind("0.0.0.0:443") == ("0.0.0.0", 443)
    assert split_bind("[::]:8443") == ("::", 8443)
    assert split_bind("198.18.0.1:1220-1240") == ("198.18.0.1", 1220)
    assert split_bind("unix@sock") == ("unix@sock", None)
    assert same_binds("0.0.0.0:443", ["0.0.0.0:443"])
    assert same_binds(["A.example:80", "b:81"], ["b:81", "a.example:80"])


def test_servers_and_backends_are_referenced_by_uuid_with_a_hint() -> None:
    with pytest.raises(ValidationError, match=r"haproxy:server:<name>\.uuid"):
        BackendProperties.model_validate({"name": "pool", "servers": ["198.18.10.11"]})
    with pytest.raises(ValidationError, match=r"haproxy:backend:<name>\.uuid"):
        FrontendProperties.model_validate(
            {"name": "web", "bind": "0.0.0.0:443", "defaultBackend": "web-backend"}
        )
    with pytest.raises(ValidationError, match="as a list, not with commas"):
        FrontendProperties.model_validate({"name": "web", "bind": "a:1,b:2"})
    with pytest.raises(ValidationError, match=r"dhcp:range:<name>\.uuid"):
        StaticProperties.model_validate(
            {"subnet": "lab", "macAddress": "00:11:22:33:44:55", "ipAddress": "198.18.20.5"}
        )


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"kind": "portForward", "destinationPort": 443}, "needs the internal host"),
        ({"kind": "oneToOne", "source": "198.18.20.5"}, "needs the external address"),
        (
            {"kind": "oneToOne", "target": "198.19.0.5", "destinationPort": 80},
            "ports do not apply",
        ),
        ({"kind": "portForward", "target": "198.18.20.5", "noNat": True}, "only outbound"),
        ({"kind": "inbound"}, "outbound"),
    ],
)
def test_nat_properties_must_fit_their_kind(props: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NatProperties.model_validate(props)


def test_protocols_are_written_in_upper_case_and_read_in_lower_case() -> None:
    assert protocol_field("tcp") == "TCP"
    assert protocol_field("TCP/udp") == "TCP/UDP"
    assert protocol_field("Any") == "any"
    assert protocol_value({"TCP": {"value": "TCP", "selected": 1}}) == "tcp"
    assert protocol_value("") == "any"


def test_pools_compare_regardless_of_spacing_and_order() -> None:
    assert pool_text("198.18.20.100-198.18.20.199") == "198.18.20.100 - 198.18.20.199"
    assert same_pools(
        ["198.18.20.100-198.18.20.199", "198.18.20.0/28"],
        ["198.18.20.0/28", "198.18.20.100 - 198.18.20.199"],
    )


def test_user_expiry_dates_convert_both_ways_and_odd_values_read_as_they_are() -> None:
    assert _opnsense_date("2031-06-30") == "06/30/2031"
    assert _opnsense_date(None) == ""
    assert _iso_date("06/30/2031") == "2031-06-30"
    assert _iso_date("") is None
    assert _iso_date("+1 day") == "+1 day"  # drift shows what the firewall holds
