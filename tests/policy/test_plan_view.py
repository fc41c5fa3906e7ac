"""The plan as policies see it: views of resources built only when a policy needs them, with
results the same as when every policy looks at every resource."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.engine import Plan
from mcp_iac.policy import (
    PACKS,
    Finding,
    PlannedResource,
    PlanView,
    Policy,
    PolicyMeta,
    PolicySet,
    ResourcePolicy,
    _set,
    load_policy_file,
    policy,
)

from .conftest import plan_of, rule

MIXED = (
    rule("open", source="any", destination="any", action="pass"),
    rule(
        "ssh",
        source="any",
        destinationPort="22",
        action="pass",
        destination="${local:data:d.output}",
    ),
    {"type": "local:data", "name": "d", "properties": {"input": "10.0.0.1"}},
    {"type": "local:data", "name": "e", "properties": {"input": "${local:data:d.output}"}},
    {
        "type": "aws:ec2:securityGroup",
        "name": "web",
        "properties": {"ingress": [{"cidr": "0.0.0.0/0", "fromPort": 22, "toPort": 22}]},
    },
    {"type": "aws:ec2:instance", "name": "big", "properties": {"instanceType": "m5.24xlarge"}},
    {"type": "opnsense:network:vlan", "name": "v", "properties": {"tag": 4095}},
    {"type": "docker:container", "name": "c", "properties": {"image": "x"}},
)

YAML_RESOURCE = """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: data-needs-input}
spec:
  title: Data needs input
  resources: local:data
  require: "properties.input != null"
"""

YAML_PLAN = """
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: few-resources}
spec:
  title: Few resources
  scope: plan
  enforcement: advisory
  when: "length(resources) > `1`"
"""


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses whose views are built, in order."""
    seen: list[str] = []
    original = PlannedResource.from_step.__func__  # type: ignore[attr-defined]  # a classmethod

    def counting(cls: type[PlannedResource], step: Any) -> PlannedResource:
        seen.append(step.address)
        return original(cls, step)  # type: ignore[no-any-return]

    monkeypatch.setattr(PlannedResource, "from_step", classmethod(counting))
    return seen


def every_policy_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_set, "_may_find", lambda policy, view: True)


def all_packs(tmp_path: Path) -> PolicySet:
    (tmp_path / "r.yaml").write_text(YAML_RESOURCE)
    (tmp_path / "p.yaml").write_text(YAML_PLAN)
    extra = [*load_policy_file(tmp_path / "r.yaml"), *load_policy_file(tmp_path / "p.yaml")]
    return PolicySet.build(packs=dict.fromkeys(PACKS), extra=extra)


def test_a_view_of_a_plan_builds_no_resource_until_one_is_asked_for(built: list[str]) -> None:
    view = PlanView.from_plan(plan_of(*MIXED))
    assert built == []
    assert view.selects(("aws:*",), ("create",))
    assert not view.selects(("aws:*",), ("delete",))
    assert not view.selects(("kubernetes:*",), ("create",))
    assert built == []
    found = view.resource("aws:ec2:instance:big")
    assert found is not None
    assert found.type == "aws:ec2:instance"
    assert built == ["aws:ec2:instance:big"]
    assert view.resource("aws:ec2:instance:big") is found
    assert view.resource("nothing:here:x") is None
    assert [r.address for r in view.of_type("opnsense:network:*")] == ["opnsense:network:vlan:v"]
    assert built == ["aws:ec2:instance:big", "opnsense:network:vlan:v"]
    assert len(view.resources) == len(MIXED)
    assert sorted(built) == sorted(r.address for r in view.resources)  # each built once


def test_a_view_of_a_plan_is_the_view_of_its_resources() -> None:
    plan = plan_of(*MIXED)
    lazy = PlanView.from_plan(plan)
    resources = [PlannedResource.from_step(s) for s in plan.steps]
    eager = PlanView(plan.deployment, plan.mode, resources, plan.source)
    assert lazy.document() == eager.document()
    assert lazy.resources == eager.resources
    for r in resources:
        assert lazy.resource(r.address) == eager.resource(r.address) == r
    for patterns in [("*",), ("aws:*",), ("local:data", "docker:*"), ("nothing",)]:
        assert list(lazy.of_type(*patterns)) == list(eager.of_type(*patterns))
        assert list(lazy.remaining(*patterns)) == list(eager.remaining(*patterns))
        for actions in [("create",), ("delete",), ("create", "update")]:
            assert lazy.selects(patterns, actions) == eager.selects(patterns, actions)
    assert (lazy.deployment, lazy.mode, lazy.source) == (
        eager.deployment,
        eager.mode,
        eager.source,
    )
    assert (
        repr(lazy)
        == repr(eager)
        == f"PlanView(deployment='t', mode='apply', resources={len(MIXED)})"
    )


def test_a_view_asked_again_selects_what_a_new_view_selects() -> None:
    plan = plan_of(*MIXED)
    asked = PlanView.from_plan(plan)  # the kinds of its resources found once, then kept
    questions = [
        (patterns, actions)
        for patterns in [("*",), ("aws:*",), ("local:data", "docker:*"), ("nothing",)]
        for actions in [("create",), ("delete",), ("no-op",), ("create", "update")]
    ]
    for _ in range(2):
        for patterns, actions in questions:
            fresh = PlanView.from_plan(plan).selects(patterns, actions)
            assert asked.selects(patterns, actions) == fresh, (patterns, actions)
        assert len(asked.resources) == len(MIXED)  # every view built: the answers stay


