"""The seed's story end to end on real backends: "Deploy a Minecraft server for 10 players"
reaches ``mcp-iac serve`` over stdio, is read into the game-server pattern, planned with a
readable review and policy results, applied once the person approves (with progress), checked
for drift on the OPNsense emulator and a private Docker engine, and destroyed once approved.
``mcp-iac ask`` does the same from the shell and rolls it back by version.

The sandbox (``mcp-iac sandbox up opnsense docker``) provides the backends; the container runs
the sandbox's busybox image instead of the game's (nothing is downloaded), on a free port.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.context import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from mcp_iac.sandbox import BASE_IMAGE
from tests.backends import require

from .conftest import run_cli


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sandbox(workdir: Path) -> Iterator[Path]:
    """The OPNsense emulator and a private dockerd for ``workdir``; stopped by ``sandbox down``."""
    require("dockerd", root=True)
    started = run_cli(workdir, "sandbox", "up", "opnsense", "docker", timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield workdir
    finally:
        stopped = run_cli(workdir, "sandbox", "down", timeout=300)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def _overrides(port: int) -> dict[str, Any]:
    return {"image": BASE_IMAGE, "command": ["sleep", "3600"], "port": port}


def test_a_minecraft_server_for_10_players_over_mcp_with_approval(sandbox: Path) -> None:
    port = _free_port()
    asked: list[str] = []
    progress: list[str] = []

    async def approve(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_IAC_")}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_iac.cli", "serve"], cwd=str(sandbox), env=env
    )

    async def scenario() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with Client(params, elicitation_callback=approve, cache=None) as client:

            async def call(name: str, arguments: dict[str, Any], **kw: Any) -> dict[str, Any]:
                result = await client.call_tool(name, arguments, **kw)
                assert not result.is_error, result.content
                return dict(result.structured_content)

            reading = await call(
                "interpret", {"request": "Deploy a Minecraft server for 10 players"}
            )
            seen["reading"] = reading
            seen["plan"] = await call(
                "plan",
                {
                    "pattern": reading["pattern"],
                    "parameters": {**reading["parameters"], **_overrides(port)},
                },
            )
            seen["apply"] = await call(
                "apply", {"plan_id": seen["plan"]["plan_id"]}, progress_callback=on_progress
            )
            seen["outputs"] = await call("outputs", {"deployment": "minecraft"})
            seen["drift"] = await call("drift", {"deployment": "minecraft"})
            seen["destroy"] = await call("destroy", {"deployment": "minecraft"})
            seen["state"] = await call("state", {"deployment": "minecraft"})
        return seen

    seen = anyio.run(scenario)
    reading = seen["reading"]
    assert (reading["kind"], reading["pattern"]) == ("pattern", "game-server")
    assert reading["parameters"] == {"players": 10, "game": "minecraft"}
    plan = seen["plan"]
    assert plan["summary"]["create"] == 6
    review = plan["review"]
    for address in (
        "opnsense:network:vlan:minecraft-vlan",
        "opnsense:service:dhcp:range:minecraft-dhcp",
        "opnsense:firewall:rule:minecraft-allow-players",
        "opnsense:service:dns:override:minecraft-dns",
        "docker:network:minecraft-net",
        "docker:container:minecraft",
    ):
        assert f"+ {address}  (create: not yet created)" in review
    assert f"destinationPort = {port}" in review
    assert plan["policies"]["checked"] is True
    assert plan["policies"]["passed"] is True
    assert seen["apply"]["status"] == "succeeded"
    assert seen["apply"]["approved_by"] == "the user"
    assert asked[0].startswith(
        f"Apply plan {plan['plan_id']} to deployment 'minecraft': 6 to create"
    )
    assert sum(1 for m in progress if m.endswith("create done")) == 6
    assert seen["outputs"]["outputs"]["hostname"] == "minecraft.home.example.net"
    assert seen["drift"]["drifted"] is False
    assert {r["status"] for r in seen["drift"]["resources"]} == {"in-sync"}
    assert seen["destroy"]["status"] == "succeeded"
    assert asked[1].startswith("DESTROY deployment 'minecraft': 0 to create, 0 to update")
    assert seen["state"]["resources"] == []


def test_ask_deploys_the_gaming_vlan_request_and_rolls_it_back_by_version(
    sandbox: Path,
) -> None:
    overrides = [
        f"--param={k}={json.dumps(v) if isinstance(v, list) else v}"
        for k, v in _overrides(_free_port()).items()
    ]
    up = run_cli(
        sandbox,
        "ask",
        "Deploy Minecraft server with 4GB RAM on gaming VLAN",
        *overrides,
        "--yes",
        "--json",
        timeout=300,
    )
    assert up.returncode == 0, up.stdout + up.stderr
    out = json.loads(up.stdout)
    assert out["intent"]["parameters"]["ramGb"] == 4
    assert out["report"]["status"] == "succeeded"
    assert out["report"]["outputs"]["memory"] == "4608m"  # the pattern's sizing of 4 GB
    back = run_cli(sandbox, "ask", "roll back minecraft to version 0", "--yes", "--json")
    assert back.returncode == 0, back.stdout + back.stderr
    report = json.loads(back.stdout)["report"]
    assert report["status"] == "succeeded"
    assert report["summary"]["delete"] == 6
    left = run_cli(sandbox, "state", "list", "minecraft", "--json")
    assert json.loads(left.stdout) == []
