"""The seed's integration tests and the built-in patterns, end to end on the real providers:
the OPNsense emulator, moto and a private dockerd, all started by ``mcp-iac sandbox up``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mcp_iac.state import open_store

from .conftest import run_cli, write_json

BUSYBOX = ["-p", 'command=["sleep","3600"]']


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("sandbox")
    started = run_cli(root, "sandbox", "up", timeout=600)
    if started.returncode != 0:
        run_cli(root, "sandbox", "down", timeout=300)
        pytest.fail(f"sandbox up failed:\n{started.stderr}")
    try:
        yield root
    finally:
        run_cli(root, "sandbox", "down", timeout=300)


def ok(root: Path, *args: str) -> str:
    result = run_cli(root, *args, timeout=600)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def recorded(root: Path, deployment: str) -> int:
    listing = json.loads(ok(root, "state", "list", "--json"))
    return next(d["resources"] for d in listing if d["name"] == deployment)


def docker_client(root: Path) -> Any:
    docker = pytest.importorskip("docker")
    config = yaml.safe_load((root / "mcp-iac.yaml").read_text())
    return docker.DockerClient(base_url=config["servers"]["docker"]["env"]["DOCKER_HOST"])


def test_the_seeds_web_app_deploys_with_the_vlan_before_the_rule_and_the_certificate_first(
    sandbox: Path,
) -> None:
    ok(
        sandbox,
        "pattern",
        "up",
        "load-balanced-web-app",
        "-p",
        "appName=test-app",
        "-p",
        "domain=test.example.com",
        "-p",
        "minInstances=2",
        "-p",
        "maxInstances=10",
        "--yes",
        "-q",
    )
    store = open_store(str(sandbox / ".mcp-iac" / "state.db"))
    try:
        run = store.runs("test-app")[-1]
        assert run.status == "succeeded"
        times = {
            o.intent.address: (o.started_at, o.finished_at)
            for o in store.operations(run.id)
            if o.intent.kind == "create"
        }
    finally:
        store.close()
    vlan_done = times["opnsense:network:vlan:test-app-vlan"][1]
    rule_start = times["opnsense:firewall:rule:test-app-allow-https"][0]
    cert_done = times["aws:acm:certificate:test-app-cert"][1]
    frontend_start = times["opnsense:service:haproxy:frontend:test-app-frontend"][0]
    assert vlan_done is not None
    assert cert_done is not None
    assert vlan_done < rule_start
    assert cert_done < frontend_start
    alias = json.loads(
        ok(
            sandbox,
            "state",
            "show",
            "opnsense:firewall:alias:test-app-servers",
            "-d",
            "test-app",
            "--json",
        )
    )
    assert len(alias["properties"]["content"]) == 2  # the ASG's two instances
    ok(sandbox, "destroy", "test-app", "--yes", "-q")
    assert recorded(sandbox, "test-app") == 0


def test_a_rule_on_the_emulator_gets_the_real_private_ip_of_an_aws_instance(sandbox: Path) -> None:
    path = write_json(
        sandbox / "cross.json",
        {
            "serverResources": {
                "aws": [
                    {
                        "type": "ec2:instance",
                        "name": "web-server",
                        "properties": {"imageId": "ami-12c6146b", "instanceType": "t3.micro"},
                    }
                ],
                "opnsense": [
                    {
                        "type": "firewall:rule",
                        "name": "allow-web",
                        "properties": {
                            "destination": "${aws:ec2:web-server.privateIp}",
                            "action": "pass",
                            "source": "198.18.0.0/24",
                        },
                    }
                ],
            },
            "name": "cross",
        },
    )
    ok(sandbox, "up", "-f", str(path), "--yes", "-q")
    instance = json.loads(
        ok(sandbox, "state", "show", "aws:ec2:instance:web-server", "-d", "cross", "--json")
    )
    rule = json.loads(
        ok(sandbox, "state", "show", "opnsense:firewall:rule:allow-web", "-d", "cross", "--json")
    )
    private_ip = instance["outputs"]["privateIp"]
    assert private_ip.count(".") == 3
    assert rule["properties"]["destination"] == private_ip
    # read back from the emulator: what it holds is what was recorded
    drift = json.loads(ok(sandbox, "drift", "cross", "-f", str(path), "--json"))
    assert {r["address"]: r["status"] for r in drift["resources"]}[
        "opnsense:firewall:rule:allow-web"
    ] == "in-sync"
    ok(sandbox, "destroy", "cross", "-f", str(path), "--yes", "-q")


def test_an_any_to_any_rule_is_exactly_one_violation_and_up_refuses_it(sandbox: Path) -> None:
    path = write_json(
        sandbox / "bad.json",
        {
            "name": "bad",
            "serverResources": {
                "opnsense": [
                    {
                        "type": "firewall:rule",
                        "name": "bad-rule",
                        "properties": {"source": "any", "destination": "any", "action": "pass"},
                    }
                ]
            },
        },
    )
    check = run_cli(sandbox, "policy", "check", "-f", str(path), "--json")
    assert check.returncode == 3
    results = json.loads(check.stdout)["results"]
    assert len(results) == 1
    assert "any-to-any traffic" in results[0]["message"]
    refused = run_cli(sandbox, "up", "-f", str(path), "--yes")
    assert refused.returncode == 3
    assert (
        "Firewall rule opnsense:firewall:rule:bad-rule allows any-to-any traffic" in refused.stderr
    )
    assert "remediation:" in refused.stderr
    assert recorded(sandbox, "bad") == 0


@pytest.mark.parametrize(
    ("pattern", "deployment", "params"),
    [
        ("game-server", "minecraft", ["-p", "players=10", "-p", "image=local/busybox:1", *BUSYBOX]),
        (
            "dev-environment",
            "dev",
            [
                "-p",
                "postgresImage=local/busybox:1",
                "-p",
                "redisImage=local/busybox:1",
                "-p",
                'postgresCommand=["sleep","3600"]',
                "-p",
                'redisCommand=["sleep","3600"]',
            ],
        ),
    ],
)
def test_game_server_and_dev_environment_apply_and_destroy_cleanly(
    sandbox: Path, pattern: str, deployment: str, params: list[str]
) -> None:
    ok(sandbox, "pattern", "up", pattern, *params, "--yes", "-q")
    client = docker_client(sandbox)
    try:
        running = [c.name for c in client.containers.list()]
        assert any(name.startswith(deployment) for name in running), running
        drift = json.loads(ok(sandbox, "drift", deployment, "--json"))
        assert not drift["drifted"]
        ok(sandbox, "destroy", deployment, "--yes", "-q")
        assert recorded(sandbox, deployment) == 0
        assert not [
            c.name for c in client.containers.list(all=True) if c.name.startswith(deployment)
        ]
        assert not [n.name for n in client.networks.list() if n.name.startswith(deployment)]
    finally:
        client.close()


@pytest.mark.parametrize(
    ("pattern", "params"),
    [
        ("load-balanced-web-app", ["-p", "appName=a", "-p", "domain=a.example.com"]),
        ("secure-database-cluster", ["-p", "name=orders"]),
        ("iot-edge", []),
        ("dev-environment", []),
        ("game-server", []),
        ("pci-compliant-ecommerce", ["-p", "appName=store", "-p", "domain=shop.example.com"]),
    ],
)
def test_every_built_in_pattern_plans_on_the_real_providers_and_passes_its_policies(
    sandbox: Path, pattern: str, params: list[str]
) -> None:
    rendered = sandbox / f"{pattern}.yaml"
    ok(sandbox, "pattern", "render", pattern, *params, "--out", str(rendered))
    doc = json.loads(ok(sandbox, "plan", "-f", str(rendered), "--json"))
    assert doc["policies"]["passed"] is True
    assert not [r for r in doc["policies"]["results"] if r["status"] == "violation"]
