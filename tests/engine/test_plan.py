"""Plans: summaries, saving and loading exactly, and refusing stale plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcp_iac.core import ConfigError, StalePlan
from mcp_iac.engine import Plan

from .fakes import Harness, doc, res

DOC = doc(
    res("net", cidr="10.0.0.0/16"), res("web", net="${net.id}", size=1), outputs={"ip": "${web.ip}"}
)


def test_the_summary_counts_steps_by_action() -> None:
    h = Harness()
    h.up(doc(res("net", cidr="10.0.0.0/16"), res("gone")))
    plan = h.plan(DOC)
    assert plan.summary() == {
        "create": 1,
        "update": 0,
        "replace": 0,
        "delete": 1,
        "no-op": 1,
        "read": 0,
    }
    assert plan.has_changes
    assert plan.step("fake:box:web") is not None
    assert plan.step("fake:box:nope") is None


def test_a_saved_plan_loads_back_equal_and_applies_exactly(tmp_path: Path) -> None:
    h = Harness()
    plan = h.plan(DOC)
    path = tmp_path / "plan.json"
    plan.save(path)
    loaded = Plan.load(path)
    assert loaded == plan
    data = json.loads(path.read_text())
    assert data["format"] == 1
    assert data["summary"]["create"] == 2
    web = next(s for s in data["steps"] if s["address"] == "fake:box:web")
    assert web["after"] == {"net": "(known after apply)", "size": 1}
    assert web["template"] == {"net": "${fake:box:net.id}", "size": 1}
    assert h.apply(loaded).status == "succeeded"
    h.consistent()


def test_a_plan_made_against_an_older_state_is_refused_as_stale() -> None:
    h = Harness()
    h.up(doc(res("net", cidr="10.0.0.0/16")))
    plan = h.plan(DOC)
    record = h.state.deployment("test")
    assert record is not None
    plan.check_current(record.lineage, record.serial)
    h.up(doc(res("net", cidr="10.1.0.0/16")))
    record = h.state.deployment("test")
    assert record is not None
    with pytest.raises(StalePlan, match="changed since the plan was made") as caught:
        plan.check_current(record.lineage, record.serial)
    assert caught.value.hint == "run mcp-iac plan again and review the new plan"


def test_a_plan_for_another_lineage_is_refused() -> None:
    h = Harness()
    h.up(doc(res("net")))
    plan = h.plan(DOC)
    with pytest.raises(StalePlan, match="different lineage"):
        plan.check_current("another-lineage", plan.serial)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"format": 99}', "is not a saved plan of this version"),
        ('{"format": 1, "steps": []}', "is not a valid saved plan"),
    ],
)
def test_a_file_that_is_not_a_saved_plan_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Plan.load(path)


def test_a_missing_plan_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Plan.load(tmp_path / "nope.json")
