"""Policy tests (``kind: PolicyTest``): a plan and the results the policies must give.

::

    apiVersion: iac.mcp/v1
    kind: PolicyTest
    metadata: {name: any-to-any-is-refused}
    spec:
      policies: {packs: [security-group-restrictions], paths: [../no-telnet.yaml]}
      deployment: bad-rule.yaml          # or inline: {name: x, resources: [...]}
      # plan: plan.json                  # a saved plan / plan --json, or inline steps:
      # plan: [{type: opnsense:firewall:rule, name: r, action: create, after: {...},
      #         unknown: [destination]}]
      expect:
        - {policy: no-any-to-any, address: "opnsense:firewall:rule:bad", message: any-to-any}

The test passes when every expected result is found and nothing else is reported. Paths are
relative to the test file. Without ``policies`` the project's own selection is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp_iac.core import ConfigError, Location, load_document, load_file, make_address
from mcp_iac.engine import Plan, bind, make_plan

from ._config import PolicyConfig
from ._load import load_policy_paths, read_documents
from ._model import PolicyResult
from ._set import PolicySet
from ._view import PlannedResource, PlanView, _with_unknowns

_SPEC_KEYS = ("policies", "deployment", "plan", "expect", "description")
_EXPECT_KEYS = ("policy", "address", "message", "status", "path", "severity", "enforcement")


@dataclass(frozen=True, slots=True)
class PolicyTestResult:
    """The outcome of one ``kind: PolicyTest``."""

    name: str
    file: str
    passed: bool
    missing: tuple[dict[str, Any], ...] = ()
    """Expected results that were not reported."""
    unexpected: tuple[PolicyResult, ...] = ()
    """Reported results that no expectation matches."""
    error: str | None = None
    results: tuple[PolicyResult, ...] = field(default_factory=tuple)


def _matches(expect: dict[str, Any], result: PolicyResult) -> bool:
    for key, want in expect.items():
        if key == "message":
            if str(want) not in result.message:
                return False
        elif key == "status":
            if result.status != want:
                return False
        elif getattr(result, key) != want:
            return False
    return bool(expect.get("status", "violation") == result.status)


def _inline_plan(steps: list[Any], where: Location) -> PlanView:
    resources = []
    for i, raw in enumerate(steps):
        if not isinstance(raw, dict) or "type" not in raw or "name" not in raw:
            raise ConfigError(
                "a plan step needs type and name (and action, before, after, unknown)",
                location=Location(file=where.file, property=f"spec.plan[{i}]"),
            )
        server = raw.get("server") or str(raw["type"]).split(":", 1)[0]
        after = raw.get("after")
        unknown = tuple(raw.get("unknown") or ())
        resources.append(
            PlannedResource(
                address=make_address(server, raw["type"], raw["name"]),
                type=raw["type"],
                server=server,
                name=raw["name"],
                action=raw.get("action", "create"),
                before=raw.get("before"),
                after=_with_unknowns(after, unknown) if after is not None else None,
                changed_paths=tuple(raw.get("changed") or ()),
                unknown_paths=unknown,
            )
        )
    return PlanView(
        "test", "apply", tuple(resources), where.file, {r.address: r for r in resources}
    )


def plan_from_deployment(doc_or_path: Any, *, base: Path) -> Plan:
    """Plan a deployment as if nothing were recorded, without providers (every resource a
    create; outputs of other resources unknown)."""
    if isinstance(doc_or_path, str):
        spec = load_file(base / doc_or_path)
    else:
        spec = load_document(doc_or_path, source=str(base))
    bound = bind(spec, None)
    return make_plan(bound, {}, deployment=spec.name)


def _plan(spec: dict[str, Any], base: Path, where: Location) -> PlanView:
    if "plan" in spec and "deployment" in spec:
        raise ConfigError("give either 'plan' or 'deployment', not both", location=where)
    if isinstance(spec.get("plan"), str):
        return PlanView.from_plan(Plan.load(base / spec["plan"]))
    if isinstance(spec.get("plan"), list):
        return _inline_plan(spec["plan"], where)
    if spec.get("deployment") is not None:
        return PlanView.from_plan(plan_from_deployment(spec["deployment"], base=base))
    raise ConfigError("a policy test needs 'plan' or 'deployment'", location=where)


def _policies(raw: Any, base: Path, default: Callable[[], PolicySet], source: str) -> PolicySet:
    if raw is None:
        return default()
    config = PolicyConfig.parse(raw, source=source)
    extra = load_policy_paths(base / p for p in config.paths or ())
    return PolicySet.build(
        packs=config.packs if config.packs is not None else {},
        extra=extra,
        overrides=config.overrides,
        source=source,
    )


def run_policy_test(doc: Any, *, file: Path, default: Callable[[], PolicySet]) -> PolicyTestResult:
    """Run one ``kind: PolicyTest`` document; errors in it become a failed result."""
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    name = str(meta.get("name")) if isinstance(meta, dict) and meta.get("name") else file.stem
    try:
        spec = doc.get("spec")
        where = Location(file=str(file), property="spec")
        if not isinstance(spec, dict):
            raise ConfigError("a policy test needs a 'spec' mapping", location=where)
        for key in spec:
            if key not in _SPEC_KEYS:
                raise ConfigError(
                    f"unknown key '{key}'", location=where, hint="allowed: " + ", ".join(_SPEC_KEYS)
                )
        expect = spec.get("expect") or []
        if not isinstance(expect, list) or not all(
            isinstance(e, dict) and "policy" in e and set(e) <= set(_EXPECT_KEYS) for e in expect
        ):
            raise ConfigError(
                "'expect' is a list of {policy, address, message, status, path}",
                location=Location(file=str(file), property="spec.expect"),
            )
        view = _plan(spec, file.parent, where)
        report = _policies(spec.get("policies"), file.parent, default, str(file)).evaluate(view)
    except ConfigError as exc:
        return PolicyTestResult(name, str(file), False, error=str(exc))
    missing = tuple(e for e in expect if not any(_matches(e, r) for r in report.results))
    unexpected = tuple(r for r in report.results if not any(_matches(e, r) for e in expect))
    return PolicyTestResult(
        name, str(file), not missing and not unexpected, missing, unexpected, None, report.results
    )


def run_policy_tests(
    directory: str | Path, *, default: Callable[[], PolicySet]
) -> Iterator[PolicyTestResult]:
    """Every ``kind: PolicyTest`` document in the YAML/JSON files under ``directory``
    (recursively), in file order. Raises ConfigError when there are none."""
    root = Path(directory)
    if not root.exists():
        raise ConfigError(f"'{root}' does not exist")
    files = (
        [root]
        if root.is_file()
        else sorted(
            p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
        )
    )
    count = 0
    for path in files:
        for doc in read_documents(path):
            if isinstance(doc, dict) and doc.get("kind") == "PolicyTest":
                count += 1
                yield run_policy_test(doc, file=path, default=default)
    if count == 0:
        raise ConfigError(
            f"no policy tests (kind: PolicyTest) in '{root}'",
            hint="see docs/policies.md#testing-policies",
        )
