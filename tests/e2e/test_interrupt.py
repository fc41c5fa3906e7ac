"""Ctrl-C during `up`: the first drains in-flight steps and rolls back; nothing is left."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

from .conftest import run_cli, start_cli, write_json


def slow_chain() -> dict[str, object]:
    resources: list[dict[str, object]] = [
        {"type": "local:file", "name": "first", "properties": {"path": "out/first.txt"}},
    ]
    previous = "local:file:first"
    for i in range(4):
        resources.append(
            {
                "type": "local:command",
                "name": f"slow{i}",
                "dependsOn": [previous],
                "properties": {"create": ["sleep", "0.8"]},
            }
        )
        previous = f"local:command:slow{i}"
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "ctrlc"},
        "spec": {"resources": resources},
    }


def operations_done(cwd: Path) -> int:
    db_path = cwd / ".mcp-iac" / "state.db"
    if not db_path.exists():
        return 0
    db = sqlite3.connect(db_path, timeout=5)
    try:
        row = db.execute("SELECT count(*) FROM operations WHERE status='done'").fetchone()
        return int(row[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def test_first_ctrl_c_drains_then_rolls_back(tmp_path: Path) -> None:
    doc = write_json(tmp_path / "deploy.json", slow_chain())
    proc = start_cli(tmp_path, "up", "-f", str(doc), "--yes")
    deadline = time.monotonic() + 30
    while operations_done(tmp_path) < 1:  # the file exists; a slow command is in flight
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert "no new steps will start" in err
    assert "interrupted" in out or "rolled-back" in out
    assert not (tmp_path / "out" / "first.txt").exists()
    listing = run_cli(tmp_path, "state", "list", "ctrlc", "--json")
    assert json.loads(listing.stdout) == []
    history = json.loads(run_cli(tmp_path, "state", "history", "ctrlc", "--json").stdout)
    assert history[-1]["status"] == "rolled-back"
