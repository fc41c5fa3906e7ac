"""Policies through the CLI, on the built-in local provider with a user policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .conftest import Result, deployment, write

NO_TMP = """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: no-tmp-files}
spec:
  title: Files stay out of /tmp
  severity: high
  resources: [local:file]
  when: "starts_with(properties.path, '/tmp')"
  message: "{address} writes to /tmp"
  remediation: Write under the project directory.
"""


def project(tmp_path: Path, *, enforcement: str | None = None) -> str:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "no-tmp.yaml").write_text(NO_TMP)
    if enforcement:
        (tmp_path / "mcp-iac.yaml").write_text(
            f"policies:\n  overrides:\n    no-tmp-files: {enforcement}\n"
        )
    return write(
        tmp_path / "d.json",
        deployment(
            [
                {
                    "type": "local:file",
                    "name": "bad",
                    "properties": {"path": "/tmp/x-never", "content": "x"},
                },
                {
                    "type": "local:file",
                    "name": "good",
                    "properties": {"path": "out/g.txt", "content": "x"},
                },
            ]
        ),
    )


def test_up_refuses_a_mandatory_violation_with_exit_3_and_remediation(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = project(tmp_path)
    result = cli("up", "-f", path, "--yes")
    assert result.code == 3
    assert "Plan for deployment 'app'" in result.out
    assert result.err.startswith(
        "Error: 1 mandatory policy violation(s) in deployment 'app'; nothing was changed:\n"
        "  ✗ [high] no-tmp-files: local:file:bad writes to /tmp\n"
        "      remediation: Write under the project directory.\n"
    )
    assert not (tmp_path / "out" / "g.txt").exists()
    assert [d["resources"] for d in cli("state", "list", "--json").json()] == [0]


def test_plan_shows_policy_results_exits_3_and_json_has_a_policies_field(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = project(tmp_path)
    result = cli("plan", "-f", path)
    assert result.code == 3
    assert "  ✗ [high] no-tmp-files (mandatory): local:file:bad writes to /tmp" in result.out
    assert "Policies: 1 mandatory, 0 advisory, 0 undetermined (6 checked)." in result.out
    doc = cli("plan", "-f", path, "--json").json()
    assert doc["policies"]["passed"] is False
    assert [r["address"] for r in doc["policies"]["results"]] == ["local:file:bad"]


def test_an_advisory_violation_is_listed_and_the_apply_goes_on(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = project(tmp_path, enforcement="advisory")
    result = cli("up", "-f", path, "--yes")
    assert result.code == 0, result.err
    assert "  ! [high] no-tmp-files (advisory): local:file:bad writes to /tmp" in result.out
    assert "Apply complete." in result.out
    Path("/tmp/x-never").unlink()


def test_policy_check_prints_json_and_sarif_and_exits_3(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = project(tmp_path)
    result = cli("policy", "check", "-f", path, "--json")
    assert result.code == 3
    assert result.json()["summary"] == {"mandatory": 1, "advisory": 0, "undetermined": 0}
    sarif = cli("policy", "check", "-f", path, "--sarif")
    assert sarif.code == 3
    log = sarif.json()
    assert log["version"] == "2.1.0"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["no-tmp-files"]


def test_policy_check_reads_a_saved_plan(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = project(tmp_path, enforcement="advisory")
    assert cli("plan", "-f", path, "--out", "p.json").code == 0
    result = cli("policy", "check", "-f", "p.json")
    assert result.code == 0
    assert "! [high] no-tmp-files (advisory)" in result.out


def test_policy_test_runs_fixtures(cli: Callable[..., Result], tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.yaml").write_text(
        """
apiVersion: iac.mcp/v1
kind: PolicyTest
metadata: {name: tmp-is-refused}
spec:
  plan: [{type: local:file, name: f, after: {path: /tmp/a, content: x}}]
  expect: [{policy: no-tmp-files, address: "local:file:f"}]
---
apiVersion: iac.mcp/v1
kind: PolicyTest
metadata: {name: claims-clean}
spec:
  plan: [{type: local:file, name: f, after: {path: /tmp/a, content: x}}]
  expect: []
"""
    )
    result = cli("policy", "test", "tests")
    assert result.code == 1
    assert "PASS  tmp-is-refused" in result.out
    assert "FAIL  claims-clean" in result.out
    assert "unexpected: no-tmp-files (violation) local:file:f writes to /tmp" in result.out
    assert result.out.endswith("1 passed, 1 failed\n")


def test_a_bad_policies_section_names_the_file_and_key(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("policies:\n  packs: [pci, required-tag]\n")
    result = cli("policy", "list")
    assert result.code == 2
    assert (
        "mcp-iac.yaml, property 'policies.packs': no built-in policy pack 'required-tag'"
        in result.err
    )
    assert "did you mean 'required-tags'?" in result.err
