"""docker:container against the private dockerd, checked through the docker SDK directly."""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.providers.docker import Settings
from mcp_iac.sdk import ProviderClient

from .conftest import connect
from .engine import BASE_IMAGE

pytestmark = pytest.mark.anyio

CONTAINER = "docker:container"
NETWORK = "docker:network"
VOLUME = "docker:volume"


async def _create(
    client: ProviderClient, type_: str, name: str, properties: dict[str, Any], key: str = ""
) -> tuple[str, dict[str, Any]]:
    created = await client.create(
        type_,
        name=name,
        urn=f"test/{type_}:{name}",
        idempotency_key=key or f"test/{type_}:{name}@1",
        properties=properties,
    )
    return created.id, dict(created.outputs)


def _get(port: int, path: str = "/") -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def _wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


async def test_a_container_on_a_network_serves_on_its_published_loopback_port(
    settings: Settings, docker_client: Any, subnet: Any
) -> None:
    cidr = subnet()
    async with connect(settings) as client:
        net_id, net = await _create(client, NETWORK, "web-net", {"subnet": cidr})
        props = {
            "image": BASE_IMAGE,
            "command": ["sh", "-c", "echo hello > /tmp/index.html && httpd -f -p 8080 -h /tmp"],
            "networks": [{"name": net["name"], "aliases": ["web"]}],
            "ports": [{"containerPort": 8080}],
            "env": {"API_TOKEN": "t0ken"},
            "labels": {"app": "web"},
            "restartPolicy": "unless-stopped",
        }
        id_, outputs = await _create(client, CONTAINER, "web", props)

        # The outputs are the engine's facts.
        assert outputs["ipAddress"].startswith(cidr.rsplit(".", 1)[0] + ".")
        assert outputs["status"] == "running"
        container = docker_client.containers.get(id_)
        binding = container.attrs["NetworkSettings"]["Ports"]["8080/tcp"][0]
        assert binding["HostIp"] == "127.0.0.1"
        assert outputs["exposedPort"] == int(binding["HostPort"])
        _wait_for(lambda: _answers(outputs["exposedPort"]))
        assert _get(outputs["exposedPort"], "/index.html") == "hello\n"

        # Labels: the user's and the provider's own (the idempotency key).
        found_labels = container.attrs["Config"]["Labels"]
        assert found_labels["app"] == "web"
        assert found_labels["mcp-iac.key"] == f"test/{CONTAINER}:web@1"
        assert "API_TOKEN=t0ken" in container.attrs["Config"]["Env"]
        network = container.attrs["NetworkSettings"]["Networks"][net["name"]]
        assert "web" in network["Aliases"]

        # Read gives back exactly what was declared (image defaults are not drift).
        read = await client.read(CONTAINER, id_, props)
        assert read.exists
        for key, value in props.items():
            assert read.properties[key] == value, key
        assert read.properties["name"] is None  # not declared: the derived name

        await client.delete(CONTAINER, id_, props)
        await client.delete(NETWORK, net_id, {"subnet": cidr})
    assert docker_client.containers.list(all=True) == []


def _answers(port: int) -> bool:
    try:
        _get(port)
    except OSError:
        return False
    return True


async def test_a_second_create_with_the_same_key_returns_the_same_container(
    settings: Settings, docker_client: Any
) -> None:
    props = {"image": BASE_IMAGE, "command": ["sleep", "60"], "networkMode": "none"}
    async with connect(settings) as client:
        first, _ = await _create(client, CONTAINER, "once", props, key="k-once")
        second, _ = await _create(client, CONTAINER, "once", props, key="k-once")
        assert first == second
        assert len(docker_client.containers.list(all=True)) == 1
        listed = await client.list(CONTAINER, {"idempotency_key": "k-once"})
        assert [i.id for i in listed] == [first]
        assert listed[0].name == "once"
        assert await client.list(CONTAINER, {"idempotency_key": "k-other"}) == []


