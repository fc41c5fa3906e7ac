"""End to end on the OPNsense emulator: ``examples/opnsense.yaml`` (a VLAN, an alias, rules
that use both, an HAProxy server/backend/frontend chain, a DNS override) planned, applied,
drifted by a change made straight on the firewall's API, repaired, and destroyed, leaving the
firewall's configuration as it started."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .conftest import run_cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "opnsense.yaml"


@pytest.fixture
def firewall() -> Iterator[OpnsenseEmulator]:
    with OpnsenseEmulator(api_key="e2e-key", api_secret="e2e-secret") as emulator:
        yield emulator


def _configure(workdir: Path, fw: OpnsenseEmulator) -> None:
    env = {
        "OPNSENSE_URL": fw.url,
        "OPNSENSE_API_KEY": fw.api_key,
        "OPNSENSE_API_SECRET": fw.api_secret,
        "OPNSENSE_CA_BUNDLE": str(fw.ca_bundle),
    }
    (workdir / "mcp-iac.yaml").write_text(
        yaml.safe_dump({"servers": {"opnsense": {"builtin": "opnsense", "env": env}}})
    )


def _snapshot(fw: OpnsenseEmulator) -> dict[str, Any]:
    return {c: fw.records(c) for c in fw.components()}


def _only(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    [record] = records.values()
    return record


def test_the_opnsense_example_applies_drifts_repairs_and_destroys_to_the_starting_config(
    workdir: Path, firewall: OpnsenseEmulator
) -> None:
    _configure(workdir, firewall)
    before = _snapshot(firewall)
    deploy = ["-f", str(EXAMPLE)]

    plan = run_cli(workdir, "plan", *deploy, "--json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["summary"]["create"] == 9

    up = run_cli(workdir, "up", *deploy, "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    assert firewall.pending() == set()  # every write was applied

    vlan = _only(firewall.records("interfaces/vlan_settings"))
    assert vlan["if"] == "igc2"
    assert vlan["tag"] == "120"
    alias = _only(firewall.records("firewall/alias"))
    assert alias["name"] == "app_servers"
    assert alias["content"] == "198.18.20.11\n198.18.20.12"
    assert alias["description"] == f"servers on {vlan['vlanif']}"  # a resolved reference
    servers = firewall.records("haproxy/settings/server")
    backend = _only(firewall.records("haproxy/settings/backend"))
    assert sorted(backend["linkedServers"].split(",")) == sorted(servers)
    frontend = _only(firewall.records("haproxy/settings/frontend"))
    assert frontend["defaultBackend"] in firewall.records("haproxy/settings/backend")
    rules = {r["description"]: r for r in firewall.records("firewall/filter").values()}
    web = rules["web traffic to the app frontend"]
    assert (web["destination_net"], web["destination_port"]) == ("0.0.0.0", "443")
    inner = rules[f"from {vlan['vlanif']} to the app servers"]
    assert inner["destination_net"] == "app_servers"
    host = _only(firewall.records("unbound/settings/host_override"))
    assert (host["hostname"], host["domain"], host["server"]) == (
        "app",
        "example.test",
        "198.18.20.11",
    )

    # an out-of-band change, made on the firewall's own API
    with httpx2.Client(
        verify=ssl.create_default_context(cafile=str(firewall.ca_bundle)),
        auth=(firewall.api_key, firewall.api_secret),
    ) as http:
        uuid = next(iter(firewall.records("interfaces/vlan_settings")))
        answer = http.post(
            f"{firewall.url}/api/interfaces/vlan_settings/setItem/{uuid}",
            json={"vlan": {"descr": "changed by hand"}},
        ).json()
        assert answer == {"result": "saved"}

    drift = run_cli(workdir, "drift", *deploy, "--exit-code")
    assert drift.returncode == 5, drift.stdout + drift.stderr
    assert "opnsense:network:vlan:app-vlan: changed outside mcp-iac" in drift.stdout
    assert '"app network" → "changed by hand"' in drift.stdout

    repair = run_cli(workdir, "up", *deploy, "--refresh", "--yes")
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert _only(firewall.records("interfaces/vlan_settings"))["descr"] == "app network"
    assert run_cli(workdir, "drift", *deploy, "--exit-code").returncode == 0

    down = run_cli(workdir, "destroy", *deploy, "--yes")
    assert down.returncode == 0, down.stdout + down.stderr
    assert _snapshot(firewall) == before
    assert firewall.pending() == set()
