"""The tools that change infrastructure: ``apply``, ``destroy``, ``restore``.

Each resolves the plan to change (the stored plan of a ``plan_id``, or a destroy or restore plan
made now) and asks the person to approve it, as ``Resolve(...)`` dependencies; the body runs
only what was approved, with a progress notification per step.
"""

# No `from __future__ import annotations`: the SDK reads `Annotated[..., Resolve(...)]` from
# the signatures at registration, and resolvers are looked up by the objects named there.

import math
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from mcp_iac.app import RunReport
from mcp_iac.core import IacError, redact
from mcp_iac.engine import ExecEvent, Plan

from ._approval import Approval, CannotAsk, Decision, ask, decide
from ._audit import note
from ._context import orchestrator
from ._orchestrator import Orchestrator
from ._plans import PlanKind, StoredPlan
from ._results import ApplyResult, StepOutcome
from ._review import fingerprint
from ._scopes import caller

DeploymentArg = Annotated[str, Field(description="The deployment's name (see list_deployments).")]


def _ask(
    the_plan: Plan, ctx: Context, what: str, policies: dict[str, Any] | None
) -> Elicit[Approval] | Decision | CannotAsk:
    note(the_plan.deployment, fingerprint=fingerprint(the_plan))
    if policies is not None and not policies["passed"]:
        return Decision("blocked")  # refused in the tool body, nothing to ask
    orch = orchestrator(ctx)
    return ask(the_plan, ctx, auto_approve=orch.auto_approve, what=what, policies=policies)