async def test_create_after_a_crash_finds_the_container_by_its_label_and_starts_it(
    settings: Settings, docker_client: Any
) -> None:
    """A create killed after the engine made the container (but before it was started) is
    completed by the next create with the key, not repeated."""
    key = "deploy/docker:container:crash@5f"
    made = docker_client.containers.create(
        BASE_IMAGE,
        ["sleep", "60"],
        network_mode="none",
        name="crash-left",
        labels={
            "mcp-iac.key": key,
            "mcp-iac.type": CONTAINER,
            "mcp-iac.name": "crash",
            "mcp-iac.urn": "deploy/docker:container:crash",
        },
    )
    props = {"image": BASE_IMAGE, "command": ["sleep", "60"], "networkMode": "none"}
    async with connect(settings) as client:
        assert [i.id for i in await client.list(CONTAINER, {"idempotency_key": key})] == [made.id]
        id_, outputs = await _create(client, CONTAINER, "crash", props, key=key)
    assert id_ == made.id
    assert outputs["status"] == "running"
    assert len(docker_client.containers.list(all=True)) == 1


async def test_drift_made_through_the_docker_api_shows_in_read(
    settings: Settings, docker_client: Any, subnet: Any
) -> None:
    async with connect(settings) as client:
        _, net = await _create(client, NETWORK, "drift-net", {"subnet": subnet()})
        props = {
            "image": BASE_IMAGE,
            "command": ["sleep", "300"],
            "networks": [{"name": net["name"]}],
        }
        id_, _ = await _create(client, CONTAINER, "drifty", props)

        docker_client.networks.get(net["id"]).disconnect(id_)
        read = await client.read(CONTAINER, id_, props)
        assert read.properties["networks"] == []

        docker_client.containers.get(id_).stop(timeout=1)
        read = await client.read(CONTAINER, id_, props)
        assert read.properties["running"] is False
        assert read.outputs["status"] == "exited"
        assert read.outputs["ipAddress"] == ""

        docker_client.containers.get(id_).remove()
        assert not (await client.read(CONTAINER, id_, props)).exists
        # Deleting what is already gone succeeds.
        await client.delete(CONTAINER, id_, props)


async def test_restart_policy_memory_and_running_change_in_place(
    settings: Settings, docker_client: Any
) -> None:
    props = {
        "image": BASE_IMAGE,
        "command": ["sleep", "300"],
        "networkMode": "none",
        "memory": "64m",
    }
    async with connect(settings) as client:
        id_, _ = await _create(client, CONTAINER, "tune", props)
        new = {**props, "memory": "96m", "restartPolicy": "always"}
        await client.update(CONTAINER, id_, old=props, new=new)
        host = docker_client.containers.get(id_).attrs["HostConfig"]
        assert host["Memory"] == 96 * 1024 * 1024
        assert host["RestartPolicy"]["Name"] == "always"

        stopped = {**new, "running": False}
        outputs = (await client.update(CONTAINER, id_, old=new, new=stopped)).outputs
        assert outputs["status"] == "exited"
        assert docker_client.containers.get(id_).status == "exited"
        # Same id throughout: nothing was replaced.
        assert [c.id for c in docker_client.containers.list(all=True)] == [id_]

        with pytest.raises(ProviderError) as removed:
            await client.update(CONTAINER, id_, old=stopped, new={**stopped, "memory": None})
        assert removed.value.code == "VALIDATION"
        assert "memory limit" in removed.value.reason

        with pytest.raises(ProviderError) as replace:
            await client.update(CONTAINER, id_, old=stopped, new={**stopped, "command": ["true"]})
        assert replace.value.code == "VALIDATION"
        assert "command" in replace.value.reason


async def test_a_healthcheck_reports_healthy_through_the_outputs(settings: Settings) -> None:
    props = {
        "image": BASE_IMAGE,
        "command": ["sh", "-c", "touch /tmp/ready && sleep 300"],
        "networkMode": "none",
        "healthcheck": {"test": ["CMD", "test", "-f", "/tmp/ready"], "interval": 0.2, "retries": 3},
    }
    async with connect(settings) as client:
        id_, outputs = await _create(client, CONTAINER, "healthy", props)
        assert outputs["health"] in ("starting", "healthy")
        deadline = time.monotonic() + 20
        while (read := await client.read(CONTAINER, id_, props)).outputs["health"] != "healthy":
            assert time.monotonic() < deadline, read.outputs
            await anyio.sleep(0.1)  # poll interval, not a blocking wait on the event loop
        assert read.properties["healthcheck"] == props["healthcheck"]


