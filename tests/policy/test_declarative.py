from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.policy import PolicySet, load_policy_file, load_policy_paths

from .conftest import plan_of, rule

TELNET = """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: no-telnet}
spec:
  title: No telnet
  severity: high
  resources: opnsense:firewall:rule
  when: "properties.destinationPort != null && port_in(properties.destinationPort, `23`)"
  message: "{address} allows telnet"
  remediation: Use SSH.
"""


def only(policies: list, *resources: dict[str, object]):
    return PolicySet.build(packs={}, extra=policies).evaluate(plan_of(*resources))


def test_a_yaml_policy_reports_with_its_message_and_remediation(tmp_path: Path) -> None:
    path = tmp_path / "telnet.yaml"
    path.write_text(TELNET)
    report = only(
        load_policy_file(path), rule("t", destinationPort=23), rule("s", destinationPort=22)
    )
    (v,) = report.results
    assert (v.policy, v.severity, v.enforcement) == ("no-telnet", "high", "mandatory")
    assert v.message == "opnsense:firewall:rule:t allows telnet"
    assert v.remediation == "Use SSH."


def test_require_for_each_and_params_report_each_failing_item(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: labels}
spec:
  title: Labels
  resources: ["docker:*"]
  parameters: {labels: [team, app]}
  forEach: params.labels
  require: "get(properties.labels, item)"
  message: "{address} lacks label {item}"
"""
    )
    container = {
        "type": "docker:container",
        "name": "c",
        "properties": {"image": "x", "labels": {"app": "a"}},
    }
    (v,) = only(load_policy_file(path), container).results
    assert v.message == "docker:container:c lacks label team"


def test_a_plan_scoped_policy_sees_every_resource(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: few-rules}
spec:
  title: At most one rule
  scope: plan
  enforcement: advisory
  when: "length(resources[?type == 'opnsense:firewall:rule']) > `1`"
"""
    )
    report = only(load_policy_file(path), rule("a", destination="h"), rule("b", destination="h"))
    (v,) = report.results
    assert (v.address, v.message, v.blocking) == (None, "At most one rule", False)
    assert report.advisory == (v,)


def test_a_yaml_policy_with_a_misspelt_key_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TELNET.replace("when:", "wehn:"))
    with pytest.raises(ConfigError) as info:
        load_policy_file(path)
    assert str(info.value).startswith(
        f"{path}, property 'spec.wehn': policy 'no-telnet': Extra inputs"
    )


def test_a_yaml_policy_with_a_broken_expression_says_which(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TELNET.replace("properties.destinationPort != null", "properties.x =="))
    with pytest.raises(ConfigError) as info:
        load_policy_file(path)
    assert str(info.value).startswith(
        f"{path}, property 'spec.when': policy 'no-telnet': invalid JMESPath expression "
        "'properties.x == && port_in(properties.destinationPort, `23`)': invalid token at column"
    )


def test_a_policy_needs_a_condition(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TELNET.replace("  when:", "  description:"))
    with pytest.raises(ConfigError, match="give 'when'"):
        load_policy_file(path)


PY_POLICY = '''
from mcp_iac.policy import Finding, eq, policy

@policy("no-pass-all", title="No pass rules without description", severity="low",
        enforcement="advisory", types=["opnsense:firewall:rule"])
def undocumented(rule):
    """Pass rules say why they exist."""
    if not rule.get("description"):
        return Finding(message="{address} has no description", path="description")

@policy("rules-budget", title="Rule budget", scope="plan")
def budget(plan):
    return len(list(plan.of_type("opnsense:firewall:rule"))) > 2
'''


def test_python_policies_in_a_directory_are_loaded_with_their_docstrings(tmp_path: Path) -> None:
    (tmp_path / "rules.py").write_text(PY_POLICY)
    (tmp_path / "telnet.yaml").write_text(TELNET)
    (tmp_path / "_helper.py").write_text("raise RuntimeError('not a policy file')")
    policies = load_policy_paths([tmp_path])
    assert [p.meta.id for p in policies] == ["no-pass-all", "rules-budget", "no-telnet"]
    assert policies[0].meta.description == "Pass rules say why they exist."
    report = only(policies, rule("a", destination="h"), rule("b", destination="h", description="x"))
    (v,) = report.results
    assert (v.message, v.path, v.enforcement) == (
        "opnsense:firewall:rule:a has no description",
        "description",
        "advisory",
    )


def test_a_python_policy_that_raises_names_the_policy_and_file(tmp_path: Path) -> None:
    (tmp_path / "boom.py").write_text(
        "from mcp_iac.policy import policy\n"
        "@policy('boom', title='Boom')\n"
        "def boom(r):\n    return 1 / 0\n"
    )
    policies = load_policy_file(tmp_path / "boom.py")
    with pytest.raises(ConfigError) as info:
        only(policies, rule("a", destination="h"))
    assert str(info.value).startswith(
        f"{tmp_path / 'boom.py'}: policy 'boom' failed: ZeroDivisionError: division by zero"
    )


def test_a_python_policy_file_that_does_not_import_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import no_such_module_xyz\n")
    with pytest.raises(ConfigError, match="policy module failed to load: ModuleNotFoundError"):
        load_policy_file(tmp_path / "bad.py")


def test_two_policies_with_one_id_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(TELNET)
    (tmp_path / "b.yaml").write_text(TELNET)
    with pytest.raises(ConfigError, match="two policies have the id 'no-telnet'"):
        PolicySet.build(packs={}, extra=load_policy_paths([tmp_path]))
