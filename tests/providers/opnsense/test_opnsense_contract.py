"""The opnsense provider keeps the iac/1 contract, every type, against the OPNsense emulator
over HTTPS (TLS verified with the emulator's CA): in both MCP protocol eras, and on the
oldest and newest targeted firmware, and on 25.1 (the first with the user manager's API;
24.7 runs every type but users, which it cannot have)."""

from __future__ import annotations

import pytest
from mcp import Client

from mcp_iac.emulators.opnsense import OpnsenseEmulator
from mcp_iac.providers.opnsense import build_server
from mcp_iac.sdk import ContractReport, ProviderClient, Sample, run_contract

from .opnsense_support import Pem, keys, left_behind, settings_for

pytestmark = pytest.mark.anyio

RANGE = "opnsense:service:dhcp:range"
USER = "opnsense:security:user"
TYPES = {
    "opnsense:network:vlan",
    "opnsense:firewall:alias",
    "opnsense:firewall:rule",
    "opnsense:firewall:nat",
    "opnsense:service:haproxy:server",
    "opnsense:service:haproxy:backend",
    "opnsense:service:haproxy:frontend",
    "opnsense:service:dns:override",
    "opnsense:service:dhcp:range",
    "opnsense:service:dhcp:static",
    "opnsense:security:certificate",
    USER,
}


def _types(fw: OpnsenseEmulator) -> set[str]:
    """The types a firewall of ``fw``'s release can hold (no users before 25.1)."""
    return TYPES if fw.version != "24.7" else TYPES - {USER}


async def _contract(fw: OpnsenseEmulator, pem: Pem, mode: str) -> ContractReport:
    """The suite with samples for the two types that publish no usable example (a
    reservation needs a range; a certificate needs a PEM made for the test), and for users
    with what their example leaves out (a password, a group)."""
    async with Client(build_server(settings_for(fw)), mode=mode) as client:
        provider = ProviderClient(client, timeout=30)
        subnet = await provider.create(
            RANGE,
            **keys(RANGE),
            properties={"subnet": "198.18.30.0/24", "pools": ["198.18.30.10-198.18.30.99"]},
        )
        static = {
            "subnet": subnet.id,
            "macAddress": "02:00:5e:10:00:01",
            "ipAddress": "198.18.30.5",
        }
        cert = {"description": "web", "certificate": pem.certificate, "privateKey": pem.private_key}
        user = {"name": "contract", "password": "Contract-pass-1", "groups": ["admins"]}
        samples = {
            USER: Sample(
                properties=user,
                update={
                    **user,
                    "fullName": "Contract user",
                    "password": "Contract-pass-2",
                    "groups": [],
                    "expires": "2031-01-31",
                },
            ),
            "opnsense:service:dhcp:static": Sample(
                properties=static, update={**static, "hostname": "printer"}
            ),
            "opnsense:security:certificate": Sample(
                properties=cert, update={**cert, "description": "web (renewed)"}
            ),
        }
        try:
            return await run_contract(client, samples=samples, types=sorted(_types(fw)))
        finally:
            await provider.delete(RANGE, subnet.id, {})


def _check(report: ContractReport, fw: OpnsenseEmulator) -> None:
    assert report.passed, report.render()
    assert not [c for c in report.checks if c.status == "skipped"], report.render()
    assert {c.type for c in report.checks if c.type} == _types(fw)
    # Every write was applied, and the suite left nothing behind.
    assert fw.pending() == set()
    assert left_behind(fw) == {}


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_every_type_passes_the_contract_suite_on_the_emulator(
    emulator: OpnsenseEmulator, pem: Pem, mode: str
) -> None:
    _check(await _contract(emulator, pem, mode), emulator)


@pytest.mark.parametrize("version", ["24.7", "25.1", "26.7"])
async def test_every_type_passes_on_the_oldest_and_newest_targeted_firmware_and_25_1(
    pem: Pem, version: str
) -> None:
    with OpnsenseEmulator(version=version) as fw:
        _check(await _contract(fw, pem, "auto"), fw)
