"""The planner: desired (bound) deployment + recorded state + provider schemas -> Plan. Pure."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mcp_iac.core import (
    JSON,
    MISSING,
    UNKNOWN,
    UNKNOWN_TEXT,
    ConfigError,
    Location,
    Path,
    ProtectedResource,
    ResourceOptions,
    Secret,
    UnresolvedReference,
    covers,
    diff_paths,
    format_path,
    gc_paused,
    lookup,
    parse_paths,
    same_tree,
    with_ignored,
)
from mcp_iac.core import GrammarError as _GrammarError
from mcp_iac.protocol import ResourceTypeSchema

from ._bind import BoundDeployment, BoundResource, secret_value
from ._graph import closure, reverse, topo_order
from ._plan import Action, Mode, Plan, PlanStep, StepOptions, display, new_step
from ._records import ResourceRecord
from ._resolve import Lookup, SecretLookup, resolve, resolves_to
from ._secrets import mark_secret_paths

DEPOSED_MARK = "#deposed-"


def deposed_address(address: str, key: str) -> str:
    """Where an old object waits for deletion after a create-before-delete replace."""
    return f"{address}{DEPOSED_MARK}{(key or uuid.uuid4().hex)[-8:]}"


def is_deposed(address: str) -> bool:
    return DEPOSED_MARK in address


def base_address(address: str) -> str:
    return address.split("#", 1)[0]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _schema_keys(schema: ResourceTypeSchema | None, part: str) -> frozenset[str] | None:
    if schema is None:
        return None
    block = schema.outputs if part == "outputs" else schema.properties
    props = block.get("properties")
    if not isinstance(props, dict):
        return None
    if block.get("additionalProperties", False) not in (False, None):
        return None
    return frozenset(props)


@dataclass(frozen=True, slots=True)
class _TypeFacts:
    """What the planner needs of a type's schema, worked out once per type and plan."""

    output_keys: frozenset[str] | None
    """The outputs a resource of the type can have (None: any)."""
    property_keys: frozenset[str] | None
    secret_paths: tuple[str, ...]
    delete_before_replace: bool

    @classmethod
    def of(cls, schema: ResourceTypeSchema | None) -> _TypeFacts:
        if schema is None:
            return cls(None, None, (), False)
        return cls(
            _schema_keys(schema, "outputs"),
            _schema_keys(schema, "properties"),
            tuple(schema.secret_paths),
            schema.delete_before_replace,
        )


class _NoOutput(Exception):
    """A reference to an output that its resource does not have, found while resolving; the
    planner, which knows the resource it was planning, raises UnresolvedReference for it."""

    def __init__(
        self,
        address: str,
        path: Path,
        record: ResourceRecord | None,
        keys: frozenset[str] | None,
    ) -> None:
        super().__init__(address, path)
        self.address = address
        self.path = path
        self.record = record
        self.keys = keys


