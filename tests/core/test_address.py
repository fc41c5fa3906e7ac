"""Types, addresses and URNs."""

from __future__ import annotations

import pytest

from mcp_iac.core import Address, make_address, make_urn, split_type, valid_name


def test_split_type_separates_the_provider_from_any_number_of_segments() -> None:
    assert split_type("aws:ec2:instance") == ("aws", ("ec2", "instance"))
    assert split_type("opnsense:service:haproxy:frontend") == (
        "opnsense",
        ("service", "haproxy", "frontend"),
    )


@pytest.mark.parametrize("bad", ["aws", "aws:", ":ec2", "aws:ec2:", "aws:e c2", "1aws:ec2"])
def test_split_type_refuses_malformed_types(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a resource type"):
        split_type(bad)


def test_the_address_drops_the_provider_and_puts_the_server_first() -> None:
    assert make_address("aws-eu", "aws:ec2:instance", "app-1") == "aws-eu:ec2:instance:app-1"
    assert make_urn("portal", "aws:ec2:instance:app-1") == "portal/aws:ec2:instance:app-1"


def test_addresses_parse_back_into_server_type_path_and_name() -> None:
    a = Address.parse("opnsense:service:haproxy:frontend:web")
    assert a == Address("opnsense", ("service", "haproxy", "frontend"), "web")
    assert str(a) == "opnsense:service:haproxy:frontend:web"
    with pytest.raises(ValueError, match="expected '<server>:<type>:<name>'"):
        Address.parse("web")
    with pytest.raises(ValueError, match="is not a resource address"):
        Address.parse("aws::web")


def test_names_are_letters_digits_dashes_and_underscores() -> None:
    assert valid_name("app-1_x")
    assert not any(valid_name(n) for n in ("", "a.b", "a:b", "a b", "a/b"))


@pytest.mark.parametrize("name", ["web\n", "web\n\n", "\nweb"])
def test_a_name_or_type_with_a_line_break_is_refused(name: str) -> None:
    assert not valid_name(name)
    with pytest.raises(ValueError, match="is not a resource type"):
        split_type(f"aws:{name}")
