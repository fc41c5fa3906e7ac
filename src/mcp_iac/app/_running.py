"""Use cases that change things: up (apply a plan), destroy, refresh, restore, unlock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mcp_iac.core import ConfigError, ResourceOptions, ResourceSpec, StateError, escape_literal
from mcp_iac.engine import (
    ApplyResult,
    BoundDeployment,
    BoundResource,
    EventSink,
    ExecOptions,
    Executor,
    LockInfo,
    Plan,
    Recovered,
    ResourceRecord,
    RunStatus,
    Snapshot,
    StopSignal,
    make_plan,
    resolve_outputs,
)
from mcp_iac.policy import PolicyReport

from ._inspect import refresh_locked
from ._locking import Locked, settle
from ._planning import Loaded, schemas_for
from ._planning import plan as make_plan_for
from ._policies import check_policies, enforce
from ._project import Project

Confirm = Callable[[Plan], Awaitable[bool]]


@dataclass(slots=True, repr=False)
class RunReport:
    """What a mutating command did."""

    deployment: str
    plan: Plan | None
    status: Literal[
        "succeeded",
        "failed",
        "rolled-back",
        "rollback-failed",
        "interrupted",
        "no-changes",
        "cancelled",
    ]
    result: ApplyResult | None = None
    recovered: list[Recovered] = field(default_factory=list)
    run_id: int | None = None
    version: int | None = None
    policies: PolicyReport | None = None
    """The policy results of the plan (None when nothing was to change)."""

    def __repr__(self) -> str:
        return f"RunReport(deployment={self.deployment!r}, status={self.status!r})"

    @property
    def ok(self) -> bool:
        return self.status in ("succeeded", "no-changes", "cancelled")


async def run_plan(
    project: Project,
    *,
    deployment: str,
    make: Callable[[], Awaitable[Plan]] | None = None,
    saved: Plan | None = None,
    confirm: Confirm | None = None,
    options: ExecOptions | None = None,
    on_event: EventSink | None = None,
    stop: StopSignal | None = None,
    intent: str = "",
    kind: Literal["apply", "destroy", "restore"] = "apply",
    operation: str = "up",
    on_policies: Callable[[PolicyReport], None] | None = None,
) -> RunReport:
    """Lock, recover, plan (or take a saved plan), check policies, confirm, execute, record.
    The one apply path.

    Raises:
        StateLocked: another run holds the deployment.
        StalePlan: ``saved`` was made against an older state.
        PolicyBlocked: a mandatory policy is violated (nothing changed; ``on_policies`` has
            seen the report first).
    """
    with Locked(project, deployment, operation):
        recovered = await settle(project, deployment)
        if saved is not None:
            record = project.state.deployment(deployment)
            saved.check_current(record.lineage if record else None, record.serial if record else 0)
            the_plan = saved
            kind = "destroy" if saved.mode == "destroy" else kind
        else:
            assert make is not None
            the_plan = await make()
        if not the_plan.has_changes:
            _record_outputs(project, deployment, the_plan)
            return RunReport(deployment, the_plan, "no-changes", recovered=recovered)
        policies = check_policies(project, the_plan)
        if on_policies is not None:
            on_policies(policies)
        enforce(policies, the_plan)
        if confirm is not None and not await confirm(the_plan):
            return RunReport(
                deployment, the_plan, "cancelled", recovered=recovered, policies=policies
            )
        types = {(s.server, s.type) for s in the_plan.steps}
        by_server: dict[str, set[str]] = {}
        for server, type_ in types:
            by_server.setdefault(server, set()).add(type_)
        for server in sorted(by_server):  # a server that cannot start fails the run here
            await project.providers.connect(server)
        schemas = await schemas_for(project, by_server)
        run_id = project.state.begin_run(
            deployment, kind=kind, intent=intent, plan=the_plan.to_dict()
        )
        project.state.add_event(
            deployment,
            f"{kind}.start",
            intent or kind,
            {"run": run_id, "summary": the_plan.summary()},
        )
        executor = Executor(
            the_plan,
            state=project.state,
            providers=project.providers,
            run_id=run_id,
            options=options,
            schemas=schemas,
            on_event=on_event,
            stop=stop,
            environ=project.environ,
        )
        try:
            result = await executor.run()
        except BaseException:
            project.state.finish_run(
                run_id, status="interrupted", summary={"note": "the run was cut short"}
            )
            raise
        if result.status in ("succeeded", "failed", "interrupted"):
            project.state.set_outputs(deployment, result.outputs)
        status_map: dict[str, RunStatus] = {
            "succeeded": "succeeded",
            "failed": "failed",
            "rolled-back": "rolled-back",
            "rollback-failed": "failed",
            "interrupted": "interrupted",
        }
        summary = {
            "plan": the_plan.summary(),
            "failed": result.failed,
            "skipped": result.skipped,
            "still_differs": result.still_differs,
        }
        run = project.state.finish_run(
            run_id,
            status=status_map[result.status],
            summary=summary,
        )
        project.state.add_event(
            deployment, f"{kind}.{result.status}", intent or kind, {"run": run_id, **summary}
        )
        return RunReport(
            deployment, the_plan, result.status, result, recovered, run_id, run.version, policies
        )


def _record_outputs(project: Project, deployment: str, plan: Plan) -> None:
    """Outputs can change without any resource changing (a new output, say): record them."""
    if plan.mode == "destroy":
        return
    values, _ = resolve_outputs(
        plan.outputs, project.state.resources(deployment), environ=project.environ
    )
    record = project.state.deployment(deployment)
    if record is not None and record.outputs != values:
        project.state.set_outputs(deployment, values)


async def up(
    project: Project,
    loaded: Loaded,
    *,
    targets: Sequence[str] = (),
    saved: Plan | None = None,
    confirm: Confirm | None = None,
    options: ExecOptions | None = None,
    on_event: EventSink | None = None,
    stop: StopSignal | None = None,
    intent: str = "",
    refresh: bool = False,
    on_policies: Callable[[PolicyReport], None] | None = None,
) -> RunReport:
    """Make the infrastructure match ``loaded`` (or apply exactly the ``saved`` plan).

    With ``refresh`` the recorded resources are read back and recorded first (a refresh run),
    so the plan also puts back what changed outside mcp-iac.
    """
    name = saved.deployment if saved is not None else loaded.spec.name

    async def make() -> Plan:
        if refresh and project.state.resources(name):
            await refresh_locked(project, name, intent="refresh before up")
        return await make_plan_for(project, loaded, deployment=name, targets=targets)

    return await run_plan(
        project,
        deployment=name,
        make=make,
        saved=saved,
        confirm=confirm,
        options=options,
        on_event=on_event,
        stop=stop,
        intent=intent,
        on_policies=on_policies,
    )


async def destroy(
    project: Project,
    deployment: str,
    *,
    targets: Sequence[str] = (),
    confirm: Confirm | None = None,
    options: ExecOptions | None = None,
    on_event: EventSink | None = None,
    stop: StopSignal | None = None,
    intent: str = "",
) -> RunReport:
    if project.state.deployment(deployment) is None:
        raise ConfigError(
            f"deployment '{deployment}' has no recorded state; nothing to destroy",
            hint="see mcp-iac state list",
        )

    async def make() -> Plan:
        return await make_plan_for(
            project, None, deployment=deployment, mode="destroy", targets=targets
        )

    return await run_plan(
        project,
        deployment=deployment,
        make=make,
        confirm=confirm,
        options=options or ExecOptions(on_failure="continue"),
        on_event=on_event,
        stop=stop,
        intent=intent,
        kind="destroy",
        operation="destroy",
    )


def _bound_from_records(
    deployment: str, records: dict[str, ResourceRecord], outputs: dict[str, Any]
) -> BoundDeployment:
    resources: dict[str, BoundResource] = {}
    for address, r in records.items():
        if "#" in address:
            continue
        spec = ResourceSpec(
            type=r.type,
            name=r.name,
            server=r.server,
            properties={},
            options=ResourceOptions(protect=r.protect),
        )
        resources[address] = BoundResource(
            spec=spec,
            address=address,
            urn=r.urn,
            template=_literal(r.properties),
            dependencies=tuple(d for d in r.dependencies if d in records),
        )
    return BoundDeployment(
        name=deployment, source=None, resources=resources, outputs=outputs, variables={}
    )


def _literal(value: Any) -> Any:
    """Recorded values as a template: literal text, so nothing in them is read as a reference."""
    if isinstance(value, str):
        return escape_literal(value)
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value


def _restore_target(
    project: Project, deployment: str, *, version: int | None, at: str | None
) -> tuple[Snapshot, BoundDeployment]:
    if (version is None) == (at is None):
        raise ConfigError("give exactly one of --version N or --at TIME")
    snap = project.state.snapshot(deployment, version=version, at=at)
    if snap is None:
        what = f"version {version}" if version is not None else f"time {at}"
        raise ConfigError(
            f"deployment '{deployment}' has no recorded {what}",
            hint=f"see mcp-iac state history {deployment}",
        )
    producer = next((r for r in project.state.runs(deployment) if r.id == snap.run_id), None)
    templates = dict((producer.plan or {}).get("outputs") or {}) if producer else {}
    return snap, _bound_from_records(deployment, snap.resources, templates)


async def _plan_back(
    project: Project, deployment: str, snap: Snapshot, bound: BoundDeployment
) -> Plan:
    record = project.state.deployment(deployment)
    recorded = project.state.resources(deployment)
    by_server: dict[str, set[str]] = {}
    for r in [*snap.resources.values(), *recorded.values()]:
        by_server.setdefault(r.server, set()).add(r.type)
    schemas = await schemas_for(project, by_server)
    return make_plan(
        bound,
        recorded,
        deployment=deployment,
        schemas=schemas,
        lineage=record.lineage if record else None,
        serial=record.serial if record else 0,
        mode="restore",
        environ=project.environ,
    )


async def plan_restore(
    project: Project, deployment: str, *, version: int | None = None, at: str | None = None
) -> Plan:
    """The plan back to a past version (or time) from the run history; changes nothing.
    Apply it with ``run_plan(saved=..., kind="restore")`` (the MCP server asks first).

    Raises:
        ConfigError: not exactly one of ``version`` and ``at``, or nothing recorded then.
    """
    snap, bound = _restore_target(project, deployment, version=version, at=at)
    return await _plan_back(project, deployment, snap, bound)


async def restore(
    project: Project,
    deployment: str,
    *,
    version: int | None = None,
    at: str | None = None,
    confirm: Confirm | None = None,
    options: ExecOptions | None = None,
    on_event: EventSink | None = None,
    stop: StopSignal | None = None,
    intent: str = "",
) -> RunReport:
    """Plan the way back to a past version (or time) from the run history, then apply it."""
    snap, bound = _restore_target(project, deployment, version=version, at=at)

    async def make() -> Plan:
        return await _plan_back(project, deployment, snap, bound)

    return await run_plan(
        project,
        deployment=deployment,
        make=make,
        confirm=confirm,
        options=options,
        on_event=on_event,
        stop=stop,
        intent=intent or f"restore to version {snap.version}",
        kind="restore",
        operation="restore",
    )


def unlock(project: Project, deployment: str) -> LockInfo | None:
    if project.state.deployment(deployment) is None:
        raise StateError(f"deployment '{deployment}' has no recorded state")
    return project.state.force_unlock(deployment)