class _Planner:
    def __init__(
        self,
        bound: BoundDeployment | None,
        recorded: Mapping[str, ResourceRecord],
        schemas: Mapping[str, ResourceTypeSchema | None],
        environ: Mapping[str, str] | None,
    ) -> None:
        self.bound = bound
        self.recorded = recorded
        self.schemas = schemas
        self.environ = environ
        self.ref_targets = bound.ref_targets if bound is not None else {}
        self.ref_values: dict[str, object] = {}
        """What :meth:`_lookup` gave for each string of ``ref_targets`` looked up so far. One
        value each while the plan is made: a resource is planned before those that reference
        it (its step and planned values, read by _lookup, are set by then and never change),
        or not at all (then _lookup reads its record)."""
        self.steps: dict[str, PlanStep] = {}
        self.planned: dict[str, object] = {}
        self.protected: list[str] = []
        self._facts: dict[str, _TypeFacts] = {}
        self._options: dict[tuple[bool, tuple[str, ...], bool, float, int], StepOptions] = {}
        self._options_of: dict[tuple[int, bool], tuple[ResourceOptions, StepOptions]] = {}
        self._path_texts: dict[Path, str] = {}

    def facts(self, type_: str) -> _TypeFacts:
        facts = self._facts.get(type_)
        if facts is None:
            facts = self._facts[type_] = _TypeFacts.of(self.schemas.get(type_))
        return facts

    # -- reference values at plan time ------------------------------------------------------

    def _secret(self, key: str) -> object:
        value = secret_value(key, self.environ)
        return UNKNOWN if value is None else Secret(value)

    def _lookup(self, address: str, path: Path) -> object:
        """The value of ``${address.path}`` at plan time; raises :class:`_NoOutput` (which the
        caller turns into the error naming the resource it was planning)."""
        step = self.steps.get(address)
        if step is None or step.action in ("no-op", "read"):
            record = self.recorded.get(address)
            if record is None:
                # referenced resource is outside --target and not yet created
                return UNKNOWN
            value = lookup(record.outputs, path)
            if value is MISSING:
                value = lookup(record.properties, path)
            if value is MISSING:
                raise _NoOutput(address, path, record, None)
            return value
        head = path[0] if path else ""
        if step.action == "update":
            record = self.recorded.get(address)
            if record is not None:
                if head == "id" and "id" in record.outputs:
                    return lookup(record.outputs, path)
                if head in record.outputs:
                    return UNKNOWN
        facts = self._facts.get(step.type) or self.facts(step.type)
        out_keys = facts.output_keys
        if out_keys is not None and head in out_keys:
            return UNKNOWN
        value = lookup(self.planned.get(address), path)
        if value is not MISSING:
            return value
        prop_keys = facts.property_keys
        if out_keys is not None and prop_keys is not None and head not in prop_keys:
            raise _NoOutput(address, path, None, out_keys | prop_keys)
        return UNKNOWN

    def _no_output(self, res: BoundResource, missing: _NoOutput) -> UnresolvedReference:
        """The error ``missing`` stands for, raised while planning ``res``."""
        address, path, record = missing.address, missing.path, missing.record
        pool = set(missing.keys or ())
        if record is not None:
            pool |= set(record.outputs) | set(record.properties)
        head = str(path[0]) if path else ""
        close = difflib.get_close_matches(head, sorted(pool), n=3)
        text = "${" + address + "." + format_path(path) + "}"
        return UnresolvedReference(
            text,
            f"names an output that '{address}' does not have"
            + (f" (it has: {', '.join(sorted(pool))})" if pool and not close else ""),
            location=Location(file=self.bound.source if self.bound else None, address=res.address),
            candidates=tuple(f"{address}.{c}" for c in close),
        )

    # -- desired resources -------------------------------------------------------------------

    def _located(self, res: BoundResource, exc: ConfigError) -> ConfigError:
        """A resolution error located at the resource."""
        return ConfigError(
            exc.reason,
            hint=exc.hint,
            location=Location(file=self.bound.source if self.bound else None, address=res.address),
        )

    def _planned_values(self, res: BoundResource, facts: _TypeFacts) -> dict[str, Any]:
        try:
            planned = resolve(res.template, self._lookup, self._secret)
        except _NoOutput as missing:
            raise self._no_output(res, missing) from None
        except ConfigError as exc:
            raise self._located(res, exc) from None
        assert isinstance(planned, dict)
        if facts.secret_paths:
            planned = mark_secret_paths(planned, facts.secret_paths)
        return planned

    def _new_values(self, res: BoundResource) -> tuple[dict[str, Any], JSON, tuple[str, ...]]:
        """:meth:`_planned_values` of a type without secret paths, with their display and the
        paths known only after apply (what ``_display`` gives): one walk instead of two."""
        unknown: list[tuple[Path, bool]] = []
        try:
            planned, shown = _resolved_shown(
                res.template,
                self.ref_targets,
                self.ref_values,
                self._lookup,
                self._secret,
                (),
                True,
                unknown,
            )
        except _NoOutput as missing:
            raise self._no_output(res, missing) from None
        except ConfigError as exc:
            raise self._located(res, exc) from None
        assert isinstance(planned, dict)
        return planned, shown, _unknown_texts(unknown, self._path_texts)

    def _unchanged(
        self, res: BoundResource, record: ResourceRecord, facts: _TypeFacts, opts: StepOptions
    ) -> bool:
        """True when ``res`` (of step options ``opts``) is certainly a no-op: what the full
        comparison in plan_resource finds, decided without building the planned values (nobody
        reads those of a no-op: references to it use its record). False: plan it in full."""
        if (
            opts.ignore_changes
            or facts.secret_paths
            or record.status == "tainted"
            or record.protect != opts.protect
            # as _same_deps, without a call in the common case
            or (record.dependencies != res.dependencies and not _same_deps(record, res))
        ):
            return False
        try:
            return resolves_to(
                res.template,
                record.properties,
                self.ref_targets,
                self.ref_values,
                self._lookup,
                self._secret,
            )
        except _NoOutput as missing:
            raise self._no_output(res, missing) from None
        except ConfigError as exc:
            raise self._located(res, exc) from None

    def _ignored(self, res: BoundResource) -> list[Path]:
        texts = res.options.ignore_changes
        if not texts:
            return []
        try:
            return parse_paths(list(texts), "ignoreChanges")
        except _GrammarError as exc:
            raise ConfigError(
                str(exc),
                location=Location(
                    file=self.bound.source if self.bound else None,
                    address=res.address,
                    property="options.ignoreChanges",
                ),
            ) from None

    def _step_options(self, opts: ResourceOptions, facts: _TypeFacts) -> StepOptions:
        """The step's options; one shared object per distinct set of values, found by the
        options object first (resources without options share one)."""
        seen = self._options_of.get((id(opts), facts.delete_before_replace))
        if seen is not None:
            return seen[1]
        dbr = opts.delete_before_replace or facts.delete_before_replace
        key = (opts.protect, opts.ignore_changes, dbr, opts.timeout_seconds, opts.retries)
        found = self._options.get(key)
        if found is None:
            found = self._options[key] = StepOptions(*key)
        # opts is kept with it: its id cannot be reused by another object meanwhile
        self._options_of[id(opts), facts.delete_before_replace] = (opts, found)
        return found

    def _step(
        self,
        res: BoundResource,
        facts: _TypeFacts,
        opts: StepOptions,
        action: Action,
        reason: str,
        *,
        changed_paths: tuple[str, ...] = (),
        replace_paths: tuple[str, ...] = (),
        before: JSON = None,
        after: JSON = None,
        unknown_paths: tuple[str, ...] = (),
    ) -> PlanStep:
        return new_step(
            res.address,
            res.urn,
            res.type,
            res.server,
            res.name,
            action,
            reason,
            changed_paths,
            replace_paths,
            # depends_on: dependencies come first in topological order, so those in the plan
            # are known
            tuple(filter(self.steps.__contains__, res.dependencies)),
            res.dependencies,
            res.template,
            before,
            after,
            unknown_paths,
            opts,
            False,  # deposed
            facts.secret_paths,
        )

    def plan_resource(self, res: BoundResource) -> PlanStep:
        record = self.recorded.get(res.address)
        facts = self._facts.get(res.type) or self.facts(res.type)
        # protect and ignore_changes as the resource's options have them (read here, not
        # through the pydantic model)
        opts = self._step_options(res.options, facts)
        if record is None:
            return self._plan_create(res, facts, opts)
        if self._unchanged(res, record, facts, opts):
            return self._step(res, facts, opts, "no-op", "no changes")
        planned = self._planned_values(res, facts)
        ignored = self._ignored(res) if opts.ignore_changes else []
        effective = with_ignored(planned, record.properties, ignored)
        self.planned[res.address] = effective
        changed = (
            []
            if same_tree(record.properties, effective)
            else [
                p
                for p in diff_paths(record.properties, effective)
                if not any(covers(i, p) for i in ignored)
            ]
        )
        if (
            not changed
            and record.status != "tainted"
            and record.protect == opts.protect
            and _same_deps(record, res)
        ):
            return self._step(res, facts, opts, "no-op", "no changes")
        schema = self.schemas.get(res.type)
        action, reason, replace_paths = _decide(record, res, schema, effective, changed)
        after, unknown = _display(effective, self._path_texts)
        if action == "replace" and (opts.protect or record.protect):
            self.protected.append(
                f"'{res.address}' would be replaced ({reason}) but it has protect: true"
            )
        return self._step(
            res,
            facts,
            opts,
            action,
            reason,
            changed_paths=tuple(format_path(p) or "(all)" for p in changed),
            replace_paths=replace_paths,
            before=display(record.properties),
            after=after,
            unknown_paths=unknown,
        )

    def _plan_create(self, res: BoundResource, facts: _TypeFacts, opts: StepOptions) -> PlanStep:
        if facts.secret_paths:
            planned = self._planned_values(res, facts)
            after, unknown = _display(planned, self._path_texts)
        else:
            planned, after, unknown = self._new_values(res)
        if opts.ignore_changes:
            self._ignored(res)  # checked for a new resource too
        self.planned[res.address] = planned
        return self._step(
            res, facts, opts, "create", "not yet created", after=after, unknown_paths=unknown
        )

    def plan_delete(self, record: ResourceRecord, *, reason: str) -> PlanStep:
        deposed = is_deposed(record.address)
        if record.protect and not deposed:
            self.protected.append(
                f"'{record.address}' would be deleted ({reason}) but it has protect: true"
            )
        return PlanStep(
            address=record.address,
            urn=record.urn,
            type=record.type,
            server=record.server,
            name=record.name,
            action="delete",
            reason="old object left by an interrupted replace" if deposed else reason,
            before=display(record.properties),
            dependencies=record.dependencies,
            deposed=deposed,
            options=StepOptions(protect=record.protect),
        )