async def test_a_container_mounts_a_declared_volume(settings: Settings, docker_client: Any) -> None:
    async with connect(settings) as client:
        _, volume = await _create(client, VOLUME, "data", {})
        props = {
            "image": BASE_IMAGE,
            "command": ["sh", "-c", "echo kept > /data/file && sleep 300"],
            "networkMode": "none",
            "volumes": [{"source": volume["name"], "target": "/data"}],
        }
        id_, _ = await _create(client, CONTAINER, "writer", props)
        read = await client.read(CONTAINER, id_, props)
        assert read.properties["volumes"] == [{"source": volume["name"], "target": "/data"}]
        with pytest.raises(ProviderError) as in_use:
            await client.delete(VOLUME, volume["id"], {})
        assert in_use.value.code == "CONFLICT"
        assert docker_client.volumes.get(volume["name"])  # a failed delete leaves it

        await client.delete(CONTAINER, id_, props)
        await client.delete(VOLUME, volume["id"], {})
    assert docker_client.volumes.list() == []


async def test_a_missing_image_is_a_validation_error_saying_nothing_is_pulled(
    settings: Settings, docker_client: Any
) -> None:
    props = {"image": "nowhere/none:1", "networkMode": "none"}
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as missing:
            await _create(client, CONTAINER, "ghost", props, key="k-ghost")
        assert missing.value.code == "VALIDATION"
        assert "nowhere/none:1" in missing.value.reason
        assert "docker:image:pull" in missing.value.reason
        assert await client.list(CONTAINER, {"idempotency_key": "k-ghost"}) == []
    assert docker_client.containers.list(all=True) == []


async def test_missing_networks_and_volumes_are_named_by_their_property_path(
    settings: Settings,
) -> None:
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as network:
            await _create(
                client, CONTAINER, "lost", {"image": BASE_IMAGE, "networks": [{"name": "nope"}]}
            )
        assert network.value.code == "VALIDATION"
        assert network.value.details == [
            {"path": "networks[0].name", "message": network.value.details[0]["message"]}
        ]
        with pytest.raises(ProviderError) as volume:
            await _create(
                client,
                CONTAINER,
                "lost",
                {
                    "image": BASE_IMAGE,
                    "networkMode": "none",
                    "volumes": [{"source": "nope", "target": "/x"}],
                },
            )
        assert volume.value.code == "VALIDATION"
        assert "volumes[0].source" in volume.value.reason


async def test_a_name_taken_by_a_foreign_container_is_a_conflict(
    settings: Settings, docker_client: Any
) -> None:
    docker_client.containers.create(BASE_IMAGE, ["sleep", "1"], name="taken", network_mode="none")
    props = {"image": BASE_IMAGE, "name": "taken", "networkMode": "none"}
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as taken:
            await _create(client, CONTAINER, "taken", props)
    assert taken.value.code == "CONFLICT"
    assert "taken" in taken.value.reason
    assert len(docker_client.containers.list(all=True)) == 1


async def test_a_host_port_in_use_is_a_conflict_and_leaves_no_container(
    settings: Settings, docker_client: Any, subnet: Any
) -> None:
    async with connect(settings) as client:
        _, net = await _create(client, NETWORK, "ports", {"subnet": subnet()})
        first = {
            "image": BASE_IMAGE,
            "command": ["httpd", "-f", "-p", "8080"],
            "networks": [{"name": net["name"]}],
            "ports": [{"containerPort": 8080}],
        }
        _, outputs = await _create(client, CONTAINER, "first", first)
        second = {**first, "ports": [{"containerPort": 8080, "hostPort": outputs["exposedPort"]}]}
        with pytest.raises(ProviderError) as busy:
            await _create(client, CONTAINER, "second", second, key="k-second")
        assert busy.value.code == "CONFLICT"
        assert not busy.value.retryable
        assert await client.list(CONTAINER, {"idempotency_key": "k-second"}) == []
    assert len(docker_client.containers.list(all=True)) == 1


