"""kill -9 at random moments: the next `up` converges, and disk equals recorded state.

MCP_IAC_CRASH_TRIALS (default 20) sets how many trials run; set it higher to search harder.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli, start_cli, write_json

TRIALS = int(os.environ.get("MCP_IAC_CRASH_TRIALS", "20"))


def deployment(version: int, *, size: int = 12) -> dict[str, object]:
    """Files, data and commands with references; `version` changes contents and one path."""
    resources: list[dict[str, object]] = []
    for i in range(size):
        resources.append(
            {
                "type": "local:data",
                "name": f"d{i}",
                "properties": {
                    "input": {
                        "n": i,
                        "v": version,
                        "prev": f"${{local:data:d{i - 1}.id}}" if i else None,
                    }
                },
            }
        )
        resources.append(
            {
                "type": "local:file",
                "name": f"f{i}",
                "properties": {
                    # every third file moves between versions: a (delete-before-create) replace
                    "path": f"out/f{i}-{version % 2 if i % 3 == 0 else 0}.txt",
                    "content": f"file {i} v{version} data=${{local:data:d{i}.id}}\n",
                },
            }
        )
        if i % 4 == 0:
            resources.append(
                {
                    "type": "local:command",
                    "name": f"c{i}",
                    "properties": {"create": ["sleep", "0.15"], "triggersReplace": version},
                    "dependsOn": [f"local:file:f{i}"],
                }
            )
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "crashy"},
        "spec": {"resources": resources},
    }


def recorded(cwd: Path) -> dict[str, dict[str, object]]:
    db = sqlite3.connect(cwd / ".mcp-iac" / "state.db")
    try:
        rows = db.execute(
            "SELECT address, type, provider_id, properties FROM resources WHERE deployment=?",
            ("crashy",),
        ).fetchall()
    finally:
        db.close()
    return {a: {"type": t, "id": i, "properties": json.loads(p)} for a, t, i, p in rows}


def pending_operations(cwd: Path) -> int:
    db = sqlite3.connect(cwd / ".mcp-iac" / "state.db")
    try:
        (n,) = db.execute("SELECT count(*) FROM operations WHERE status='pending'").fetchone()
    finally:
        db.close()
    return int(n)


def assert_disk_matches_state(cwd: Path) -> None:
    records = recorded(cwd)
    local = cwd / ".mcp-iac" / "local"
    # files: exactly the recorded ones, with the recorded content
    files = (
        {p.relative_to(cwd).as_posix() for p in (cwd / "out").glob("*")}
        if (cwd / "out").exists()
        else set()
    )
    recorded_files = {
        Path(str(r["id"])).relative_to(cwd).as_posix(): r
        for r in records.values()
        if r["type"] == "local:file"
    }
    assert files == set(recorded_files), "orphaned or lost files"
    for rel, r in recorded_files.items():
        assert (cwd / rel).read_text() == r["properties"]["content"]  # type: ignore[index]
    # data and command objects: exactly the recorded ids
    for kind, type_ in (("data", "local:data"), ("command", "local:command")):
        on_disk = (
            {p.stem for p in (local / kind).glob("*.json")} if (local / kind).exists() else set()
        )
        ids = {str(r["id"]) for r in records.values() if r["type"] == type_}
        assert on_disk == ids, f"orphaned or lost {kind} objects"


@pytest.mark.slow
def test_kill_9_at_random_moments_never_orphans_or_loses_anything(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("MCP_IAC_CRASH_SEED", "20261121")))
    killed = 0
    for trial in range(TRIALS):
        version = trial + 1
        doc = write_json(tmp_path / "deploy.json", deployment(version))
        action = "destroy" if trial % 5 == 4 else "up"
        args = (
            ["destroy", "crashy", "--yes", "-q"]
            if action == "destroy"
            else ["up", "-f", str(doc), "--yes", "-q", "--parallelism", "4"]
        )
        proc = start_cli(tmp_path, *args)
        try:
            proc.wait(timeout=rng.uniform(0.5, 1.4))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            killed += 1
        else:
            out, err = proc.communicate()
            assert proc.returncode == 0, f"trial {trial}: {action} failed:\n{out}\n{err}"
        # the next run converges, whatever the kill interrupted
        again = run_cli(tmp_path, "up", "-f", str(doc), "--yes", "-q")
        assert again.returncode == 0, (
            f"trial {trial}: recovery up failed:\n{again.stdout}\n{again.stderr}"
        )
        assert pending_operations(tmp_path) == 0
        assert_disk_matches_state(tmp_path)
        plan = run_cli(tmp_path, "plan", "-f", str(doc), "--json")
        assert plan.returncode == 0, plan.stderr
        assert json.loads(plan.stdout)["summary"]["create"] == 0
        assert all(s["action"] == "no-op" for s in json.loads(plan.stdout)["steps"])
    assert killed >= TRIALS // 3, f"only {killed} of {TRIALS} trials were killed mid-run"