def _decide(
    record: ResourceRecord,
    res: BoundResource,
    schema: ResourceTypeSchema | None,
    effective: dict[str, Any],
    changed: list[Path],
) -> tuple[Action, str, tuple[str, ...]]:
    """(action, reason, replace paths) for a recorded resource that differs from its wish."""
    if record.status == "tainted":
        return "replace", "tainted: a previous operation on it failed part-way", ()
    if not changed:
        # only bookkeeping changes: record it (no provider call). Otherwise protect could
        # never be turned off, and deletes would be ordered by dependencies that are gone.
        notes = []
        protect = res.options.protect
        if record.protect != protect:
            notes.append(f"protect: {str(record.protect).lower()} -> {str(protect).lower()}")
        if not _same_deps(record, res):
            notes.append("dependencies changed")
        return "update", "; ".join(notes), ()
    replace_on = [
        p
        for text in (schema.replace_on_changes if schema else ())
        for p in parse_paths([text], "replaceOnChanges")
    ]
    # a change at or beneath a replace path forces replacement, and so does a coarser
    # change (a whole object added or reshaped) that changes the value at one
    forcing = [
        p
        for p in changed
        if any(
            covers(r, p)
            or (covers(p, r) and diff_paths(lookup(record.properties, r), lookup(effective, r)))
            for r in replace_on
        )
    ]
    if forcing:
        paths = tuple(format_path(p) for p in forcing)
        return (
            "replace",
            "changing " + ", ".join(f"'{p}'" for p in paths) + " forces replacement",
            paths,
        )
    return "update", "changed: " + ", ".join(format_path(p) or "(all)" for p in changed), ()


