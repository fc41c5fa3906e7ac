"""The generic CRUD contract (ApiMutableModelControllerBase) across components."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .conftest import client_for
from .helpers import Api

UUID = "3f9c2a1e-0000-4000-8000-00000000abcd"


def test_get_returns_the_whole_model_keyed_by_its_internal_name(api: Api) -> None:
    rule = api.add("firewall/filter/addRule", {"rule": {"description": "r"}})
    snat = api.add("firewall/source_nat/addRule", {"rule": {"description": "s"}})
    model = api.get("firewall/filter/get")["filter"]
    assert set(model["rules"]["rule"]) == {rule}
    assert set(model["snatrules"]["rule"]) == {snat}
    assert model["onetoone"]["rule"] == []
    assert api.get("interfaces/vlan_settings/get") == {"vlan": {"vlan": []}}


def test_get_item_without_uuid_is_a_template_with_defaults_and_a_none_entry(api: Api) -> None:
    rule = api.get("firewall/filter/getRule")["rule"]
    assert rule["enabled"] == "1"
    assert rule["sequence"] == "1"
    assert rule["source_net"] == "any"
    assert rule["action"]["pass"] == {"value": "Pass", "selected": 1}
    assert "" not in rule["action"]  # required: no blank option
    assert rule["prio"][""] == {"value": "Any priority", "selected": 1}  # optional single
    assert "" not in rule["interface"]  # multi-select: no blank option
    assert set(rule["interface"]) == {"lan", "wan", "opt1"}


def test_integers_and_booleans_are_strings_in_get_output(api: Api) -> None:
    uuid = api.add("haproxy/settings/addServer", {"server": {"name": "web1", "port": 8080}})
    server = api.get(f"haproxy/settings/getServer/{uuid}")["server"]
    assert server["port"] == "8080"
    assert server["enabled"] == "1"
    assert len(server["id"]) == 13  # UniqueIdField, generated


def test_set_item_updates_only_the_posted_fields_and_validates_the_whole_node(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    uuid = api.add("firewall/alias/addItem", {"alias": {"name": "a1", "content": "1.1.1.1"}})
    assert api.post(f"firewall/alias/setItem/{uuid}", {"alias": {"description": "d"}}) == {
        "result": "saved"
    }
    record = emulator.records("firewall/alias")[uuid]
    assert (record["name"], record["content"], record["description"]) == ("a1", "1.1.1.1", "d")
    blanked = api.post(f"firewall/alias/setItem/{uuid}", {"alias": {"name": ""}})
    assert blanked == {"result": "failed", "validations": {"alias.name": "A value is required."}}


def test_set_item_upserts_an_unknown_uuid_but_not_an_invalid_one(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    body = {"alias": {"name": "upserted", "content": "10.0.0.1"}}
    assert api.post(f"firewall/alias/setItem/{UUID}", body) == {"result": "saved"}
    assert api.post(f"firewall/alias/setItem/{UUID}", body) == {"result": "saved"}
    assert list(emulator.records("firewall/alias")) == [UUID]
    assert api.post("firewall/alias/setItem/not-a-uuid", body) == {"result": "failed"}
    assert list(emulator.records("firewall/alias")) == [UUID]


def test_a_failed_write_changes_nothing_and_saves_no_revision(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    before = api.get("core/backup/backups/this")["items"]
    result = api.post(f"firewall/alias/setItem/{UUID}", {"alias": {"name": "bad name!"}})
    assert result["result"] == "failed"
    assert emulator.records("firewall/alias") == {}
    assert api.get("core/backup/backups/this")["items"] == before
    assert emulator.pending() == set()


@pytest.mark.parametrize(
    ("path", "body", "validations"),
    [
        (
            "interfaces/vlan_settings/addItem",
            {"vlan": {"if": "igc9", "tag": "5000", "pcp": "9"}},
            {
                "vlan.if": "Option not in list.",
                "vlan.tag": "Invalid integer value.",
                "vlan.pcp": "Option not in list.",
            },
        ),
        (
            "interfaces/vlan_settings/addItem",
            {"vlan": {"if": "igc0"}},
            {"vlan.tag": "A value is required."},
        ),
        (
            "haproxy/settings/addServer",
            {"server": {"name": "s", "port": "70000"}},
            {"server.port": "Please specify a value between 1 and 65535."},
        ),
        (
            "haproxy/settings/addBackend",
            {"backend": {"name": "b", "linkedServers": UUID}},
            {"backend.linkedServers": "Related server item not found"},
        ),
        (
            "kea/dhcpv4/addReservation",
            {"reservation": {"subnet": UUID, "hw_address": "aa:bb:cc:dd:ee:ff"}},
            {"reservation.subnet": "Related subnet not found."},
        ),
        (
            "firewall/filter/addRule",
            {"rule": {"source_net": "no_such_alias", "destination_port": "99999"}},
            {
                "rule.source_net": "no_such_alias is not a valid source IP address or alias.",
                "rule.destination_port": "Please specify a valid portnumber, name, alias or range.",
            },
        ),
        (
            "unbound/settings/addHostOverride",
            {"host": {"hostname": "www", "domain": "example.org", "rr": "A", "server": "::1"}},
            {"host.server": "A valid IPv4 address is required for A records."},
        ),
    ],
)
def test_invalid_records_fail_with_messages_keyed_by_post_key_and_field(
    api: Api, path: str, body: dict[str, object], validations: dict[str, str]
) -> None:
    assert api.post(path, body) == {"result": "failed", "validations": validations}


def test_several_messages_for_one_field_become_a_list(api: Api) -> None:
    result = api.post(
        "firewall/alias/addItem",
        {"alias": {"name": "hosts", "type": "host", "content": "ok.example\nbad entry\n!!"}},
    )
    assert result["validations"]["alias.content"] == [
        'Entry "bad entry" is not a valid hostname, IP address or range.',
        'Entry "!!" is not a valid hostname, IP address or range.',
    ]


def test_uniqueness_is_per_parent_for_vlan_tags_and_global_for_alias_names(api: Api) -> None:
    api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc0", "tag": "10"}})
    api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc1", "tag": "10"}})
    api.add("firewall/alias/addItem", {"alias": {"name": "dup", "content": "1.1.1.1"}})
    again = api.post("firewall/alias/addItem", {"alias": {"name": "dup", "content": "1.1.1.2"}})
    assert again["validations"] == {"alias.name": "An alias with this name already exists."}


def test_a_record_may_keep_its_own_unique_values_on_update(api: Api) -> None:
    uuid = api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc0", "tag": "10"}})
    result = api.post(f"interfaces/vlan_settings/setItem/{uuid}", {"vlan": {"descr": "same tag"}})
    assert result == {"result": "saved"}


def test_vlan_devices_are_numbered_vlan0n_and_qinq0n_on_a_vlan_parent(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    first = api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc0", "tag": "10"}})
    second = api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc1", "tag": "20"}})
    inner = api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "vlan01", "tag": "30"}})
    named = api.add(
        "interfaces/vlan_settings/addItem",
        {"vlan": {"if": "igc2", "tag": "40", "vlanif": "vlan0.40"}},
    )
    records = emulator.records("interfaces/vlan_settings")
    assert [records[u]["vlanif"] for u in (first, second, inner, named)] == [
        "vlan01", "vlan02", "qinq01", "vlan0.40",
    ]  # fmt: skip
    # an update keeps the device name; a duplicate name or a wrong prefix is refused
    api.post(f"interfaces/vlan_settings/setItem/{first}", {"vlan": {"tag": "11"}})
    assert emulator.records("interfaces/vlan_settings")[first]["vlanif"] == "vlan01"
    dup = api.post(
        "interfaces/vlan_settings/addItem",
        {"vlan": {"if": "igc2", "tag": "41", "vlanif": "vlan01"}},
    )
    assert dup["validations"] == {"vlan.vlanif": "The device name must be unique."}
    wrong = api.post(
        "interfaces/vlan_settings/addItem", {"vlan": {"if": "igc2", "tag": "42", "vlanif": "eth0"}}
    )
    assert wrong["validations"] == {
        "vlan.vlanif": "Device name does not match type (e.g. vlan0XXX)."
    }


def test_deleting_a_server_a_backend_uses_is_refused_as_in_use(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    server = api.add(
        "haproxy/settings/addServer", {"server": {"name": "web1", "address": "10.0.0.5"}}
    )
    backend = api.add(
        "haproxy/settings/addBackend", {"backend": {"name": "pool", "linkedServers": server}}
    )
    response = api.raw("POST", f"haproxy/settings/delServer/{server}", json={})
    assert response.status_code == 500
    assert response.json() == {
        "errorMessage": f"HAProxy - pool {{HAProxy.backends.backend.{backend}}}\n",
        "errorTitle": "Item servers.server {web1} in use by:",
    }
    assert server in emulator.records("haproxy/settings/server")
    assert api.post(f"haproxy/settings/delBackend/{backend}") == {"result": "deleted"}
    assert api.post(f"haproxy/settings/delServer/{server}") == {"result": "deleted"}


def test_deleting_an_alias_a_rule_names_is_refused_as_alias_in_use(api: Api) -> None:
    api.add("firewall/alias/addItem", {"alias": {"name": "nas", "content": "10.0.0.14"}})
    alias = api.get("firewall/alias/getAliasUUID/nas")["uuid"]
    api.add("firewall/filter/addRule", {"rule": {"destination_net": "nas", "description": "NFS"}})
    response = api.raw("POST", f"firewall/alias/delItem/{alias}", json={})
    assert response.status_code == 500
    assert response.json() == {
        "errorMessage": "Cannot delete alias. Currently in use by \n[Filter] NFS",
        "errorTitle": "Alias in use",
    }
    assert api.get("firewall/alias/getAliasUUID/nobody") == []


def test_deleting_a_subnet_with_reservations_is_refused(api: Api) -> None:
    subnet = api.add(
        "kea/dhcpv4/addSubnet",
        {"subnet4": {"subnet": "198.18.10.0/24", "pools": "198.18.10.100-198.18.10.200"}},
    )
    api.add(
        "kea/dhcpv4/addReservation",
        {"reservation": {"subnet": subnet, "ip_address": "198.18.10.5",
                         "hw_address": "00:11:22:33:44:55"}},
    )  # fmt: skip
    response = api.raw("POST", f"kea/dhcpv4/delSubnet/{subnet}", json={})
    assert response.status_code == 500
    assert response.json()["errorTitle"].startswith("Item subnets.subnet4 {")


def test_deleting_several_uuids_reports_the_last_and_refusal_deletes_none(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    a = api.add("firewall/alias/addItem", {"alias": {"name": "a", "content": "1.1.1.1"}})
    b = api.add("firewall/alias/addItem", {"alias": {"name": "b", "content": "1.1.1.2"}})
    assert api.post(f"firewall/alias/delItem/{a},{UUID}") == {"result": "not found"}
    assert set(emulator.records("firewall/alias")) == {b}
    user = api.add("firewall/alias/addItem", {"alias": {"name": "c", "type": "network",
                                                        "content": "b"}})  # fmt: skip
    assert api.raw("POST", f"firewall/alias/delItem/{user},{b}", json={}).status_code == 500
    assert set(emulator.records("firewall/alias")) == {b, user}


def test_toggle_flips_without_a_value_and_sets_with_one(api: Api) -> None:
    uuid = api.add("firewall/alias/addItem", {"alias": {"name": "t", "content": "1.1.1.1"}})
    assert api.post(f"firewall/alias/toggleItem/{uuid}") == {"result": "Disabled", "changed": True}
    assert api.post(f"firewall/alias/toggleItem/{uuid}") == {"result": "Enabled", "changed": True}
    assert api.post(f"firewall/alias/toggleItem/{uuid}/1") == {
        "result": "Enabled",
        "changed": False,
    }
    assert api.post(f"firewall/alias/toggleItem/{UUID}") == {"result": "failed"}


def test_toggling_several_records_needs_an_explicit_value(api: Api) -> None:
    a = api.add("firewall/alias/addItem", {"alias": {"name": "a", "content": "1.1.1.1"}})
    b = api.add("firewall/alias/addItem", {"alias": {"name": "b", "content": "1.1.1.2"}})
    response = api.raw("POST", f"firewall/alias/toggleItem/{a},{b}", json={})
    assert response.status_code == 500
    assert response.json()["errorTitle"] == "Toggle"
    assert api.post(f"firewall/alias/toggleItem/{a},{b}/0") == {
        "result": "Disabled",
        "changed": True,
    }


def test_port_forwards_toggle_their_disabled_field(api: Api, emulator: OpnsenseEmulator) -> None:
    uuid = api.add("firewall/d_nat/addRule", {"rule": {"interface": "wan", "descr": "web"}})
    assert api.post(f"firewall/d_nat/toggleRule/{uuid}/1") == {
        "result": "Disabled",
        "changed": True,
    }
    assert emulator.records("firewall/d_nat")[uuid]["disabled"] == "1"
    assert api.post(f"firewall/d_nat/toggleRule/{uuid}") == {"result": "Enabled", "changed": True}


def test_port_forwards_nest_source_and_destination(api: Api, emulator: OpnsenseEmulator) -> None:
    uuid = api.add(
        "firewall/d_nat/addRule",
        {"rule": {"interface": "wan", "protocol": "TCP", "target": "198.18.0.10",
                  "local-port": "443", "destination": {"network": "wanip", "port": "443"}}},
    )  # fmt: skip
    rule = api.get(f"firewall/d_nat/getRule/{uuid}")["rule"]
    assert rule["destination"] == {"network": "wanip", "port": "443", "not": ""}
    assert emulator.records("firewall/d_nat")[uuid]["destination"] == {
        "network": "wanip", "port": "443", "not": "",
    }  # fmt: skip


def _names(result: dict[str, list[dict[str, str]]]) -> list[str]:
    return [row["name"] for row in result["rows"]]


def test_search_pages_sorts_and_filters_by_phrase(api: Api) -> None:
    for name in ("web10", "web9", "db1", "Web2"):
        api.add("firewall/alias/addItem", {"alias": {"name": name, "content": "1.1.1.1",
                                                     "description": f"the {name}"}})  # fmt: skip
    everything = api.post("firewall/alias/searchItem", {"rowCount": -1})
    assert _names(everything) == ["db1", "Web2", "web9", "web10"]  # natural, case-insensitive
    page = api.post("firewall/alias/searchItem", {"rowCount": 2, "current": 2})
    assert (_names(page), page["rowCount"], page["total"], page["current"]) == (
        ["web9", "web10"], 2, 4, 2,
    )  # fmt: skip
    down = api.post("firewall/alias/searchItem", {"sort": {"name": "desc"}})
    assert _names(down) == ["web10", "web9", "Web2", "db1"]
    both = api.post("firewall/alias/searchItem", {"searchPhrase": "WEB the"})
    assert _names(both) == ["Web2", "web9", "web10"]  # every token must match
    by_get = api.get("firewall/alias/searchItem", searchPhrase="db", rowCount="-1")
    assert _names(by_get) == ["db1"]
    sorted_by_get = api.client.get("/api/firewall/alias/searchItem?sort[name]=desc&rowCount=1")
    assert _names(sorted_by_get.json()) == ["web10"]


def test_a_uuid_in_the_search_phrase_matches_exactly(api: Api) -> None:
    subnet = api.add("kea/dhcpv4/addSubnet", {"subnet4": {"subnet": "198.18.20.0/24"}})
    other = api.add("kea/dhcpv4/addSubnet", {"subnet4": {"subnet": "198.18.21.0/24"}})
    for mac, net in (("00:00:00:00:00:01", subnet), ("00:00:00:00:00:02", other)):
        api.add("kea/dhcpv4/addReservation", {"reservation": {"subnet": net, "hw_address": mac}})
    rows = api.post("kea/dhcpv4/searchReservation", {"searchPhrase": subnet})["rows"]
    assert [r["hw_address"] for r in rows] == ["00:00:00:00:00:01"]
    mine = rows[0]["uuid"]
    found = api.post("kea/dhcpv4/searchReservation", {"searchPhrase": mine})["rows"]
    assert [r["uuid"] for r in found] == [mine]


def test_filter_rules_can_be_searched_by_interface(api: Api) -> None:
    api.add("firewall/filter/addRule", {"rule": {"interface": "lan", "description": "on lan"}})
    api.add("firewall/filter/addRule", {"rule": {"interface": "", "description": "floating"}})

    def descriptions(**params: str) -> list[str]:
        return [r["description"] for r in api.get("firewall/filter/searchRule", **params)["rows"]]

    assert descriptions(interface="lan") == ["on lan"]
    assert sorted(descriptions()) == ["floating", "on lan"]
    assert descriptions(interface="") == ["floating"]


@pytest.mark.parametrize(
    ("version", "pcp", "percent"),
    [
        ("25.7", "Best Effort (0, default)", None),
        ("26.1", "0", "Best Effort (0, default)"),
        ("26.7", "0", "Best Effort (0, default)"),
    ],
)
def test_search_rows_hold_descriptions_before_26_1_and_raw_keys_with_percent_after(
    started: Callable[..., OpnsenseEmulator], version: str, pcp: str, percent: str | None
) -> None:
    emulator = started(version=version)
    with client_for(emulator) as client:
        api = Api(client)
        api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc1", "tag": "7"}})
        [row] = api.post("interfaces/vlan_settings/searchItem")["rows"]
    assert row["pcp"] == pcp
    assert row.get("%pcp") == percent
    assert row["proto"] == ("Auto" if percent is None else "")
