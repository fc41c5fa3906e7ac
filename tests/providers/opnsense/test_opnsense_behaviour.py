"""How the opnsense provider treats the firewall, against the OPNsense emulator: every write
applied, creates idempotent on their key, reads in the user's terms (drift), list finding
only what the provider made, transactions on the configuration history, firmware gating."""

from __future__ import annotations

import uuid

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .opnsense_support import keys, left_behind, provider_of, rest

pytestmark = pytest.mark.anyio

VLAN = "opnsense:network:vlan"
ALIAS = "opnsense:firewall:alias"
RULE = "opnsense:firewall:rule"
NAT = "opnsense:firewall:nat"
SERVER = "opnsense:service:haproxy:server"
BACKEND = "opnsense:service:haproxy:backend"
FRONTEND = "opnsense:service:haproxy:frontend"
OVERRIDE = "opnsense:service:dns:override"


def everything(fw: OpnsenseEmulator) -> dict[str, object]:
    return {c: fw.records(c) for c in fw.components()}


async def test_every_create_update_and_delete_is_applied(emulator: OpnsenseEmulator) -> None:
    cases = [
        (VLAN, {"interface": "igc1", "tag": 401}, {"interface": "igc1", "tag": 402}),
        (SERVER, {"name": "app1", "address": "198.18.50.1"},
         {"name": "app1", "address": "198.18.50.2"}),
        (OVERRIDE, {"hostname": "a", "domain": "lab.example", "address": "198.18.50.3"},
         {"hostname": "a", "domain": "lab.example", "address": "198.18.50.4"}),
    ]  # fmt: skip
    async with provider_of(emulator) as provider:
        for type_, props, changed in cases:
            made = await provider.create(type_, **keys(type_), properties=props)
            assert emulator.pending() == set(), f"{type_}: create left changes unapplied"
            await provider.update(type_, made.id, old=props, new=changed)
            assert emulator.pending() == set(), f"{type_}: update left changes unapplied"
            await provider.delete(type_, made.id, changed)
            assert emulator.pending() == set(), f"{type_}: delete left changes unapplied"


async def test_a_create_with_the_same_key_returns_the_first_object(
    emulator: OpnsenseEmulator,
) -> None:
    create = keys(ALIAS)
    props = {"name": "twice", "content": ["198.18.51.1"]}
    async with provider_of(emulator) as provider:
        first = await provider.create(ALIAS, **create, properties=props)
        second = await provider.create(ALIAS, **create, properties=props)
        found = await provider.list(ALIAS, {"idempotency_key": create["idempotency_key"]})
        await provider.delete(ALIAS, first.id, props)
    assert second.id == first.id
    assert second.outputs == first.outputs
    assert [item.id for item in found] == [first.id]
    assert emulator.records("firewall/alias") == {}


async def test_a_create_that_died_before_applying_is_applied_by_its_retry(
    emulator: OpnsenseEmulator,
) -> None:
    create = keys(VLAN)
    async with provider_of(emulator) as provider:
        # The first attempt saved the record under the key's uuid, then died.
        found = await provider.list(VLAN, {"idempotency_key": create["idempotency_key"]})
        assert found == []
        made = await provider.create(VLAN, **create, properties={"interface": "igc2", "tag": 410})
        await provider.delete(VLAN, made.id, {})
        with rest(emulator) as api:
            answer = api.post(
                f"/api/interfaces/vlan_settings/setItem/{made.id}",
                json={"vlan": {"if": "igc2", "tag": "410", "pcp": "0"}},
            ).json()
        assert answer == {"result": "saved"}
        assert emulator.pending() == {"interfaces/vlan_settings"}
        retried = await provider.create(
            VLAN, **create, properties={"interface": "igc2", "tag": 410}
        )
        assert retried.id == made.id
        assert emulator.pending() == set()
        await provider.delete(VLAN, made.id, {})
    assert emulator.records("interfaces/vlan_settings") == {}