def _same_deps(record: ResourceRecord, res: BoundResource) -> bool:
    # both are usually sorted already: equal as they are is the common case
    return record.dependencies == res.dependencies or sorted(record.dependencies) == sorted(
        res.dependencies
    )


_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})
"""Exact types of JSON scalars: neither UNKNOWN nor Secret, shown as they are."""


def _display(value: object, texts: dict[Path, str]) -> tuple[JSON, tuple[str, ...]]:
    """Planned values for display, and the paths that are known only after apply: one walk.

    ``texts`` keeps the paths formatted so far that are made of names and list indexes only
    (resources of a type tend to have their unknowns at the same paths); a path with another
    kind of key is formatted each time (``True`` is equal to ``1`` but not formatted alike).
    """
    unknown: list[tuple[Path, bool]] = []
    shown = _shown(value, (), True, unknown)
    return shown, _unknown_texts(unknown, texts)


def _unknown_texts(unknown: list[tuple[Path, bool]], texts: dict[Path, str]) -> tuple[str, ...]:
    """The paths ``_shown`` noted, formatted (see :func:`_display`)."""
    paths: list[str] = []
    for path, plain in unknown:
        text = texts.get(path) if plain else None
        if text is None:
            text = format_path(path)
            if plain:
                texts[path] = text
        paths.append(text)
    return tuple(paths)


