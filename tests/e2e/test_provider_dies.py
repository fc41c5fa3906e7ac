"""A stdio provider process killed in the middle of `up`: the engine names the server, reconnects
(UNAVAILABLE is retryable), and state ends equal to the real objects."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import psutil

from .conftest import run_cli, start_cli, write_json


def deployment(n: int) -> dict[str, object]:
    resources: list[dict[str, object]] = []
    previous = None
    for i in range(n):
        resources.append(
            {
                "type": "local:command",
                "name": f"slow{i}",
                "server": "files2",
                "properties": {"create": ["sleep", "0.3"]},
                **({"dependsOn": [previous]} if previous else {}),
            }
        )
        resources.append(
            {
                "type": "local:file",
                "name": f"f{i}",
                "server": "files2",
                "properties": {"path": f"f{i}.txt", "content": f"file {i}\n"},
                "dependsOn": [f"files2:command:slow{i}"],
            }
        )
        previous = f"files2:file:f{i}"
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "dies"},
        "spec": {"resources": resources},
    }


def provider_children(pid: int) -> list[psutil.Process]:
    try:
        return [
            p
            for p in psutil.Process(pid).children(recursive=True)
            if "mcp_iac.providers.local" in " ".join(p.cmdline())
        ]
    except psutil.NoSuchProcess:
        return []


def done_operations(cwd: Path) -> int:
    db = cwd / ".mcp-iac" / "state.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=5)
    try:
        return int(
            conn.execute("SELECT count(*) FROM operations WHERE status='done'").fetchone()[0]
        )
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_a_killed_provider_is_reconnected_and_state_matches_the_objects(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (tmp_path / "mcp-iac.yaml").write_text(
        "servers:\n"
        f"  files2: {{command: {json.dumps(sys.executable)}, args: [-m, mcp_iac.providers.local,"
        f" --root, {json.dumps(str(other))}]}}\n"
    )
    doc = write_json(tmp_path / "deploy.json", deployment(4))
    proc = start_cli(tmp_path, "up", "-f", str(doc), "--yes")
    deadline = time.monotonic() + 60
    while done_operations(tmp_path) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never got going"
    victims = provider_children(proc.pid)
    assert victims, "no provider subprocess found"
    for victim in victims:
        victim.kill()  # SIGKILL, mid-run
    out, err = proc.communicate(timeout=120)
    text = out + err
    assert "files2" in text  # the report names the server that died
    if proc.returncode != 0:
        # it may also fail cleanly; then a second run converges
        assert proc.returncode == 1, text
        again = run_cli(tmp_path, "up", "-f", str(doc), "--yes", "-q")
        assert again.returncode == 0, again.stdout + again.stderr
    # state equals the real objects, and nothing is left to do
    listing = json.loads(run_cli(tmp_path, "state", "list", "dies", "--json").stdout)
    files = {Path(r["id"]).name for r in listing if r["type"] == "local:file"}
    assert files == {p.name for p in other.glob("*.txt")} == {f"f{i}.txt" for i in range(4)}
    plan = json.loads(run_cli(tmp_path, "plan", "-f", str(doc), "--json").stdout)
    assert plan["summary"]["no-op"] == 8