async def test_read_reports_changes_made_on_the_firewall_in_the_users_terms(
    emulator: OpnsenseEmulator,
) -> None:
    rule_props = {"protocol": "tcp", "destination": "198.18.52.10", "destinationPort": 443}
    vlan_props = {"interface": "igc1", "tag": 420, "description": "lab"}
    async with provider_of(emulator) as provider:
        rule = await provider.create(RULE, **keys(RULE), properties=rule_props)
        vlan = await provider.create(VLAN, **keys(VLAN), properties=vlan_props)
        unchanged = await provider.read(RULE, rule.id, rule_props)
        assert {k: unchanged.properties[k] for k in rule_props} == rule_props
        with rest(emulator) as api:
            for path, body in (
                (f"/api/firewall/filter/setRule/{rule.id}",
                 {"rule": {"protocol": "UDP", "destination_port": "8443", "log": "1"}}),
                (f"/api/interfaces/vlan_settings/setItem/{vlan.id}",
                 {"vlan": {"pcp": "5", "descr": "changed by hand"}}),
            ):  # fmt: skip
                assert api.post(path, json=body).json() == {"result": "saved"}
        drifted = await provider.read(RULE, rule.id, rule_props)
        drifted_vlan = await provider.read(VLAN, vlan.id, vlan_props)
        await provider.delete(RULE, rule.id, {})
        await provider.delete(VLAN, vlan.id, {})
    assert drifted.properties["protocol"] == "udp"
    assert drifted.properties["destinationPort"] == 8443
    assert drifted.properties["log"] is True
    assert drifted.properties["destination"] == "198.18.52.10"
    assert drifted_vlan.properties["priority"] == 5
    assert drifted_vlan.properties["description"] == "changed by hand"
    assert drifted_vlan.properties["tag"] == 420
    assert emulator.pending() == set()


async def test_read_keeps_the_declared_spelling_of_equal_values(
    emulator: OpnsenseEmulator,
) -> None:
    declared = {"protocol": "TCP", "destinationPort": "443", "interface": "opt1,lan"}
    async with provider_of(emulator) as provider:
        rule = await provider.create(RULE, **keys(RULE), properties=declared)
        with_hint = await provider.read(RULE, rule.id, declared)
        from_id = await provider.read(RULE, rule.id, {})
        await provider.delete(RULE, rule.id, {})
    assert {k: with_hint.properties[k] for k in declared} == declared
    # From the id alone: the canonical spelling.
    assert from_id.properties["protocol"] == "tcp"
    assert from_id.properties["destinationPort"] == 443
    assert sorted(from_id.properties["interface"].split(",")) == ["lan", "opt1"]


async def test_list_finds_what_the_provider_made_and_not_what_was_made_by_hand(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator) as provider:
        ours = await provider.create(ALIAS, **keys(ALIAS), properties={"name": "ours"})
        with rest(emulator) as api:
            theirs = api.post(
                "/api/firewall/alias/addItem",
                json={"alias": {"name": "theirs", "type": "host", "content": "198.18.53.1"}},
            ).json()
            api.post("/api/firewall/alias/reconfigure", json={})
        listed = await provider.list(ALIAS, {})
        await provider.delete(ALIAS, ours.id, {})
        with rest(emulator) as api:
            api.post(f"/api/firewall/alias/delItem/{theirs['uuid']}", json={})
            api.post("/api/firewall/alias/reconfigure", json={})
    assert [(i.id, i.properties["name"]) for i in listed] == [(ours.id, "ours")]
    assert emulator.records("firewall/alias") == {}


async def test_reading_or_deleting_what_does_not_exist_is_not_an_error(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator) as provider:
        for type_ in (VLAN, ALIAS, SERVER):
            missing = str(uuid.uuid4())
            assert not (await provider.read(type_, missing, {})).exists
            await provider.delete(type_, missing, {})
            assert not (await provider.read(type_, "not-a-uuid", {})).exists
        assert not (await provider.read(NAT, "sideways:" + str(uuid.uuid4()), {})).exists
        with pytest.raises(ProviderError) as caught:
            await provider.update(
                ALIAS, str(uuid.uuid4()), old={"name": "gone"}, new={"name": "gone"}
            )
    assert caught.value.code == "NOT_FOUND"


async def test_a_haproxy_chain_references_uuids_and_a_frontend_outputs_its_bind_address(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator) as provider:
        server = await provider.create(
            SERVER,
            **keys(SERVER),
            properties={"name": "web-1", "address": "198.18.54.1", "port": 8080},
        )
        backend_props = {"name": "web", "balance": "leastconn", "servers": [server.id]}
        backend = await provider.create(BACKEND, **keys(BACKEND), properties=backend_props)
        frontend = await provider.create(
            FRONTEND,
            **keys(FRONTEND),
            properties={"name": "web-in", "bind": "198.18.0.1:443", "defaultBackend": backend.id},
        )
        rule = await provider.create(
            RULE,
            **keys(RULE),
            properties={
                "interface": "wan",
                "protocol": "tcp",
                "destination": frontend.outputs["bindAddress"],
                "destinationPort": frontend.outputs["bindPort"],
            },
        )
        read_backend = await provider.read(BACKEND, backend.id, backend_props)
        with pytest.raises(ProviderError) as in_use:
            await provider.delete(SERVER, server.id, {})
        for type_, made in (
            (RULE, rule),
            (FRONTEND, frontend),
            (BACKEND, backend),
            (SERVER, server),
        ):
            await provider.delete(type_, made.id, {})
    assert frontend.outputs["bindAddress"] == "198.18.0.1"
    assert frontend.outputs["bindPort"] == 443
    assert read_backend.properties["servers"] == [server.id]
    assert in_use.value.code == "CONFLICT"
    assert emulator.pending() == set()
    assert left_behind(emulator) == {}


