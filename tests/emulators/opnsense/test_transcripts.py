"""Every request/response transcript of ../shared/reference/opnsense-api.md, replayed over HTTPS.

The transcripts abbreviate (``…``) and two of their details disagree with OPNsense's source,
which the reference says wins: the VLAN ``proto`` options are keyed ``802.1q``/``802.1ad``
with the blank option described "Auto" (Vlan.xml), not ``opt1``/"Automatic". Where a
transcript abbreviates, the test checks what it shows.
"""

from __future__ import annotations

import httpx2

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .conftest import client_for, verifying
from .helpers import Api

IOT = {"if": "igc1", "tag": "120", "pcp": "0", "proto": "", "descr": "IoT"}


def test_adding_a_vlan_saves_it_and_answers_its_new_uuid(api: Api) -> None:
    result = api.post("interfaces/vlan_settings/addItem", {"vlan": IOT})
    assert result["result"] == "saved"
    assert set(result) == {"result", "uuid"}
    assert len(result["uuid"]) == 36


def test_a_second_vlan_with_the_same_tag_on_the_same_parent_fails_the_unique_constraint(
    api: Api,
) -> None:
    api.add("interfaces/vlan_settings/addItem", {"vlan": IOT})
    result = api.post(
        "interfaces/vlan_settings/addItem", {"vlan": {"if": "igc1", "tag": "120", "pcp": "0"}}
    )
    assert result == {
        "result": "failed",
        "validations": {"vlan.tag": "Tag for this device must be unique."},
    }


def test_get_item_renders_option_fields_as_option_maps(api: Api) -> None:
    uuid = api.add("interfaces/vlan_settings/addItem", {"vlan": IOT})
    vlan = api.get(f"interfaces/vlan_settings/getItem/{uuid}")["vlan"]
    assert vlan["if"]["igc1"]["selected"] == 1
    assert vlan["if"]["igc1"]["value"].startswith("igc1 (")
    assert all(o["selected"] == 0 for k, o in vlan["if"].items() if k != "igc1")
    assert vlan["tag"] == "120"
    assert list(vlan["pcp"])[:2] == ["1", "0"]
    assert vlan["pcp"]["1"] == {"value": "Background (1, lowest)", "selected": 0}
    assert vlan["pcp"]["0"] == {"value": "Best Effort (0, default)", "selected": 1}
    assert vlan["proto"][""] == {"value": "Auto", "selected": 1}
    assert vlan["proto"]["802.1q"] == {"value": "802.1Q", "selected": 0}
    assert vlan["descr"] == "IoT"
    assert vlan["vlanif"] == "vlan01"


def test_get_item_of_an_unknown_uuid_is_an_empty_json_array(api: Api) -> None:
    response = api.raw(
        "GET", "interfaces/vlan_settings/getItem/00000000-0000-0000-0000-000000000000"
    )
    assert response.status_code == 200
    assert response.text == "[]"


def test_search_returns_flat_rows_with_raw_keys_and_percent_descriptions_on_26_1(
    api: Api,
) -> None:
    uuid = api.add("interfaces/vlan_settings/addItem", {"vlan": IOT})
    result = api.post(
        "interfaces/vlan_settings/searchItem",
        {"current": 1, "rowCount": -1, "sort": {}, "searchPhrase": ""},
    )
    shown = {
        "uuid": uuid, "if": "igc1", "tag": "120", "pcp": "0",
        "%pcp": "Best Effort (0, default)", "proto": "", "descr": "IoT", "vlanif": "vlan01",
    }  # fmt: skip
    [row] = result["rows"]
    assert {k: row[k] for k in shown} == shown
    assert {k: result[k] for k in ("rowCount", "total", "current")} == {
        "rowCount": 1,
        "total": 1,
        "current": 1,
    }


def test_set_item_with_a_caller_chosen_uuid_creates_the_record_under_that_uuid(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    uuid = "5a0c2c1e-1111-4a4a-8b8b-0c0c0c0c0c0c"
    alias = {
        "enabled": "1", "name": "web_servers", "type": "host",
        "content": "10.0.10.11\n10.0.10.12", "description": "managed by iac",
    }  # fmt: skip
    assert api.post(f"firewall/alias/setItem/{uuid}", {"alias": alias}) == {"result": "saved"}
    assert emulator.records("firewall/alias")[uuid]["content"] == "10.0.10.11\n10.0.10.12"


def test_toggling_a_rule_off_reports_disabled_and_changed(api: Api) -> None:
    uuid = api.add("firewall/filter/addRule", {"rule": {"interface": "lan", "description": "x"}})
    result = api.post(f"firewall/filter/toggleRule/{uuid}/0")
    assert result == {"result": "Disabled", "changed": True}


def test_deleting_answers_deleted_and_then_not_found(api: Api) -> None:
    uuid = api.add("interfaces/vlan_settings/addItem", {"vlan": IOT})
    assert api.post(f"interfaces/vlan_settings/delItem/{uuid}") == {"result": "deleted"}
    assert api.post(f"interfaces/vlan_settings/delItem/{uuid}") == {"result": "not found"}


def test_reconfigure_answers_ok(api: Api) -> None:
    assert api.post("interfaces/vlan_settings/reconfigure") == {"status": "ok"}


def test_a_json_content_type_with_an_empty_body_is_invalid_json_syntax(api: Api) -> None:
    response = api.raw(
        "POST",
        "interfaces/vlan_settings/reconfigure",
        headers={"Content-Type": "application/json"},
        content=b"",
    )
    assert response.status_code == 400
    assert response.json() == {"status": 400, "message": "Invalid JSON syntax"}


def test_a_path_that_is_not_a_core_endpoint_is_endpoint_not_found(api: Api) -> None:
    response = api.raw("GET", "interfaces/overview/list")
    assert response.status_code == 404
    assert response.json() == {"errorMessage": "Endpoint not found"}


def test_a_bad_key_is_authentication_failed(emulator: OpnsenseEmulator) -> None:
    response = httpx2.get(
        f"{emulator.url}/api/core/firmware/info",
        auth=(emulator.api_key, "not-the-secret"),
        verify=verifying(emulator),
    )
    assert response.status_code == 401
    assert response.json() == {"status": 401, "message": "Authentication Failed"}


def test_the_filter_rule_example_is_saved_applied_and_fails_with_a_bad_port(
    emulator: OpnsenseEmulator,
) -> None:
    rule = {
        "enabled": "1", "action": "pass", "interface": "lan", "direction": "in",
        "ipprotocol": "inet", "protocol": "TCP", "source_net": "10.0.6.0/24",
        "destination_net": "10.0.0.14", "destination_port": "2049", "description": "NFS from DMZ",
    }  # fmt: skip
    with client_for(emulator) as client:
        api = Api(client)
        saved = api.post("firewall/filter/addRule", {"rule": rule})
        assert saved["result"] == "saved"
        failed = api.post("firewall/filter/addRule", {"rule": {**rule, "destination_port": "x"}})
        assert failed["result"] == "failed"
        assert set(failed["validations"]) == {"rule.destination_port"}
        assert "firewall/filter" in emulator.pending()
        applied = api.post("firewall/filter/apply")
        assert set(applied) == {"status"}
        assert "firewall/filter" not in emulator.pending()