def _resolved_shown(  # noqa: PLR0917  # recursive, positional: a keyword costs every call
    template: object,
    targets: Mapping[str, tuple[str, Path]],
    values: dict[str, object],
    lookup: Lookup,
    secret: SecretLookup,
    path: Path,
    plain: bool,
    unknown: list[tuple[Path, bool]],
) -> tuple[object, JSON]:
    """``resolve(template, lookup, secret)`` and ``_shown`` of it, in one walk of the template:
    a new resource's planned values and their display. ``targets`` has the parse of strings that
    are one resource reference (:attr:`BoundDeployment.ref_targets`): those are looked up in
    the loops, without resolve, once each (``values``: see ``resolves_to``); other strings are
    resolved, then shown."""
    planned: Any
    shown: Any
    items: Iterable[tuple[Any, object]]
    if type(template) is dict:
        planned, shown, items, keyed = {}, {}, template.items(), True
    elif type(template) is list:
        n = len(template)
        planned, shown, items, keyed = [None] * n, [None] * n, enumerate(template), False
    else:
        value = resolve(template, lookup, secret)
        if type(value) in _SCALARS:
            return value, value  # type: ignore[return-value]  # a JSON scalar
        if value is UNKNOWN:
            unknown.append((path, plain))
            return value, UNKNOWN_TEXT
        return value, _shown(value, path, plain, unknown)
    for key, item in items:
        child = (*path, key)
        # as _shown: a list index keeps a path plain, an object's non-string key does not
        child_plain = plain and (not keyed or type(key) is str)
        if type(item) is str:
            if "${" not in item:  # its own value, shown as it is
                planned[key] = shown[key] = item
                continue
            value = values.get(item, MISSING)
            if value is MISSING and (target := targets.get(item)) is not None:
                value = values[item] = lookup(target[0], target[1])
            if value is not MISSING:  # shown as _shown shows an item
                planned[key] = value
                if type(value) in _SCALARS:
                    shown[key] = value
                elif value is UNKNOWN:
                    unknown.append((child, child_plain))
                    shown[key] = UNKNOWN_TEXT
                else:
                    shown[key] = _shown(value, child, child_plain, unknown)
                continue
        planned[key], shown[key] = _resolved_shown(
            item, targets, values, lookup, secret, child, child_plain, unknown
        )
    return planned, shown


def _shown(v: object, path: Path, plain: bool, unknown: list[tuple[Path, bool]]) -> JSON:
    """``v`` at ``path`` for display; ``plain``: the path's keys are all names (str)."""
    if v is UNKNOWN:
        unknown.append((path, plain))
        return UNKNOWN_TEXT
    if isinstance(v, Secret):
        return "(sensitive)"
    # a JSON scalar is shown as it is, without a call, and an unknown leaf is noted without one;
    # loops as in resolve()
    if isinstance(v, dict):
        shown: dict[str, JSON] = {}
        for k, x in v.items():
            if type(x) in _SCALARS:
                shown[k] = x
            elif x is UNKNOWN:
                unknown.append(((*path, k), plain and type(k) is str))
                shown[k] = UNKNOWN_TEXT
            else:
                shown[k] = _shown(x, (*path, k), plain and type(k) is str, unknown)
        return shown
    if isinstance(v, list):
        items: list[JSON] = []
        for i, x in enumerate(v):
            if type(x) in _SCALARS:
                items.append(x)
            elif x is UNKNOWN:
                unknown.append(((*path, i), plain))
                items.append(UNKNOWN_TEXT)
            else:
                items.append(_shown(x, (*path, i), plain, unknown))
        return items
    return v  # type: ignore[return-value]  # scalars are JSON