async def test_a_rollback_restores_the_configuration_from_before_begin(
    emulator: OpnsenseEmulator,
) -> None:
    before = everything(emulator)
    async with provider_of(emulator) as provider:
        transaction = await provider.begin()
        vlan = await provider.create(
            VLAN, **keys(VLAN), properties={"interface": "igc1", "tag": 430}
        )
        await provider.create(ALIAS, **keys(ALIAS), properties={"name": "temporary"})
        assert everything(emulator) != before
        await provider.rollback(transaction)
        assert everything(emulator) == before
        assert emulator.pending() == set()
        assert not (await provider.read(VLAN, vlan.id, {})).exists
        await provider.rollback(transaction)  # again: already done
        with pytest.raises(ProviderError) as caught:
            await provider.commit(transaction)
    assert caught.value.code == "CONFLICT"


async def test_a_committed_transaction_keeps_its_changes_and_cannot_roll_back(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator) as provider:
        transaction = await provider.begin()
        made = await provider.create(ALIAS, **keys(ALIAS), properties={"name": "kept"})
        await provider.commit(transaction)
        await provider.commit(transaction)  # again: already done
        with pytest.raises(ProviderError) as caught:
            await provider.rollback(transaction)
        assert (await provider.read(ALIAS, made.id, {})).exists
        await provider.delete(ALIAS, made.id, {})
    assert caught.value.code == "CONFLICT"


async def test_a_restarted_provider_rolls_back_and_reconfigures_everything(
    emulator: OpnsenseEmulator,
) -> None:
    before = everything(emulator)
    async with provider_of(emulator) as provider:
        transaction = await provider.begin()
        await provider.create(
            SERVER, **keys(SERVER), properties={"name": "tx", "address": "198.18.55.1"}
        )
        await provider.create(
            OVERRIDE,
            **keys(OVERRIDE),
            properties={"hostname": "tx", "domain": "lab.example", "address": "198.18.55.2"},
        )
    async with provider_of(emulator) as restarted:  # knows nothing of the transaction
        await restarted.rollback(transaction)
    assert everything(emulator) == before
    assert emulator.pending() == set()


async def test_port_forwards_need_26_1_and_other_nat_kinds_work_on_24_7() -> None:
    forward = {"kind": "portForward", "protocol": "tcp", "destinationPort": 443,
               "target": "198.18.56.10", "targetPort": 8443}  # fmt: skip
    with OpnsenseEmulator(version="24.7") as old:
        async with provider_of(old) as provider:
            health = await provider.health()
            with pytest.raises(ProviderError) as caught:
                await provider.create(NAT, **keys(NAT), properties=forward)
            made = []
            for props in (
                {"kind": "outbound", "source": "198.18.56.0/24"},
                {"kind": "oneToOne", "source": "198.18.56.5", "target": "198.19.0.5"},
            ):
                made.append(await provider.create(NAT, **keys(NAT), properties=props))
            listed = {i.id for i in await provider.list(NAT, {})}
            for item in made:
                await provider.delete(NAT, item.id, {})
        assert old.pending() == set()
    assert health.backend_version.startswith("OPNsense 24.7")
    assert caught.value.code == "VALIDATION"
    assert "need OPNsense 26.1 or later" in caught.value.reason
    assert "runs OPNsense 24.7" in caught.value.reason
    assert caught.value.details == [{"path": "kind", "message": caught.value.details[0]["message"]}]
    assert listed == {m.id for m in made}
    with OpnsenseEmulator(version="26.1") as new:
        async with provider_of(new) as provider:
            made_forward = await provider.create(NAT, **keys(NAT), properties=forward)
            read = await provider.read(NAT, made_forward.id, forward)
            await provider.delete(NAT, made_forward.id, {})
    assert made_forward.id.startswith("portForward:")
    assert {k: read.properties[k] for k in forward} == forward
