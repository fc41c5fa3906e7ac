"""A client nobody here wrote: the MCP Inspector CLI lists the tools of ``mcp-iac serve`` and
runs ``plan`` against it; asked to destroy, it gets the refusal a client without elicitation
gets. Needs ``npx`` (Node.js); npm fetches the inspector on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.backends import require

from .conftest import run_cli, write_json

INSPECTOR = "@modelcontextprotocol/inspector"


def inspector(cwd: Path, *args: str) -> dict[str, Any]:
    npx = require("npx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_IAC_")}
    done = subprocess.run(
        [npx, "-y", INSPECTOR, "--cli", sys.executable, "-m", "mcp_iac.cli", "serve", *args],
        cwd=cwd,
        env={**env, "NO_COLOR": "1", "npm_config_update_notifier": "false"},
        capture_output=True,
        text=True,
        timeout=600,  # the first run downloads the inspector
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


DOC = {
    "apiVersion": "iac.mcp/v1",
    "kind": "Deployment",
    "metadata": {"name": "inspected"},
    "spec": {
        "resources": [
            {
                "type": "local:file",
                "name": "note",
                "properties": {"path": "note.txt", "content": "seen by the inspector\n"},
            }
        ]
    },
}


def test_the_inspector_lists_the_tools_with_their_schemas(tmp_path: Path) -> None:
    listed = inspector(tmp_path, "--method", "tools/list")
    tools = {t["name"]: t for t in listed["tools"]}
    assert {"plan", "apply", "destroy", "restore", "state", "interpret"} <= set(tools)
    assert tools["apply"]["inputSchema"]["required"] == ["plan_id"]
    assert "plan_id" in tools["plan"]["outputSchema"]["properties"]


def test_the_inspector_runs_plan_and_gets_a_plan_id_and_a_review(tmp_path: Path) -> None:
    result = inspector(
        tmp_path,
        "--method",
        "tools/call",
        "--tool-name",
        "plan",
        "--tool-arg",
        f"document={json.dumps(DOC)}",
    )
    assert result["isError"] is False
    out = result["structuredContent"]
    assert out["plan_id"].startswith("plan-")
    assert out["summary"]["create"] == 1
    assert "+ local:file:note  (create: not yet created)" in out["review"]
    assert out["policies"]["passed"] is True
    assert not (tmp_path / "note.txt").exists()


def test_the_inspector_cannot_destroy_without_a_way_to_ask_the_person(tmp_path: Path) -> None:
    path = write_json(tmp_path / "d.json", DOC)
    applied = run_cli(tmp_path, "up", "-f", str(path), "--yes")
    assert applied.returncode == 0, applied.stderr
    result = inspector(
        tmp_path,
        "--method",
        "tools/call",
        "--tool-name",
        "destroy",
        "--tool-arg",
        "deployment=inspected",
    )
    assert result["isError"] is True
    assert "this MCP client cannot ask for it" in result["content"][0]["text"]
    assert (tmp_path / "note.txt").read_text() == "seen by the inspector\n"
