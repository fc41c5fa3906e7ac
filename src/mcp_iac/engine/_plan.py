"""The plan: what will change, why, and in what order. Saved plans apply exactly.

A plan stores each step's *template* (properties with canonical references, secrets still as
``${secret:KEY}``), so applying resolves references with real outputs right before each step and a
saved plan file never contains secret values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

from mcp_iac.core import JSON, UNKNOWN, ConfigError, Secret, StalePlan, parse_path

Action = Literal["create", "update", "replace", "delete", "no-op", "read"]
Mode = Literal["apply", "destroy", "refresh", "restore"]
PLAN_FORMAT = 1
ACTIONS: tuple[Action, ...] = ("create", "update", "replace", "delete", "no-op", "read")


@dataclass(frozen=True, slots=True)
class StepOptions:
    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool = False
    timeout_seconds: float = 300.0
    retries: int = 2


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One resource's planned action.

    ``depends_on`` lists the addresses of the steps that must finish before this one (for a
    delete: the steps of resources that depended on it). ``dependencies`` are the resource's own
    dependencies as they will be recorded in state.
    """

    address: str
    urn: str
    type: str
    server: str
    name: str
    action: Action
    reason: str
    changed_paths: tuple[str, ...] = ()
    replace_paths: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    template: dict[str, JSON] | None = None
    before: JSON = None
    """Recorded properties, redacted (display only)."""
    after: JSON = None
    """Planned properties, redacted, with ``(known after apply)`` for unknowns (display only)."""
    unknown_paths: tuple[str, ...] = ()
    options: StepOptions = field(default_factory=StepOptions)
    deposed: bool = False
    """A delete of an old object left behind by an interrupted create-before-delete replace."""
    secret_paths: tuple[str, ...] = ()
    """Property paths the provider declares secret (redacted from the template in reports)."""


class _StepSlots:
    """PlanStep's slots (the same names in the same order, so the same layout), writable."""

    __slots__ = PlanStep.__slots__


def new_step(  # noqa: PLR0917  # positional on purpose: see the docstring
    address: str,
    urn: str,
    type: str,
    server: str,
    name: str,
    action: Action,
    reason: str,
    changed_paths: tuple[str, ...],
    replace_paths: tuple[str, ...],
    depends_on: tuple[str, ...],
    dependencies: tuple[str, ...],
    template: dict[str, JSON] | None,
    before: JSON,
    after: JSON,
    unknown_paths: tuple[str, ...],
    options: StepOptions,
    deposed: bool,
    secret_paths: tuple[str, ...],
    /,
) -> PlanStep:
    """``PlanStep(...)`` of every field, in order, at a fifth of the cost (the planner builds
    one step per resource).

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; here they
    are plain stores into a writable object of the same layout, which then becomes the
    PlanStep. Positional only: a call naming 18 arguments builds a dict of them first.
    """
    step: Any = _StepSlots()  # typed loosely: mypy does not read __slots__
    step.address = address
    step.urn = urn
    step.type = type
    step.server = server
    step.name = name
    step.action = action
    step.reason = reason
    step.changed_paths = changed_paths
    step.replace_paths = replace_paths
    step.depends_on = depends_on
    step.dependencies = dependencies
    step.template = template
    step.before = before
    step.after = after
    step.unknown_paths = unknown_paths
    step.options = options
    step.deposed = deposed
    step.secret_paths = secret_paths
    step.__class__ = PlanStep  # the same slots: see _StepSlots
    built: PlanStep = step  # typing.cast would be a call
    return built