def test_a_view_is_read_only() -> None:
    view = PlanView.from_plan(plan_of(*MIXED))
    with pytest.raises(AttributeError, match="read-only"):
        view.mode = "destroy"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del view.deployment  # type: ignore[misc]


def test_policies_none_of_which_selects_the_plans_types_build_no_view(
    built: list[str],
) -> None:
    plan = plan_of(*({"type": "local:data", "name": f"d{i}", "properties": {}} for i in range(50)))
    report = PolicySet.build(packs=dict.fromkeys(PACKS)).evaluate(plan)
    assert report.results == ()
    assert {m.id for m in report.policies} == {
        p.meta.id for p in PolicySet.build(packs=dict.fromkeys(PACKS)).policies
    }
    assert built == []


def test_results_are_those_of_every_policy_looking_at_every_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = [
        plan_of(*MIXED),
        plan_of(*MIXED[2:4]),
        plan_of(*MIXED[4:]),
        Plan("t", "apply", (), None, 0, "now"),
    ]
    reports = [all_packs(tmp_path).evaluate(p) for p in plans]
    assert reports[0].violations  # the mixed plan has something to find
    every_policy_runs(monkeypatch)
    assert [all_packs(tmp_path).evaluate(p) for p in plans] == reports


def test_policies_that_look_at_the_whole_plan_always_run(built: list[str]) -> None:
    seen: list[str] = []

    @policy("count", title="Count", scope="plan")
    def count(plan: PlanView) -> None:
        seen.append(f"plan sees {len(plan.resources)}")

    class Custom(ResourcePolicy):
        meta = PolicyMeta(id="custom", title="Custom", types=("aws:*",))

        def evaluate(self, plan: PlanView) -> Iterator[Finding]:
            seen.append("custom evaluate")
            return iter(())

        def check(self, resource: PlannedResource, plan: PlanView) -> None:
            return None

    class Whole(Policy):
        meta = PolicyMeta(id="whole", title="Whole", types=("aws:*",))

        def evaluate(self, plan: PlanView) -> Iterator[Finding]:
            seen.append("whole evaluate")
            return iter(())

    report = PolicySet.build(packs={}, extra=[count, Custom(), Whole()]).evaluate(
        plan_of({"type": "local:data", "name": "d", "properties": {}})
    )
    assert seen == ["plan sees 1", "custom evaluate", "whole evaluate"]
    assert [m.id for m in report.policies] == ["count", "custom", "whole"]
    assert built == ["local:data:d"]


def test_a_failing_selection_is_reported_as_the_policy_failing() -> None:
    @policy("broken", title="Broken", types=[1])  # type: ignore[list-item]  # on purpose
    def broken(r: PlannedResource) -> None:
        return None

    with pytest.raises(Exception, match="policy 'broken' failed: TypeError"):
        PolicySet.build(packs={}, extra=[broken]).evaluate(
            plan_of({"type": "local:data", "name": "d", "properties": {}})
        )


def selective_oracle(p: Policy) -> bool:
    """Whether a policy is asked only about the resources its meta selects, as PolicySet
    decided it before policies said so themselves."""
    from mcp_iac.policy import DeclarativePolicy

    if isinstance(p, DeclarativePolicy):
        return type(p).evaluate is DeclarativePolicy.evaluate and p.spec.scope != "plan"
    return isinstance(p, ResourcePolicy) and type(p).evaluate is ResourcePolicy.evaluate


def test_each_policy_says_whether_it_is_asked_only_about_the_resources_it_selects(
    tmp_path: Path,
) -> None:
    class WholePlan(Policy):
        meta = PolicyMeta(id="whole", title="whole")

        def evaluate(self, plan: PlanView) -> Iterator[Finding]:
            yield from ()

    class OwnLoop(ResourcePolicy):
        meta = PolicyMeta(id="own", title="own")

        def evaluate(self, plan: PlanView) -> Iterator[Finding]:
            yield from ()

        def check(self, resource: PlannedResource, plan: PlanView) -> None:
            return None

    policies = [*all_packs(tmp_path).policies, WholePlan(), OwnLoop()]
    kinds = [p._selective() for p in policies]
    assert kinds == [selective_oracle(p) for p in policies]
    assert True in kinds
    assert False in kinds


def test_checking_a_plan_with_the_default_packs_imports_no_jmespath() -> None:
    script = (
        "import sys\n"
        "from mcp_iac.core import load_document\n"
        "from mcp_iac.engine import bind, make_plan\n"
        "from mcp_iac.policy import PolicySet, load_policy_paths\n"
        "doc = {'apiVersion': 'iac.mcp/v1', 'kind': 'Deployment', 'metadata': {'name': 't'},\n"
        "       'spec': {'resources': [{'type': 'local:data', 'name': 'd', 'properties': {}}]}}\n"
        "plan = make_plan(bind(load_document(doc)), {}, deployment='t')\n"
        "report = PolicySet.build(extra=load_policy_paths([])).evaluate(plan)\n"
        "assert report.policies and not report.results\n"
        "for name in ('jmespath', 'mcp_iac.policy._jmes', 'mcp_iac.policy._declarative'):\n"
        "    assert name not in sys.modules, name + ' was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
