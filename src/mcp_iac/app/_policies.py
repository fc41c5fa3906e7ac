"""Policies in the use cases: the project's selection (``mcp-iac.yaml`` ``policies``), checking
a plan, and refusing an apply that violates a mandatory policy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp_iac.core import ConfigError, Location, PolicyViolation
from mcp_iac.engine import Plan, make_plan
from mcp_iac.policy import (
    PolicyConfig,
    PolicyReport,
    PolicyResult,
    PolicySet,
    load_policy_paths,
)
from mcp_iac.registry import PROJECT_FILE

from ._planning import Loaded
from ._project import Project

if TYPE_CHECKING:
    from mcp_iac.policy import PolicyTestResult

DEFAULT_POLICY_DIR = "policies"


class PolicyBlocked(PolicyViolation):
    """Mandatory policies failed: nothing was changed. ``report`` has every result."""

    def __init__(self, report: PolicyReport, plan: Plan) -> None:
        self.report = report
        self.plan = plan
        blocking = report.mandatory
        lines = [
            f"{len(blocking)} mandatory policy violation(s) in deployment '{plan.deployment}'; "
            "nothing was changed:"
        ]
        lines += [_line(r, "✗") + f"\n      remediation: {r.remediation}" for r in blocking]
        lines += [_line(r, "!") + " (advisory)" for r in report.advisory]
        super().__init__(
            "\n".join(lines),
            hint="fix what is listed, or change the policy's level under policies.overrides "
            "in mcp-iac.yaml (see docs/policies.md)",
        )


def _line(r: PolicyResult, mark: str) -> str:
    where = f"{r.address}: " if r.address and r.address not in r.message else ""
    return f"  {mark} [{r.severity}] {r.policy}: {where}{r.message}"


def read_project_section(root: Path, key: str) -> tuple[Any, str | None]:
    """The value of a top-level key of the project's ``mcp-iac.yaml`` and the file's path
    (``(None, None)`` without the file). Raises ConfigError naming the file."""
    path = root / PROJECT_FILE
    if not path.exists():
        return None, None
    import yaml  # noqa: PLC0415  # only when the file exists

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}': {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"invalid YAML{where}", location=Location(file=str(path))) from None
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping", location=Location(file=str(path)))
    return doc.get(key), str(path)


def policy_config(root: Path) -> tuple[PolicyConfig, str | None]:
    """The project's policy configuration and the file it came from."""
    raw, source = read_project_section(root, "policies")
    return PolicyConfig.parse(raw, source=source), source


def policy_set(project: Project) -> PolicySet:
    """The policies the project runs: the selected built-in packs (default: the default ones)
    and the user policies of ``policies.paths`` (default: ``policies/`` when it exists)."""
    config, source = policy_config(project.root)
    if config.paths is None:
        default = project.root / DEFAULT_POLICY_DIR
        paths = [default] if default.is_dir() else []
    else:
        paths = [project.root / p for p in config.paths]
        for given, p in zip(config.paths, paths, strict=True):
            if not p.exists():
                raise ConfigError(
                    f"policy path '{given}' does not exist",
                    location=Location(file=source, property="policies.paths"),
                )
    return PolicySet.build(
        packs=config.packs,
        extra=load_policy_paths(paths),
        overrides=config.overrides,
        source=source,
    )


def check_policies(project: Project, plan: Plan) -> PolicyReport:
    """Evaluate the project's policies over ``plan``; changes nothing."""
    return policy_set(project).evaluate(plan)


def enforce(report: PolicyReport, plan: Plan) -> None:
    """Raise :class:`PolicyBlocked` when a mandatory policy is violated."""
    if report.blocking:
        raise PolicyBlocked(report, plan)


def run_policy_fixtures(project: Project, directory: Path) -> list[PolicyTestResult]:
    """Run the ``kind: PolicyTest`` fixtures under ``directory``; a test without its own
    ``policies`` uses the project's selection."""
    from mcp_iac.policy import run_policy_tests  # noqa: PLC0415  # `policy test` only

    return list(run_policy_tests(directory, default=lambda: policy_set(project)))


def offline_plan(project: Project, loaded: Loaded) -> Plan:
    """A plan of ``loaded`` against the recorded state made without asking any provider (for
    ``policy check``): creates and updates are what ``plan`` shows, except that a change the
    provider would make a replace shows as an update, and outputs of resources not yet created
    are unknown."""
    name = loaded.spec.name
    record = project.state.deployment(name)
    return make_plan(
        loaded.bound,
        project.state.resources(name),
        deployment=name,
        lineage=record.lineage if record else None,
        serial=record.serial if record else 0,
        environ=project.environ,
    )
