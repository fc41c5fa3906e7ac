"""Patterns through the CLI: built-ins rendered, a project pattern deployed on the local
provider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from .conftest import Result

NOTES = """
apiVersion: iac.mcp/v1
kind: Pattern
metadata: {name: notes, description: A note file per topic}
spec:
  parameters:
    topic: {type: string, pattern: "^[a-z]+$", description: The topic}
    copies: {type: integer, default: 2, minimum: 1, maximum: 5}
  deployment:
    metadata: {name: "notes-{{ topic }}"}
    spec:
      resources:
        - type: local:file
          name: "{{ topic }}"
          properties: {path: "out/{{ topic }}.txt", content: "{{ topic }} x{{ copies }}"}
"""


def test_list_shows_the_built_ins_and_the_projects_patterns(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "patterns").mkdir()
    (tmp_path / "patterns" / "notes.yaml").write_text(NOTES)
    rows = cli("pattern", "list", "--json").json()
    assert [r["name"] for r in rows][-2:] == ["pci-compliant-ecommerce", "notes"]
    assert rows[-1]["source"].endswith("notes.yaml")


def test_show_prints_parameters_and_json_schema(cli: Callable[..., Result]) -> None:
    result = cli("pattern", "show", "game-server")
    assert result.code == 0
    assert "  players: integer (default 10; >= 1, <= 500)" in result.out
    schema = cli("pattern", "show", "game-server", "--json").json()["parameters"]
    assert schema["properties"]["players"]["default"] == 10


def test_render_prints_a_deployment_plan_accepts(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = cli(
        "pattern",
        "render",
        "load-balanced-web-app",
        "--param",
        "appName=test-app",
        "--param",
        "domain=test.example.com",
    )
    assert result.code == 0, result.err
    doc = yaml.safe_load(result.out)
    assert doc["metadata"]["name"] == "test-app"
    types = [r["type"] for r in doc["spec"]["resources"]]
    assert "aws:acm:certificate" in types
    assert "opnsense:service:haproxy:frontend" in types
    rule = next(r for r in doc["spec"]["resources"] if r["type"] == "opnsense:firewall:rule")
    assert rule["dependsOn"] == ["opnsense:network:vlan:test-app-vlan"]


def test_a_bad_parameter_is_exit_2_naming_pattern_and_parameter(cli: Callable[..., Result]) -> None:
    result = cli("pattern", "render", "game-server", "--param", "player=3")
    assert result.code == 2
    assert result.err == (
        "Error: pattern 'game-server': unknown parameter 'player'\n"
        "  hint: did you mean 'players'?\n"
    )


def test_pattern_up_applies_a_project_pattern_and_destroy_removes_it(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("patterns: [mine]\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.yaml").write_text(NOTES)
    result = cli("pattern", "up", "notes", "-p", "topic=dns", "-p", "copies=3", "--yes")
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "dns.txt").read_text() == "dns x3"
    assert "Apply complete." in result.out
    assert cli("destroy", "notes-dns", "--yes").code == 0
    assert not (tmp_path / "out" / "dns.txt").exists()
