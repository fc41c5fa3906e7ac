"""Config history (core/backup), pending-vs-applied tracking and filter savepoints."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator, _system

from .conftest import client_for
from .helpers import Api

ALIAS = {"alias": {"name": "nas", "content": "10.0.0.14"}}


def _ids(api: Api) -> list[str]:
    return [item["id"] for item in api.get("core/backup/backups/this")["items"]]


def test_a_fresh_firewall_has_one_revision_and_nothing_pending(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    [item] = api.get("core/backup/backups/this")["items"]
    assert set(item) == {"time", "time_iso", "description", "username", "filesize", "id"}
    assert item["id"] == f"config-{item['time']}.xml"
    assert emulator.pending() == set()
    assert api.get("core/backup/providers") == {
        "items": {"this": {"description": "This Firewall", "dirname": "/conf/backup"}}
    }


def test_every_successful_write_saves_a_revision_newest_first_with_increasing_times(
    api: Api,
) -> None:
    uuid = api.add("firewall/alias/addItem", ALIAS)
    api.post(f"firewall/alias/setItem/{uuid}", {"alias": {"description": "d"}})
    api.post(f"firewall/alias/toggleItem/{uuid}")
    api.post(f"firewall/alias/delItem/{uuid}")
    api.post(f"firewall/alias/delItem/{uuid}")  # not found: no change, no revision
    items = api.get("core/backup/backups/this")["items"]
    assert len(items) == 5
    times = [float(item["time"]) for item in items]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == 5
    assert items[0]["description"] == f"/api/firewall/alias/delItem/{uuid} made changes"
    assert items[0]["username"] == "root@127.0.0.1"


def test_revert_backup_restores_every_component_as_of_that_revision(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    alias = api.add("firewall/alias/addItem", ALIAS)
    vlan = api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc0", "tag": "5"}})
    mark = _ids(api)[0]
    before = {c: emulator.records(c) for c in emulator.components()}
    api.post(f"firewall/alias/setItem/{alias}", {"alias": {"content": "10.0.0.99"}})
    api.post(f"interfaces/vlan_settings/delItem/{vlan}")
    server = api.add("haproxy/settings/addServer", {"server": {"name": "s1"}})
    api.post("firewall/alias/reconfigure")
    api.post("haproxy/service/reconfigure")
    assert api.post(f"core/backup/revertBackup/{mark}") == {"status": "reverted"}
    assert {c: emulator.records(c) for c in emulator.components()} == before
    assert server not in emulator.records("haproxy/settings/server")
    # the revert is itself a revision, and what it changed waits for its services
    assert api.get("core/backup/backups/this")["items"][0]["description"] == f"Reverted to {mark}"
    assert emulator.pending() == {
        "firewall/alias", "interfaces/vlan_settings", "haproxy/settings/server",
    }  # fmt: skip


def test_revert_and_delete_of_an_unknown_backup_are_not_found(api: Api) -> None:
    assert api.post("core/backup/revertBackup/config-1.0000.xml") == {"status": "not_found"}
    assert api.post("core/backup/deleteBackup/config-1.0000.xml") == {"status": "not_found"}


def test_delete_backup_removes_one_revision(api: Api) -> None:
    api.add("firewall/alias/addItem", ALIAS)
    first, oldest = _ids(api)
    assert api.post(f"core/backup/deleteBackup/{oldest}") == {"status": "deleted"}
    assert _ids(api) == [first]


def test_download_returns_a_configuration_file_and_diff_compares_two(api: Api) -> None:
    api.add("firewall/alias/addItem", ALIAS)
    newest, oldest = _ids(api)
    current = api.raw("GET", "core/backup/download/this")
    assert current.headers["content-type"] == "application/octet-stream"
    assert newest in current.headers["content-disposition"]
    assert [r["name"] for r in json.loads(current.content)["firewall/alias"].values()] == ["nas"]
    old = api.raw("GET", f"core/backup/download/this/{oldest}")
    # The factory configuration: only the root user and the admins group.
    assert sorted(json.loads(old.content)) == ["auth/group", "auth/user"]
    diff = api.get(f"core/backup/diff/this/{oldest}/{newest}")["items"]
    assert any(line.startswith("+") and '"nas"' in line for line in diff)


def test_writes_are_pending_until_their_apply_action_runs(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    api.add("firewall/alias/addItem", ALIAS)
    api.add("interfaces/vlan_settings/addItem", {"vlan": {"if": "igc0", "tag": "5"}})
    api.add("haproxy/settings/addServer", {"server": {"name": "s1"}})
    api.add("haproxy/settings/addBackend", {"backend": {"name": "b1"}})
    host = {"hostname": "nas", "domain": "lan.example", "server": "198.18.0.14"}
    api.add("unbound/settings/addHostOverride", {"host": host})
    api.add("kea/dhcpv4/addSubnet", {"subnet4": {"subnet": "198.18.30.0/24"}})
    assert emulator.pending() == {
        "firewall/alias", "interfaces/vlan_settings", "haproxy/settings/server",
        "haproxy/settings/backend", "unbound/settings/host_override", "kea/dhcpv4/subnet",
    }  # fmt: skip
    api.post("haproxy/service/reconfigure")
    api.post("unbound/service/reconfigure")
    assert "haproxy/settings/backend" not in emulator.pending()
    assert "unbound/settings/host_override" not in emulator.pending()
    api.post("interfaces/vlan_settings/reconfigure")
    api.post("firewall/alias/reconfigure")
    assert api.post("kea/service/reconfigure") == {"status": "ok"}
    assert emulator.pending() == set()


def test_a_reconfigure_called_with_get_applies_nothing(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    api.add("firewall/alias/addItem", ALIAS)
    assert api.get("unbound/service/reconfigure") == {"status": "failed"}
    assert api.get("firewall/alias/reconfigure") == {"status": "failed"}
    assert emulator.pending() == {"firewall/alias"}


def test_each_filter_family_component_is_applied_by_its_own_controller(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    for controller in ("filter", "source_nat", "one_to_one", "d_nat"):
        body = {"rule": {"source_net": "198.18.0.0/24", "external": "198.19.0.1"}}
        if controller == "d_nat":
            body = {"rule": {"target": "198.18.0.5"}}
        api.add(f"firewall/{controller}/addRule", body)
    assert len(emulator.pending()) == 4
    api.post("firewall/source_nat/apply")
    assert "firewall/source_nat" not in emulator.pending()
    assert "firewall/filter" in emulator.pending()


def test_service_status_and_controls_answer_like_configd(api: Api) -> None:
    status = api.get("kea/service/status")
    assert status["status"] == "running"
    assert set(status["widget"]) == {"caption_stop", "caption_start", "caption_restart"}
    assert api.post("unbound/service/restart") == {"response": "OK\n\n"}
    assert api.get("haproxy/service/configtest")["result"].startswith("Configuration file is valid")
    services = api.get("core/service/search")["rows"]
    assert {r["name"] for r in services} == {"unbound", "kea-dhcpv4", "haproxy"}
    assert api.post("core/service/restart/unbound") == {"result": "ok"}
    assert api.post("core/service/restart/nothing") == {"result": "failed"}


def test_a_savepoint_can_be_reverted_to_and_only_reverts_its_component(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    kept = api.add("firewall/filter/addRule", {"rule": {"description": "kept"}})
    saved = api.post("firewall/filter/savepoint")
    assert saved["status"] == "ok"
    assert saved["retention"] == "60"
    api.add("firewall/filter/addRule", {"rule": {"description": "undone"}})
    alias = api.add("firewall/alias/addItem", ALIAS)
    assert api.post(f"firewall/filter/revert/{saved['revision']}") == {"status": "ok"}
    assert list(emulator.records("firewall/filter")) == [kept]
    assert alias in emulator.records("firewall/alias")
    assert "firewall/filter" not in emulator.pending()
    assert api.post("firewall/filter/revert/123.4567") == {
        "status": "unknown (or removed) savepoint"
    }


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_apply_with_a_revision_rolls_back_unless_cancelled(
    api: Api, emulator: OpnsenseEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_system, "ROLLBACK_SECONDS", 0.2)
    saved = api.post("firewall/filter/savepoint")["revision"]
    cancelled = api.add("firewall/filter/addRule", {"rule": {"description": "confirmed"}})
    api.post(f"firewall/filter/apply/{saved}")
    assert api.post(f"firewall/filter/cancelRollback/{saved}") == {"status": "OK\n\n"}
    time.sleep(0.4)
    assert cancelled in emulator.records("firewall/filter")
    api.post(f"firewall/filter/apply/{saved}")
    assert _wait_for(lambda: emulator.records("firewall/filter") == {})


def test_savepoint_actions_are_gone_in_26_7(started: Callable[..., OpnsenseEmulator]) -> None:
    emulator = started(version="26.7")
    with client_for(emulator) as client:
        for command in ("savepoint", "cancelRollback/1", "revert/1"):
            assert client.post(f"/api/firewall/filter/{command}", json={}).status_code == 404
        assert client.post("/api/firewall/filter/apply", json={}).status_code == 200
