from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mcp_iac.core import ConfigError
from mcp_iac.policy import PolicyConfig, PolicySet, run_policy_tests, to_sarif

from .conftest import plan_of, rule


def test_the_config_reads_packs_with_settings_paths_and_overrides() -> None:
    config = PolicyConfig.parse(
        {
            "packs": ["security-group-restrictions", {"required-tags": {"tags": ["Owner"]}}],
            "paths": "policies",
            "overrides": {"no-any-to-any": "advisory", "required-tags": {"severity": "high"}},
        },
        source="mcp-iac.yaml",
    )
    assert config.packs == {
        "security-group-restrictions": None,
        "required-tags": {"tags": ["Owner"]},
    }
    assert config.paths == ("policies",)
    assert config.overrides["no-any-to-any"].enforcement == "advisory"
    assert config.overrides["required-tags"].severity == "high"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"pack": []}, "mcp-iac.yaml, property 'policies.pack': unknown key 'pack'"),
        ({"packs": "pci"}, "mcp-iac.yaml, property 'policies.packs': 'packs' must be a list"),
        ({"packs": [{"a": 1, "b": 2}]}, "property 'policies.packs[0]': a pack is a name"),
        (
            {"overrides": {"x": "sometimes"}},
            "property 'policies.overrides.x': enforcement must be one of advisory, mandatory",
        ),
        (
            {"overrides": {"x": {"severity": "huge"}}},
            "property 'policies.overrides.x': severity must be one of low",
        ),
    ],
)
def test_config_errors_name_the_file_and_key(raw: Any, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        PolicyConfig.parse(raw, source="mcp-iac.yaml")
    assert message in str(info.value)


def test_overrides_set_levels_per_pack_and_per_policy_the_policy_winning() -> None:
    from mcp_iac.policy import Override

    policies = PolicySet.build(
        overrides={
            "security-group-restrictions": Override(enforcement="advisory"),
            "no-any-to-any": Override(severity="critical"),
            "https-only-frontends": Override(enforcement="disabled"),
        }
    )
    report = policies.evaluate(plan_of(rule("bad", source="any", destination="any")))
    (v,) = report.results
    assert (v.enforcement, v.severity, report.blocking) == ("advisory", "critical", False)
    assert "https-only-frontends" not in [m.id for m in report.policies]


def test_an_override_of_something_unknown_suggests_a_name() -> None:
    from mcp_iac.policy import Override

    with pytest.raises(ConfigError, match="did you mean 'no-any-to-any'"):
        PolicySet.build(overrides={"no-any-to-anything": Override(enforcement="advisory")})


def test_the_report_document_lists_results_and_counts() -> None:
    report = PolicySet.build().evaluate(plan_of(rule("bad", source="any", destination="any")))
    doc = report.to_dict()
    assert doc["passed"] is False
    assert doc["summary"] == {"mandatory": 1, "advisory": 0, "undetermined": 0}
    assert doc["results"][0]["remediation"].startswith("Name the source and destination")
    assert "no-ssh-from-internet" in doc["evaluated"]


# the structure SARIF 2.1.0 requires of what we emit (OASIS SARIF v2.1.0, sections 3.13-3.28)
SARIF_SHAPE = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"$ref": "#/$defs/level"}
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            },
                                            "logicalLocations": {"type": "array"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string"}},
        },
        "level": {"enum": ["none", "note", "warning", "error"]},
    },
}


def test_sarif_output_is_structurally_valid_and_points_at_the_line(tmp_path: Path) -> None:
    deployment = tmp_path / "d.yaml"
    deployment.write_text(
        "name: d\nresources:\n  - type: opnsense:firewall:rule\n    name: bad\n"
        "    properties: {source: any, destination: any}\n"
    )
    report = PolicySet.build().evaluate(plan_of(rule("bad", source="any", destination="any")))
    log = to_sarif(report, artifact=str(deployment), names={"opnsense:firewall:rule:bad": "bad"})
    jsonschema.validate(log, SARIF_SHAPE)
    (result,) = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "no-any-to-any"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 4}


def test_policy_fixtures_pass_and_fail_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(
        """
apiVersion: iac.mcp/v1
kind: PolicyTest
metadata: {name: any-to-any}
spec:
  policies: {packs: [security-group-restrictions]}
  deployment:
    name: t
    resources:
      - {type: opnsense:firewall:rule, name: bad, properties: {source: any, destination: any}}
  expect:
    - {policy: no-any-to-any, address: "opnsense:firewall:rule:bad", message: any-to-any}
---
apiVersion: iac.mcp/v1
kind: PolicyTest
metadata: {name: unknown-destination}
spec:
  plan:
    - type: opnsense:firewall:rule
      name: r
      after: {source: any, destination: "(known after apply)"}
      unknown: [destination]
  expect:
    - {policy: no-any-to-any, status: undetermined}
---
apiVersion: iac.mcp/v1
kind: PolicyTest
metadata: {name: wrong}
spec:
  plan: [{type: opnsense:network:vlan, name: v, after: {tag: 1, interface: igc1}}]
  expect: []
"""
    )
    results = list(run_policy_tests(tmp_path, default=PolicySet.build))
    assert [(r.name, r.passed) for r in results] == [
        ("any-to-any", True),
        ("unknown-destination", True),
        ("wrong", False),
    ]
    assert [u.policy for u in results[2].unexpected] == ["vlan-tag-range"]


def test_a_directory_without_policy_tests_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no policy tests"):
        list(run_policy_tests(tmp_path, default=PolicySet.build))
