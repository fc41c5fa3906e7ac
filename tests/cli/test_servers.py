"""Provider servers from the command line: list, check, import, types, provider serve/test, and a
deployment spread over two instances of one provider (one of them a real stdio subprocess)."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Result, deployment, write

Cli = Callable[..., Result]
STDIO_LOCAL = f"{shlex.quote(sys.executable)} -m mcp_iac.providers.local"


def test_servers_list_shows_builtins_file_and_environment(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("servers:\n  fw2: {command: fw-mcp, args: [--x]}\n")
    monkeypatch.setenv("MCP_IAC_SERVER_K8S", "http://127.0.0.1:9/mcp")
    r = cli("servers", "list", "--json")
    assert r.code == 0, r.err
    rows = {row["name"]: row for row in r.json()}  # type: ignore[union-attr]
    assert rows["local"]["transport"] == "builtin"
    assert rows["fw2"]["target"] == "fw-mcp --x"
    assert rows["k8s"]["source"] == "MCP_IAC_SERVER_K8S"


def test_servers_check_reports_each_server_and_names_the_one_that_fails(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("servers:\n  broken: {command: no-such-mcp-server}\n")
    r = cli("servers", "check", "--json")
    assert r.code == 1
    rows = {row["server"]: row for row in r.json()}  # type: ignore[union-attr]
    assert rows["local"]["ok"] is True
    assert rows["local"]["protocol"] == "iac/1"
    assert "local:file" in rows["local"]["types"]
    assert rows["broken"]["ok"] is False
    assert "no-such-mcp-server" in rows["broken"]["error"]


def test_import_claude_adds_servers_and_keeps_existing_ones(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("servers:\n  memory: {command: mine}\n")
    claude = tmp_path / "claude.json"
    claude.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "memory": {
                        "command": "npx",
                        "args": ["-y", "@modelcontextprotocol/server-memory"],
                    },
                    "files": {"command": "uvx", "args": ["files"]},
                }
            }
        )
    )
    r = cli("servers", "import-claude", str(claude))
    assert r.code == 0, r.err
    assert "files" in r.out
    assert "Kept existing: memory" in r.out
    listed = {row["name"]: row for row in cli("servers", "list", "--json").json()}  # type: ignore[union-attr]
    assert listed["memory"]["target"] == "mine"
    assert listed["files"]["target"] == "uvx files"


def test_types_lists_properties_with_required_and_replace_flags(cli: Cli) -> None:
    r = cli("types", "local", "--json")
    assert r.code == 0, r.err
    by_type = {row["type"]: row for row in r.json()}  # type: ignore[union-attr]
    path = by_type["local:file"]["properties"]["path"]
    assert path == {"type": "string", "required": True, "replaceOnChange": True}
    assert "sha256" in by_type["local:file"]["outputs"]


def test_provider_test_runs_the_contract_suite_in_process_and_over_stdio(cli: Cli) -> None:
    builtin = cli("provider", "test", "local", "--json")
    assert builtin.code == 0, builtin.out + builtin.err
    assert all(c["status"] != "failed" for c in builtin.json()["checks"])  # type: ignore[index]
    stdio = cli("provider", "test", STDIO_LOCAL)
    assert stdio.code == 0, stdio.out + stdio.err
    assert "0 failed" in stdio.out


def test_a_deployment_can_use_two_instances_of_one_provider(cli: Cli, tmp_path: Path) -> None:
    """`files2` is a second local provider, a real stdio subprocess rooted elsewhere."""
    other = tmp_path / "other"
    other.mkdir()
    (tmp_path / "mcp-iac.yaml").write_text(
        "servers:\n"
        f"  files2: {{command: {json.dumps(sys.executable)}, args: [-m, mcp_iac.providers.local,"
        f" --root, {json.dumps(str(other))}]}}\n"
    )
    doc = deployment(
        [
            {"type": "local:data", "name": "cfg", "properties": {"input": {"text": "both"}}},
            {
                "type": "local:file",
                "name": "here",
                "properties": {"path": "a.txt", "content": "${cfg.output.text}"},
            },
            {
                "type": "local:file",
                "name": "there",
                "server": "files2",
                "properties": {"path": "b.txt", "content": "${local:data:cfg.output.text}"},
            },
        ]
    )
    f = write(tmp_path / "d.json", doc)
    r = cli("up", "-f", f, "--yes")
    assert r.code == 0, r.out + r.err
    assert (tmp_path / "a.txt").read_text() == "both"
    assert (other / "b.txt").read_text() == "both"
    listing = cli("state", "list", "app", "--json").json()
    assert sorted(x["address"] for x in listing) == [  # type: ignore[union-attr, index]
        "files2:file:there",
        "local:data:cfg",
        "local:file:here",
    ]
    assert cli("destroy", "app", "--yes").code == 0
    assert not (other / "b.txt").exists()


def test_an_unknown_server_in_a_deployment_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    doc = deployment([{"type": "local:data", "name": "x", "server": "nope", "properties": {}}])
    r = cli("plan", "-f", write(tmp_path / "d.json", doc))
    assert r.code == 2
    assert "no server named 'nope'" in r.err


def test_a_plan_without_changes_needs_no_provider_connection(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    config = tmp_path / "mcp-iac.yaml"
    config.write_text(
        f"servers:\n  files2: {{command: {json.dumps(sys.executable)}, args: [-m, "
        f"mcp_iac.providers.local, --root, {json.dumps(str(other))}]}}\n"
    )
    doc = deployment(
        [
            {
                "type": "local:file",
                "name": "f",
                "server": "files2",
                "properties": {"path": "f.txt", "content": "x"},
            }
        ]
    )
    f = write(tmp_path / "d.json", doc)
    assert cli("up", "-f", f, "--yes").code == 0
    config.write_text("servers:\n  files2: {command: no-such-provider-anymore}\n")
    quiet = cli("plan", "-f", f)
    assert quiet.code == 0, quiet.err
    assert "No changes" in quiet.out
    doc["spec"]["resources"][0]["properties"]["content"] = "y"  # type: ignore[index]
    changed = cli("plan", "-f", write(tmp_path / "d.json", doc))
    assert changed.code == 1
    assert "no-such-provider-anymore" in changed.err