def _check_targets(targets: Sequence[str], known: set[str]) -> None:
    for t in targets:
        if t not in known:
            close = difflib.get_close_matches(t, sorted(known), n=3, cutoff=0.5)
            raise ConfigError(
                f"--target '{t}' names no resource of this deployment",
                hint=("did you mean " + " or ".join(f"'{c}'" for c in close) + "?")
                if close
                else "use an address such as 'local:file:hello' (see mcp-iac state list)",
            )


@gc_paused()  # about ten acyclic objects per resource: see gc_paused
def make_plan(
    bound: BoundDeployment | None,
    recorded: Mapping[str, ResourceRecord],
    *,
    deployment: str,
    schemas: Mapping[str, ResourceTypeSchema | None] | None = None,
    lineage: str | None = None,
    serial: int = 0,
    mode: Mode = "apply",
    targets: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    now: str | None = None,
) -> Plan:
    """Compute the plan that takes ``recorded`` to ``bound`` (or deletes everything: destroy).

    Raises:
        CycleError: the desired graph has a cycle.
        UnresolvedReference: a reference to an output nobody has.
        ConfigError: an unknown ``--target``.
        ProtectedResource: the plan would delete or replace a protected resource.
    """
    planner = _Planner(bound, recorded, schemas or {}, environ)
    desired = bound.resources if (bound is not None and mode != "destroy") else {}
    # dependencies outside the deployment are left out by topo_order itself, and the closure
    # of --target may reach them harmlessly: only desired addresses are planned
    deps = {a: r.dependencies for a, r in desired.items()}
    order = topo_order(deps)

    selected_desired: set[str] = set(desired)
    selected_deletes: set[str] = {a for a in recorded if a not in desired}
    # who depended on what when last applied: orders the deletes (none: not needed)
    rec_dependents = (
        reverse({a: r.dependencies for a, r in recorded.items()}) if selected_deletes else {}
    )
    if targets:
        _check_targets(targets, set(desired) | set(recorded))
        if mode == "destroy":
            selected_deletes = closure([t for t in targets if t in recorded], rec_dependents) & set(
                recorded
            )
        else:
            selected_desired = closure([t for t in targets if t in desired], deps)
            selected_deletes = {t for t in targets if t in recorded and t not in desired}

    for address in order:
        if address in selected_desired:
            planner.steps[address] = planner.plan_resource(desired[address])

    del_reason = "destroying the deployment" if mode == "destroy" else "no longer in the deployment"
    if selected_deletes:
        for address in recorded:
            if address in selected_deletes:
                planner.steps[address] = planner.plan_delete(recorded[address], reason=del_reason)

    if planner.protected:
        raise ProtectedResource(
            "the plan would remove protected resources:\n  " + "\n  ".join(planner.protected),
            hint="set protect: false on them first (and apply), or change the plan",
        )

    # execution order edges: a delete waits for everything that depended on it to be deleted
    # or changed (the other steps have theirs)
    steps = list(planner.steps.values())
    if selected_deletes:
        for index, (address, step) in enumerate(planner.steps.items()):
            if step.action != "delete":
                continue
            after = {d for d in rec_dependents.get(address, ()) if d in planner.steps}
            if step.deposed and base_address(address) in planner.steps:
                after.add(base_address(address))
            steps[index] = replace(step, depends_on=tuple(sorted(after - {address})))

    return Plan(
        deployment=deployment,
        mode=mode,
        steps=tuple(steps),
        lineage=lineage,
        serial=serial,
        created_at=now or _now(),
        outputs=dict(bound.outputs) if bound is not None and mode != "destroy" else {},
        variables=dict(bound.variables) if bound is not None else {},
        targets=tuple(targets),
        source=bound.source if bound is not None else None,
    )
