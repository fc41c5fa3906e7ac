"""Type-specific behaviour on the OPNsense emulator: VLAN changes in place keep the device,
certificates and their keys, Kea reservations in their subnet."""

from __future__ import annotations

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .opnsense_support import Pem, keys, provider_of

pytestmark = pytest.mark.anyio

VLAN = "opnsense:network:vlan"
CERT = "opnsense:security:certificate"
FRONTEND = "opnsense:service:haproxy:frontend"
RANGE = "opnsense:service:dhcp:range"
STATIC = "opnsense:service:dhcp:static"


async def test_a_vlan_changes_tag_and_parent_in_place_and_keeps_its_device(
    emulator: OpnsenseEmulator,
) -> None:
    first = {"interface": "igc1", "tag": 450}
    moved = {"interface": "igc2", "tag": 451, "priority": 6}
    async with provider_of(emulator) as provider:
        described = await provider.describe()
        made = await provider.create(VLAN, **keys(VLAN), properties=first)
        outputs = await provider.update(VLAN, made.id, old=first, new=moved)
        read = await provider.read(VLAN, made.id, moved)
        await provider.delete(VLAN, made.id, moved)
    vlan_type = next(t for t in described.types if t.type == VLAN)
    assert vlan_type.replace_on_changes == ()
    assert made.outputs["device"].startswith("vlan0")
    assert outputs.outputs["device"] == made.outputs["device"]
    assert {k: read.properties[k] for k in moved} == moved


async def test_a_certificate_is_imported_with_its_key_and_read_back(
    emulator: OpnsenseEmulator, pem: Pem
) -> None:
    props = {"description": "portal", "certificate": pem.certificate, "privateKey": pem.private_key}
    async with provider_of(emulator) as provider:
        made = await provider.create(CERT, **keys(CERT), properties=props)
        read = await provider.read(CERT, made.id, {})
        renamed = {**props, "description": "portal (2)"}
        outputs = await provider.update(CERT, made.id, old=props, new=renamed)
        await provider.delete(CERT, made.id, {})
    assert made.outputs["commonName"] == "fw.test.example"
    assert made.outputs["refid"]
    assert isinstance(made.outputs["notAfter"], int)
    assert outputs.outputs["refid"] == made.outputs["refid"]  # services keep pointing at it
    assert read.properties["certificate"].strip() == pem.certificate.strip()
    assert read.properties["privateKey"].strip() == pem.private_key.strip()
    assert read.properties["description"] == "portal"
    assert emulator.records("trust/cert") == {}


async def test_a_key_that_does_not_match_the_certificate_names_private_key(
    emulator: OpnsenseEmulator, pem: Pem
) -> None:
    props = {"description": "bad", "certificate": pem.certificate, "privateKey": pem.other_key}
    async with provider_of(emulator) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.create(CERT, **keys(CERT), properties=props)
    assert caught.value.code == "VALIDATION"
    assert "property 'privateKey'" in caught.value.reason
    assert pem.other_key.splitlines()[1] not in caught.value.reason  # no secret in messages


async def test_a_frontend_offloads_tls_with_a_trust_store_certificate(
    emulator: OpnsenseEmulator, pem: Pem
) -> None:
    async with provider_of(emulator) as provider:
        cert = await provider.create(
            CERT,
            **keys(CERT),
            properties={
                "description": "tls",
                "certificate": pem.certificate,
                "privateKey": pem.private_key,
            },
        )
        front = {
            "name": "tls-in",
            "bind": ["0.0.0.0:443", "[::]:443"],
            "sslCertificate": cert.outputs["refid"],
        }
        frontend = await provider.create(FRONTEND, **keys(FRONTEND), properties=front)
        read = await provider.read(FRONTEND, frontend.id, front)
        with pytest.raises(ProviderError) as in_use:
            await provider.delete(CERT, cert.id, {})
        await provider.delete(FRONTEND, frontend.id, {})
        await provider.delete(CERT, cert.id, {})
    assert {k: read.properties[k] for k in front} == front
    assert frontend.outputs["bindAddress"] == "0.0.0.0"
    assert in_use.value.code == "CONFLICT"
    assert emulator.pending() == set()


async def test_a_reservation_must_lie_in_its_range(emulator: OpnsenseEmulator) -> None:
    async with provider_of(emulator) as provider:
        subnet = await provider.create(
            RANGE,
            **keys(RANGE),
            properties={
                "subnet": "198.18.60.0/24",
                "pools": ["198.18.60.100 - 198.18.60.150"],
                "routers": ["198.18.60.1"],
                "dnsServers": ["198.18.60.1", "198.18.60.2"],
                "domainName": "lab.example",
                "autoOptions": False,
            },
        )
        read = await provider.read(RANGE, subnet.id, {})
        with pytest.raises(ProviderError) as outside:
            await provider.create(
                STATIC,
                **keys(STATIC),
                properties={
                    "subnet": subnet.id,
                    "macAddress": "02:00:5e:10:00:02",
                    "ipAddress": "198.18.61.5",
                },
            )
        static = await provider.create(
            STATIC,
            **keys(STATIC),
            properties={
                "subnet": subnet.id,
                "macAddress": "02:00:5E:10:00:03",
                "ipAddress": "198.18.60.5",
                "hostname": "nas",
            },
        )
        with pytest.raises(ProviderError) as in_use:
            await provider.delete(RANGE, subnet.id, {})
        await provider.delete(STATIC, static.id, {})
        await provider.delete(RANGE, subnet.id, {})
    assert read.properties["routers"] == ["198.18.60.1"]
    assert sorted(read.properties["dnsServers"]) == ["198.18.60.1", "198.18.60.2"]
    assert read.properties["domainName"] == "lab.example"
    assert read.properties["autoOptions"] is False
    assert outside.value.code == "VALIDATION"
    assert "property 'ipAddress'" in outside.value.reason
    assert static.outputs["ipAddress"] == "198.18.60.5"
    assert in_use.value.code == "CONFLICT"
    assert emulator.pending() == set()
