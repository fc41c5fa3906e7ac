"""docker:network and docker:volume on the private dockerd (subnets only in 198.19.0.0/16)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.providers.docker import Settings
from mcp_iac.sdk import ProviderClient

from .conftest import connect
from .engine import BASE_IMAGE

pytestmark = pytest.mark.anyio

NETWORK = "docker:network"
VOLUME = "docker:volume"
CONTAINER = "docker:container"


async def _create(
    client: ProviderClient, type_: str, name: str, props: dict[str, Any], key: str = ""
) -> tuple[str, dict[str, Any]]:
    created = await client.create(
        type_,
        name=name,
        urn=f"test/{type_}:{name}",
        idempotency_key=key or f"test/{type_}:{name}@1",
        properties=props,
    )
    return created.id, dict(created.outputs)


async def test_a_network_gets_its_subnet_and_gateway_and_a_container_its_fixed_address(
    settings: Settings, docker_client: Any, subnet: Any
) -> None:
    cidr = subnet()
    network = ipaddress.ip_network(cidr)
    gateway, fixed = str(network[1]), str(network[10])
    props = {"subnet": cidr, "gateway": gateway, "labels": {"tier": "web"}, "internal": True}
    async with connect(settings) as client:
        id_, outputs = await _create(client, NETWORK, "backend", props)
        assert outputs == {
            "id": id_,
            "name": outputs["name"],
            "subnet": cidr,
            "gateway": gateway,
        }
        assert outputs["name"].startswith("backend-")  # the resource name and 8 hex digits
        found = docker_client.networks.get(id_).attrs
        assert found["IPAM"]["Config"] == [{"Subnet": cidr, "Gateway": gateway}]
        assert found["Internal"] is True
        assert found["Labels"]["tier"] == "web"
        assert found["Labels"]["mcp-iac.key"] == f"test/{NETWORK}:backend@1"

        read = await client.read(NETWORK, id_, props)
        assert read.properties == {**read.properties, **props}
        assert read.properties["name"] is None

        container_props = {
            "image": BASE_IMAGE,
            "command": ["sleep", "300"],
            "networks": [{"name": outputs["name"], "ipv4Address": fixed}],
        }
        container_id, container = await _create(client, CONTAINER, "pinned", container_props)
        assert container["ipAddress"] == fixed
        with pytest.raises(ProviderError) as in_use:
            await client.delete(NETWORK, id_, props)
        assert in_use.value.code == "CONFLICT"
        assert docker_client.networks.get(id_)

        await client.delete(CONTAINER, container_id, container_props)
        await client.delete(NETWORK, id_, props)
        assert not (await client.read(NETWORK, id_, props)).exists


async def test_a_network_name_or_subnet_already_taken_is_a_conflict(
    settings: Settings, docker_client: Any, subnet: Any
) -> None:
    cidr = subnet()
    async with connect(settings) as client:
        await _create(client, NETWORK, "first", {"name": "shared", "subnet": cidr})
        with pytest.raises(ProviderError) as named:
            await _create(client, NETWORK, "second", {"name": "shared", "subnet": subnet()})
        assert named.value.code == "CONFLICT"
        assert "shared" in named.value.reason
        with pytest.raises(ProviderError) as overlap:
            await _create(client, NETWORK, "third", {"subnet": cidr}, key="k-overlap")
        assert overlap.value.code == "CONFLICT"
        assert "overlaps" in overlap.value.reason.lower()
        assert await client.list(NETWORK, {"idempotency_key": "k-overlap"}) == []
    assert [n.name for n in docker_client.networks.list(names=["shared"])] == ["shared"]


async def test_network_properties_are_checked_before_the_engine_sees_them(
    settings: Settings,
) -> None:
    async with connect(settings) as client:
        issues = await client.validate(NETWORK, {"subnet": "198.19.1.1/24"})
        assert [i.path for i in issues] == ["subnet"]
        assert "198.19.1.0/24" in issues[0].message
        issues = await client.validate(
            NETWORK, {"subnet": "198.19.1.0/24", "gateway": "198.19.2.1"}
        )
        assert "not inside subnet" in issues[0].message
        issues = await client.validate(NETWORK, {"gateway": "198.19.2.1"})
        assert "needs subnet" in issues[0].message
        issues = await client.validate(NETWORK, {"subnet": "not-a-subnet"})
        assert [i.path for i in issues] == ["subnet"]


async def test_networks_cannot_change_in_place(settings: Settings, subnet: Any) -> None:
    cidr = subnet()
    async with connect(settings) as client:
        id_, _ = await _create(client, NETWORK, "fixed", {"subnet": cidr})
        with pytest.raises(ProviderError) as refused:
            await client.update(NETWORK, id_, old={"subnet": cidr}, new={"subnet": subnet()})
    assert refused.value.code == "VALIDATION"
    assert "subnet" in refused.value.reason


async def test_a_volume_is_idempotent_on_its_key_and_refuses_a_foreign_name(
    settings: Settings, docker_client: Any
) -> None:
    docker_client.volumes.create("foreign")
    async with connect(settings) as client:
        first, outputs = await _create(client, VOLUME, "cache", {"driverOpts": {}}, key="k-vol")
        again, _ = await _create(client, VOLUME, "cache", {"driverOpts": {}}, key="k-vol")
        assert first == again == outputs["name"]
        assert docker_client.volumes.get(first).attrs["Labels"]["mcp-iac.key"] == "k-vol"
        assert outputs["mountpoint"]

        with pytest.raises(ProviderError) as taken:
            await _create(client, VOLUME, "other", {"name": "foreign"}, key="k-foreign")
        assert taken.value.code == "CONFLICT"
        assert "foreign" in taken.value.reason
        # The foreign volume is untouched and not adopted.
        assert "mcp-iac.key" not in (docker_client.volumes.get("foreign").attrs["Labels"] or {})
        assert await client.list(VOLUME, {"idempotency_key": "k-foreign"}) == []
        # list without a filter finds only the provider's own volumes.
        assert [i.id for i in await client.list(VOLUME, {})] == [first]

        docker_client.volumes.get(first).remove()  # removed behind mcp-iac's back
        assert not (await client.read(VOLUME, first, {})).exists
        await client.delete(VOLUME, first, {})
