"""The firmware version: what the firewall reports and which endpoints it has."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mcp_iac.emulators.opnsense import SUPPORTED_VERSIONS, OpnsenseEmulator

from .conftest import client_for


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_firmware_info_and_status_report_the_chosen_version(
    started: Callable[..., OpnsenseEmulator], version: str
) -> None:
    emulator = started(version=version)
    with client_for(emulator) as client:
        info = client.get("/api/core/firmware/info").json()
        status = client.get("/api/core/firmware/status").json()
    assert info["product_version"].startswith(f"{version}.")
    assert info["product"]["product_series"] == version
    assert status["product"]["product_version"] == info["product_version"]
    assert {p["name"]: p["installed"] for p in info["plugin"]} == {"os-haproxy": "1"}


@pytest.mark.parametrize(
    ("version", "exists"),
    [("24.7", False), ("25.1", False), ("25.7", False), ("26.1", True), ("26.7", True)],
)
def test_port_forwards_exist_from_26_1(
    started: Callable[..., OpnsenseEmulator], version: str, exists: bool
) -> None:
    emulator = started(version=version)
    with client_for(emulator) as client:
        response = client.post("/api/firewall/d_nat/searchRule", json={})
    assert response.status_code == (200 if exists else 404)
    assert ("firewall/d_nat" in emulator.components()) is exists


def test_without_the_haproxy_plugin_its_endpoints_are_not_found(
    started: Callable[..., OpnsenseEmulator],
) -> None:
    emulator = started(plugins=frozenset())
    with client_for(emulator) as client:
        assert client.post("/api/haproxy/settings/searchServers", json={}).status_code == 404
        assert client.post("/api/haproxy/service/reconfigure", json={}).status_code == 404
        info = client.get("/api/core/firmware/info").json()
    assert {p["name"]: p["installed"] for p in info["plugin"]} == {"os-haproxy": "0"}
    assert not [c for c in emulator.components() if c.startswith("haproxy/")]


def test_the_endpoint_list_follows_version_and_plugins() -> None:
    old = {path for _, path in OpnsenseEmulator(version="24.7").endpoints()}
    new = {path for _, path in OpnsenseEmulator(version="26.7").endpoints()}
    bare = {path for _, path in OpnsenseEmulator(plugins=frozenset()).endpoints()}
    assert "/api/firewall/filter/savepoint" in old - new
    assert "/api/firewall/d_nat/addRule" in new - old
    assert not [p for p in bare if p.startswith("/api/haproxy/")]
