"""A foreign MCP server end to end: the reference knowledge-graph server
``@modelcontextprotocol/server-memory`` (run with ``npx -y``), driven through the shipped mapping
``examples/mappings/memory.yaml`` by the real CLI: plan, up, drift made through the server
directly, up again, destroy.

Needs Node.js and npm's registry; without ``npx`` the test fails (it does not skip).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest

from .conftest import run_cli

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "@modelcontextprotocol/server-memory"


@pytest.fixture(scope="session")
def npx() -> str:
    """``npx``, with the server's package fetched once (the first ``npx -y`` downloads it)."""
    found = shutil.which("npx")
    if found is None:
        pytest.fail("npx is not on PATH: this test needs Node.js (npm) to run " + PACKAGE)
    # stdin at EOF: the server starts, finds no client and exits
    warm = subprocess.run(
        [found, "-y", PACKAGE],
        input="",
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "MEMORY_FILE_PATH": os.devnull},
    )
    if "running on stdio" not in warm.stderr:
        pytest.fail(f"cannot start {PACKAGE} with npx (exit {warm.returncode}):\n{warm.stderr}")
    return found


def graph(path: Path) -> tuple[dict[str, Any], set[tuple[str, str, str]]]:
    """The server's JSONL file: entities by name, relations as (from, type, to)."""
    entities: dict[str, Any] = {}
    relations: set[tuple[str, str, str]] = set()
    if path.exists():
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item["type"] == "entity":
                entities[item["name"]] = (item["entityType"], item["observations"])
            else:
                relations.add((item["from"], item["relationType"], item["to"]))
    return entities, relations


def change_graph(npx: str, memory: Path, calls: list[tuple[str, dict[str, Any]]]) -> None:
    """Call the memory server's own tools, as someone working outside mcp-iac would."""
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    async def go() -> None:
        params = StdioServerParameters(
            command=npx,
            args=["-y", PACKAGE],
            env={**os.environ, "MEMORY_FILE_PATH": str(memory)},
        )
        with open(os.devnull, "w") as quiet:
            async with Client(stdio_client(params, errlog=quiet)) as client:
                for tool, arguments in calls:
                    result = await client.call_tool(tool, arguments)
                    assert not result.is_error, result

    anyio.run(go)


EXPECTED = {
    "Alice": ("person", ["maintains the build", "prefers tea"]),
    "mcp-iac": ("project", ["infrastructure as code over MCP"]),
}


def test_memory_server_plan_up_drift_up_destroy(npx: str, workdir: Path) -> None:
    memory = workdir / "memory.jsonl"
    (workdir / "examples" / "mappings").mkdir(parents=True)
    shutil.copy(REPO / "examples/mappings/memory.yaml", workdir / "examples/mappings/memory.yaml")
    shutil.copy(REPO / "examples/memory.yaml", workdir / "graph.yaml")
    (workdir / "mcp-iac.yaml").write_text(
        "servers:\n"
        "  memory:\n"
        f"    command: {npx}\n"
        f'    args: ["-y", "{PACKAGE}"]\n'
        f"    env: {{MEMORY_FILE_PATH: {json.dumps(str(memory))}}}\n"
        "    mapping: examples/mappings/memory.yaml\n"
    )

    check = run_cli(workdir, "servers", "check", "memory")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "memory 1 (iac/1), 2 type(s), ok" in check.stdout

    plan = run_cli(workdir, "plan", "-f", "graph.yaml")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "Plan: 3 to create" in plan.stdout
    assert not memory.exists()  # a plan changes nothing

    up = run_cli(workdir, "up", "-f", "graph.yaml", "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    assert 'edge = "Alice -maintains-> mcp-iac"' in up.stdout
    assert graph(memory) == (EXPECTED, {("Alice", "maintains", "mcp-iac")})

    # someone changes the graph through the server itself
    change_graph(
        npx,
        memory,
        [
            ("add_observations", {"observations": [{"entityName": "Alice", "contents": ["x"]}]}),
            (
                "delete_relations",
                {"relations": [{"from": "Alice", "to": "mcp-iac", "relationType": "maintains"}]},
            ),
        ],
    )
    drift = run_cli(workdir, "drift", "-f", "graph.yaml", "--exit-code")
    assert drift.returncode == 5, drift.stdout + drift.stderr
    assert "memory:entity:alice: changed outside mcp-iac" in drift.stdout
    assert "memory:relation:alice-maintains: deleted outside mcp-iac" in drift.stdout
    assert "memory:entity:mcp-iac: in sync" in drift.stdout

    again = run_cli(workdir, "up", "-f", "graph.yaml", "--refresh", "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert graph(memory) == (EXPECTED, {("Alice", "maintains", "mcp-iac")})
    settled = run_cli(workdir, "drift", "-f", "graph.yaml", "--exit-code")
    assert settled.returncode == 0, settled.stdout + settled.stderr

    down = run_cli(workdir, "destroy", "-f", "graph.yaml", "--yes")
    assert down.returncode == 0, down.stdout + down.stderr
    assert graph(memory) == ({}, set())
