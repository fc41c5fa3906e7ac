"""The commands around the server, run as a user runs them: ``mcp-iac ask`` on the local
provider (a project pattern, a restore by version, what it refuses), ``serve token create|list``.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mcp_iac.server import hash_token

from .conftest import run_cli, write_json

CARD = """\
apiVersion: iac.mcp/v1
kind: Pattern
metadata:
  name: greeting-card
  description: A card file for someone.
spec:
  parameters:
    name: {type: string, pattern: "^[a-z][a-z0-9-]*$", description: Who the card is for}
    players: {type: integer, default: 1, minimum: 1, maximum: 9, description: Copies}
  deployment:
    metadata: {name: "card-{{ name }}"}
    spec:
      resources:
        - type: local:file
          name: "{{ name }}"
          properties: {path: "card-{{ name }}.txt", content: "hello {{ name }} x{{ players }}\\n"}
"""


def _project(workdir: Path) -> Path:
    (workdir / "patterns").mkdir()
    (workdir / "patterns" / "card.yaml").write_text(CARD)
    return workdir


def test_ask_reads_plans_and_applies_a_project_pattern(workdir: Path) -> None:
    _project(workdir)
    planned = run_cli(
        workdir, "ask", "Make a greeting card called ann for 3 players", "--plan-only"
    )
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.startswith("Pattern: greeting-card\nParameters: players=3, name='ann'\n")
    assert "  + local:file:ann  (create: not yet created)" in planned.stdout
    assert "Policies: 5 checked, no violations." in planned.stdout
    assert not (workdir / "card-ann.txt").exists()
    applied = run_cli(workdir, "ask", "Make a greeting card called ann for 3 players", "--yes")
    assert applied.returncode == 0, applied.stderr
    assert "Apply complete. 1 change(s) applied (state version 1)." in applied.stdout
    assert (workdir / "card-ann.txt").read_text() == "hello ann x3\n"
    history = json.loads(run_cli(workdir, "state", "history", "card-ann", "--json").stdout)
    assert history[0]["intent"] == 'mcp-iac ask "Make a greeting card called ann for 3 players"'


def test_ask_fills_what_is_missing_from_param_and_reports_json(workdir: Path) -> None:
    _project(workdir)
    refused = run_cli(workdir, "ask", "Make a greeting card for 2 players", "--json")
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["intent"]["missing"] == ["name (string): Who the card is for"]
    assert "Error: the request does not say enough: name (string)" in refused.stderr
    done = run_cli(
        workdir,
        "ask",
        "Make a greeting card for 2 players",
        "--param",
        "name=bo",
        "--yes",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"]["parameters"] == {"players": 2, "name": "bo"}
    assert out["report"]["status"] == "succeeded"
    assert (workdir / "card-bo.txt").read_text() == "hello bo x2\n"


def test_ask_restores_a_deployment_to_a_version(workdir: Path) -> None:
    doc = {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "hello"},
        "spec": {
            "variables": {"word": {"type": "string", "default": "hi"}},
            "resources": [
                {
                    "type": "local:file",
                    "name": "greeting",
                    "properties": {"path": "hello.txt", "content": "${word}\n"},
                }
            ],
        },
    }
    path = str(write_json(workdir / "d.json", doc))
    assert run_cli(workdir, "up", "-f", path, "--yes").returncode == 0
    assert run_cli(workdir, "up", "-f", path, "--var", "word=bye", "--yes").returncode == 0
    back = run_cli(workdir, "ask", "roll back hello to version 1", "--yes")
    assert back.returncode == 0, back.stderr
    assert back.stdout.startswith("Restore 'hello' to version 1\n")
    assert 'content: "bye\\n" → "hi\\n"' in back.stdout
    assert "Restore complete. 1 change(s) applied (state version 3)." in back.stdout
    assert (workdir / "hello.txt").read_text() == "hi\n"


def test_ask_refuses_what_it_cannot_act_on(workdir: Path) -> None:
    nonsense = run_cli(workdir, "ask", "Make me a purple unicorn")
    assert nonsense.returncode == 2
    assert "did not understand: 'purple', 'unicorn'" in nonsense.stdout
    assert "Error: the request was not understood as a deployment pattern or a restore" in (
        nonsense.stderr
    )
    unknown = run_cli(workdir, "ask", "Restore production from last Tuesday")
    assert unknown.returncode == 2
    assert "Error: no deployment named 'production' is recorded" in unknown.stderr
    misplaced = run_cli(workdir, "ask", "Restore production to version 2", "--param", "a=b")
    assert misplaced.returncode == 2
    assert "--param sets pattern parameters; this request is no pattern" in misplaced.stderr


def test_serve_token_create_stores_only_the_hash_and_list_shows_ids(workdir: Path) -> None:
    made = run_cli(workdir, "serve", "token", "create", "ci", "--scopes", "read,plan", "--json")
    assert made.returncode == 0, made.stderr
    out = json.loads(made.stdout)
    assert out["scopes"] == ["read", "plan"]
    assert out["hash"] == hash_token(out["token"])
    text = (workdir / "mcp-iac.yaml").read_text()
    assert out["token"] not in text
    assert yaml.safe_load(text)["serve"]["tokens"] == [
        {"id": "ci", "hash": out["hash"], "scopes": ["read", "plan"]}
    ]
    printed = run_cli(workdir, "serve", "token", "create", "other", "--print-only")
    assert printed.returncode == 0
    assert "other" not in (workdir / "mcp-iac.yaml").read_text()
    listed = run_cli(workdir, "serve", "token", "list", "--json")
    assert json.loads(listed.stdout) == [{"id": "ci", "scopes": ["read", "plan"]}]
    again = run_cli(workdir, "serve", "token", "create", "ci")
    assert again.returncode == 2
    assert "already has a token with id 'ci'" in again.stderr
    bad = run_cli(workdir, "serve", "token", "create", "x", "--scopes", "read,write")
    assert bad.returncode == 2
    assert "Error: unknown scope(s): write" in bad.stderr