@dataclass(frozen=True, slots=True, repr=False)
class Plan:
    deployment: str
    mode: Mode
    steps: tuple[PlanStep, ...]
    lineage: str | None
    serial: int
    """The state serial the plan was made against; apply refuses any other ("stale plan")."""
    created_at: str
    outputs: dict[str, JSON] = field(default_factory=dict)
    variables: dict[str, JSON] = field(default_factory=dict)
    targets: tuple[str, ...] = ()
    source: str | None = None
    warnings: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # short on purpose: a plan can hold 10,000 steps, and asyncio formats the result of a
        # finished task whenever it prints the task (as asyncio.Runner does on exit)
        return f"Plan(deployment={self.deployment!r}, mode={self.mode!r}, steps={len(self.steps)})"

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        for s in self.steps:
            counts[s.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(s.action not in ("no-op", "read") for s in self.steps)

    def step(self, address: str) -> PlanStep | None:
        for s in self.steps:
            if s.address == address:
                return s
        return None

    # -- persistence -------------------------------------------------------------------------

    def to_dict(self, *, for_apply: bool = False) -> dict[str, Any]:
        """The plan as JSON (``plan --json``, run history). ``${secret:...}`` values are never in
        it; literal values at provider-declared secret paths are redacted unless ``for_apply``
        (a saved plan file must hold what it will send, as the deployment file does)."""
        data: dict[str, Any] = _jsonable(self)
        data["format"] = PLAN_FORMAT
        data["summary"] = self.summary()
        if not for_apply:
            for step, raw in zip(self.steps, data["steps"], strict=True):
                if step.secret_paths and isinstance(raw.get("template"), dict):
                    raw["template"] = _redact_paths(raw["template"], step.secret_paths)
        return data

    def save(self, path: str | Path) -> None:
        """Write the plan for ``mcp-iac up PLANFILE``."""
        data = self.to_dict(for_apply=True)
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "plan") -> Plan:
        if data.get("format") != PLAN_FORMAT:
            raise ConfigError(
                f"'{source}' is not a saved plan of this version of mcp-iac",
                hint="create it with: mcp-iac plan --out FILE",
            )
        try:
            steps = tuple(
                PlanStep(
                    **{
                        **s,
                        "changed_paths": tuple(s["changed_paths"]),
                        "replace_paths": tuple(s["replace_paths"]),
                        "depends_on": tuple(s["depends_on"]),
                        "dependencies": tuple(s["dependencies"]),
                        "unknown_paths": tuple(s["unknown_paths"]),
                        "secret_paths": tuple(s.get("secret_paths", ())),
                        "options": StepOptions(
                            **{
                                **s["options"],
                                "ignore_changes": tuple(s["options"]["ignore_changes"]),
                            }
                        ),
                    }
                )
                for s in data["steps"]
            )
            return cls(
                deployment=data["deployment"],
                mode=data["mode"],
                steps=steps,
                lineage=data["lineage"],
                serial=data["serial"],
                created_at=data["created_at"],
                outputs=data["outputs"],
                variables=data["variables"],
                targets=tuple(data["targets"]),
                source=data.get("source"),
                warnings=tuple(data.get("warnings", ())),
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"'{source}' is not a valid saved plan: {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        try:
            data = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"plan file '{path}' does not exist") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"plan file '{path}' is not JSON: {exc}") from None
        return cls.from_dict(data, source=str(path))

    def check_current(self, lineage: str | None, serial: int) -> None:
        """Refuse to apply to a state other than the one planned against."""
        if self.lineage is not None and lineage is not None and lineage != self.lineage:
            raise StalePlan(
                f"saved plan for '{self.deployment}' does not match this state (different lineage)",
                hint="the state was replaced or another store is selected; plan again",
            )
        if serial != self.serial:
            raise StalePlan(
                f"stale plan: '{self.deployment}' changed since the plan was made "
                f"(state serial {serial}, plan made against {self.serial})",
                hint="run mcp-iac plan again and review the new plan",
            )


def _redact_paths(template: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    parsed = [parse_path(p) for p in paths]

    def walk(value: Any, path: tuple[str | int, ...]) -> Any:
        if path and any(path[: len(p)] == p for p in parsed):
            return "(sensitive)"
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    result: dict[str, Any] = walk(template, ())
    return result


def _jsonable(value: Any) -> Any:
    """Plain JSON of plan data: Secret leaves redacted, unknowns null, dataclasses as dicts."""
    if isinstance(value, Secret):
        return "(sensitive)"
    if value is UNKNOWN:
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def display(value: object) -> JSON:
    """Planned values for display: unknowns as the marker text, secrets redacted."""
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, Secret):
        return "(sensitive)"
    if isinstance(value, dict):
        return {k: display(v) for k, v in value.items()}
    if isinstance(value, list):
        return [display(v) for v in value]
    return value  # type: ignore[return-value]  # what is left is a JSON scalar
