"""Two concurrent `up` processes on one deployment: exactly one runs."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .conftest import run_cli, start_cli, write_json


def slow_deployment() -> dict[str, object]:
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "locky"},
        "spec": {
            "resources": [
                {"type": "local:command", "name": "slow", "properties": {"create": ["sleep", "3"]}},
                {
                    "type": "local:data",
                    "name": "after",
                    "properties": {"input": 1},
                    "dependsOn": ["local:command:slow"],
                },
            ]
        },
    }


def lock_held(cwd: Path) -> bool:
    db_path = cwd / ".mcp-iac" / "state.db"
    if not db_path.exists():
        return False
    db = sqlite3.connect(db_path, timeout=5)
    try:
        return db.execute("SELECT count(*) FROM locks WHERE deployment='locky'").fetchone()[0] > 0
    except sqlite3.OperationalError:
        return False
    finally:
        db.close()


def test_a_second_up_on_a_locked_deployment_exits_4_naming_the_holder(tmp_path: Path) -> None:
    doc = write_json(tmp_path / "deploy.json", slow_deployment())
    first = start_cli(tmp_path, "up", "-f", str(doc), "--yes", "-q")
    deadline = time.monotonic() + 30
    while not lock_held(tmp_path):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first up never took the lock"
    second = run_cli(tmp_path, "up", "-f", str(doc), "--yes", "-q")
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert second.returncode == 4, second.stdout + second.stderr
    assert "locked by" in second.stderr
    assert "(up)" in second.stderr
    # exactly one ran: one apply run recorded, and the data object exists once
    history = run_cli(tmp_path, "state", "history", "locky", "--json")
    assert history.returncode == 0, history.stderr
    import json

    runs = json.loads(history.stdout)
    assert [r["kind"] for r in runs] == ["apply"]
    assert len(list((tmp_path / ".mcp-iac" / "local" / "data").glob("*.json"))) == 1


def test_state_unlock_removes_a_stuck_lock(tmp_path: Path) -> None:
    doc = write_json(tmp_path / "deploy.json", slow_deployment())
    assert run_cli(tmp_path, "validate", "-f", str(doc)).returncode == 0
    first = start_cli(tmp_path, "up", "-f", str(doc), "--yes", "-q")
    deadline = time.monotonic() + 30
    while not lock_held(tmp_path):
        assert time.monotonic() < deadline
    unlocked = run_cli(tmp_path, "state", "unlock", "locky")
    assert unlocked.returncode == 0, unlocked.stderr
    assert "Removed the lock" in unlocked.stdout
    first.communicate(timeout=60)
