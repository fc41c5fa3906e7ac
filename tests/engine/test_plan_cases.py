"""Planner goldens (pyinfra style): every ``plan_cases/*.json`` is one case, run by one test.

A case file holds::

    {"description": "...",
     "deployment": <canonical document> | null,
     "variables": {name: "--var string"},        # optional
     "environ": {NAME: value},                    # optional, for ${secret:...}
     "state": [<recorded resource>],              # address, type, server, name, id, properties,
                                                  # outputs, dependencies, protect, status
     "schemas": {<type>: {replaceOnChanges, properties, outputs, deleteBeforeReplace}},
     "targets": [...], "mode": "apply" | "destroy",
     "expect": {"steps": [{"address", "action", "reason" (substring), <any other PlanStep
                           field: compared exactly; options: the keys given>}]}
             | {"error": {"type": "CycleError" | ..., "message": substring of str(error)}}}

The steps listed must be exactly the steps of the plan (order aside).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import mcp_iac.core
from mcp_iac.core import IacError, load_document
from mcp_iac.engine import Plan, ResourceRecord, bind, make_plan
from mcp_iac.protocol import ResourceTypeSchema

CASES = sorted((Path(__file__).parent / "plan_cases").glob("*.json"))
CASE_KEYS = {
    "description",
    "deployment",
    "variables",
    "environ",
    "state",
    "schemas",
    "targets",
    "mode",
    "expect",
}


def record(deployment: str, raw: dict[str, Any]) -> ResourceRecord:
    address = raw["address"]
    parts = address.split("#", 1)[0].split(":")
    values = {
        "server": parts[0],
        "type": ":".join([parts[0], *parts[1:-1]]),
        "name": parts[-1],
        "id": f"id-{parts[-1]}",
        "outputs": {},
        **raw,
    }
    values["dependencies"] = tuple(values.get("dependencies", ()))
    return ResourceRecord(urn=f"{deployment}/{address}", **values)


def make_case_plan(case: dict[str, Any], source: str, *, parse_kept: bool = True) -> Plan:
    """The case's plan; without ``parse_kept``, the binder's parse of its references
    (``BoundDeployment.ref_targets``) is left out: the planner parses them itself."""
    document = case["deployment"]
    spec = load_document(document, source=source) if document is not None else None
    name = spec.name if spec is not None else case.get("name", "test")
    environ = case.get("environ", {})
    bound = bind(spec, case.get("variables"), environ=environ) if spec is not None else None
    if bound is not None and not parse_kept:
        bound = replace(bound, ref_targets={})
    state = {r["address"]: record(name, r) for r in case.get("state", [])}
    schemas = {
        t: ResourceTypeSchema.model_validate({"type": t, **s})
        for t, s in case.get("schemas", {}).items()
    }
    return make_plan(
        bound,
        state,
        deployment=name,
        schemas=schemas,
        mode=case.get("mode", "apply"),
        targets=case.get("targets", ()),
        environ=environ,
        now="2026-01-01T00:00:00+00:00",
    )


def check_step(step: dict[str, Any], expected: dict[str, Any]) -> None:
    where = step["address"]
    for key, want in expected.items():
        got = step[key]
        if key == "reason":
            assert want in got, f"{where}: reason {got!r} does not contain {want!r}"
        elif key == "options":
            assert {k: got[k] for k in want} == want, f"{where}: options {got}"
        else:
            assert got == want, f"{where}: {key} is {got!r}, expected {want!r}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_plan_case(path: Path) -> None:
    case = json.loads(path.read_text())
    assert set(case) <= CASE_KEYS, f"unknown keys {set(case) - CASE_KEYS}"
    assert case.get("description")
    expect = case["expect"]
    if "error" in expect:
        error = expect["error"]
        with pytest.raises(IacError) as caught:
            make_case_plan(case, path.name)
        assert type(caught.value) is getattr(mcp_iac.core, error["type"])
        assert error["message"] in str(caught.value)
        return
    plan = make_case_plan(case, path.name)
    steps = {s["address"]: s for s in plan.to_dict()["steps"]}
    wanted = {s["address"]: s for s in expect["steps"]}
    assert sorted(steps) == sorted(wanted)
    for address, expected in wanted.items():
        check_step(steps[address], expected)
    # a plan survives saving and loading exactly
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def plan_or_error(case: dict[str, Any], source: str, *, parse_kept: bool) -> object:
    try:
        return make_case_plan(case, source, parse_kept=parse_kept)
    except IacError as exc:
        return (type(exc), str(exc), getattr(exc, "location", None), exc.hint)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_plan_case_is_the_same_when_the_planner_parses_every_reference_itself(
    path: Path,
) -> None:
    case = json.loads(path.read_text())
    kept = plan_or_error(case, path.name, parse_kept=True)
    assert kept == plan_or_error(case, path.name, parse_kept=False)


def test_there_are_enough_plan_cases() -> None:
    assert len(CASES) >= 20
