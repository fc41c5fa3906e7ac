"""What a policy sees: each planned resource (action, prior and planned values) and the plan.

Values known only after apply are the :data:`~mcp_iac.core.UNKNOWN` marker here (the plan
shows them as ``(known after apply)``); secret values are the text ``(sensitive)``, never the
secret. :func:`eq`, :func:`all_of`, :func:`any_of` and :func:`negate` compute with three truth
values (true, false, unknown) so a check over an unknown value is *undetermined*, not a
violation.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from mcp_iac.core import JSON, MISSING, UNKNOWN, GrammarError, lookup, parse_path
from mcp_iac.engine import Plan, PlanStep

Maybe: TypeAlias = bool | object
"""``True``, ``False`` or :data:`UNKNOWN`."""


def _with_unknowns(value: JSON, paths: tuple[str, ...]) -> Any:
    """The displayed value with the unknown marker put back at ``paths``."""
    if not paths:
        return value
    if "" in paths:
        return UNKNOWN
    tree: Any = copy.deepcopy(value)
    for text in paths:
        try:
            path = parse_path(text)
        except GrammarError:
            continue
        node = tree
        for part in path[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if node is None:
            continue
        try:
            node[path[-1]] = UNKNOWN
        except (IndexError, TypeError):
            continue
    return tree


def type_matches(type_: str, patterns: tuple[str, ...]) -> bool:
    """True when ``type_`` matches one of the globs."""
    return any(fnmatch.fnmatchcase(type_, p) for p in patterns)


@dataclass(frozen=True, slots=True)
class PlannedResource:
    """One step of the plan as a policy sees it.

    ``properties`` are the planned values (``after``), or the prior ones for a delete or
    no-op. Use :meth:`get` for a property by path: it returns the value, :data:`UNKNOWN`, or
    ``default`` when the property is not set.
    """

    address: str
    type: str
    server: str
    name: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_paths: tuple[str, ...] = ()
    unknown_paths: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()

    @classmethod
    def from_step(cls, step: PlanStep) -> PlannedResource:
        after = _with_unknowns(step.after, step.unknown_paths) if step.after is not None else None
        return cls(
            address=step.address,
            type=step.type,
            server=step.server,
            name=step.name,
            action=step.action,
            before=step.before if isinstance(step.before, dict) else None,
            after=after if isinstance(after, dict) else None,
            changed_paths=step.changed_paths,
            unknown_paths=step.unknown_paths,
            dependencies=step.dependencies,
        )

    @property
    def properties(self) -> dict[str, Any]:
        if self.after is not None:
            return self.after
        return self.before or {}

    def get(self, path: str, default: Any = None) -> Any:
        """The property at ``path`` (``source``, ``tags.Owner``, ``ingress[0].fromPort``)."""
        value = lookup(self.properties, parse_path(path))
        if value is MISSING:
            return default
        return value

    def matches(self, patterns: tuple[str, ...]) -> bool:
        """True when the type matches one of the globs."""
        return type_matches(self.type, patterns)

    def document(self) -> dict[str, Any]:
        """The resource as JMESPath conditions see it."""
        return {
            "address": self.address,
            "type": self.type,
            "server": self.server,
            "name": self.name,
            "action": self.action,
            "properties": self.properties,
            "before": self.before,
            "after": self.after,
            "changedPaths": list(self.changed_paths),
            "unknownPaths": list(self.unknown_paths),
            "dependencies": list(self.dependencies),
        }


class PlanView:
    """The whole plan as policies see it. Read-only.

    Made from a plan, it builds the view of a step (a :class:`PlannedResource`) the first time
    it is asked for: evaluating policies none of which selects the plan's resource types builds
    none of them.
    """

    __slots__ = (
        "_built",
        "_kinds",
        "_positions",
        "_resources",
        "_steps",
        "deployment",
        "mode",
        "source",
    )

    deployment: str
    mode: str
    source: str | None
    _steps: tuple[PlanStep, ...]
    _built: list[PlannedResource | None]
    """The views of ``_steps`` made so far, by position."""
    _positions: dict[str, int]
    """Position by address (of the last step with it), filled when first needed."""
    _resources: tuple[PlannedResource, ...] | None
    """All the views, once asked for (given: a view made from resources)."""
    _kinds: frozenset[tuple[str, str]] | None
    """The (type, action) pairs of the resources, once asked for (see :meth:`selects`)."""

    def __init__(
        self,
        deployment: str,
        mode: str,
        resources: Iterable[PlannedResource] = (),
        source: str | None = None,
        _by_address: Mapping[str, PlannedResource] | None = None,  # unused: indexed when asked
    ) -> None:
        _set(self, "deployment", deployment)
        _set(self, "mode", mode)
        _set(self, "source", source)
        _set(self, "_steps", ())
        _set(self, "_built", [])
        _set(self, "_positions", {})
        _set(self, "_resources", tuple(resources))
        _set(self, "_kinds", None)

    @classmethod
    def from_plan(cls, plan: Plan) -> PlanView:
        view = cls(plan.deployment, plan.mode, (), plan.source)
        _set(view, "_steps", plan.steps)
        _set(view, "_built", [None] * len(plan.steps))
        _set(view, "_resources", None)
        return view

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a PlanView is read-only (cannot set '{name}')")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a PlanView is read-only (cannot delete '{name}')")

    def __repr__(self) -> str:
        count = len(self._steps) if self._resources is None else len(self._resources)
        return f"PlanView(deployment={self.deployment!r}, mode={self.mode!r}, resources={count})"

    def _at(self, index: int) -> PlannedResource:
        built = self._built[index]
        if built is None:
            built = self._built[index] = PlannedResource.from_step(self._steps[index])
        return built

    @property
    def resources(self) -> tuple[PlannedResource, ...]:
        """Every planned resource, in plan order."""
        if self._resources is None:
            _set(self, "_resources", tuple(map(self._at, range(len(self._steps)))))
        assert self._resources is not None
        return self._resources

    def resource(self, address: str) -> PlannedResource | None:
        if not self._positions:
            items: Sequence[PlanStep | PlannedResource] = (
                self._steps if self._resources is None else self._resources
            )
            self._positions.update((item.address, i) for i, item in enumerate(items))
        index = self._positions.get(address)
        if index is None:
            return None
        return self._at(index) if self._resources is None else self._resources[index]

    def of_type(self, *patterns: str) -> Iterator[PlannedResource]:
        """Resources whose type matches one of the globs (the deletes included)."""
        if self._resources is not None:
            return (r for r in self._resources if r.matches(patterns))
        return (
            self._at(i) for i, step in enumerate(self._steps) if type_matches(step.type, patterns)
        )

    def remaining(self, *patterns: str) -> Iterator[PlannedResource]:
        """Resources that will exist after the apply (not deleted) whose type matches."""
        return (r for r in self.of_type(*patterns) if r.action != "delete")

    def selects(self, types: tuple[str, ...], actions: tuple[str, ...]) -> bool:
        """True when a resource has one of ``actions`` and a type matching one of ``types``
        (what a :class:`ResourcePolicy` is asked about), without building any view."""
        kinds = self._kinds
        if kinds is None:  # once per view, not per policy: its resources do not change
            items: Sequence[PlanStep | PlannedResource] = (
                self._steps if self._resources is None else self._resources
            )
            kinds = frozenset({(item.type, item.action) for item in items})
            _set(self, "_kinds", kinds)
        return any(action in actions and type_matches(type_, types) for type_, action in kinds)

    def document(self) -> dict[str, Any]:
        return {
            "deployment": self.deployment,
            "mode": self.mode,
            "resources": [r.document() for r in self.resources],
        }


_set = object.__setattr__
"""Sets an attribute of a read-only object (its own methods only)."""


# -- three truth values -------------------------------------------------------------------------


def known(value: object) -> bool:
    """True when ``value`` is not the unknown marker (nested unknowns are not looked at)."""
    return value is not UNKNOWN


def eq(value: object, expected: object) -> Maybe:
    """``value == expected``, or UNKNOWN when ``value`` is unknown."""
    return UNKNOWN if value is UNKNOWN else value == expected


def test(value: object, predicate: Callable[[Any], bool]) -> Maybe:
    """``predicate(value)``, or UNKNOWN when ``value`` is unknown."""
    return UNKNOWN if value is UNKNOWN else bool(predicate(value))


def all_of(*values: Maybe) -> Maybe:
    """Kleene AND: false if any is false, else unknown if any is unknown, else true."""
    if any(v is False for v in values):
        return False
    return UNKNOWN if any(v is UNKNOWN for v in values) else True


def any_of(*values: Maybe) -> Maybe:
    """Kleene OR: true if any is true, else unknown if any is unknown, else false."""
    if any(v is True for v in values):
        return True
    return UNKNOWN if any(v is UNKNOWN for v in values) else False


def negate(value: Maybe) -> Maybe:
    return UNKNOWN if value is UNKNOWN else not value
