"""What goes wrong talking to a firewall comes back as the right iac/1 error, saying what to
do: against the OPNsense emulator over HTTPS."""

from __future__ import annotations

import socket
import uuid

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.emulators.opnsense import OpnsenseEmulator
from mcp_iac.providers.opnsense import Settings

from .opnsense_support import connect, keys, provider_of

pytestmark = pytest.mark.anyio

VLAN = "opnsense:network:vlan"
ALIAS = "opnsense:firewall:alias"
RULE = "opnsense:firewall:rule"
SERVER = "opnsense:service:haproxy:server"


async def test_a_wrong_api_key_is_unauthorized_naming_the_firewall(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator, api_secret="wrong") as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.health()
        with pytest.raises(ProviderError) as on_create:
            await provider.create(ALIAS, **keys(ALIAS), properties={"name": "nope"})
    for error in (caught.value, on_create.value):
        assert error.code == "UNAUTHORIZED"
        assert emulator.url in error.reason
        assert "OPNSENSE_API_SECRET" in error.reason
        assert not error.retryable
    assert emulator.records("firewall/alias") == {}


async def test_a_key_without_write_privilege_is_told_so(emulator: OpnsenseEmulator) -> None:
    emulator.add_api_key("reader", "reader-secret", privileges="read-only")
    async with provider_of(emulator, api_key="reader", api_secret="reader-secret") as provider:
        assert (await provider.health()).status == "ok"
        with pytest.raises(ProviderError) as caught:
            await provider.create(ALIAS, **keys(ALIAS), properties={"name": "ro_test"})
    assert caught.value.code == "UNAUTHORIZED"
    assert "forbidden: the API key lacks privilege" in caught.value.reason
    assert "/api/firewall/alias/setItem" in caught.value.reason


@pytest.mark.parametrize(
    ("type_", "properties", "path"),
    [
        (VLAN, {"interface": "igc9", "tag": 300}, "interface"),
        (ALIAS, {"name": "bad_hosts", "content": ["not a host!"]}, "content"),
        (RULE, {"source": "no_such_alias"}, "source"),
        (RULE, {"destinationPort": "99999"}, "destinationPort"),
        (SERVER, {"name": "s1", "address": "bad address!"}, "address"),
    ],
)
async def test_opnsense_validation_messages_name_the_users_property(
    emulator: OpnsenseEmulator, type_: str, properties: dict[str, object], path: str
) -> None:
    async with provider_of(emulator) as provider:
        create = keys(type_)
        with pytest.raises(ProviderError) as caught:
            await provider.create(type_, **create, properties=properties)
        assert await provider.list(type_, {"idempotency_key": create["idempotency_key"]}) == []
    error = caught.value
    assert error.code == "VALIDATION"
    assert f"property '{path}'" in error.reason
    assert isinstance(error.details, list)
    assert path in [d["path"] for d in error.details]
    assert emulator.pending() == set()


async def test_a_taken_natural_key_is_a_conflict(emulator: OpnsenseEmulator) -> None:
    async with provider_of(emulator) as provider:
        first = await provider.create(
            VLAN, **keys(VLAN), properties={"interface": "igc1", "tag": 310}
        )
        try:
            with pytest.raises(ProviderError) as caught:
                await provider.create(
                    VLAN, **keys(VLAN), properties={"interface": "igc1", "tag": 310}
                )
        finally:
            await provider.delete(VLAN, first.id, {})
    assert caught.value.code == "CONFLICT"
    assert "property 'tag'" in caught.value.reason
    assert "unique" in caught.value.reason


async def test_deleting_an_alias_a_rule_uses_is_a_conflict_and_leaves_it(
    emulator: OpnsenseEmulator,
) -> None:
    async with provider_of(emulator) as provider:
        alias = await provider.create(
            ALIAS, **keys(ALIAS), properties={"name": "in_use", "content": ["198.18.40.1"]}
        )
        rule = await provider.create(RULE, **keys(RULE), properties={"destination": "in_use"})
        with pytest.raises(ProviderError) as caught:
            await provider.delete(ALIAS, alias.id, {})
        assert (await provider.read(ALIAS, alias.id, {})).exists
        await provider.delete(RULE, rule.id, {})
        await provider.delete(ALIAS, alias.id, {})
    assert caught.value.code == "CONFLICT"
    assert not caught.value.retryable
    assert "opnsense:firewall:alias" in caught.value.reason
    assert "Alias in use" in caught.value.reason
    assert emulator.pending() == set()


async def test_a_firewall_that_does_not_answer_is_unavailable_and_retryable() -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(url=f"https://127.0.0.1:{port}", api_key="k", api_secret="s", timeout=5)
    async with connect(settings) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.health()
    assert caught.value.code == "UNAVAILABLE"
    assert caught.value.retryable
    assert f"127.0.0.1:{port}" in caught.value.reason


async def test_an_untrusted_certificate_says_how_to_trust_it(emulator: OpnsenseEmulator) -> None:
    async with provider_of(emulator, ca_bundle=None) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.health()
    assert caught.value.code == "UNAVAILABLE"
    assert not caught.value.retryable
    assert "OPNSENSE_CA_BUNDLE" in caught.value.reason


async def test_tls_verification_can_be_turned_off(emulator: OpnsenseEmulator) -> None:
    async with provider_of(emulator, ca_bundle=None, verify_tls=False) as provider:
        assert (await provider.health()).status == "ok"


async def test_without_the_haproxy_plugin_its_types_ask_to_install_it() -> None:
    with OpnsenseEmulator(plugins=frozenset()) as bare:
        async with provider_of(bare) as provider:
            assert (await provider.health()).status == "ok"
            with pytest.raises(ProviderError) as on_create:
                await provider.create(
                    SERVER, **keys(SERVER), properties={"name": "s", "address": "198.18.0.9"}
                )
            # read does not probe first: the firewall's 404 says the same
            with pytest.raises(ProviderError) as on_read:
                await provider.read(SERVER, str(uuid.uuid4()), {})
            # the rest of the firewall works
            made = await provider.create(ALIAS, **keys(ALIAS), properties={"name": "fine"})
            await provider.delete(ALIAS, made.id, {})
    for error in (on_create.value, on_read.value):
        assert error.code == "VALIDATION"
        assert "os-haproxy plugin is not installed" in error.reason
        assert "System > Firmware > Plugins" in error.reason
