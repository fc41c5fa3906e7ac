"""The docker provider keeps the iac/1 contract, every type, against a real dockerd."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from mcp_iac.providers.docker import Settings, build_server
from mcp_iac.sdk import Sample, run_contract

from .conftest import Registry, connect
from .engine import BASE_IMAGE

pytestmark = pytest.mark.anyio

TYPES = {
    "docker:container",
    "docker:image:build",
    "docker:image:pull",
    "docker:network",
    "docker:registry:push",
    "docker:volume",
}


def _samples(registry: Registry, subnet: str) -> dict[str, Sample]:
    gateway = subnet.replace(".0/24", ".1")
    container = {
        "image": BASE_IMAGE,
        "command": ["sleep", "300"],
        "networkMode": "none",
        "env": {"GREETING": "hello", "API_TOKEN": "not-a-real-secret"},
        "labels": {"app": "contract"},
        "memory": "64m",
    }
    return {
        "docker:volume": Sample(properties={"labels": {"app": "contract"}}),
        "docker:network": Sample(properties={"subnet": subnet, "gateway": gateway}),
        "docker:container": Sample(
            properties=container,
            update={**container, "restartPolicy": "unless-stopped", "memory": "128m"},
        ),
        "docker:image:build": Sample(
            properties={"context": "app", "buildArgs": {"GREETING": "hi"}, "tags": ["cweb:1"]},
            update={
                "context": "app",
                "buildArgs": {"GREETING": "hi"},
                "tags": ["cweb:1", "cweb:latest"],
            },
        ),
        "docker:image:pull": Sample(
            properties={"image": f"{registry.host}/contract/busybox:1"},
            update={"image": f"{registry.host}/contract/busybox:1", "policy": "always"},
        ),
        "docker:registry:push": Sample(
            properties={
                "image": BASE_IMAGE,
                "registry": registry.host,
                "repository": "contract/pushed",
                "tag": "1",
            },
            update={
                "image": BASE_IMAGE,
                "registry": registry.host,
                "repository": "contract/pushed",
                "tag": "1",
                "auth": {"username": "nobody", "password": "unused"},
            },
        ),
    }


@pytest.fixture
def pullable(docker_client: Any, registry: Registry, base_image: str) -> str:
    """The base image published in the open registry, for docker:image:pull to fetch."""
    repository = f"{registry.host}/contract/busybox"
    docker_client.images.get(base_image).tag(repository, "1")
    for chunk in docker_client.images.push(repository, "1", stream=True, decode=True):
        assert "error" not in chunk, chunk
    docker_client.images.remove(f"{repository}:1")
    return f"{repository}:1"


async def test_every_docker_type_passes_the_contract_suite(
    settings: Settings, registry: Registry, subnet: Any, pullable: str, docker_client: Any
) -> None:
    async with connect(settings) as client:
        report = await run_contract(client, samples=_samples(registry, subnet()), timeout=120)
    assert report.passed, report.render()
    assert {c.type for c in report.checks if c.type} == TYPES
    assert not [c for c in report.checks if c.status == "skipped"], report.render()
    # The suite cleaned up after itself: nothing of the provider's is left in the engine.
    assert docker_client.containers.list(all=True) == []
    assert docker_client.volumes.list() == []
    assert sorted(n.name for n in docker_client.networks.list()) == ["host", "none"]
    assert [i.tags for i in docker_client.images.list()] == [[BASE_IMAGE]]


async def test_the_contract_holds_in_the_legacy_protocol_era_too(
    settings: Settings, subnet: Any
) -> None:
    samples = {
        "docker:network": Sample(properties={"subnet": subnet()}),
        "docker:volume": Sample(properties={}),
    }
    async with Client(build_server(settings), mode="legacy") as client:
        report = await run_contract(client, samples=samples, types=sorted(samples))
    assert report.passed, report.render()


async def test_describe_publishes_six_types_with_examples_inside_the_project_rules(
    settings: Settings,
) -> None:
    async with connect(settings) as client:
        schema = await client.describe()
    assert schema.name == "docker"
    assert {t.type for t in schema.types} == TYPES
    by_type = {t.type: t for t in schema.types}
    assert by_type["docker:container"].secret_paths == ("env",)
    assert "auth.password" in by_type["docker:registry:push"].secret_paths
    assert by_type["docker:container"].delete_before_replace
    assert "restartPolicy" not in by_type["docker:container"].replace_on_changes
    assert "memory" not in by_type["docker:container"].replace_on_changes
    assert "tags" not in by_type["docker:image:build"].replace_on_changes
    assert all(t.examples for t in schema.types)
    network_example = by_type["docker:network"].examples[0].properties
    assert str(network_example["subnet"]).startswith("198.18.")


async def test_health_reports_the_engine_version(settings: Settings, tmp_path: Path) -> None:
    async with connect(settings) as client:
        health = await client.health()
    assert health.status == "ok"
    assert health.backend_version.startswith("Docker Engine 20.10")