async def _stored(plan_id: str, ctx: Context) -> StoredPlan:
    try:
        return orchestrator(ctx).book.get(plan_id)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_stored(
    stored: Annotated[StoredPlan, Resolve(_stored)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(stored.plan, ctx, f"Apply plan {stored.id} to", stored.policies)


async def _destroy_plan(deployment: str, ctx: Context) -> Plan:
    try:
        return await orchestrator(ctx).destroy_plan(deployment)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_destroy(
    the_plan: Annotated[Plan, Resolve(_destroy_plan)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(the_plan, ctx, "DESTROY", orchestrator(ctx).policies(the_plan))


async def _restore_plan(
    deployment: str, ctx: Context, at: str | None = None, version: int | None = None
) -> Plan:
    try:
        return await orchestrator(ctx).restore_plan(deployment, at=at, version=version)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_restore(
    the_plan: Annotated[Plan, Resolve(_restore_plan)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(the_plan, ctx, "Restore", orchestrator(ctx).policies(the_plan))


def _progress_line(event: ExecEvent) -> str | None:
    a, verb = event.address, event.action
    return {
        "start": f"{a}: {verb}…",
        "done": f"{a}: {verb} done",
        "unchanged": f"{a}: nothing to change",
        "failed": f"{a}: {verb} failed: {event.message}",
        "skipped": f"{a}: skipped (a dependency failed)",
        "retry": f"{a}: retrying {verb}: {event.message}",
        "rollback": "rolling back completed steps",
        "undo-done": f"{a}: undid {verb}",
        "undo-failed": f"{a}: could not undo {verb}: {event.message}",
    }.get(event.kind)


async def _run_with_progress(
    ctx: Context, orch: Orchestrator, the_plan: Plan, *, kind: PlanKind, intent: str
) -> RunReport:
    """Apply with a progress notification per step. Once approved, the run is shielded from
    the request's cancellation: it finishes (or rolls back) even if the client goes away."""
    total = sum(1 for s in the_plan.steps if s.action not in ("no-op", "read"))
    send, receive = anyio.create_memory_object_stream[ExecEvent](max_buffer_size=math.inf)
    finished = 0

    async def forward() -> None:
        nonlocal finished
        reporting = True
        async with receive:
            async for event in receive:
                if event.kind in ("done", "failed", "skipped", "unchanged"):
                    finished += 1
                line = _progress_line(event)
                if line is None or not reporting:
                    continue
                try:
                    await ctx.report_progress(finished, total, line)
                except Exception:  # the client went away: progress is best effort, the run is not
                    reporting = False

    report: RunReport | None = None
    failure: IacError | None = None
    with anyio.CancelScope(shield=True):
        async with anyio.create_task_group() as tg:
            tg.start_soon(forward)
            with send:
                try:
                    report = await orch.execute(
                        the_plan, kind=kind, intent=intent, on_event=send.send_nowait
                    )
                except IacError as exc:  # raised here, not wrapped in the task group's group
                    failure = exc
    if failure is not None:
        raise failure
    assert report is not None
    return report


def _apply_result(
    report: RunReport, decision: Decision, plan_id: str | None, verb: str
) -> ApplyResult:
    result = report.result
    messages = {
        "succeeded": f"{verb} complete (state version {report.version}).",
        "no-changes": "No changes: the infrastructure already matches.",
        "failed": f"{verb} failed; see the steps.",
        "rolled-back": f"{verb} failed and every completed change was rolled back.",
        "rollback-failed": f"{verb} failed and the rollback did not finish: see still_differs.",
        "interrupted": f"{verb} was interrupted; the next run reconciles what was in flight.",
        "cancelled": "Cancelled; nothing was changed.",
    }
    return ApplyResult(
        deployment=report.deployment,
        status=report.status,
        plan_id=plan_id,
        approved_by=decision.by if report.status != "no-changes" else None,
        summary=report.plan.summary() if report.plan else {},
        run=report.run_id,
        version=report.version,
        steps=[
            StepOutcome(address=o.address, action=o.action, status=o.status, error=o.error)
            for o in (result.outcomes.values() if result else [])
        ],
        rollback=[
            StepOutcome(address=o.address, action=o.action, status=o.status, error=o.error)
            for o in (result.undo.values() if result else [])
        ],
        still_differs=list(result.still_differs) if result else [],
        outputs=redact(result.outputs) if result else {},
        message=messages[report.status],
    )


def _not_applied(the_plan: Plan, decision: Decision, plan_id: str | None) -> ApplyResult:
    status = "declined" if decision.verdict == "declined" else "cancelled"
    return ApplyResult(
        deployment=the_plan.deployment,
        status=status,
        plan_id=plan_id,
        summary=the_plan.summary(),
        message=f"The person {status} the change; nothing was changed.",
    )


async def _change(
    ctx: Context,
    the_plan: Plan,
    outcome: Any,
    *,
    kind: PlanKind,
    plan_id: str | None,
    verb: str,
    intent: str,
) -> ApplyResult:
    decision = decide(outcome)
    note(the_plan.deployment, decision=decision.verdict, approved_by=decision.by)
    if decision.verdict == "blocked":
        raise ToolError(
            f"a mandatory policy fails on this {kind} plan of '{the_plan.deployment}'; nothing "
            "was changed. See the policy results (plan tool), fix the deployment and plan again"
        )
    if decision.verdict in ("declined", "cancelled"):
        return _not_applied(the_plan, decision, plan_id)
    orch = orchestrator(ctx)
    if plan_id is not None:
        orch.book.discard(plan_id)  # a plan id is applied once, approved or not, run or stale
    try:
        report = await _run_with_progress(ctx, orch, the_plan, kind=kind, intent=intent)
    except IacError as exc:
        raise ToolError(str(exc)) from exc
    note(status=report.status, run=report.run_id, version=report.version)
    return _apply_result(report, decision, plan_id, verb)


async def apply(
    plan_id: Annotated[str, Field(description="The plan_id the plan tool returned.")],
    ctx: Context,
    stored: Annotated[StoredPlan, Resolve(_stored)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_stored)],
) -> ApplyResult:
    """Apply a plan made by the plan tool, exactly as planned. The person is asked to approve
    it first (the client shows the plan); nothing changes unless they accept. A plan is applied
    at most once, and only if the state has not changed since it was planned."""
    return await _change(
        ctx,
        stored.plan,
        approval,
        kind=stored.kind,
        plan_id=plan_id,
        verb="Apply",
        intent=f"mcp apply {plan_id} by {caller()}",
    )


async def destroy(
    deployment: DeploymentArg,
    ctx: Context,
    the_plan: Annotated[Plan, Resolve(_destroy_plan)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_destroy)],
) -> ApplyResult:
    """Delete every resource of a deployment (dependents first). The person is asked to
    approve the destroy plan first; nothing changes unless they accept."""
    return await _change(
        ctx,
        the_plan,
        approval,
        kind="destroy",
        plan_id=None,
        verb="Destroy",
        intent=f"mcp destroy {deployment} by {caller()}",
    )


async def restore(
    deployment: DeploymentArg,
    *,
    ctx: Context,
    the_plan: Annotated[Plan, Resolve(_restore_plan)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_restore)],
    at: Annotated[
        str | None,
        Field(description="A time, ISO 8601 (2026-11-17, 2026-11-17T18:00Z): the state then."),
    ] = None,
    version: Annotated[int | None, Field(description="A version number from history.")] = None,
) -> ApplyResult:
    """Go back to a deployment's state at a past time or version (from its history): plans
    the way back, asks the person to approve it, then applies it. Give exactly one of at and
    version."""
    return await _change(
        ctx,
        the_plan,
        approval,
        kind="restore",
        plan_id=None,
        verb="Restore",
        intent=f"mcp restore {deployment} to {at or f'version {version}'} by {caller()}",
    )