async def test_invalid_container_properties_name_their_path(settings: Settings) -> None:
    cases = {
        "memory": {"image": BASE_IMAGE, "memory": 64},
        "networkMode": {"image": BASE_IMAGE, "networkMode": "overlay"},
        "labels": {"image": BASE_IMAGE, "labels": {"mcp-iac.key": "mine"}},
        "ports[0].hostIp": {"image": BASE_IMAGE, "ports": [{"containerPort": 1, "hostIp": "x"}]},
        "volumes[0].target": {"image": BASE_IMAGE, "volumes": [{"source": "v", "target": "rel"}]},
        "volumes[0]": {
            "image": BASE_IMAGE,
            "volumes": [{"source": "../out", "target": "/x", "type": "bind"}],
        },
    }
    async with connect(settings) as client:
        for path, props in cases.items():
            issues = await client.validate(CONTAINER, props)
            assert [i.path for i in issues] == [path], (path, issues)
        both = await client.validate(
            CONTAINER,
            {"image": BASE_IMAGE, "networkMode": "none", "ports": [{"containerPort": 80}]},
        )
        assert "ports cannot be published" in both[0].message


async def test_nested_values_read_back_with_the_keys_they_were_declared_with(
    settings: Settings, subnet: Any
) -> None:
    """mcp-iac compares nested values exactly: a default spelt out stays, one left out is not
    added, and the declared order holds."""
    async with connect(settings) as client:
        _, net = await _create(client, NETWORK, "shape", {"subnet": subnet()})
        props = {
            "image": BASE_IMAGE,
            "command": ["sleep", "300"],
            "networks": [{"name": net["name"], "aliases": []}],
            "ports": [
                {"containerPort": 9000, "protocol": "udp"},
                {"containerPort": 8080, "protocol": "tcp", "hostIp": "127.0.0.1"},
            ],
            "healthcheck": {"test": ["NONE"]},
        }
        id_, _ = await _create(client, CONTAINER, "shape", props)
        read = await client.read(CONTAINER, id_, props)
        for key in ("networks", "ports", "healthcheck"):
            assert read.properties[key] == props[key], key
        # Without the declaration (import), defaults are left out.
        bare = await client.read(CONTAINER, id_, {})
        assert bare.properties["ports"] == [
            {"containerPort": 8080},
            {"containerPort": 9000, "protocol": "udp"},
        ]
        assert bare.properties["networks"] == [{"name": net["name"]}]


async def test_a_bind_mount_comes_from_the_project_and_a_symlink_out_of_it_is_refused(
    settings: Settings, project: Path, tmp_path: Path, docker_client: Any
) -> None:
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("from the project\n")
    outside = tmp_path / "secrets"
    outside.mkdir()
    os.symlink(outside, project / "escape")
    props = {
        "image": BASE_IMAGE,
        "command": ["sleep", "300"],
        "networkMode": "none",
        "volumes": [{"source": "site", "target": "/www", "type": "bind", "readOnly": True}],
    }
    async with connect(settings) as client:
        id_, _ = await _create(client, CONTAINER, "site", props)
        mount = docker_client.containers.get(id_).attrs["HostConfig"]["Mounts"][0]
        assert mount["Source"] == os.path.realpath(project / "site")
        assert mount["ReadOnly"] is True
        read = await client.read(CONTAINER, id_, props)
        assert read.properties["volumes"] == props["volumes"]

        escaping = {**props, "volumes": [{"source": "escape", "target": "/x", "type": "bind"}]}
        with pytest.raises(ProviderError) as refused:
            await _create(client, CONTAINER, "escape", escaping, key="k-escape")
        assert refused.value.code == "VALIDATION"
        assert refused.value.details[0]["path"] == "volumes[0].source"
        assert "outside the project directory" in refused.value.reason
    assert len(docker_client.containers.list(all=True)) == 1


async def test_a_container_on_the_host_network_is_reached_at_loopback(
    settings: Settings, free_port: int
) -> None:
    props = {
        "image": BASE_IMAGE,
        "command": ["httpd", "-f", "-p", f"127.0.0.1:{free_port}", "-h", "/etc"],
        "networkMode": "host",
    }
    async with connect(settings) as client:
        _, outputs = await _create(client, CONTAINER, "on-host", props)
    assert outputs["ipAddress"] == "127.0.0.1"
    assert outputs["exposedPort"] is None
    _wait_for(lambda: _answers(free_port))
    assert _get(free_port, "/passwd").startswith("root:")
