"""OPNsense's value encoding read back into the user's terms (pure functions)."""

from __future__ import annotations

import pytest

from mcp_iac.providers.opnsense import Version
from mcp_iac.providers.opnsense import _values as v
from mcp_iac.providers.opnsense._version import targeted

OPTIONS = {
    "": {"value": "None", "selected": 0},
    "pass": {"value": "Pass", "selected": 1},
    "block": {"value": "Block", "selected": 0},
}


def test_an_option_map_reads_as_its_selected_key() -> None:
    assert v.one(OPTIONS) == "pass"
    assert v.one({"": {"value": "None", "selected": 1}, "a": {"value": "A", "selected": 0}}) == ""


def test_a_multi_select_reads_as_the_selected_keys_in_map_order() -> None:
    multi = {
        "lan": {"value": "LAN", "selected": 1},
        "wan": {"value": "WAN", "selected": "0"},
        "opt1": {"value": "OPT1", "selected": "1"},
    }
    assert v.selected(multi) == ["lan", "opt1"]
    assert v.selected("lan,opt1") == ["lan", "opt1"]
    assert v.selected("") == []


def test_booleans_integers_and_lines_read_back_typed() -> None:
    assert v.flag("1") is True
    assert v.flag("0") is False
    assert v.flag("") is False
    assert v.integer("120") == 120
    assert v.integer("") is None
    assert v.integer({"3": {"value": "Critical (3)", "selected": 1}}) == 3
    assert v.lines("198.18.0.1\n198.18.0.2\n") == ["198.18.0.1", "198.18.0.2"]
    assert v.lines({"198.18.0.1": {"value": "198.18.0.1", "selected": 1}}) == ["198.18.0.1"]


def test_ports_read_as_numbers_when_they_are_numbers() -> None:
    assert v.port_value("443") == 443
    assert v.port_value("80:90") == "80:90"
    assert v.port_value("https") == "https"
    assert v.port_value("") is None
    assert v.port_text(443) == "443"
    assert v.port_text(None) == ""


@pytest.mark.parametrize(
    ("check", "declared", "observed", "same"),
    [
        (v.same_set, ["b", "a"], ["a", "b"], True),
        (v.same_set, ["a"], ["a", "b"], False),
        (v.same_text, "443", 443, True),
        (v.same_text, None, 443, False),
        (v.same_folded, "TCP", "tcp", True),
        (v.same_folded, "AA:BB:CC:00:11:22", "aa:bb:cc:00:11:22", True),
        (v.same_folded, "tcp", "udp", False),
    ],
)
def test_equivalences_say_when_a_value_read_back_means_the_declared_one(
    check: v.Equivalence, declared: object, observed: object, same: bool
) -> None:
    assert check(declared, observed) is same


def test_firmware_versions_parse_and_order() -> None:
    assert Version.parse("26.1.2_1") == Version(26, 1, 2, 1)
    assert str(Version.parse("26.1.2_1")) == "26.1.2_1"
    assert str(Version.parse("24.7")) == "24.7"
    assert Version.parse("24.7.12") < Version.parse("25.1") < Version.parse("26.1")
    assert Version.parse("26.1.6").series == "26.1"
    with pytest.raises(ValueError, match="not an OPNsense version"):
        Version.parse("latest")


def test_releases_outside_24_7_to_26_7_are_not_targeted() -> None:
    assert targeted(Version.parse("24.7.12"))
    assert targeted(Version.parse("26.7"))
    assert not targeted(Version.parse("24.1.10"))
    assert not targeted(Version.parse("27.1"))
